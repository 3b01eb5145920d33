using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Infra.Codegen;

/// <summary>
/// The <c>cut</c> mode: a subset of a package schema holding the resources named in curated lists, the resources and
/// types another vendored schema refers to externally (eks.json names <c>/aws/v7.14.0/schema.json#/resources/...</c>),
/// the provider and config, and every type those reach (inputs and outputs). Functions are dropped. Everything kept is
/// copied unchanged and in source order; an <c>x-subset</c> block records how the file was cut.
/// </summary>
public static partial class SchemaCutter
{
    public static (int Resources, int Types) Cut(string from, IReadOnlyList<string> lists, IReadOnlyList<string> refsFrom, string output)
    {
        var source = SchemaPackage.Load(from);
        var wanted = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var list in lists)
            foreach (var token in CuratedList.Read(list).Tokens)
                if (!token.StartsWith(SchemaPackage.ProviderPrefix, StringComparison.Ordinal)) wanted.Add(token);
        var externalTypes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in refsFrom)
            foreach (var (kind, token) in ExternalRefs(File.ReadAllText(file), source.Name))
                (kind == "resources" ? wanted : externalTypes).Add(token);

        var roots = new List<JsonElement>();
        foreach (var token in wanted)
            roots.Add(source.TryGetResource(token, out var r) ? r : throw new InvalidDataException($"'{token}' is not a resource in {from}"));
        foreach (var token in externalTypes)
            roots.Add(source.TryGetType(token, out var t) ? t : throw new InvalidDataException($"'{token}' is not a type in {from}"));
        if (source.TryGetResource(SchemaPackage.ProviderPrefix + source.Name, out var provider)) roots.Add(provider);
        roots.Add(source.Config);
        var types = new HashSet<string>(source.TypeClosure(roots).Concat(externalTypes), StringComparer.Ordinal);

        var node = JsonNode.Parse(File.ReadAllText(from), documentOptions: new JsonDocumentOptions { MaxDepth = 256 })!.AsObject();
        var result = new JsonObject();
        foreach (var (key, value) in node)
        {
            result[key] = key switch
            {
                "resources" => Filter(value!.AsObject(), wanted.Contains),
                "types" => Filter(value!.AsObject(), types.Contains),
                "functions" => new JsonObject(),
                _ => value?.DeepClone(),
            };
        }
        result["x-subset"] = new JsonObject
        {
            ["cutFrom"] = Path.GetFileName(from),
            ["lists"] = new JsonArray([.. lists.Select(l => (JsonNode)Path.GetFileName(l))]),
            ["refsFrom"] = new JsonArray([.. refsFrom.Select(f => (JsonNode)Path.GetFileName(f))]),
            ["note"] = "Cut by tools/Codegen (cut mode): listed resources, externally referenced resources and types, provider and config, and every type they reach. Functions are dropped. See schemas/README.md.",
        };
        var options = new JsonSerializerOptions { WriteIndented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        File.WriteAllText(output, result.ToJsonString(options) + "\n");
        return (wanted.Count, types.Count);
    }

    private static JsonObject Filter(JsonObject all, Func<string, bool> keep)
    {
        var kept = new JsonObject();
        foreach (var (key, value) in all)
            if (keep(key)) kept[key] = value?.DeepClone();
        return kept;
    }

    /// <summary>(<c>resources</c> or <c>types</c>, token) for each external ref to <paramref name="package"/> in a schema text.</summary>
    public static IEnumerable<(string Kind, string Token)> ExternalRefs(string schemaText, string package) =>
        ExternalRef().Matches(schemaText)
            .Where(m => m.Groups["pkg"].Value == package)
            .Select(m => (m.Groups["kind"].Value, Uri.UnescapeDataString(m.Groups["token"].Value)));

    [GeneratedRegex("\"\\$ref\"\\s*:\\s*\"/(?<pkg>[a-z0-9-]+)/v[^/\"]+/schema\\.json#/(?<kind>resources|types)/(?<token>[^\"]+)\"")]
    private static partial Regex ExternalRef();
}
