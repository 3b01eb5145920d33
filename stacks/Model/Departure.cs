namespace Infra.Stacks.Model;

/// <summary>How far the Docker program is from a seed requirement it does not honour.</summary>
public enum DepartureKind
{
    /// <summary>Deliberate: the Docker target does it differently, for the reason given.</summary>
    Departure,
    /// <summary>Not done yet: the program should honour it and does not (the reason says what is missing and where).</summary>
    NotYet,
}

/// <summary>
/// A seed requirement the program does not honour as written, declared beside the system definition
/// and printed by <c>infra plan</c>. <see cref="Id"/> ties it to its row in <c>docs/seed-fidelity.md</c>
/// ("001-07": seed 001, requirement 7); <see cref="Environments"/> null means every environment.
/// </summary>
public sealed record Departure(string Id, string Requirement, string Reason, DepartureKind Kind = DepartureKind.Departure, IReadOnlyList<string>? Environments = null)
{
    /// <summary>The seed number ("001"), the part of the id before the dash.</summary>
    public string Seed => Id.Split('-')[0];

    public bool AppliesTo(string environment) => Environments is null || Environments.Contains(environment, StringComparer.Ordinal);

    public string Label => Kind == DepartureKind.Departure ? "departure" : "not yet";
}
