using System.Text;
using System.Text.Json;
using Infra.Components.Core;
using Infra.Stacks.Composition;
using YamlDotNet.RepresentationModel;

namespace Infra.Cli.Commands;

/// <summary>
/// <c>infra promote --from dev --to staging [--dry-run]</c>: copies the configuration that must be the same in both
/// stacks into the target stack file and lists what differs.
/// <list type="bullet">
/// <item>Must match, copied: <c>platform:system</c>, <c>platform:target</c>, and each <c>platform:images</c> entry that
/// is pinned by digest (<c>name@sha256:…</c>): a digest is the artifact that was tested; a tag can move, and a
/// <c>{build: …}</c> entry builds from source per stack, so neither is promoted (they are listed). A digest is not
/// copied for a service the target does not pin when the target promotes from the source by stack reference
/// (<c>platform:promoteFrom</c>, by default the previous environment): it already runs what the source exported, and
/// a pin would stop that (listed).</item>
/// <item>Per environment, never copied (differences listed): <c>platform:environment</c>, <c>platform:replicas</c>,
/// <c>platform:ports</c>, <c>platform:tls</c>.</item>
/// <item>Never read nor copied: secure values (<c>pulumi config set --secret</c>) and keys of other namespaces
/// (<c>aws:region</c>, …); their names are listed when they are in only one of the two files.</item>
/// </list>
/// The target file is edited in place (only the copied keys' lines change; comments and other keys are kept), the
/// result is checked as a stack file before it is written, and it is written atomically.
/// </summary>
public static class PromoteCommand
{
    public static readonly string[] MustMatch = [StackSettings.Prefix + "system", StackSettings.Prefix + "target"];
    public const string Images = StackSettings.Prefix + "images";
    public static readonly string[] PerEnvironment =
        [StackSettings.Prefix + "environment", StackSettings.Prefix + "replicas", StackSettings.Prefix + "ports", StackSettings.Prefix + "tls"];

