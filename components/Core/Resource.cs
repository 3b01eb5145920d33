namespace Infra.Components.Core;

/// <summary>
/// One Pulumi resource: canonical type token, logical name (the YAML key), inputs and options.
/// Created only through <see cref="Construct.Add{TOutputs}"/> (generated types) or <see cref="Construct.AddUntyped"/>
/// (the escape hatch), so its name carries the component path.
/// </summary>
public class Resource
{
    private protected Resource(Construct owner, string name, string type, Props properties)
    {
        Owner = owner;
        Name = name;
        Type = type;
        Properties = properties;
    }

    /// <summary>Logical name: the YAML key and the URN name.</summary>
    public string Name { get; }

    /// <summary>Canonical type token, e.g. <c>docker:index/container:Container</c>.</summary>
    public string Type { get; }

    public Construct Owner { get; }
    public Props Properties { get; }
    public ResourceOptions Options { get; } = new();

    /// <summary>What the resource is for, beyond its type (stateful data, stand-in image...). Read by plan and policies.</summary>
    public HashSet<string> Traits { get; } = [];

    /// <summary>The package that provides this type (<c>docker</c> for <c>pulumi:providers:docker</c> too).</summary>
    public string Package => Type.StartsWith("pulumi:providers:", StringComparison.Ordinal) ? Type["pulumi:providers:".Length..] : Type[..Type.IndexOf(':')];

    public bool IsProvider => Type.StartsWith("pulumi:providers:", StringComparison.Ordinal);

    public Output<T> Out<T>(string path, bool secret = false) => new(this, path, secret);
    public Output<string> Id => Out<string>("id");

    /// <summary><c>${name}</c>: the resource itself (for dependsOn/provider).</summary>
    public Value Self => new OutputRef(this, "");

    public Resource WithOptions(Action<ResourceOptions> configure)
    {
        configure(Options);
        return this;
    }

    public Resource DependsOn(IEnumerable<Resource> others)
    {
        foreach (var o in others)
            if (!ReferenceEquals(o, this) && !Options.DependsOn.Contains(o)) Options.DependsOn.Add(o);
        return this;
    }

    /// <summary>Resources this one needs first: references in its inputs, dependsOn and provider.</summary>
    public IEnumerable<Resource> Dependencies()
    {
        var seen = new HashSet<Resource>(ReferenceEqualityComparer.Instance);
        foreach (var v in Properties.ToMap().Walk())
            if (v is OutputRef r && seen.Add(r.Resource)) yield return r.Resource;
        foreach (var d in Options.DependsOn)
            if (seen.Add(d)) yield return d;
        if (Options.Provider is { } p && seen.Add(p)) yield return p;
    }

    public override string ToString() => $"{Name} ({Type})";
}

/// <summary>Well-known traits; plain strings so components and policies can add their own.</summary>
public static class Traits
{
    public const string Stateful = "stateful";
    public const string Database = "database";
    public const string Cache = "cache";
    public const string Volume = "volume";
    public const string StandIn = "stand-in";
    public const string Workload = "workload";
    public const string Proxy = "proxy";
    public const string Monitoring = "monitoring";
    public const string Backup = "backup";
}

/// <summary>A resource built through <see cref="Construct.AddUntyped"/>: no generated type, no typed outputs.</summary>
internal sealed class UntypedResource(Construct owner, string name, string type, Props properties) : Resource(owner, name, type, properties);
