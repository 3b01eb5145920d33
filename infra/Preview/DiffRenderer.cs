using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Infra.Cli.Preview;

/// <summary>Text, Markdown (a pull-request comment) and JSON (for bots) renderings of a <see cref="DiffReport"/>.</summary>
public static class DiffRenderer
{
    public const int DefaultMaxChars = 60_000;
    public const int MinMaxChars = 2_000;

    private static string Inv(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string ShortType(string token)
    {
        var parts = token.Split(':');
        return parts.Length == 3 && parts[0] != "pulumi" ? parts[0] + ":" + parts[2] : token;
    }

    private static string Symbol(ChangeAction a) => a switch
    {
        ChangeAction.Create => "+",
        ChangeAction.Update => "~",
        ChangeAction.Replace => "+-",
        ChangeAction.Delete => "-",
        _ => " ",
    };

    private static string Word(ChangeAction a) => a switch
    {
        ChangeAction.Create => "create",
        ChangeAction.Update => "update",
        ChangeAction.Replace => "may replace",
        ChangeAction.Delete => "delete",
        _ => "unchanged",
    };

    private static string Against(DiffReport d) => d.Against is { } b
        ? (b.FromState ? $"the last deployed state ({b.Source()}{(b.Time is null ? "" : ", " + b.Time)})" : $"program {b.Description}")
        : "nothing deployed: " + (d.NoBaselineReason ?? "no state found") + "; every resource is shown as a create";

    private static string Source(this Baseline b) => b.Description;

    private static string Counts(DiffReport d) =>
        $"{Inv(d.Count(ChangeAction.Create))} to create, {Inv(d.Count(ChangeAction.Update))} to update, {Inv(d.Count(ChangeAction.Replace))} may be replaced, {Inv(d.Count(ChangeAction.Delete))} to delete, {Inv(d.Unchanged)} unchanged";

    // ------------------------------------------------------------------ text

    public static string Text(DiffReport d)
    {
        var sb = new StringBuilder();
        sb.Append($"Diff for stack '{d.Stack}' (project {Safe(d.Project)}) against {Safe(Against(d))}\n");
        sb.Append("  ").Append(Counts(d)).Append('\n');
        if (d.Program.Policies is { } p) sb.Append($"  policies: {Inv(p.Rules)} rules, 0 blocking, {Inv(p.Advisory)} advisory, {Inv(p.Waived)} waived\n");
        if (d.Changes.Count == 0) sb.Append("\nNo changes.\n");
        else sb.Append('\n');
        // Names, paths and values may come from a state file: made terminal-safe like every error text.
        foreach (var c in d.Changes)
        {
            sb.Append($"{Symbol(c.Action),2} {Safe(c.Name)}  {Safe(ShortType(c.Type))}  ({Word(c.Action)})\n");
            foreach (var prop in c.Properties)
            {
                sb.Append("      ").Append(Safe(prop.Path)).Append(": ").Append(Safe(prop.Old)).Append(" → ").Append(Safe(prop.New)).Append(prop.ForcesReplacement ? "  [forces replacement]" : "").Append('\n');
                foreach (var line in prop.Lines ?? []) sb.Append("        ").Append(Safe(line)).Append('\n');
            }
            foreach (var n in c.Notes) sb.Append("      note: ").Append(Safe(n)).Append('\n');
        }
        if (d.Program.Departures is { } deps)
        {
            sb.Append($"\nDepartures from the seed: {Inv(deps.Count(x => x.Kind == "departure"))} deliberate, {Inv(deps.Count(x => x.Kind != "departure"))} not yet (docs/seed-fidelity.md)\n");
            foreach (var x in deps) sb.Append($"  {x.Kind,-9}  {Safe(x.Id)}  {Safe(x.Requirement)}\n");
        }
        if (d.Program.Notes.Count > 0)
        {
            sb.Append("\nStand-ins, and what the target cannot do:\n");
            foreach (var n in d.Program.Notes) sb.Append("  - ").Append(Safe(n)).Append('\n');
        }
        return sb.ToString();
    }

    // ------------------------------------------------------------------ Markdown

    /// <summary>The hidden first line by which CI finds (and updates) this stack's comment.</summary>
    public static string Marker(string project, string stack) => $"<!-- infra-preview:{project}/{stack} -->";

    /// <summary>
    /// A pull-request comment: the marker, the summary (always whole), details per action in &lt;details&gt;, then
    /// the topology as Mermaid. At most <paramref name="maxChars"/> characters: when details do not fit, the
    /// comment ends with "truncated — N more changes".
    /// </summary>
    public static string Markdown(DiffReport d, int maxChars = DefaultMaxChars)
    {
        var sb = new StringBuilder();
        sb.Append(Marker(d.Project, d.Stack)).Append('\n');
        sb.Append($"### Infrastructure preview: `{Code(d.Project)}/{Code(d.Stack)}`\n\n");
        sb.Append("Compared with ").Append(Html(Against(d))).Append(".\n\n");
        sb.Append("| action | resources |\n|---|---:|\n");
        foreach (var a in new[] { ChangeAction.Create, ChangeAction.Update, ChangeAction.Replace, ChangeAction.Delete })
            sb.Append($"| {Symbol(a)} {Word(a)} | {Inv(d.Count(a))} |\n");
        sb.Append($"| unchanged | {Inv(d.Unchanged)} |\n\n");
        if (d.Program.Policies is { } p)
            sb.Append($"**Policies:** {Inv(p.Rules)} rules checked, 0 blocking, {Inv(p.Advisory)} advisory, {Inv(p.Waived)} waived.\n");
        else sb.Append("**Policies:** not evaluated (the program was read from a file).\n");
        var replaced = d.Changes.Where(c => c.Action == ChangeAction.Replace).ToList();
        var dataLoss = replaced.Count(c => c.Notes.Any(n => n.StartsWith("holds data", StringComparison.Ordinal)));
        if (dataLoss > 0) sb.Append($"**Warning:** {Inv(dataLoss)} resource{(dataLoss == 1 ? "" : "s")} holding data may be replaced.\n");
        var protectedDeletes = d.Changes.Count(c => c.Action == ChangeAction.Delete && c.Notes.Any(n => n.StartsWith("protected", StringComparison.Ordinal)));
        if (protectedDeletes > 0) sb.Append($"**Warning:** {Inv(protectedDeletes)} protected resource{(protectedDeletes == 1 ? "" : "s")} would be deleted; `pulumi up` will refuse.\n");
        if (d.Program.Departures is { } deps)
            sb.Append($"**Departures from the seed:** {Inv(deps.Count(x => x.Kind == "departure"))} deliberate, {Inv(deps.Count(x => x.Kind != "departure"))} not yet (docs/seed-fidelity.md).\n");
        else sb.Append("**Departures from the seed:** not known for this program (a program file or a generated system).\n");
        sb.Append($"**Notes:** {Inv(d.Program.Notes.Count)} (stand-ins and what the target cannot do).\n");

        // Details, one block per change, added while they fit; the rest is counted.
        const string TruncationReserve = "\n\n_truncated — 0000000 more changes_\n";
        var budget = maxChars - TruncationReserve.Length;
        var shown = 0;
        var truncated = false;
        foreach (var group in d.Changes.GroupBy(c => c.Action).OrderBy(g => Order(g.Key)))
        {
            if (truncated) break;
            var open = $"\n<details><summary>{Symbol(group.Key)} {Word(group.Key)} ({Inv(group.Count())})</summary>\n\n";
            const string close = "\n</details>\n";
            if (sb.Length + open.Length + close.Length > budget) { truncated = true; break; }
            sb.Append(open);
            foreach (var c in group)
            {
                var block = Block(c);
                if (sb.Length + block.Length + close.Length > budget) { truncated = true; break; }
                sb.Append(block);
                shown++;
            }
            sb.Append(close);
        }
        if (!truncated && (d.Program.Notes.Count > 0 || d.Program.Departures is { Count: > 0 } || d.Program.Policies is { AdvisoryFindings.Count: > 0 }))
        {
            var notes = new StringBuilder();
            if (d.Program.Departures is { Count: > 0 } seedDeps)
            {
                notes.Append("\n<details><summary>Departures from the seed</summary>\n\n| | id | requirement | reason |\n|---|---|---|---|\n");
                foreach (var x in seedDeps) notes.Append($"| {Html(x.Kind)} | {Html(x.Id)} | {Html(x.Requirement)} | {Html(x.Reason)} |\n");
                notes.Append("\n</details>\n");
            }
            if (d.Program.Notes.Count > 0)
            {
                notes.Append("\n<details><summary>Stand-ins, and what the target cannot do</summary>\n\n");
                foreach (var n in d.Program.Notes) notes.Append("- ").Append(Html(n)).Append('\n');
                notes.Append("\n</details>\n");
            }
            if (d.Program.Policies is { AdvisoryFindings.Count: > 0 } pol)
            {
                notes.Append("\n<details><summary>Advisory policy findings</summary>\n\n");
                foreach (var f in pol.AdvisoryFindings) notes.Append("- ").Append(Html(f)).Append('\n');
                notes.Append("\n</details>\n");
            }
            if (sb.Length + notes.Length <= budget) sb.Append(notes);
        }
        if (!truncated)
        {
            var graph = "\n<details><summary>Topology (changed nodes highlighted)</summary>\n\n```mermaid\n" + Topology.Build(d.Program, d).Mermaid() + "```\n\n</details>\n";
            if (sb.Length + graph.Length <= budget) sb.Append(graph);
            else sb.Append("\n_Topology omitted: it does not fit the comment size limit (`infra graph --stack ").Append(Code(d.Stack)).Append("` prints it)._\n");
        }
        if (truncated)
        {
            var more = d.Changes.Count - shown;
            sb.Append($"\n\n_truncated — {Inv(more)} more change{(more == 1 ? "" : "s")}_\n");
        }
        return sb.ToString();
    }

    private static int Order(ChangeAction a) => a switch
    {
        ChangeAction.Replace => 0,
        ChangeAction.Delete => 1,
        ChangeAction.Update => 2,
        ChangeAction.Create => 3,
        _ => 4,
    };

    private static string Block(ResourceChange c)
    {
        var sb = new StringBuilder();
        sb.Append("- `").Append(Code(c.Name)).Append("` ").Append(Html(ShortType(c.Type)));
        if (c.Component.Length > 0) sb.Append(" in ").Append(Html(c.Component));
        sb.Append('\n');
        foreach (var n in c.Notes) sb.Append("  - ").Append(Html(n)).Append('\n');
        if (c.Properties.Count > 0)
        {
            sb.Append("\n  | property | old | new |\n  |---|---|---|\n");
            foreach (var p in c.Properties)
                sb.Append("  | <code>").Append(Html(p.Path)).Append("</code>").Append(p.ForcesReplacement ? " (forces replacement)" : "")
                    .Append(" | <code>").Append(Html(p.Old)).Append("</code> | <code>").Append(Html(p.New)).Append("</code> |\n");
            sb.Append('\n');
            foreach (var p in c.Properties.Where(p => p.Lines is { Count: > 0 }))
            {
                // A diff block; HTML-escaped inside <pre> so no line can close the block or open a tag.
                sb.Append("  <pre><code>").Append(Html(p.Path)).Append('\n');
                foreach (var line in p.Lines!) sb.Append(HtmlKeepSpaces(line)).Append('\n');
                sb.Append("</code></pre>\n\n");
            }
        }
        return sb.ToString();
    }

    private static string Safe(string s) => Infra.Components.Core.ErrorText.Escape(s);

    /// <summary>Text safe in Markdown and HTML: no tags, no table breaks, no code-span breaks, one line.</summary>
    public static string Html(string s)
    {
        s = Safe(s);
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '|' => "&#124;",
                '`' => "&#96;",
                '*' => "&#42;",
                '_' => "&#95;",
                '[' => "&#91;",
                ']' => "&#93;",
                '\n' or '\r' => " ",
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    /// <summary>One line inside &lt;pre&gt;: terminal-safe, tags escaped, spacing kept.</summary>
    private static string HtmlKeepSpaces(string s) =>
        Safe(s).Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Text inside a backtick code span (names are [A-Za-z0-9_-]; anything else is dropped to be safe).</summary>
    private static string Code(string s) => new([.. s.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':')]);

    // ------------------------------------------------------------------ JSON

    public const string JsonSchema = "infra-preview/v1";

    /// <summary>
    /// Stable schema <c>infra-preview/v1</c>: <c>{schema, project, stack, against: {kind: state|program|none, source,
    /// time, reason}, summary: {create, update, replace, delete, unchanged}, policies: {rules, blocking, advisory,
    /// waived} | null, notes: [..], departures: [{id, kind: departure|not yet, requirement, reason}] | null, changes: [{urn, name, type, component, action: create|update|replace|delete,
    /// notes: [..], properties: [{path, old, new, forcesReplacement, lines?}]}]}</c> (lines: "- old" / "+ new" of a multi-line text). Values are rendered text, secrets masked.
    /// </summary>
    public static string Json(DiffReport d)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("schema", JsonSchema);
            w.WriteString("project", d.Project);
            w.WriteString("stack", d.Stack);
            w.WriteStartObject("against");
            w.WriteString("kind", d.Against is null ? "none" : d.Against.FromState ? "state" : "program");
            if (d.Against is { } b)
            {
                w.WriteString("source", b.Description);
                if (b.Time is not null) w.WriteString("time", b.Time);
            }
            else w.WriteString("reason", d.NoBaselineReason ?? "no state found");
            w.WriteEndObject();
            w.WriteStartObject("summary");
            w.WriteNumber("create", d.Count(ChangeAction.Create));
            w.WriteNumber("update", d.Count(ChangeAction.Update));
            w.WriteNumber("replace", d.Count(ChangeAction.Replace));
            w.WriteNumber("delete", d.Count(ChangeAction.Delete));
            w.WriteNumber("unchanged", d.Unchanged);
            w.WriteEndObject();
            if (d.Program.Policies is { } p)
            {
                w.WriteStartObject("policies");
                w.WriteNumber("rules", p.Rules);
                w.WriteNumber("blocking", 0);
                w.WriteNumber("advisory", p.Advisory);
                w.WriteNumber("waived", p.Waived);
                w.WriteEndObject();
            }
            else w.WriteNull("policies");
            w.WriteStartArray("notes");
            foreach (var n in d.Program.Notes) w.WriteStringValue(n);
            w.WriteEndArray();
            if (d.Program.Departures is { } deps)
            {
                w.WriteStartArray("departures");
                foreach (var x in deps)
                {
                    w.WriteStartObject();
                    w.WriteString("id", x.Id);
                    w.WriteString("kind", x.Kind);
                    w.WriteString("requirement", x.Requirement);
                    w.WriteString("reason", x.Reason);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            else w.WriteNull("departures");
            w.WriteStartArray("changes");
            foreach (var c in d.Changes)
            {
                w.WriteStartObject();
                w.WriteString("urn", c.Urn);
                w.WriteString("name", c.Name);
                w.WriteString("type", c.Type);
                w.WriteString("component", c.Component);
                w.WriteString("action", c.Action switch { ChangeAction.Create => "create", ChangeAction.Update => "update", ChangeAction.Replace => "replace", _ => "delete" });
                w.WriteStartArray("notes");
                foreach (var n in c.Notes) w.WriteStringValue(n);
                w.WriteEndArray();
                w.WriteStartArray("properties");
                foreach (var prop in c.Properties)
                {
                    w.WriteStartObject();
                    w.WriteString("path", prop.Path);
                    w.WriteString("old", prop.Old);
                    w.WriteString("new", prop.New);
                    w.WriteBoolean("forcesReplacement", prop.ForcesReplacement);
                    if (prop.Lines is { } lines)
                    {
                        w.WriteStartArray("lines");
                        foreach (var l in lines) w.WriteStringValue(l);
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }
}
