using Infra.Tests.Programs;

namespace Infra.Tests.Kubernetes;

/// <summary>Synthesis of the seed systems on the kubernetes target (flags, so no stack file: the kubeconfig secret is the engine's).</summary>
public static class K8s
{
    public const string Host = "app.example.com";
    public const string Email = "ops@example.com";

    public static string[] Args(string system, string env, params string[] extra) =>
        [.. Synth.Args(system, env), "--target", "kubernetes", "--host", Host, "--acme-email", Email, .. extra];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), string> Cache = new();

    public static string Program(string system, string env) => Cache.GetOrAdd((system, env), k =>
    {
        var r = Synth.Cli(Args(k.Item1, k.Item2));
        Assert.True(r.Exit == 0, $"synth {k.Item1}/{k.Item2} on kubernetes failed: {r.Stderr}");
        return r.Stdout;
    });
}
