using System.Text.Json;

namespace Infra.Codegen;

/// <summary>A Pulumi package schema file (read-only view): resources, the provider and named types.</summary>
public sealed class SchemaPackage
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
    private readonly JsonElement _root;

    private SchemaPackage(string name, string file, JsonElement root)
    {
        Name = name;
        File = file;
        _root = root;
    }

    public string Name { get; }

    /// <summary>The schema file name (no folder), e.g. <c>aws.subset.json</c>.</summary>
    public string File { get; }

    /// <summary>The top-level <c>version</c>, when the file has one (derived files do; official ones do not).</summary>
    public string? Version => _root.TryGetProperty("version", out var v) ? v.GetString() : null;

    public static SchemaPackage Load(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        var root = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 }).RootElement.Clone();
        var name = root.GetProperty("name").GetString() ?? throw new FormatException($"{path}: no package name");
        return new SchemaPackage(name, Path.GetFileName(path), root);
    }

    public const string ProviderPrefix = "pulumi:providers:";

    /// <summary>A resource by token; the provider is <c>pulumi:providers:&lt;name&gt;</c> (an empty one when the schema has none).</summary>
    public bool TryGetResource(string token, out JsonElement resource)
    {
        if (token == ProviderPrefix + Name)
        {
            resource = _root.TryGetProperty("provider", out var p) ? p : EmptyObject;
            return true;
        }
        resource = default;
        return _root.TryGetProperty("resources", out var all) && all.TryGetProperty(token, out resource);
    }

    /// <summary>The <c>config</c> section (config variables and their types), or an empty object.</summary>
    public JsonElement Config => _root.TryGetProperty("config", out var c) ? c : EmptyObject;

    public bool TryGetType(string token, out JsonElement type)
    {
        type = default;
        return _root.TryGetProperty("types", out var all) && all.TryGetProperty(token, out type);
    }

    /// <summary>The local type token a <c>$ref</c> names (<c>#/types/...</c>, with <c>%2F</c> decoded), or null.</summary>
    public static string? LocalTypeToken(string reference) =>
        reference.StartsWith("#/types/", StringComparison.Ordinal) ? Uri.UnescapeDataString(reference["#/types/".Length..]) : null;

    /// <summary>Every <c>$ref</c> string anywhere under <paramref name="element"/>.</summary>
    public static IEnumerable<string> Refs(JsonElement element)
    {
        var stack = new Stack<JsonElement>();
        stack.Push(element);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name == "$ref" && p.Value.ValueKind == JsonValueKind.String) yield return p.Value.GetString()!;
                    else if (p.Name is not ("description" or "deprecationMessage")) stack.Push(p.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray()) stack.Push(item);
            }
        }
    }

    /// <summary>
    /// The named types reachable from <paramref name="roots"/> through local <c>$ref</c>s, transitively, in ordinal order.
    /// A ref to a type the file lacks is an error: a cut or vendored schema must be closed.
    /// </summary>
    public IReadOnlyList<string> TypeClosure(IEnumerable<JsonElement> roots)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var work = new Stack<JsonElement>(roots);
        while (work.Count > 0)
        {
            foreach (var r in Refs(work.Pop()))
            {
                if (LocalTypeToken(r) is not { } token || !seen.Add(token)) continue;
                if (!TryGetType(token, out var type)) throw new InvalidDataException($"{File}: '{r}' names a type the schema does not define");
                work.Push(type);
            }
        }
        return [.. seen];
    }

    public static IEnumerable<string> RequiredNames(JsonElement owner, string key) =>
        owner.TryGetProperty(key, out var req) && req.ValueKind == JsonValueKind.Array
            ? req.EnumerateArray().Select(e => e.GetString()!)
            : [];

    public static IEnumerable<JsonProperty> Properties(JsonElement owner, string key) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(key, out var props) && props.ValueKind == JsonValueKind.Object
            ? props.EnumerateObject()
            : [];
}
