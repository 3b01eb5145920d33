using System.Collections.Concurrent;
using System.Text.Json;

namespace Infra.Tests.Schema;

/// <summary>
/// The Pulumi provider package schemas vendored in the repository's <c>schemas/</c> folder, loaded lazily: each package file is
/// parsed at most once per instance, on first use. <see cref="Shared"/> is one instance per process.
/// </summary>
public sealed class ProviderSchemas
{
    private static readonly Lazy<ProviderSchemas> SharedInstance =
        new(() => Load(LocateSchemasDir()), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<string, Lazy<PackageSchema>> _packages = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Built-in <c>pulumi:pulumi:StackReference</c>.</summary>
    internal const string StackReferenceToken = "pulumi:pulumi:StackReference";

    private static readonly Lazy<ResourceInfo> StackReferenceInfo = new(() =>
    {
        var inputs = JsonDocument.Parse("""{"name":{"type":"string"}}""").RootElement;
        var outputs = JsonDocument.Parse(
            """{"name":{"type":"string"},"outputs":{"type":"object","additionalProperties":{"$ref":"pulumi.json#/Any"}},"secretOutputNames":{"type":"array","items":{"type":"string"}}}""").RootElement;
        return new ResourceInfo(StackReferenceToken, null, inputs, [], outputs, IsProvider: false);
    });

    private ProviderSchemas(string dir) => Directory = dir;

    /// <summary>The directory the schemas were loaded from.</summary>
    public string Directory { get; }

    /// <summary>The one instance shared by the process: the repository's <c>schemas/</c> folder, loaded once.</summary>
    public static ProviderSchemas Shared => SharedInstance.Value;

    /// <summary>
    /// Index the schema files of <paramref name="schemasDir"/>. Files are only parsed when a package is first used.
    /// The package name is the file name up to the first '-' or '.' (<c>aws.subset.json</c> is package <c>aws</c>);
    /// two files of one package are an error.
    /// </summary>
    public static ProviderSchemas Load(string schemasDir)
    {
        if (!System.IO.Directory.Exists(schemasDir))
            throw new DirectoryNotFoundException($"Schema directory '{schemasDir}' does not exist.");
        var result = new ProviderSchemas(Path.GetFullPath(schemasDir));
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in System.IO.Directory.GetFiles(schemasDir, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            var fileName = Path.GetFileName(file);
            var cut = fileName.IndexOfAny(['-', '.']);
            var pkg = fileName[..cut];
            if (files.TryGetValue(pkg, out var existing))
                throw new InvalidDataException($"'{Path.GetFileName(existing)}' and '{fileName}' in '{schemasDir}' are both schemas of package '{pkg}'; keep one");
            files[pkg] = file;
        }
        foreach (var (pkg, file) in files)
            result._packages[pkg] = new Lazy<PackageSchema>(() => PackageSchema.Read(pkg, file), LazyThreadSafetyMode.ExecutionAndPublication);
        return result;
    }

    /// <summary>The repository's <c>schemas/</c> folder (the repository root is where Infra.sln is).</summary>
    public static string LocateSchemasDir() => Path.Combine(Programs.Synth.RepoRoot(), "schemas");

    /// <summary>Package names available (one per schema file).</summary>
    public IEnumerable<string> PackageNames => _packages.Keys;

    internal PackageSchema? GetPackage(string name) =>
        _packages.TryGetValue(name, out var lazy) ? lazy.Value : null;

    internal bool HasPackage(string name) => _packages.ContainsKey(name);

    /// <summary>
    /// Resolve a resource type token as Pulumi YAML does: exact, <c>pkg:X</c> → <c>pkg:index:X</c>,
    /// <c>pkg:mod:X</c> → <c>pkg:mod/x:X</c>, case-insensitively. Also <c>pulumi:providers:pkg</c> and
    /// <c>pulumi:pulumi:StackReference</c>.
    /// </summary>
    public bool TryResolveResource(string typeToken, out string canonicalToken)
    {
        canonicalToken = "";
        var info = ResolveResource(typeToken, out _);
        if (info == null) return false;
        canonicalToken = info.Token;
        return true;
    }

    /// <summary>Resolve a resource token to its schema; <paramref name="problem"/> says why it failed.</summary>
    internal ResourceInfo? ResolveResource(string typeToken, out string problem)
    {
        problem = "";
        var parts = typeToken.Split(':');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
        {
            problem = $"invalid type token '{typeToken}': expected 2 or 3 colon-separated parts";
            return null;
        }
        if (parts.Length == 3 && parts[0].Equals("pulumi", StringComparison.OrdinalIgnoreCase))
        {
            if (parts[1].Equals("providers", StringComparison.OrdinalIgnoreCase))
            {
                var p = GetPackage(parts[2]);
                if (p == null)
                {
                    problem = $"unknown provider package '{parts[2]}' in type token '{typeToken}' (known: {string.Join(", ", PackageNames.Order())})";
                    return null;
                }
                return p.ProviderInfo;
            }
            if (typeToken.Equals(StackReferenceToken, StringComparison.OrdinalIgnoreCase))
                return StackReferenceInfo.Value;
        }
        var pkg = GetPackage(parts[0]);
        if (pkg == null)
        {
            problem = $"unknown package '{parts[0]}' in type token '{typeToken}' (known: {string.Join(", ", PackageNames.Order())})";
            return null;
        }
        if (ResolveToken(typeToken, pkg.ResourceTokens, out var canonical))
            return pkg.GetResourceInfo(canonical);
        problem = $"unknown resource type '{typeToken}': not found in package '{pkg.Name}'";
        return null;
    }

    /// <summary>Resolve a function token (same rules as resources).</summary>
    internal bool TryResolveFunction(string token, out string canonical, out PackageSchema? pkg, out JsonElement fn, out string problem)
    {
        canonical = "";
        fn = default;
        problem = "";
        pkg = null;
        var parts = token.Split(':');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
        {
            problem = $"invalid function token '{token}'";
            return false;
        }
        pkg = GetPackage(parts[0]);
        if (pkg == null)
        {
            problem = $"unknown package '{parts[0]}' in function token '{token}'";
            return false;
        }
        if (ResolveToken(token, pkg.FunctionTokens, out canonical))
        {
            fn = pkg.Functions[canonical];
            return true;
        }
        problem = $"unknown function '{token}': not found in package '{pkg.Name}'";
        return false;
    }

    private static bool ResolveToken(string token, Dictionary<string, string> table, out string canonical)
    {
        var parts = token.Split(':');
        var candidates = new List<string> { token };
        if (parts.Length == 2)
        {
            candidates.Add($"{parts[0]}:index:{parts[1]}");
            candidates.Add($"{parts[0]}:index/{LowerFirst(parts[1])}:{parts[1]}");
        }
        else if (parts.Length == 3)
        {
            candidates.Add($"{parts[0]}:{parts[1]}/{LowerFirst(parts[2])}:{parts[2]}");
        }
        foreach (var c in candidates)
            if (table.TryGetValue(c, out canonical!))
                return true;
        canonical = "";
        return false;
    }

    private static string LowerFirst(string s) => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..];

