using Infra.Tests.Programs;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Kubernetes;

/// <summary>
/// Custom resources travel as ConfigGroup objects (the schema types `objs` as Any, so the schema validator cannot see into
/// them): each is a known CRD kind of a chart this program installs, named, scoped right, and created after that chart.
/// </summary>
public class CustomResourceTests
{
    /// <summary>Known kinds: apiVersion, whether namespaced, and the chart that installs the CRD.</summary>
    private static readonly Dictionary<string, (string ApiVersion, bool Namespaced, string Chart)> Known = new()
    {
        ["ClusterIssuer"] = ("cert-manager.io/v1", false, "cert-manager"),
        ["PrometheusRule"] = ("monitoring.coreos.com/v1", true, "kube-prometheus-stack"),
        ["ServiceMonitor"] = ("monitoring.coreos.com/v1", true, "kube-prometheus-stack"),
        ["IngressRoute"] = ("traefik.io/v1alpha1", true, "traefik"),
    };

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Every_custom_resource_is_a_known_crd_kind_created_after_its_chart(string system, string env)
    {
        var model = new ProgramModel(K8s.Program(system, env));
        var releases = model.OfType("kubernetes:helm.sh/v3:Release").ToDictionary(r => ProgramModel.Str(r.Props, "chart")!, r => "${" + r.Name + "}");
        foreach (var group in model.OfType("kubernetes:yaml/v2:ConfigGroup"))
        {
            var deps = (ProgramModel.Get(group.Options, "dependsOn") as YamlSequenceNode)?.Children.Select(c => c.ToString()).ToList() ?? [];
            foreach (var o in ProgramModel.Maps(group.Props, "objs"))
            {
                var kind = ProgramModel.Str(o, "kind")!;
                Assert.True(Known.TryGetValue(kind, out var k), $"{group.Name}: unknown custom resource kind {kind}");
                Assert.Equal(k.ApiVersion, ProgramModel.Str(o, "apiVersion"));
                Assert.False(string.IsNullOrEmpty(ProgramModel.Str(o, "metadata.name")));
                Assert.Equal(k.Namespaced, ProgramModel.Str(o, "metadata.namespace") is not null);
                Assert.True(releases.TryGetValue(k.Chart, out var release) && deps.Contains(release),
                    $"{group.Name}: {kind} must be created after the {k.Chart} chart that installs its CRD");
            }
        }
    }
}
