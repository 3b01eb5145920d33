using Infra.Stacks.Systems;
using Infra.Tests.Programs;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Kubernetes;

/// <summary>
/// Pod-to-pod reachability computed from the generated NetworkPolicies (Kubernetes semantics: a pod selected by a
/// policy of a type is isolated for that direction; a connection needs the sender's egress and the receiver's ingress)
/// equals exactly the edges the system definition implies: references, proxy routes, metrics scraping, the backup
/// job, database replication, and cert-manager's HTTP-01 solver behind Traefik. No more, no fewer.
/// </summary>
public class NetworkReachabilityTests
{
    /// <summary>Pods of the Helm add-ons: their namespace lets them talk among themselves (replicas, operator), which is not an edge of the system.</summary>
    private static readonly string[] AddOns = ["traefik", "prometheus"];

    private sealed record Pod(string Name, string Namespace, Dictionary<string, string> Labels, IReadOnlyList<int> Ports);

    private sealed record Policy(string Namespace, YamlNode? PodSelector, bool Ingress, bool Egress, List<YamlMappingNode> IngressRules, List<YamlMappingNode> EgressRules);

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Reachability_equals_the_edges_references_imply(string system, string env)
    {
        var model = new ProgramModel(K8s.Program(system, env));
        var pods = Pods(model, env);
        var policies = Policies(model);
        var actual = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var src in pods)
            foreach (var dst in pods)
                foreach (var port in dst.Ports.Where(_ => !(ReferenceEquals(src, dst) && AddOns.Contains(src.Name))))
                    if (Allowed(policies, src, dst, port, ingress: true) && Allowed(policies, src, dst, port, ingress: false))
                        actual.Add($"{src.Name} -> {dst.Name}:{port}");
        var expected = Expected(system, env);
        Assert.True(expected.SetEquals(actual),
            $"missing: {string.Join(", ", expected.Except(actual))}; extra: {string.Join(", ", actual.Except(expected))}");
    }

    [Fact]
    public void Default_deny_and_dns_in_every_namespace_the_program_creates()
    {
        var model = new ProgramModel(K8s.Program("normaldance", "prod"));
        var namespaces = model.OfType("kubernetes:core/v1:Namespace").Select(n => ProgramModel.Str(n.Props, "metadata.name")!).ToList();
        Assert.Equal(["production", "database", "monitoring", "networking"], namespaces);
        foreach (var ns in namespaces)
        {
            var inNs = model.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy").Where(p => ProgramModel.Str(p.Props, "metadata.namespace") == ns).ToList();
            Assert.Contains(inNs, p => ProgramModel.Str(p.Props, "metadata.name") == "default-deny");
            Assert.Contains(inNs, p => ProgramModel.Str(p.Props, "metadata.name") == "allow-dns");
        }
    }

    private static SortedSet<string> Expected(string system, string env)
    {
        var def = SystemCatalog.Find(system)!;
        int Port(string name) => def.Database?.Name == name ? 5432 : def.Cache?.Name == name ? 6379 : def.FindService(name)!.PrimaryPort!.ContainerPort;
        var e = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var s in def.Services)
            foreach (var r in s.References) e.Add($"{s.Name} -> {r}:{Port(r)}");
        if (def.Proxy is { } p)
        {
            foreach (var r in p.Routes) e.Add($"traefik -> {r.Service}:{Port(r.Service)}");
            if (env != "dev") e.Add("traefik -> acme-http01-solver:8089");
        }
        if (def.Monitoring is not null)
            foreach (var s in def.Services.Where(s => s.MetricsPath is not null && s.PrimaryPort is not null)) e.Add($"prometheus -> {s.Name}:{s.PrimaryPort!.ContainerPort}");
        if (def.Database is { } db && env != "dev") e.Add($"backup -> {db.Name}:5432");
        if (env == "prod")
        {
            if (def.Database is { } d) e.Add($"{d.Name} -> {d.Name}:5432");
            if (def.Cache is { } c) e.Add($"{c.Name} -> {c.Name}:6379");
        }
        return e;
    }

    private static List<Pod> Pods(ProgramModel model, string env)
    {
        var pods = new Dictionary<string, Pod>(StringComparer.Ordinal);
        foreach (var (_, ns, template) in model.PodTemplates())
        {
            var labels = ProgramModel.Labels(template, "metadata.labels");
            var name = labels["app.kubernetes.io/name"];
            var ports = ProgramModel.Maps(template, "spec.containers")
                .SelectMany(c => ProgramModel.Maps(c, "ports")).Select(p => int.Parse(ProgramModel.Str(p, "containerPort")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            pods.TryAdd(name, new Pod(name, ns, labels, ports));
        }
        // Pods the Helm charts run, as their charts label them.
        if (model.Resources.Any(r => r.Type == "kubernetes:core/v1:Namespace" && ProgramModel.Str(r.Props, "metadata.name") == "networking"))
            pods.TryAdd("traefik", new Pod("traefik", "networking", new() { ["app.kubernetes.io/name"] = "traefik" }, [8000, 8443]));
        if (model.Resources.Any(r => r.Type == "kubernetes:core/v1:Namespace" && ProgramModel.Str(r.Props, "metadata.name") == "monitoring"))
            pods.TryAdd("prometheus", new Pod("prometheus", "monitoring", new() { ["app.kubernetes.io/name"] = "prometheus" }, [9090]));
        if (env != "dev")
            pods.TryAdd("acme-http01-solver", new Pod("acme-http01-solver", model.Resources.Where(r => r.Type == "kubernetes:core/v1:Namespace").Select(r => ProgramModel.Str(r.Props, "metadata.name")!).First(),
                new() { ["acme.cert-manager.io/http01-solver"] = "true" }, [8089]));
        return [.. pods.Values];
    }

    private static List<Policy> Policies(ProgramModel model) =>
    [
        .. model.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy").Select(p =>
        {
            var types = (ProgramModel.Get(p.Props, "spec.policyTypes") as YamlSequenceNode)?.Children.Select(t => ((YamlScalarNode)t).Value).ToList() ?? [];
            return new Policy(ProgramModel.Str(p.Props, "metadata.namespace")!, ProgramModel.Get(p.Props, "spec.podSelector"),
                types.Contains("Ingress"), types.Contains("Egress"),
                [.. ProgramModel.Maps(p.Props, "spec.ingress")], [.. ProgramModel.Maps(p.Props, "spec.egress")]);
        }),
    ];

    private static bool Allowed(List<Policy> policies, Pod src, Pod dst, int port, bool ingress)
    {
        var subject = ingress ? dst : src;
        var other = ingress ? src : dst;
        var selecting = policies.Where(p => p.Namespace == subject.Namespace && (ingress ? p.Ingress : p.Egress) && Matches(p.PodSelector, subject.Labels)).ToList();
        if (selecting.Count == 0) return true; // not isolated in this direction
        foreach (var p in selecting)
            foreach (var rule in ingress ? p.IngressRules : p.EgressRules)
            {
                var peers = ProgramModel.Maps(rule, ingress ? "from" : "to").ToList();
                var ports = ProgramModel.Maps(rule, "ports").ToList();
                var portOk = ports.Count == 0 || ports.Any(x => (ProgramModel.Str(x, "protocol") ?? "TCP") == "TCP" && ProgramModel.Str(x, "port") == port.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var peerOk = peers.Count == 0 || peers.Any(peer => PeerMatches(peer, p.Namespace, other));
                if (portOk && peerOk) return true;
            }
        return false;
    }

    private static bool PeerMatches(YamlMappingNode peer, string policyNamespace, Pod pod)
    {
        if (ProgramModel.Get(peer, "ipBlock") is { } block)
            // Pods have private addresses: only a block without exceptions for them (0.0.0.0/0 alone) contains a pod.
            return ProgramModel.Str(block, "cidr") == "0.0.0.0/0" && ProgramModel.Get(block, "except") is null;
        var nsSelector = ProgramModel.Get(peer, "namespaceSelector");
        var nsOk = nsSelector is null ? pod.Namespace == policyNamespace : Matches(nsSelector, new() { ["kubernetes.io/metadata.name"] = pod.Namespace });
        var podSelector = ProgramModel.Get(peer, "podSelector");
        return nsOk && (podSelector is null || Matches(podSelector, pod.Labels));
    }

    private static bool Matches(YamlNode? selector, Dictionary<string, string> labels)
    {
        if (selector is not YamlMappingNode m) return selector is null;
        var match = ProgramModel.Labels(m, "matchLabels");
        if (ProgramModel.Get(m, "matchExpressions") is not null) throw new NotSupportedException("matchExpressions are not used by the generator");
        return match.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }
}
