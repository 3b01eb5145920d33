namespace Infra.Codegen;

/// <summary>
/// One <c>schemas/curated/&lt;package&gt;.txt</c>: the resource tokens to generate bindings for, one per line.
/// <c>#</c> starts a comment. Two directives: <c>@schema FILE</c> names the vendored schema file (required) and
/// <c>@version TEXT</c> gives the schema version when the file itself has no top-level <c>version</c>.
/// </summary>
public sealed record CuratedList(string Package, string SchemaFile, string? Version, IReadOnlyList<string> Tokens)
{
    public static CuratedList Read(string path)
    {
        var package = Path.GetFileNameWithoutExtension(path);
        string? schema = null, version = null;
        var tokens = new List<string>();
        foreach (var raw in File.ReadAllLines(path))
        {
            var hash = raw.IndexOf('#');
            var line = (hash >= 0 ? raw[..hash] : raw).Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith("@schema ", StringComparison.Ordinal)) schema = line["@schema ".Length..].Trim();
            else if (line.StartsWith("@version ", StringComparison.Ordinal)) version = line["@version ".Length..].Trim();
            else if (line.StartsWith('@')) throw new FormatException($"{path}: unknown directive '{line}'");
            else if (tokens.Contains(line)) throw new FormatException($"{path}: token '{line}' is listed twice");
            else tokens.Add(line);
        }
        if (schema is null) throw new FormatException($"{path}: no '@schema FILE' line");
        return new CuratedList(package, schema, version, tokens);
    }

    /// <summary>Every curated list in <paramref name="schemasDir"/>/curated, by package name.</summary>
    public static IReadOnlyList<CuratedList> ReadAll(string schemasDir) =>
        [.. Directory.GetFiles(Path.Combine(schemasDir, "curated"), "*.txt").Order(StringComparer.Ordinal).Select(Read)];
}
