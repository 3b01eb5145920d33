using Infra.Components.Core;
using Infra.Providers.Kubernetes.Yaml.V2;

namespace Infra.Components.Kubernetes;

/// <summary>
/// Custom resources (a CRD's objects: ClusterIssuer, PrometheusRule, ServiceMonitor, IngressRoute) as literal Kubernetes
/// objects in a <c>kubernetes:yaml/v2:ConfigGroup</c>: the Pulumi YAML host refuses a CRD's own token, the provider applies
/// these. Each object needs apiVersion, kind and metadata.name.
/// </summary>
public sealed class ClusterObjects : Construct
{
    public ClusterObjects(Construct parent, string name, IReadOnlyList<MapValue> objects, string kind = "Custom resources") : base(parent, name)
    {
        _kind = kind;
        if (objects.Count == 0) throw new SynthesisException($"'{Path}' has no objects");
        foreach (var o in objects)
            if (o["apiVersion"] is not Str || o["kind"] is not Str || (o["metadata"] as MapValue)?["name"] is not Str)
                throw new SynthesisException($"'{Path}': every object needs apiVersion, kind and metadata.name");
        Group = Add(null, new ConfigGroup { Objs = new ListValue([.. objects]), SkipAwait = false });
    }

    private readonly string _kind;
    public Resource Group { get; }
    public override string Kind => _kind;

    /// <summary>A map in the order given (object literals for <see cref="ClusterObjects"/>).</summary>
    public static MapValue Map(params (string Key, Value? Value)[] entries) =>
        new([.. entries.Where(e => e.Value is not null).Select(e => new KeyValuePair<string, Value>(e.Key, e.Value!))]);

    public static MapValue Object(string apiVersion, string kind, string name, string? ns, IReadOnlyDictionary<string, string> labels, Value spec, string specKey = "spec") =>
        Map(("apiVersion", apiVersion), ("kind", kind),
            ("metadata", Map(("name", name), ("namespace", ns is null ? null : (Value)ns), ("labels", Map([.. labels.Select(l => (l.Key, (Value?)l.Value))])))),
            (specKey, spec));
}
