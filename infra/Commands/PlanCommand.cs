using System.Diagnostics;
using System.Text;
using Infra.Components.Core;
using Infra.Components.Policies;
using Infra.Stacks.Composition;
using Infra.Stacks.Model;
using Infra.Stacks.Systems;

namespace Infra.Cli.Commands;

/// <summary>
/// The offline stand-in for <c>pulumi preview</c>: what the program would create, as a tree by component,
/// with counts by type, published ports, secrets referenced (by name, never by value), what is protected,
/// stand-ins, generated files, anything the target cannot do, and where the stack departs from its seed.
/// </summary>
public static class PlanCommand
{
    public static string Run(Options o, Func<string, string?> env)
    {
        var selection = StackSelection.Resolve(o, env)
            ?? throw new InputException("command line", "--stack", null, "plan needs a stack: --stack NAME, PULUMI_STACK, or --system NAME --env ENV");
        var sw = Stopwatch.StartNew();
        // A seed system's departures, read from a fresh definition (composing may rewrite the one it is given);
        // a definition given by the selection (--generated) has no seed.
        var departures = selection.Definition is null ? SystemCatalog.Find(selection.Settings.System)?.Departures : null;
        var synthesis = Synthesizer.Run(selection.Settings, selection.Definition);
        var text = ProgramEmitter.Emit(synthesis.Program);
        sw.Stop();
        return Render(synthesis, selection.Settings, text, sw.Elapsed, departures) + DiffCommand.PlanSection(synthesis, selection.Settings, o, env);
    }

