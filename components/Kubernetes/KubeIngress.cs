using Infra.Components.Core;
using Infra.Providers.Kubernetes.Networking.V1;

namespace Infra.Components.Kubernetes;

/// <summary>A public path: prefix, the Service and port behind it; a canary splits it between two Services by weight.</summary>
public sealed record KubeRoute(string PathPrefix, string Service, int Port)
{
    /// <summary>Canary: (stable Service, canary Service, canary weight in percent).</summary>
    public (string Stable, string Canary, int Weight)? Canary { get; init; }
}

public sealed record KubeIngressArgs
{
    public required string System { get; init; }
    public required string Namespace { get; init; }
    /// <summary>The public host name (null: any host, dev without TLS only).</summary>
    public string? Host { get; init; }
    /// <summary>The cert-manager ClusterIssuer that signs the certificate (null: no TLS).</summary>
    public string? ClusterIssuer { get; init; }
    public required IReadOnlyList<KubeRoute> Routes { get; init; }
    public IReadOnlyList<Resource> DependsOn { get; init; } = [];
}

/// <summary>
/// Public entry through Traefik: a networking.k8s.io Ingress (class traefik) for plain routes, and a Traefik IngressRoute with
/// weighted services for each canary route; TLS from cert-manager when an issuer is given.
/// </summary>
public sealed class KubeIngress : Construct
{
    public KubeIngress(Construct parent, string name, KubeIngressArgs args) : base(parent, name)
    {
        if (args.ClusterIssuer is not null && args.Host is null)
            throw new SynthesisException($"'{Path}': TLS needs a host name");
        var labels = KubeDefaults.Labels(args.System, name, "ingress");
        var tlsSecret = args.System + "-tls";
        var plain = args.Routes.Where(r => r.Canary is null).ToList();
        // Longest prefix first, so /api is matched before /.
        plain.Sort((a, b) => b.PathPrefix.Length.CompareTo(a.PathPrefix.Length));
        var annotations = new Dictionary<string, Input<string>>();
        if (args.ClusterIssuer is { } issuer)
        {
            annotations["cert-manager.io/cluster-issuer"] = issuer;
            annotations["traefik.ingress.kubernetes.io/router.entrypoints"] = "websecure";
            annotations["traefik.ingress.kubernetes.io/router.tls"] = "true";
        }
        else annotations["traefik.ingress.kubernetes.io/router.entrypoints"] = "web";
        if (plain.Count > 0)
        {
            var ingress = Add("ingress", new Ingress
            {
                Metadata = KubeDefaults.Meta(name, args.Namespace, labels, annotations),
                Spec = new IngressSpec
                {
                    IngressClassName = "traefik",
                    Rules =
                    [
                        new IngressRule
                        {
                            Host = Input.Optional(args.Host),
                            Http = new HTTPIngressRuleValue
                            {
                                Paths = [.. plain.Select(r => new HTTPIngressPath
                                {
                                    Path = r.PathPrefix,
                                    PathType = "Prefix",
                                    Backend = new IngressBackend { Service = new IngressServiceBackend { Name = r.Service, Port = new ServiceBackendPort { Number = r.Port } } },
                                })],
                            },
                        },
                    ],
                    Tls = args.ClusterIssuer is null ? null : [new IngressTLS { Hosts = [args.Host!], SecretName = tlsSecret }],
                },
            });
            ingress.DependsOn(args.DependsOn);
        }
        var canaries = args.Routes.Where(r => r.Canary is not null).ToList();
        if (canaries.Count > 0)
        {
            var objects = canaries.Select(r =>
            {
                var (stable, canary, weight) = r.Canary!.Value;
                var match = (args.Host is null ? "" : $"Host(`{args.Host}`) && ") + $"PathPrefix(`{r.PathPrefix}`)";
                var route = ClusterObjects.Map(("kind", "Rule"), ("match", match), ("services", new ListValue(
                [
                    ClusterObjects.Map(("name", stable), ("port", r.Port), ("weight", 100 - weight)),
                    ClusterObjects.Map(("name", canary), ("port", r.Port), ("weight", weight)),
                ])));
                var spec = ClusterObjects.Map(
                    ("entryPoints", Value.Strings([args.ClusterIssuer is null ? "web" : "websecure"])),
                    ("routes", new ListValue([route])),
                    ("tls", args.ClusterIssuer is null ? null : ClusterObjects.Map(("secretName", tlsSecret))));
                return ClusterObjects.Object("traefik.io/v1alpha1", "IngressRoute", $"{r.Service}-weighted",
                    args.Namespace, labels.ToDictionary(l => l.Key, l => ((Str)l.Value.Value).Text), spec);
            }).ToList();
            var group = new ClusterObjects(this, "weighted-routes", objects, "Traefik weighted routes (canary)");
            group.Group.DependsOn(args.DependsOn);
        }
    }

    public override string Kind => "Ingress (Traefik)";
}
