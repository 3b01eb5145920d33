using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Components.Core;

namespace Infra.Tests.Aws;

/// <summary>
/// Evaluates a policy-document value the way the engine would, with references replaced by placeholders
/// (<c>arn:aws:test:::resource/path</c>; an issuer URL becomes <c>https://oidc.eks.test/id/...</c>), and returns the JSON text.
/// Supports what the target emits: <c>fn::toJSON</c>, <c>fn::join</c>, <c>fn::select</c>, <c>fn::split</c>, interpolations.
/// </summary>
public static class PolicyJson
{
    public static string Evaluate(Value v) => v switch
    {
        FnCall { Name: "toJSON" } f => ToNode(f.Argument)!.ToJsonString(),
        _ => Text(v),
    };

    private static string Text(Value v) => v switch
    {
        Str s => s.Text,
        Num n => n.Render(),
        OutputRef o when o.Path.Contains("issuer", StringComparison.Ordinal) => $"https://oidc.eks.test/id/{o.Resource.Name}",
        OutputRef o => $"arn:aws:test:::{o.Resource.Name}/{o.Path}",
        ConfigRef c => $"config:{c.Key.Name}",
        Interpolation i => string.Concat(i.Parts.Select(Text)),
        FnCall { Name: "join", Argument: ListValue { Items: [var d, ListValue parts] } } => string.Join(Text(d), parts.Items.Select(Text)),
        FnCall { Name: "select", Argument: ListValue { Items: [Num index, var list] } } => Strings(list)[(int)index.Number],
        FnCall { Name: "toJSON" } f => ToNode(f.Argument)!.ToJsonString(),
        _ => throw new InvalidOperationException($"cannot evaluate {v.GetType().Name} as text"),
    };

    private static List<string> Strings(Value v) => v switch
    {
        FnCall { Name: "split", Argument: ListValue { Items: [var d, var s] } } => [.. Text(s).Split(Text(d))],
        ListValue l => [.. l.Items.Select(Text)],
        _ => throw new InvalidOperationException($"cannot evaluate {v.GetType().Name} as a list"),
    };

    private static JsonNode? ToNode(Value v) => v switch
    {
        MapValue m => new JsonObject(m.Entries.Select(e => new KeyValuePair<string, JsonNode?>(e.Key, ToNode(e.Value)))),
        ListValue l => new JsonArray([.. l.Items.Select(ToNode)]),
        Bool b => JsonValue.Create(b.Flag),
        Num n => JsonValue.Create(n.Number),
        _ => JsonValue.Create(Text(v)),
    };

    /// <summary>Parses the evaluated document (it must be valid JSON).</summary>
    public static JsonDocument Parse(Value v) => JsonDocument.Parse(Evaluate(v));

    public static IEnumerable<string> Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => e.EnumerateArray().Select(x => x.GetString() ?? ""),
        JsonValueKind.String => [e.GetString()!],
        _ => [],
    };

    public static string Describe(double d) => d.ToString(CultureInfo.InvariantCulture);
}