    public static string Render(Synthesizer.Synthesis synthesis, StackSettings settings, string programText, TimeSpan elapsed,
        IReadOnlyList<Departure>? departures = null)
    {
        var program = synthesis.Program;
        var sb = new StringBuilder();
        var resources = program.AllInOrder;
        sb.Append($"Plan for stack '{settings.Stack}': system {settings.System}, environment {settings.Environment.Name}, target {settings.Target}\n");
        sb.Append($"  {resources.Count} resources to create, {program.ConfigKeys.Count} config keys, {program.Outputs.Count} outputs; program {programText.Length / 1024.0:0.0} KB, synthesized in {elapsed.TotalMilliseconds:0} ms\n");
        sb.Append($"  profile: replicas {settings.Environment.Replicas}, size {settings.Environment.Size}, monitoring {settings.Environment.Monitoring}, backups {settings.Environment.Backups}, data protected: {(settings.Environment.ProtectData ? "yes" : "no")}\n\n");

        sb.Append("Resources by component:\n");
        foreach (var child in program.Children) Tree(sb, child, 1);
        foreach (var r in program.Resources) Line(sb, r, 1);

        sb.Append("\nCounts by type:\n");
        foreach (var g in resources.GroupBy(r => r.Type).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            sb.Append($"  {g.Count(),5}  {g.Key}\n");

        sb.Append("\nPublished ports (host -> container):\n");
        var any = false;
        foreach (var r in resources)
            if (r.Properties.Get("ports") is ListValue ports)
                foreach (var p in ports.Items.OfType<MapValue>())
                    if (p["external"] is Num ext)
                    {
                        any = true;
                        sb.Append($"  {ext.Render(),5} -> {((Str)r.Properties.Get("name")!).Text}:{((Num)p["internal"]!).Render()}{(r.Traits.Contains(Traits.Database) || r.Traits.Contains(Traits.Cache) ? "   (data service)" : "")}\n");
                    }
        if (!any) sb.Append("  (none)\n");

        sb.Append("\nSecrets referenced (values never leave the engine):\n");
        foreach (var k in program.ConfigKeys.Where(k => k.Secret).OrderBy(k => k.Name, StringComparer.Ordinal))
            sb.Append($"  config  {k.Name}{(k.Default is not null ? "  (optional here; empty when unset)" : "  (required: pulumi config set --secret " + k.Name + ")")}\n");
        foreach (var r in resources.Where(r => r.Type == "random:index/randomPassword:RandomPassword"))
            sb.Append($"  random  {r.Name}\n");

        sb.Append("\nProtected from deletion (protect: true):\n");
        var protectedOnes = resources.Where(r => r.Options.Protect == true).ToList();
        sb.Append(protectedOnes.Count == 0 ? "  (none in this environment)\n" : string.Concat(protectedOnes.Select(r => $"  {r.Name}\n")));
        var retained = resources.Where(r => r.Options.RetainOnDelete == true).ToList();
        if (retained.Count > 0)
        {
            sb.Append("Kept when removed from the program (retainOnDelete):\n");
            foreach (var r in retained) sb.Append($"  {r.Name}\n");
        }

        var files = resources.Where(r => r.Properties.Get("uploads") is ListValue).ToList();
        if (files.Count > 0)
        {
            sb.Append("\nGenerated files:\n");
            foreach (var r in files)
                foreach (var u in ((ListValue)r.Properties.Get("uploads")!).Items.OfType<MapValue>())
                    sb.Append($"  {r.Name}: {((Str)u["file"]!).Text}{(u["content"] is Str c ? $" ({c.Text.Length} bytes)" : " (secret)")}\n");
        }

        var advisory = synthesis.Policies.Advisory.ToList();
        var waived = synthesis.Policies.Waived.ToList();
        sb.Append($"\nPolicies: {PolicyCatalog.All.Count} rules checked, 0 blocking, {advisory.Count} advisory, {waived.Count} waived\n");
        foreach (var f in advisory) sb.Append($"  warn   {f}\n");
        foreach (var f in waived) sb.Append($"  waived {f.Rule.Id} {f.Violation.Resource.Name}: {f.WaivedBy!.Reason}\n");

        if (synthesis.NotOnTarget.Count > 0)
        {
            sb.Append($"\nNot on this target ({settings.Target}):\n");
            foreach (var n in synthesis.NotOnTarget) sb.Append($"  - not on this target: {n}\n");
        }

        if (program.Notes.Count > 0)
        {
            sb.Append("\nSaid aloud (stand-ins, and what the target cannot do):\n");
            foreach (var n in program.Notes) sb.Append($"  - {n}\n");
        }
        if (departures is not null) Departures(sb, departures, settings.Environment.Name);
        return sb.ToString();
    }

    /// <summary>The seed requirements this stack does not honour as written (docs/seed-fidelity.md has the full table).</summary>
    public static void Departures(StringBuilder sb, IReadOnlyList<Departure> departures, string environment)
    {
        var here = departures.Where(d => d.AppliesTo(environment)).ToList();
        var seeds = string.Join(", ", departures.Select(d => d.Seed).Distinct());
        sb.Append($"\nDepartures from the seed{(seeds.Length > 0 ? $" (seed {seeds})" : "")} in {environment}: {here.Count(d => d.Kind == DepartureKind.Departure)} deliberate, {here.Count(d => d.Kind == DepartureKind.NotYet)} not yet (docs/seed-fidelity.md)\n");
        if (here.Count == 0) sb.Append("  (none)\n");
        foreach (var d in here.OrderBy(d => d.Kind).ThenBy(d => d.Id, StringComparer.Ordinal))
            sb.Append($"  {d.Label,-9}  {d.Id}  {d.Requirement}\n             {d.Reason}\n");
    }

    private static void Tree(StringBuilder sb, Construct c, int depth)
    {
        sb.Append(new string(' ', depth * 2)).Append(c.Name).Append(" [").Append(c.Kind).Append("]\n");
        foreach (var r in c.Resources) Line(sb, r, depth + 1);
        foreach (var child in c.Children) Tree(sb, child, depth + 1);
    }

    private static void Line(StringBuilder sb, Resource r, int depth)
    {
        var flags = new List<string>();
        if (r.Options.Protect == true) flags.Add("protected");
        if (r.Options.RetainOnDelete == true) flags.Add("retained");
        if (r.Traits.Contains(Traits.StandIn)) flags.Add("stand-in");
        sb.Append(new string(' ', depth * 2)).Append("+ ").Append(r.Name).Append("  ").Append(ShortType(r.Type));
        if (flags.Count > 0) sb.Append("  (").Append(string.Join(", ", flags)).Append(')');
        sb.Append('\n');
    }

    private static string ShortType(string token)
    {
        var parts = token.Split(':');
        return parts.Length == 3 && parts[0] != "pulumi" ? parts[0] + ":" + parts[2] : token;
    }
}