    /// <summary>Resolve a <c>$ref</c> relative to <paramref name="current"/>.</summary>
    internal RefTarget ResolveRef(string reference, PackageSchema? current)
    {
        var hash = reference.IndexOf('#');
        if (hash < 0) return new RefTarget(RefKind.Unknown, null, reference, default);
        var file = reference[..hash];
        var fragment = reference[(hash + 1)..];
        if (file == "pulumi.json")
        {
            return fragment switch
            {
                "/Any" or "/Json" => new RefTarget(RefKind.Any, null, fragment, default),
                "/Asset" => new RefTarget(RefKind.Asset, null, fragment, default),
                "/Archive" => new RefTarget(RefKind.Archive, null, fragment, default),
                _ => new RefTarget(RefKind.Any, null, fragment, default),
            };
        }
        PackageSchema? pkg = current;
        if (file.Length > 0)
        {
            // External: "/aws/v7.14.0/schema.json".
            var name = file.TrimStart('/').Split('/')[0];
            pkg = GetPackage(name);
        }
        if (pkg == null) return new RefTarget(RefKind.Unknown, null, reference, default);
        fragment = Uri.UnescapeDataString(fragment);
        if (fragment == "/provider") return new RefTarget(RefKind.Resource, pkg, $"pulumi:providers:{pkg.Name}", default);
        if (fragment.StartsWith("/resources/", StringComparison.Ordinal))
            return new RefTarget(RefKind.Resource, pkg, fragment["/resources/".Length..], default);
        if (fragment.StartsWith("/types/", StringComparison.Ordinal))
        {
            var token = fragment["/types/".Length..];
            return pkg.Types.TryGetValue(token, out var t)
                ? new RefTarget(RefKind.Type, pkg, token, t)
                : new RefTarget(RefKind.Unknown, pkg, token, default);
        }
        return new RefTarget(RefKind.Unknown, pkg, reference, default);
    }
}

