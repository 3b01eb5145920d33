using Infra.Components.Core;
using Infra.Providers.Kubernetes.Meta.V1;
using Infra.Providers.Kubernetes.Networking.V1;

namespace Infra.Components.Kubernetes;

/// <summary>A set of pods a policy can name: its namespace, the labels that select it, the ports it listens on.</summary>
public sealed record KubeEndpoint(string Name, string Namespace, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<int> Ports)
{
    /// <summary>May open connections to the internet (not to private ranges, so never to another pod).</summary>
    public bool InternetEgress { get; init; }
    /// <summary>Ports anyone may reach (the ingress controller's entry points).</summary>
    public IReadOnlyList<int> PublicPorts { get; init; } = [];
    /// <summary>
    /// Outside the cluster (a managed database or cache): reached at these address blocks, named by no pod labels and
    /// given no ingress policy of its own (its security group admits the cluster nodes).
    /// </summary>
    public IReadOnlyList<string> Cidrs { get; init; } = [];
}

/// <summary><paramref name="From"/> may connect to <paramref name="To"/> on <paramref name="Port"/>.</summary>
public sealed record KubeEdge(string From, string To, int Port);

public sealed record KubeNetworkArgs
{
    public required string System { get; init; }
    /// <summary>Namespaces that get a default deny (ingress and egress) and DNS egress.</summary>
    public required IReadOnlyList<string> Namespaces { get; init; }
    /// <summary>Add-on namespaces (Helm charts): pods talk among themselves and reach the cluster API and the internet on 443/6443, plus the given extra egress ports.</summary>
    public IReadOnlyList<(string Namespace, IReadOnlyList<int> EgressPorts, IReadOnlyList<int> IngressPorts)> AddOnNamespaces { get; init; } = [];
    public required IReadOnlyList<KubeEndpoint> Endpoints { get; init; }
    public required IReadOnlyList<KubeEdge> Edges { get; init; }
}

/// <summary>
/// NetworkPolicies: default deny per namespace, DNS egress, then exactly one ingress rule on the receiver and one egress
/// rule on the sender per allowed edge. An edge naming a workload that does not exist is an error.
/// </summary>
public sealed class KubeNetworkPolicies : Construct
{
    public const string NamespaceLabel = "kubernetes.io/metadata.name";
    public static readonly string[] PrivateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

