using System.Security.Cryptography;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Runtime;

/// <summary>One resource of a Pulumi YAML program: logical name, type token, properties (plain trees of
/// <see cref="Dictionary{TKey,TValue}"/>, <see cref="List{T}"/> and string scalars) and options.</summary>
public sealed record ProgramResource(string Name, string Type, Dictionary<string, object?> Properties, Dictionary<string, object?> Options);

/// <summary>
/// A parsed Pulumi YAML program plus the resolution of its <c>${...}</c> interpolations the way the engine
/// would after creating each resource: generated random passwords (a fresh value per program instance),
/// <c>${network.name}</c> / <c>${volume.name}</c> / <c>${container}</c> to the created object's name,
/// <c>${image.imageId}</c> to the local image chosen by the caller, config keys to their defaults;
/// <c>$$</c> is a literal <c>$</c>.
/// </summary>
public sealed class PulumiProgram
{
    public const string ContainerType = "docker:index/container:Container";
    public const string NetworkType = "docker:index/network:Network";
    public const string VolumeType = "docker:index/volume:Volume";
    public const string RemoteImageType = "docker:index/remoteImage:RemoteImage";
    public const string RandomPasswordType = "random:index/randomPassword:RandomPassword";

    private readonly Dictionary<string, string> _generated = new(StringComparer.Ordinal);

    public PulumiProgram(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (Dictionary<string, object?>)Plain(stream.Documents[0].RootNode)!;
        Config = root.TryGetValue("config", out var c) && c is Dictionary<string, object?> cfg ? cfg : [];
        var resources = (Dictionary<string, object?>)root["resources"]!;
        Resources = resources.Select(kv =>
        {
            var r = (Dictionary<string, object?>)kv.Value!;
            return new ProgramResource(kv.Key, (string)r["type"]!,
                r.TryGetValue("properties", out var p) && p is Dictionary<string, object?> props ? props : [],
                r.TryGetValue("options", out var o) && o is Dictionary<string, object?> opts ? opts : []);
        }).ToList();
    }

    public Dictionary<string, object?> Config { get; }

    /// <summary>Stack config values (what <c>pulumi config set</c> would hold, secrets included); a key not here resolves to its default.</summary>
    public Dictionary<string, string> StackConfig { get; } = new(StringComparer.Ordinal);
    public IReadOnlyList<ProgramResource> Resources { get; }

    public IEnumerable<ProgramResource> OfType(string type) => Resources.Where(r => r.Type == type);
    public ProgramResource Get(string name) => Resources.Single(r => r.Name == name);

    /// <summary>Maps <c>${image.imageId}</c> to the image to run; set by the deployment.</summary>
    public Func<ProgramResource, string> ImageFor { get; set; } = r => throw new InvalidOperationException($"no local image for {r.Name}");

    /// <summary>The RemoteImage resource a container's <c>image: ${x.imageId}</c> refers to (null for a literal image).</summary>
    public ProgramResource? ImageResourceOf(ProgramResource container) =>
        container.Properties.TryGetValue("image", out var v) && v is string s && s.StartsWith("${", StringComparison.Ordinal)
            ? Resources.FirstOrDefault(r => r.Name == s[2..s.IndexOf('.', StringComparison.Ordinal)] && r.Type == RemoteImageType)
            : null;

    /// <summary>The value a generated random password resolves to (stable within this instance).</summary>
    public string Generated(string resourceName) => _generated.TryGetValue(resourceName, out var v) ? v : _generated[resourceName] = NewPassword(Get(resourceName));

    /// <summary>Uses <paramref name="other"/>'s generated values (same secrets, e.g. a sidecar taken from another environment's program).</summary>
    public void ShareGeneratedWith(PulumiProgram other)
    {
        foreach (var r in OfType(RandomPasswordType))
            if (other.Resources.Any(o => o.Name == r.Name && o.Type == RandomPasswordType)) _generated[r.Name] = other.Generated(r.Name);
    }

    /// <summary>A deep copy of <paramref name="value"/> with every interpolation resolved.</summary>
    public object? Resolve(object? value) => value switch
    {
        string s => Interpolate(s),
        List<object?> l => l.Select(Resolve).ToList(),
        Dictionary<string, object?> d => d.ToDictionary(kv => kv.Key, kv => Resolve(kv.Value), StringComparer.Ordinal),
        _ => value,
    };

    public Dictionary<string, object?> ResolvedProperties(ProgramResource r) => (Dictionary<string, object?>)Resolve(r.Properties)!;

    private string Interpolate(string s)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '$' && i + 1 < s.Length && s[i + 1] == '$') { sb.Append('$'); i++; continue; }
            if (s[i] == '$' && i + 1 < s.Length && s[i + 1] == '{')
            {
                var end = s.IndexOf('}', i);
                if (end < 0) throw new FormatException($"unterminated interpolation in '{s}'");
                sb.Append(Lookup(s[(i + 2)..end]));
                i = end;
                continue;
            }
            sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private string Lookup(string expr)
    {
        var dot = expr.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? expr : expr[..dot];
        var prop = dot < 0 ? null : expr[(dot + 1)..];
        var r = Resources.FirstOrDefault(x => x.Name == name);
        if (r is null)
        {
            if (prop is null && Config.ContainsKey(name) && StackConfig.TryGetValue(name, out var set)) return set;
            if (prop is null && Config.TryGetValue(name, out var c) && c is Dictionary<string, object?> cfg)
                return cfg.TryGetValue("default", out var d) && d is string ds ? ds : "";
            throw new InvalidOperationException($"unresolvable reference ${{{expr}}}");
        }
        return (r.Type, prop) switch
        {
            (RandomPasswordType, "result") => Generated(name),
            (RemoteImageType, "imageId" or "repoDigest") => ImageFor(r),
            (NetworkType or VolumeType or ContainerType, "name" or null) => (string)Resolve(r.Properties["name"])!,
            _ => throw new InvalidOperationException($"the runtime tier does not resolve ${{{expr}}} ({r.Type})"),
        };
    }

    /// <summary>Honours length / special / minLower / minUpper / minNumeric like random:RandomPassword.</summary>
    private static string NewPassword(ProgramResource r)
    {
        int Int(string key, int dflt) => r.Properties.TryGetValue(key, out var v) && v is string s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : dflt;
        var special = !(r.Properties.TryGetValue("special", out var sp) && sp is "false");
        const string lower = "abcdefghijklmnopqrstuvwxyz", upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", digits = "0123456789", specials = "!#%&*()-_=+[]{}<>:?";
        var length = Int("length", 16);
        var chars = new List<char>();
        for (var i = 0; i < Int("minLower", 0); i++) chars.Add(lower[RandomNumberGenerator.GetInt32(lower.Length)]);
        for (var i = 0; i < Int("minUpper", 0); i++) chars.Add(upper[RandomNumberGenerator.GetInt32(upper.Length)]);
        for (var i = 0; i < Int("minNumeric", 0); i++) chars.Add(digits[RandomNumberGenerator.GetInt32(digits.Length)]);
        var all = lower + upper + digits + (special ? specials : "");
        while (chars.Count < length) chars.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        return new string([.. chars.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue))]);
    }

    private static object? Plain(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => Plain(kv.Value), StringComparer.Ordinal),
        YamlSequenceNode s => s.Children.Select(Plain).ToList(),
        YamlScalarNode sc => sc.Value,
        _ => throw new FormatException("unexpected YAML node " + node.NodeType),
    };
}
