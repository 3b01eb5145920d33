using Infra.Components.Core;

namespace Infra.Components.Policies;

public enum Severity { Advisory, Mandatory }

/// <summary>How a rule is applied in one environment.</summary>
public enum Enforcement { Off, Advisory, Mandatory }

/// <summary>One problem on one resource: where (property path), what, and how to fix it.</summary>
public sealed record Violation(Resource Resource, string Path, string Message, string Fix);

/// <summary>A violation with the rule that found it and how it is enforced here.</summary>
public sealed record Finding(PolicyRule Rule, Violation Violation, Enforcement Enforcement, Waiver? WaivedBy = null)
{
    public override string ToString() =>
        $"{Rule.Id} {Violation.Resource.Name}{(Violation.Path.Length > 0 ? "." + Violation.Path : "")}: {Violation.Message}; fix: {Violation.Fix}";
}

/// <summary>
/// A documented exception for one rule on one component of a system (and everything under it),
/// with a required reason. Shown by plan; never a global switch.
/// </summary>
public sealed record Waiver(string RuleId, string Component, string Reason);

/// <summary>A policy rule: id, one-line rationale, severity and enforcement per environment.</summary>
public abstract class PolicyRule
{
    public abstract string Id { get; }
    public abstract string Title { get; }
    public abstract string Rationale { get; }
    public abstract Severity Severity { get; }

    /// <summary>Default: mandatory rules are mandatory everywhere, advisory rules advisory everywhere.</summary>
    public virtual Enforcement For(string environment) => Severity == Severity.Mandatory ? Enforcement.Mandatory : Enforcement.Advisory;

    public abstract IEnumerable<Violation> Check(PolicyContext context);

    /// <summary>Staging and prod hold real data; dev is a laptop.</summary>
    protected static bool HoldsData(string environment) => environment is "staging" or "prod";
}

/// <summary>What a rule sees: the program and the environment it is for.</summary>
public sealed class PolicyContext(StackProgram program, string environment)
{
    public StackProgram Program { get; } = program;
    public string Environment { get; } = environment;

    private Dictionary<string, List<Resource>>? _byType;

    /// <summary>Resources of one type token, in creation order (indexed once: rules ask for types, not scans).</summary>
    public IReadOnlyList<Resource> OfType(string token)
    {
        if (_byType is null)
        {
            _byType = new Dictionary<string, List<Resource>>(StringComparer.Ordinal);
            foreach (var r in Program.AllInOrder)
            {
                if (!_byType.TryGetValue(r.Type, out var list)) _byType[r.Type] = list = [];
                list.Add(r);
            }
        }
        return _byType.TryGetValue(token, out var found) ? found : [];
    }

    public IReadOnlyList<Resource> Containers => OfType(DockerTypes.Container);

    /// <summary>Resources that reference <paramref name="target"/> in the named property (e.g. a bucket's public-access block).</summary>
    public IEnumerable<Resource> Referencing(Resource target, string token, string property) =>
        OfType(token).Where(r => r.Properties.Get(property) is { } v && v.Walk().Any(x => x is OutputRef o && ReferenceEquals(o.Resource, target)));
}

/// <summary>The Docker type tokens rules look for, taken from the generated bindings.</summary>
public static class DockerTypes
{
    public const string Container = Infra.Providers.Docker.Container.TypeToken;
    public const string Volume = Infra.Providers.Docker.Volume.TypeToken;
    public const string RemoteImage = Infra.Providers.Docker.RemoteImage.TypeToken;
    public const string Image = Infra.Providers.Docker.Image.TypeToken;
    public const string Network = Infra.Providers.Docker.Network.TypeToken;
}
