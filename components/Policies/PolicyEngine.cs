using Infra.Components.Core;

namespace Infra.Components.Policies;

/// <summary>Thrown when mandatory rules fail: the message lists every violation, one per line.</summary>
public sealed class PolicyException(IReadOnlyList<Finding> blocking)
    : SynthesisException($"{blocking.Count} mandatory polic{(blocking.Count == 1 ? "y" : "ies")} failed:\n" + string.Join("\n", blocking.Select(f => "  " + f)))
{
    public IReadOnlyList<Finding> Blocking { get; } = blocking;
}

public sealed record PolicyReport(IReadOnlyList<Finding> Findings)
{
    public IEnumerable<Finding> Blocking => Findings.Where(f => f.WaivedBy is null && f.Enforcement == Enforcement.Mandatory);
    public IEnumerable<Finding> Advisory => Findings.Where(f => f.WaivedBy is null && f.Enforcement == Enforcement.Advisory);
    public IEnumerable<Finding> Waived => Findings.Where(f => f.WaivedBy is not null);
}

/// <summary>Runs every rule on a synthesized program, in memory, before anything is printed.</summary>
public static class PolicyEngine
{
    public static PolicyReport Evaluate(StackProgram program, string environment, IReadOnlyList<Waiver> waivers, IReadOnlyList<PolicyRule>? rules = null)
    {
        var context = new PolicyContext(program, environment);
        var findings = new List<Finding>();
        foreach (var rule in rules ?? PolicyCatalog.All)
        {
            var enforcement = rule.For(environment);
            if (enforcement == Enforcement.Off) continue;
            foreach (var v in rule.Check(context))
                findings.Add(new Finding(rule, v, enforcement, waivers.FirstOrDefault(w => w.RuleId == rule.Id && Covers(w, v.Resource))));
        }
        return new PolicyReport(findings);
    }

    /// <summary>Evaluates and throws <see cref="PolicyException"/> listing every unwaived mandatory violation.</summary>
    public static PolicyReport Enforce(StackProgram program, string environment, IReadOnlyList<Waiver> waivers)
    {
        var report = Evaluate(program, environment, waivers);
        var blocking = report.Blocking.ToList();
        if (blocking.Count > 0) throw new PolicyException(blocking);
        return report;
    }

    /// <summary>A waiver names a component path below the root (e.g. "pinai/registry") and covers everything under it.</summary>
    private static bool Covers(Waiver w, Resource r) =>
        r.Owner.Path == w.Component || r.Owner.Path.StartsWith(w.Component + "/", StringComparison.Ordinal);
}
