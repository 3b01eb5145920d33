using System.Diagnostics;
using Infra.Tests.Runtime;
using Xunit.Abstractions;

namespace Infra.Tests.Kubernetes.Runtime;

/// <summary>
/// Issue 10: the pods of each seed system's kubernetes program start under their restricted security context. No API
/// server here, so <see cref="PodRunner"/> runs every pod template's containers on the local Docker engine with the
/// runtime tier's look-alike images (tests/Runtime/LocalImages.cs; run scripts/runtime-images.sh first) and polls the
/// readiness probes within their budget. Helm releases and ConfigGroups (cluster add-ons) are listed as not run.
/// </summary>
[Trait("Category", RuntimeCollection.Category)]
public abstract class KubernetesPodRuntimeTests(ITestOutputHelper output)
{
    protected void EveryPodBecomesReady(string system, string env)
    {
        var clock = Stopwatch.StartNew();
        using var runner = new PodRunner(system, env, K8s.Program(system, env));
        try
        {
            Assert.NotEmpty(runner.Pods);
            var failures = runner.StartAllAndWait();
            Assert.True(failures.Count == 0, $"{system}/{env} on kubernetes: {failures.Count} of {runner.Pods.Count} pods not ready:\n" + string.Join("\n\n", failures));
            var mismatches = runner.SecurityContextMismatches();
            Assert.True(mismatches.Count == 0, "the harness did not apply the security context:\n" + string.Join("\n", mismatches));
            var db = runner.DatabaseChecks();
            Assert.True(db.Count == 0, string.Join("\n", db));
            var unreachable = runner.UnreachableServices();
            Assert.True(unreachable.Count == 0, "Services not reachable by name:\n" + string.Join("\n", unreachable));
        }
        finally
        {
            output.WriteLine($"{system}/{env}: {runner.Pods.Count} pods, {runner.Pods.Count(p => p.ReadyAfter is not null)} ready, {clock.Elapsed.TotalSeconds:0}s");
            output.WriteLine(runner.Log);
            output.WriteLine("not run (cluster add-ons / not long-running pods):\n  " + string.Join("\n  ", runner.NotRun));
        }
    }
}

[Collection("runtime k8s pliers")]
public sealed class PliersKubernetesPodRuntimeTests(ITestOutputHelper output) : KubernetesPodRuntimeTests(output)
{
    [Theory, InlineData("dev"), InlineData("staging")]
    public void Every_pod_becomes_ready(string env) => EveryPodBecomesReady("pliers", env);
}

[Collection("runtime k8s pinai")]
public sealed class PinaiKubernetesPodRuntimeTests(ITestOutputHelper output) : KubernetesPodRuntimeTests(output)
{
    [Theory, InlineData("dev"), InlineData("staging")]
    public void Every_pod_becomes_ready(string env) => EveryPodBecomesReady("pinai", env);
}

[Collection("runtime k8s consensusnet")]
public sealed class ConsensusNetKubernetesPodRuntimeTests(ITestOutputHelper output) : KubernetesPodRuntimeTests(output)
{
    [Theory, InlineData("dev"), InlineData("staging")]
    public void Every_pod_becomes_ready(string env) => EveryPodBecomesReady("consensusnet", env);
}

[Collection("runtime k8s vru")]
public sealed class VruKubernetesPodRuntimeTests(ITestOutputHelper output) : KubernetesPodRuntimeTests(output)
{
    [Theory, InlineData("dev"), InlineData("staging")]
    public void Every_pod_becomes_ready(string env) => EveryPodBecomesReady("vru", env);
}

[Collection("runtime k8s normaldance")]
public sealed class NormalDanceKubernetesPodRuntimeTests(ITestOutputHelper output) : KubernetesPodRuntimeTests(output)
{
    [Theory, InlineData("dev"), InlineData("staging")]
    public void Every_pod_becomes_ready(string env) => EveryPodBecomesReady("normaldance", env);
}
