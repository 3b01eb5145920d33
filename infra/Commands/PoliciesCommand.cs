using System.Text;
using Infra.Components.Policies;

namespace Infra.Cli.Commands;

/// <summary>Lists every policy rule: id, severity, enforcement per environment, title and rationale.</summary>
public static class PoliciesCommand
{
    private static readonly string[] Environments = ["dev", "staging", "prod"];

    public static string Run()
    {
        var sb = new StringBuilder();
        sb.Append("| rule | severity | dev | staging | prod | rule and rationale |\n|---|---|---|---|---|---|\n");
        foreach (var r in PolicyCatalog.All)
            sb.Append($"| {r.Id} | {r.Severity.ToString().ToLowerInvariant()} | {string.Join(" | ", Environments.Select(e => Short(r.For(e))))} | **{r.Title}**: {r.Rationale} |\n");
        sb.Append($"\n{PolicyCatalog.All.Count} rules. Mandatory violations fail synthesis; advisory ones are shown by plan. " +
                  "Waive one rule for one component in the system definition: system.Waive(\"RULE-ID\", \"component\", \"why it does not apply\").\n");
        return sb.ToString();
    }

    private static string Short(Enforcement e) => e switch { Enforcement.Mandatory => "blocks", Enforcement.Advisory => "warns", _ => "off" };
}
