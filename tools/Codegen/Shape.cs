using System.Text.Json;

namespace Infra.Codegen;

public enum ShapeKind { Scalar, Object, ScalarList, ObjectList, ScalarMap, ObjectMap, Any }

/// <summary>
/// The C# form of one schema property on the input side. Scalars (string, integer, number, boolean and enums) are
/// <c>Input&lt;T&gt;</c>; object types are generated classes; arrays and maps of those are read-only lists and
/// dictionaries. Everything else — <c>pulumi.json#/Any</c>, assets, archives, <c>oneOf</c> unions such as Kubernetes
/// IntOrString, maps of lists — is an untyped <c>Value</c> set through <c>SetAny</c>.
/// </summary>
public sealed record Shape(ShapeKind Kind, string Element = "")
{
    public static readonly Shape Any = new(ShapeKind.Any);

    public string CsType => Kind switch
    {
        ShapeKind.Scalar => $"Input<{Element}>",
        ShapeKind.Object => Element,
        ShapeKind.ScalarList => $"IReadOnlyList<Input<{Element}>>",
        ShapeKind.ObjectList => $"IReadOnlyList<{Element}>",
        ShapeKind.ScalarMap => $"IReadOnlyDictionary<string, Input<{Element}>>",
        ShapeKind.ObjectMap => $"IReadOnlyDictionary<string, {Element}>",
        _ => "Value",
    };

    public string Setter => Kind switch
    {
        ShapeKind.ObjectList or ShapeKind.ObjectMap => "SetObjects",
        ShapeKind.Any => "SetAny",
        _ => "Set",
    };

    /// <summary>The input shape of <paramref name="property"/>; <paramref name="typeName"/> gives the C# name of a named type (null: not generated).</summary>
    public static Shape Of(JsonElement property, Func<string, (string CsName, bool IsEnum)?> typeName)
    {
        if (property.TryGetProperty("$ref", out var r))
        {
            if (SchemaPackage.LocalTypeToken(r.GetString()!) is { } token && typeName(token) is { } named)
                return new Shape(named.IsEnum ? ShapeKind.Scalar : ShapeKind.Object, named.CsName);
            return Any;
        }
        if (property.TryGetProperty("oneOf", out _) || !property.TryGetProperty("type", out var type)) return Any;
        switch (type.GetString())
        {
            case "string": return new Shape(ShapeKind.Scalar, "string");
            case "integer": return new Shape(ShapeKind.Scalar, "int");
            case "number": return new Shape(ShapeKind.Scalar, "double");
            case "boolean": return new Shape(ShapeKind.Scalar, "bool");
            case "array" when property.TryGetProperty("items", out var items):
                return Of(items, typeName) switch
                {
                    { Kind: ShapeKind.Scalar } s => new Shape(ShapeKind.ScalarList, s.Element),
                    { Kind: ShapeKind.Object } s => new Shape(ShapeKind.ObjectList, s.Element),
                    _ => Any,
                };
            case "object" when property.TryGetProperty("additionalProperties", out var values):
                return Of(values, typeName) switch
                {
                    { Kind: ShapeKind.Scalar } s => new Shape(ShapeKind.ScalarMap, s.Element),
                    { Kind: ShapeKind.Object } s => new Shape(ShapeKind.ObjectMap, s.Element),
                    _ => Any,
                };
            default: return Any;
        }
    }

    /// <summary>The <c>T</c> of an output's <c>Output&lt;T&gt;</c>: scalars (enums read as string), else <c>object</c>.</summary>
    public static string OutputType(JsonElement property, Func<string, (string CsName, bool IsEnum)?> typeName)
    {
        if (property.TryGetProperty("$ref", out var r))
            return SchemaPackage.LocalTypeToken(r.GetString()!) is { } token && typeName(token) is { IsEnum: true } ? "string" : "object";
        if (!property.TryGetProperty("type", out var type) || property.TryGetProperty("oneOf", out _)) return "object";
        return type.GetString() switch { "string" => "string", "integer" => "int", "number" => "double", "boolean" => "bool", _ => "object" };
    }
}