    public static string Run(Options o, Func<string, string?> env)
    {
        var from = o.Get("from") ?? throw new InputException("command line", "--from", null, "promote needs --from STACK and --to STACK");
        var to = o.Get("to") ?? throw new InputException("command line", "--to", null, "promote needs --from STACK and --to STACK");
        if (from == to) throw new InputException("command line", "--to", to, "must name another stack than --from");
        foreach (var flag in new[] { "stack", "system", "env", "image", "replicas", "port", "target", "tls", "state", "format", "max-chars" })
            if (o.Has(flag)) throw new InputException("command line", "--" + flag, null, "does not apply to promote (--from, --to, --dry-run, --root)");
        var root = DiffCommand.Root(o, env);
        var dryRun = o.Has("dry-run");

        // Both files must be valid stack files (same checks and errors as synth).
        StackSettings.Load(root, from);
        var toSettings = StackSettings.Load(root, to);
        // The target reads unpinned images from this source's exported digests: a pin copied there would stop that.
        var byReference = toSettings.PromoteFrom is { } promoteFrom && promoteFrom.Split('/') is [_, var project, var referenced]
            && project == StackSettings.Project && referenced == from ? promoteFrom : null;
        var sourceFile = $"Pulumi.{from}.yaml";
        var targetFile = $"Pulumi.{to}.yaml";
        var targetPath = Path.Combine(root, targetFile);
        var source = Config(StackInput.ReadStackFile(Path.Combine(root, sourceFile), sourceFile), sourceFile);
        var targetText = StackInput.ReadStackFile(targetPath, targetFile);
        var target = Config(targetText, targetFile);

        var report = new StringBuilder($"promote {from} -> {to} ({targetFile}){(dryRun ? ", dry run: nothing is written" : "")}\n");
        var copied = new List<string>();
        var notCopied = new List<string>();
        var edits = new Dictionary<string, YamlNode?>(StringComparer.Ordinal);

        foreach (var key in MustMatch)
        {
            var s = source.GetValueOrDefault(key);
            var t = target.GetValueOrDefault(key);
            if (s is null) { if (t is not null) notCopied.Add($"{key}: not set in {from}, {Show(t)} in {to} (left as is)"); continue; }
            if (Same(s, t)) { copied.Add($"{key}: {Show(s)} (already the same)"); continue; }
            copied.Add($"{key}: {Show(t)} -> {Show(s)}");
            edits[key] = s;
        }

        var sourceImages = source.GetValueOrDefault(Images) as YamlMappingNode;
        var targetImages = target.GetValueOrDefault(Images) as YamlMappingNode;
        var merged = targetImages is null ? [] : new List<KeyValuePair<YamlNode, YamlNode>>(targetImages.Children);
        var imagesChanged = false;
        foreach (var (k, v) in sourceImages is null ? [] : sourceImages.Children.ToList())
        {
            var service = ((YamlScalarNode)k).Value ?? "";
            var existing = merged.FindIndex(e => ((YamlScalarNode)e.Key).Value == service);
            var current = existing >= 0 ? merged[existing].Value : null;
            var label = $"{Images}.{service}";
            if (v is not YamlScalarNode { Value: { } reference })
            {
                notCopied.Add($"{label}: a build from source in {from}; builds are per stack, only digests are promoted");
                continue;
            }
            if (!reference.Contains("@sha256:", StringComparison.Ordinal))
            {
                if (Same(v, current)) { notCopied.Add($"{label}: {reference} in both (a tag, not a digest: pin it as name@sha256:...)"); continue; }
                notCopied.Add($"{label}: {reference} is not pinned by digest (promote name@sha256:... so {to} runs what {from} tested){(current is null ? "" : $"; {to} keeps {Show(current)}")}");
                continue;
            }
            if (Same(v, current)) { copied.Add($"{label}: {reference} (already the same)"); continue; }
            if (current is null && byReference is not null)
            {
                notCopied.Add($"{label}: promoted by stack reference: {to} runs what {byReference} exports as images.{service} (the digest it deployed); a pin here would stop that (pin only to roll back)");
                continue;
            }
            copied.Add($"{label}: {Show(current)} -> {reference}");
            if (existing >= 0) merged[existing] = new(merged[existing].Key, v);
            else merged.Add(new(new YamlScalarNode(service), v));
            imagesChanged = true;
        }
        if (imagesChanged) edits[Images] = new YamlMappingNode(merged);

        var perEnv = new List<string>();
        foreach (var key in PerEnvironment)
        {
            var s = source.GetValueOrDefault(key);
            var t = target.GetValueOrDefault(key);
            if (!Same(s, t)) perEnv.Add($"{key}: {from}: {Show(s)}, {to}: {Show(t)}");
        }
        if (targetImages is not null)
            foreach (var (k, v) in targetImages.Children)
                if (sourceImages?.Children.ContainsKey(k) != true)
                    perEnv.Add($"{Images}.{((YamlScalarNode)k).Value}: only in {to} ({Show(v)}), kept");

        var others = source.Keys.Concat(target.Keys).Distinct().Where(k => !MustMatch.Contains(k) && k != Images && !PerEnvironment.Contains(k))
            .Where(k => source.ContainsKey(k) != target.ContainsKey(k)).Order(StringComparer.Ordinal)
            .Select(k => $"{k}: set only in {(source.ContainsKey(k) ? from : to)}{(IsSecure(source.GetValueOrDefault(k) ?? target[k]) ? " (secret)" : "")}").ToList();

        Section(report, dryRun ? "would copy (must match):" : "copied (must match):", copied);
        Section(report, "not promoted:", notCopied);
        Section(report, "per environment (never copied; differences only):", perEnv);
        Section(report, "secrets and other namespaces (never read nor copied):", others);

        if (edits.Count == 0) report.Append(dryRun ? "nothing to copy\n" : $"nothing to copy; {targetFile} is unchanged\n");
        else if (!dryRun)
        {
            var newText = Edit(targetText, targetFile, edits);
            StackSettings.Parse(newText, targetFile, to, root);   // still a valid stack file, or nothing is written
            var tmp = targetPath + ".promote.tmp";
            File.WriteAllText(tmp, newText, new UTF8Encoding(false));
            File.Move(tmp, targetPath, overwrite: true);
            report.Append($"wrote {targetFile} ({edits.Count} key{(edits.Count == 1 ? "" : "s")})\n");
        }
        return report.ToString();
    }

    private static void Section(StringBuilder sb, string title, List<string> lines)
    {
        if (lines.Count == 0) return;
        sb.Append(title).Append('\n');
        foreach (var l in lines) sb.Append("  ").Append(ErrorText.Escape(l)).Append('\n');
    }

    private static Dictionary<string, YamlNode> Config(string text, string file)
    {
        var d = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (StackInput.Load(text, file, "(document)") is YamlMappingNode top && top.Children.TryGetValue(new YamlScalarNode("config"), out var c) && c is YamlMappingNode cm)
            foreach (var (k, v) in cm.Children)
                if (k is YamlScalarNode { Value: { } key }) d[key] = v;
        return d;
    }