internal enum RefKind { Unknown, Any, Asset, Archive, Type, Resource }

internal readonly record struct RefTarget(RefKind Kind, PackageSchema? Package, string Token, JsonElement Type);

/// <summary>What the validator needs to know about a resource type.</summary>
internal sealed record ResourceInfo(
    string Token,
    PackageSchema? Package,
    JsonElement? Inputs,
    IReadOnlyList<string> RequiredInputs,
    JsonElement? Outputs,
    bool IsProvider);

internal sealed class PackageSchema
{
    private readonly ConcurrentDictionary<string, ResourceInfo> _infos = new(StringComparer.Ordinal);

    private PackageSchema(string name, JsonElement root)
    {
        Name = name;
        Root = root;
        (Resources, ResourceTokens) = Table(root, "resources");
        (Functions, FunctionTokens) = Table(root, "functions");
        Types = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (root.TryGetProperty("types", out var types) && types.ValueKind == JsonValueKind.Object)
            foreach (var t in types.EnumerateObject())
                Types[t.Name] = t.Value;
        ProviderInfo = BuildProviderInfo();
    }

    public string Name { get; }
    public JsonElement Root { get; }
    public Dictionary<string, JsonElement> Resources { get; }
    public Dictionary<string, JsonElement> Functions { get; }
    /// <summary>Case-insensitive token → canonical token.</summary>
    public Dictionary<string, string> ResourceTokens { get; }
    public Dictionary<string, string> FunctionTokens { get; }
    public Dictionary<string, JsonElement> Types { get; }
    public ResourceInfo ProviderInfo { get; }

    internal static PackageSchema Read(string name, string file)
    {
        var bytes = File.ReadAllBytes(file);
        var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
        return new PackageSchema(name, doc.RootElement);
    }

    private static (Dictionary<string, JsonElement>, Dictionary<string, string>) Table(JsonElement root, string section)
    {
        var table = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var canonical = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty(section, out var el) && el.ValueKind == JsonValueKind.Object)
            foreach (var p in el.EnumerateObject())
            {
                table[p.Name] = p.Value;
                canonical[p.Name] = p.Name;
            }
        return (table, canonical);
    }

    internal ResourceInfo GetResourceInfo(string canonical) => _infos.GetOrAdd(canonical, c =>
    {
        var r = Resources[c];
        return new ResourceInfo(c, this, Prop(r, "inputProperties"), Strings(r, "requiredInputs"), Prop(r, "properties"), IsProvider: false);
    });

    private ResourceInfo BuildProviderInfo()
    {
        var token = $"pulumi:providers:{Name}";
        if (Root.TryGetProperty("provider", out var p) && Prop(p, "inputProperties") is { } inputs)
            return new ResourceInfo(token, this, inputs, Strings(p, "requiredInputs"), Prop(p, "properties") ?? inputs, IsProvider: true);
        // No provider inputs in the schema (random, command, eks): accept the package config variables, or nothing.
        JsonElement? vars = Root.TryGetProperty("config", out var cfg) ? Prop(cfg, "variables") : null;
        return new ResourceInfo(token, this, vars ?? EmptyObject, [], vars ?? EmptyObject, IsProvider: true);
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    internal static JsonElement? Prop(JsonElement el, string name) =>
        el.ValueKind == JsonValueKind.Object && el.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    internal static IReadOnlyList<string> Strings(JsonElement el, string name) =>
        el.ValueKind == JsonValueKind.Object && el.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray()
            : [];
}
