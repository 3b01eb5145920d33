using System.Text;
using System.Text.RegularExpressions;
using Infra.Stacks.Model;
using Infra.Stacks.Profiles;
using Infra.Stacks.Systems;

namespace Infra.Tests.Programs;

/// <summary>
/// docs/seed-fidelity.md and the departures declared in stacks/Systems/*.cs say the same thing: every row
/// marked "departure" or "not yet" is declared with the same id, kind and environments, and nothing is
/// declared that the document does not list. Plan prints them for every stack.
/// </summary>
public class SeedFidelityDocTests
{
    public sealed record Row(string Section, string Id, string Requirement, string Status, DepartureKind? Kind, IReadOnlyList<string>? Environments, string TestCell);

    private static readonly string[] AllEnvs = [.. EnvironmentProfile.All.Select(p => p.Name)];

    private static string DocPath => Path.Combine(Synth.RepoRoot(), "docs", "seed-fidelity.md");

    /// <summary>The requirement rows, with the seed section each sits under.</summary>
    public static IReadOnlyList<Row> Rows()
    {
        var rows = new List<Row>();
        string? section = null;
        foreach (var line in File.ReadAllLines(DocPath))
        {
            var heading = Regex.Match(line, @"^## Seed (\d{3})\b");
            if (heading.Success) { section = heading.Groups[1].Value; continue; }
            if (line.StartsWith("## ", StringComparison.Ordinal)) { section = null; continue; }
            if (!line.StartsWith("| ", StringComparison.Ordinal)) continue;
            var cells = line.Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length < 3 || !Regex.IsMatch(cells[1], @"^\d{3}-\d{2}$")) continue;
            Assert.True(cells.Length == 7, $"row {cells[1]} has {cells.Length - 2} cells, expected 5 (a '|' inside a cell?): {line}");
            Assert.True(section is not null, $"row {cells[1]} is not under a '## Seed NNN' heading");
            var (kind, envs) = ParseStatus(cells[1], cells[3]);
            rows.Add(new Row(section!, cells[1], cells[2], cells[3], kind, envs, cells[5]));
        }
        return rows;
    }

    private static (DepartureKind? Kind, IReadOnlyList<string>? Envs) ParseStatus(string id, string status)
    {
        var m = Regex.Match(status, @"^(honoured|departure|not yet)(?: \(([a-z, ]+)\))?$");
        Assert.True(m.Success, $"{id}: status '{status}' is not 'honoured', 'departure' or 'not yet', optionally with (environments)");
        IReadOnlyList<string>? envs = m.Groups[2].Success ? [.. m.Groups[2].Value.Split(',').Select(e => e.Trim())] : null;
        foreach (var e in envs ?? []) Assert.True(AllEnvs.Contains(e), $"{id}: unknown environment '{e}' in '{status}'");
        DepartureKind? kind = m.Groups[1].Value switch { "departure" => DepartureKind.Departure, "not yet" => DepartureKind.NotYet, _ => null };
        return (kind, envs);
    }

    /// <summary>"dev, staging" and null (every environment) in one canonical form.</summary>
    private static string EnvKey(IReadOnlyList<string>? envs) =>
        envs is null || AllEnvs.All(envs.Contains) ? "all" : string.Join(",", AllEnvs.Where(envs.Contains));

    private static string SeedOf(SystemDefinition def) => Regex.Match(def.Source, @"seed (\d{3})").Groups[1].Value;

    private static IEnumerable<SystemDefinition> Systems() => SystemCatalog.Names.Select(n => SystemCatalog.Find(n)!);

    [Fact]
    public void Every_row_has_a_unique_id_under_its_own_seed()
    {
        var rows = Rows();
        Assert.True(rows.Count >= 100, $"only {rows.Count} rows parsed from {DocPath}");
        foreach (var r in rows) Assert.True(r.Id.StartsWith(r.Section + "-", StringComparison.Ordinal), $"{r.Id} sits under seed {r.Section}");
        var dup = rows.GroupBy(r => r.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(dup.Count == 0, "ids used twice: " + string.Join(", ", dup));
        // Every seed system has a section.
        foreach (var def in Systems()) Assert.Contains(rows, r => r.Section == SeedOf(def));
    }

    [Fact]
    public void Departures_in_the_doc_and_in_the_system_definitions_are_the_same()
    {
        var doc = Rows().Where(r => r.Kind is not null).ToDictionary(r => r.Id, r => $"{r.Kind} in {EnvKey(r.Environments)}");
        var code = new Dictionary<string, string>();
        var problems = new List<string>();
        foreach (var def in Systems())
            foreach (var d in def.Departures)
            {
                if (d.Seed != SeedOf(def)) problems.Add($"{def.Name} declares {d.Id}, which is not a row of its seed {SeedOf(def)}");
                code[d.Id] = $"{d.Kind} in {EnvKey(d.Environments)}";
            }
        foreach (var (id, what) in doc)
            if (!code.TryGetValue(id, out var declared)) problems.Add($"{id}: the doc says {what}; no system declares it (SystemBuilder.Departs/NotYet)");
            else if (declared != what) problems.Add($"{id}: the doc says {what}, the code declares {declared}");
        foreach (var (id, what) in code)
            if (!doc.ContainsKey(id))
            {
                var row = Rows().FirstOrDefault(r => r.Id == id);
                problems.Add(row is null
                    ? $"{id}: declared in code ({what}) but not a row of docs/seed-fidelity.md"
                    : $"{id}: declared in code ({what}) but the doc marks it '{row.Status}'");
            }
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n\nRows the code declares:\n" + DeclaredRows());
    }

    /// <summary>The doc rows the declarations amount to (to paste when adding a departure).</summary>
    private static string DeclaredRows()
    {
        var sb = new StringBuilder();
        foreach (var def in Systems())
            foreach (var d in def.Departures.OrderBy(d => d.Id, StringComparer.Ordinal))
                sb.Append($"| {d.Id} | {d.Requirement} | {d.Label}{(d.Environments is null ? "" : $" ({string.Join(", ", d.Environments)})")} | {def.DefinedIn} | {d.Reason} |\n");
        return sb.ToString();
    }

    [Fact]
    public void Honoured_rows_name_tests_that_exist()
    {
        var types = typeof(SeedFidelityDocTests).Assembly.GetTypes();
        var problems = new List<string>();
        foreach (var r in Rows().Where(r => r.Kind is null))
        {
            var refs = Regex.Matches(r.TestCell, @"`?([A-Z]\w*Tests)\.(\w+)`?").ToList();
            if (refs.Count == 0) { problems.Add($"{r.Id}: honoured, but names no test (Class.Method)"); continue; }
            foreach (var m in refs)
            {
                var type = types.FirstOrDefault(t => t.Name == m.Groups[1].Value);
                var method = type?.GetMethod(m.Groups[2].Value);
                if (method is null || !method.GetCustomAttributes(typeof(FactAttribute), true).Any())
                    problems.Add($"{r.Id}: {m.Value} is not a test of this project");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_counts_table_adds_up()
    {
        var rows = Rows();
        var text = File.ReadAllText(DocPath);
        foreach (var seed in rows.Select(r => r.Section).Distinct())
        {
            var of = rows.Where(r => r.Section == seed).ToList();
            var expected = $"| {of.Count} | {of.Count(r => r.Kind is null)} | {of.Count(r => r.Kind == DepartureKind.Departure)} | {of.Count(r => r.Kind == DepartureKind.NotYet)} |";
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith($"| {seed} ", StringComparison.Ordinal));
            Assert.True(line is not null && line.TrimEnd().EndsWith(expected, StringComparison.Ordinal), $"counts for seed {seed}: expected a row ending '{expected}', found '{line}'");
        }
        var total = $"| **{rows.Count}** | **{rows.Count(r => r.Kind is null)}** | **{rows.Count(r => r.Kind == DepartureKind.Departure)}** | **{rows.Count(r => r.Kind == DepartureKind.NotYet)}** |";
        Assert.Contains(total, text);
    }

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Plan_prints_the_departures_of_each_system_in_each_environment(string system, string env)
    {
        var args = Synth.Args(system, env);
        args[0] = "plan";
        var r = Synth.Cli(args);
        Assert.True(r.Exit == 0, r.Stderr);
        var def = SystemCatalog.Find(system)!;
        var section = r.Stdout[r.Stdout.IndexOf("\nDepartures from the seed", StringComparison.Ordinal)..];
        var here = def.DeparturesIn(env).ToList();
        Assert.StartsWith($"\nDepartures from the seed (seed {SeedOf(def)}) in {env}: {here.Count(d => d.Kind == DepartureKind.Departure)} deliberate, {here.Count(d => d.Kind == DepartureKind.NotYet)} not yet", section);
        Assert.NotEmpty(here);
        foreach (var d in def.Departures)
        {
            if (d.AppliesTo(env))
            {
                Assert.Contains($"  {d.Label,-9}  {d.Id}  {d.Requirement}\n", section);
                Assert.Contains(d.Reason, section);
            }
            else Assert.DoesNotContain($"  {d.Id}  ", section);
        }
    }
}