    private static bool IsSecure(YamlNode node) => node is YamlMappingNode m && m.Children.ContainsKey(new YamlScalarNode("secure"));

    private static bool Same(YamlNode? a, YamlNode? b) => a is null || b is null ? a is null && b is null : Render(a) == Render(b);

    /// <summary>A value in one line; a secure value is never shown (promote never reads one of ours anyway).</summary>
    private static string Show(YamlNode? node) => node is null ? "(not set)" : IsSecure(node) ? "[secret]" : Render(node);

    /// <summary>Flow-style YAML of a node, scalars quoted unless they read back as the same string.</summary>
    private static string Render(YamlNode node) => node switch
    {
        YamlScalarNode s when s.Style == YamlDotNet.Core.ScalarStyle.Plain && s.Value is { } v && YamlScalars.ResolvePlain(v) != ScalarKind.String => v,
        YamlScalarNode s => Scalar(s.Value ?? ""),
        YamlSequenceNode q => "[" + string.Join(", ", q.Children.Select(Render)) + "]",
        YamlMappingNode m => "{" + string.Join(", ", m.Children.Select(e => Render(e.Key) + ": " + Render(e.Value))) + "}",
        _ => "",
    };

    private static string Scalar(string text) => YamlScalars.IsSafePlain(text) ? text : "\"" + JsonEncodedText.Encode(text).ToString() + "\"";

    /// <summary>Replaces (or appends) the given config entries, line by line, leaving every other line as it was.</summary>
    private static string Edit(string text, string file, Dictionary<string, YamlNode?> edits)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        var top = StackInput.Load(text, file, "(document)") as YamlMappingNode;
        YamlMappingNode? config = null;
        if (top is not null && top.Children.TryGetValue(new YamlScalarNode("config"), out var c)) config = c as YamlMappingNode;
        if (config is null || config.Style == YamlDotNet.Core.Events.MappingStyle.Flow)
        {
            if (config is not null) throw new InputException(file, "config", null, "promote edits a block-style config: section; this one is written in flow style ({...})");
            var sb = new StringBuilder(text.TrimEnd('\n')).Append("\nconfig:\n");
            foreach (var (k, v) in edits) sb.Append(Entry("  ", k, v!));
            return sb.ToString();
        }
        var keys = config.Children.Keys.OfType<YamlScalarNode>().ToList();
        var indent = new string(' ', (int)keys[0].Start.Column - 1);
        // Each entry: from its key's line to the line before the next key (blank and comment lines at its end
        // belong to what follows); the last one ends at the last line indented deeper than the keys.
        var ranges = new List<(string Key, int Start, int End)>();
        for (var i = 0; i < keys.Count; i++)
        {
            var start = (int)keys[i].Start.Line - 1;
            int end;
            if (i + 1 < keys.Count) end = (int)keys[i + 1].Start.Line - 2;
            else
            {
                end = start;
                for (var j = start + 1; j < lines.Count; j++)
                {
                    var l = lines[j];
                    if (l.Trim().Length == 0 || l.TrimStart().StartsWith('#')) continue;
                    if (l.Length - l.TrimStart().Length <= indent.Length) break;
                    end = j;
                }
            }
            while (end > start && (lines[end].Trim().Length == 0 || lines[end].TrimStart().StartsWith('#'))) end--;
            ranges.Add((keys[i].Value ?? "", start, end));
        }
        var append = new StringBuilder();
        foreach (var (key, value) in edits)
            if (!ranges.Any(r => r.Key == key)) append.Append(Entry(indent, key, value!));
        if (append.Length > 0) lines.Insert(ranges[^1].End + 1, append.ToString().TrimEnd('\n'));
        foreach (var r in ranges.OrderByDescending(r => r.Start))
            if (edits.TryGetValue(r.Key, out var value))
            {
                lines.RemoveRange(r.Start, r.End - r.Start + 1);
                lines.Insert(r.Start, Entry(indent, r.Key, value!).TrimEnd('\n'));
            }
        return string.Join("\n", lines);
    }

    private static string Entry(string indent, string key, YamlNode value)
    {
        if (value is YamlMappingNode m && m.Children.Count > 0)
        {
            var sb = new StringBuilder(indent).Append(key).Append(":\n");
            foreach (var (k, v) in m.Children) sb.Append(indent).Append("  ").Append(Render(k)).Append(": ").Append(Render(v)).Append('\n');
            return sb.ToString();
        }
        return indent + key + ": " + Render(value) + "\n";
    }
}
