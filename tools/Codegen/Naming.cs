using System.Text;

namespace Infra.Codegen;

/// <summary>
/// How schema names become C# names.
/// <list type="bullet">
/// <item>Namespace: <c>Infra.Providers.&lt;Package&gt;[.&lt;Module&gt;]</c>. A token's module drops a last segment that
/// repeats the type name (<c>docker:index/network:Network</c> is in module <c>index</c>, <c>aws:ec2/vpc:Vpc</c> in
/// <c>ec2</c>); <c>index</c> is the package root. Each remaining segment keeps its text before the first dot
/// (<c>networking.k8s.io/v1</c> becomes <c>Networking.V1</c>) and is PascalCased.</item>
/// <item>Members: PascalCase of the schema name, splitting on anything not a letter or digit (<c>$ref</c> becomes
/// <c>Ref</c>, <c>x_kubernetes_list_type</c> becomes <c>XKubernetesListType</c>); a leading digit gets a <c>P</c> prefix.</item>
/// <item>Renames: a member whose name is taken (by a member of the base class or the generated type — <c>Token</c>,
/// <c>TypeToken</c>, <c>Outputs</c>, <c>Extra</c>, <c>ToValue</c>, <c>Set</c>, <c>Equals</c>, ... — or equal to its
/// own type's name) gets the suffix <c>Property</c>; two schema names with the same PascalCase form keep the first (in
/// ordinal order of the schema name) and number the others <c>2</c>, <c>3</c>, ...</item>
/// <item>Types: the PascalCase of the token's last segment; a type whose name equals a generated resource's in the same
/// namespace (<c>aws:s3/BucketServerSideEncryptionConfiguration:...</c> beside the resource of that name), or a name
/// the generated code takes from <c>Infra.Components.Core</c> (<c>Value</c>, <c>Resource</c>, ...), gets the suffix <c>Type</c>.</item>
/// </list>
/// C# keywords are all lower case, so a PascalCased name can never be one.
/// </summary>
public static class Naming
{
    public const string Root = "Infra.Providers";

    private static readonly HashSet<string> ObjectMembers =
        ["Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize", "ReferenceEquals"];

    /// <summary>Taken in a generated resource or object type (members of InputObject, ResourceArgs and the generated type itself).</summary>
    public static readonly HashSet<string> ArgsReserved =
        [.. ObjectMembers, "Token", "TypeToken", "Outputs", "Extra", "ToValue", "ToProps", "NewResource", "Set", "SetObjects", "SetAny"];

    /// <summary>Taken in a generated <c>Outputs</c> struct.</summary>
    public static readonly HashSet<string> OutputsReserved = [.. ObjectMembers, "Of", "Outputs", "Resource"];

    /// <summary>Taken in a generated enum struct.</summary>
    public static readonly HashSet<string> EnumReserved = [.. ObjectMembers, "V", "ToWire", "EqualityContract", "Deconstruct", "PrintMembers"];

    public static string Pascal(string name)
    {
        var sb = new StringBuilder(name.Length);
        var upper = true;
        foreach (var ch in name)
        {
            if (!char.IsAsciiLetterOrDigit(ch)) { upper = true; continue; }
            sb.Append(upper ? char.ToUpperInvariant(ch) : ch);
            upper = false;
        }
        if (sb.Length == 0) return "Unnamed";
        return char.IsAsciiDigit(sb[0]) ? "P" + sb : sb.ToString();
    }

    /// <summary>Splits <c>pkg:module:Name</c>; the provider token <c>pulumi:providers:pkg</c> is module "" and name "Provider".</summary>
    public static (string Package, string Module, string Name) Split(string token)
    {
        var parts = token.Split(':');
        if (parts.Length != 3) throw new FormatException($"'{token}' is not a pkg:module:Name token");
        if (parts[0] == "pulumi" && parts[1] == "providers") return (parts[2], "", "Provider");
        var module = parts[1];
        var slash = module.LastIndexOf('/');
        if (slash >= 0 && module[(slash + 1)..].Equals(parts[2], StringComparison.OrdinalIgnoreCase)) module = module[..slash];
        if (module == "index") module = "";
        return (parts[0], module, parts[2]);
    }

    public static string Namespace(string package, string module)
    {
        var ns = Root + "." + Pascal(package);
        if (module.Length == 0) return ns;
        return ns + "." + string.Join(".", module.Split('/').Select(seg => Pascal(seg.Split('.')[0])));
    }

    /// <summary>Folder under the output root for a namespace: <c>Kubernetes/Apps/V1</c>.</summary>
    public static string Folder(string ns) => ns[(Root.Length + 1)..].Replace('.', '/');

    /// <summary>C# member names for schema names (sorted ordinally), following the rename rules above.</summary>
    public static IReadOnlyList<(string SchemaName, string Member)> Members(IEnumerable<string> schemaNames, string typeName, HashSet<string> reserved)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<(string, string)>();
        foreach (var name in schemaNames.Order(StringComparer.Ordinal))
        {
            var member = Pascal(name);
            if (reserved.Contains(member) || member == typeName) member += "Property";
            var unique = member;
            for (var n = 2; !used.Add(unique); n++) unique = member + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            result.Add((name, unique));
        }
        return result;
    }
}