    public KubeNetworkPolicies(Construct parent, string name, KubeNetworkArgs args) : base(parent, name)
    {
        var byName = new Dictionary<string, KubeEndpoint>(StringComparer.Ordinal);
        foreach (var e in args.Endpoints)
            if (!byName.TryAdd(e.Name, e))
                throw new SynthesisException($"network policy endpoint '{e.Name}' is declared twice");
        foreach (var edge in args.Edges)
        {
            foreach (var end in new[] { edge.From, edge.To })
                if (!byName.ContainsKey(end))
                    throw new InputException("network policies", $"edge {edge.From} -> {edge.To}", end,
                        $"no such workload; workloads: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))}");
            if (!byName[edge.To].Ports.Contains(edge.Port))
                throw new InputException("network policies", $"edge {edge.From} -> {edge.To}", edge.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"'{edge.To}' does not listen on this port; it listens on: {string.Join(", ", byName[edge.To].Ports)}");
        }
        var labels = KubeDefaults.Labels(args.System, name, "network-policy");

        foreach (var ns in args.Namespaces)
        {
            Add($"{ns}-default-deny", new NetworkPolicy
            {
                Metadata = KubeDefaults.Meta("default-deny", ns, labels),
                Spec = new NetworkPolicySpec { PodSelector = new LabelSelector(), PolicyTypes = ["Ingress", "Egress"] },
            });
            Add($"{ns}-allow-dns", new NetworkPolicy
            {
                Metadata = KubeDefaults.Meta("allow-dns", ns, labels),
                Spec = new NetworkPolicySpec
                {
                    PodSelector = new LabelSelector(),
                    PolicyTypes = ["Egress"],
                    Egress =
                    [
                        new NetworkPolicyEgressRule
                        {
                            To = [new NetworkPolicyPeer
                            {
                                NamespaceSelector = Match(NamespaceLabel, "kube-system"),
                                PodSelector = Match("k8s-app", "kube-dns"),
                            }],
                            Ports = [new NetworkPolicyPort { Protocol = "UDP", Port = 53 }, new NetworkPolicyPort { Protocol = "TCP", Port = 53 }],
                        },
                    ],
                },
            });
        }

        foreach (var (ns, egressPorts, ingressPorts) in args.AddOnNamespaces)
        {
            var egress = new List<NetworkPolicyEgressRule>
            {
                new() { To = [new NetworkPolicyPeer { PodSelector = new LabelSelector() }] },
                new() { To = [new NetworkPolicyPeer { IpBlock = new IPBlock { Cidr = "0.0.0.0/0" } }], Ports = [.. new[] { 443, 6443 }.Concat(egressPorts).Distinct().Select(Tcp)] },
            };
            var ingress = new List<NetworkPolicyIngressRule> { new() { From = [new NetworkPolicyPeer { PodSelector = new LabelSelector() }] } };
            if (ingressPorts.Count > 0)
                ingress.Add(new NetworkPolicyIngressRule { From = [new NetworkPolicyPeer { IpBlock = new IPBlock { Cidr = "0.0.0.0/0" } }], Ports = [.. ingressPorts.Select(Tcp)] });
            Add($"{ns}-add-ons", new NetworkPolicy
            {
                Metadata = KubeDefaults.Meta("allow-add-ons", ns, labels),
                Spec = new NetworkPolicySpec { PodSelector = new LabelSelector(), PolicyTypes = ["Ingress", "Egress"], Ingress = ingress, Egress = egress },
            });
        }

        foreach (var e in args.Endpoints)
        {
            var incoming = args.Edges.Where(x => x.To == e.Name).ToList();
            var outgoing = args.Edges.Where(x => x.From == e.Name).ToList();
            if ((incoming.Count > 0 || e.PublicPorts.Count > 0) && e.Cidrs.Count == 0)
            {
                var rules = incoming.GroupBy(x => x.From).Select(g => new NetworkPolicyIngressRule
                {
                    From = [Peer(byName[g.Key], e.Namespace)],
                    Ports = [.. g.Select(x => x.Port).Distinct().Select(Tcp)],
                }).ToList();
                if (e.PublicPorts.Count > 0)
                    rules.Add(new NetworkPolicyIngressRule { From = [new NetworkPolicyPeer { IpBlock = new IPBlock { Cidr = "0.0.0.0/0" } }], Ports = [.. e.PublicPorts.Select(Tcp)] });
                Add($"{e.Name}-ingress", new NetworkPolicy
                {
                    Metadata = KubeDefaults.Meta($"{e.Name}-ingress", e.Namespace, labels),
                    Spec = new NetworkPolicySpec { PodSelector = Select(e.Labels), PolicyTypes = ["Ingress"], Ingress = rules },
                });
            }
            if (outgoing.Count > 0 || e.InternetEgress)
            {
                var rules = outgoing.GroupBy(x => x.To).Select(g => new NetworkPolicyEgressRule
                {
                    To = Peers(byName[g.Key], e.Namespace),
                    Ports = [.. g.Select(x => x.Port).Distinct().Select(Tcp)],
                }).ToList();
                if (e.InternetEgress)
                    rules.Add(new NetworkPolicyEgressRule { To = [new NetworkPolicyPeer { IpBlock = new IPBlock { Cidr = "0.0.0.0/0", Except = [.. PrivateRanges.Select(r => (Input<string>)r)] } }] });
                Add($"{e.Name}-egress", new NetworkPolicy
                {
                    Metadata = KubeDefaults.Meta($"{e.Name}-egress", e.Namespace, labels),
                    Spec = new NetworkPolicySpec { PodSelector = Select(e.Labels), PolicyTypes = ["Egress"], Egress = rules },
                });
            }
        }
    }

    public override string Kind => "Network policies";

    private static NetworkPolicyPort Tcp(int port) => new() { Protocol = "TCP", Port = port };

    private static LabelSelector Match(string key, string value) => new() { MatchLabels = new Dictionary<string, Input<string>> { [key] = value } };

    private static LabelSelector Select(IReadOnlyDictionary<string, string> labels) =>
        new() { MatchLabels = labels.ToDictionary(l => l.Key, l => (Input<string>)l.Value) };

    private static IReadOnlyList<NetworkPolicyPeer> Peers(KubeEndpoint other, string policyNamespace) =>
        other.Cidrs.Count > 0 ? [.. other.Cidrs.Select(c => new NetworkPolicyPeer { IpBlock = new IPBlock { Cidr = c } })] : [Peer(other, policyNamespace)];

    /// <summary>A peer in the policy's own namespace is named by pod labels; elsewhere also by the namespace's name label.</summary>
    private static NetworkPolicyPeer Peer(KubeEndpoint other, string policyNamespace) => new()
    {
        NamespaceSelector = other.Namespace == policyNamespace ? null : Match(NamespaceLabel, other.Namespace),
        PodSelector = Select(other.Labels),
    };
}
