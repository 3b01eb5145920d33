using Infra.Components.Core;
using Infra.Stacks.Profiles;
using Infra.Stacks.Systems;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Infra.Stacks.Composition;

/// <summary>An application image: pulled by reference, or built from a local context.</summary>
public sealed record ImageSetting(string Reference, string? BuildContext = null, string? Dockerfile = null);

/// <summary>
/// The shape decisions of one stack: which system, which environment, which target, images, replica
/// and host-port overrides. Read from <c>Pulumi.&lt;stack&gt;.yaml</c> (or given as flags). Secret values
/// are never read: a key of ours holding a <c>secure:</c> value is an error.
/// </summary>
public sealed record StackSettings
{
    public const string Project = "platform";
    public const string Prefix = Project + ":";

    public required string Stack { get; init; }
    public required string System { get; init; }
    public required EnvironmentProfile Environment { get; init; }
    public string Target { get; init; } = "docker";
    public IReadOnlyDictionary<string, ImageSetting> Images { get; init; } = new Dictionary<string, ImageSetting>();
    public IReadOnlyDictionary<string, int> Replicas { get; init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, int> Ports { get; init; } = new Dictionary<string, int>();
    public bool Tls { get; init; }
    /// <summary>The file settings came from, named in errors ("--flags" when given on the command line).</summary>
    public string File { get; init; } = "(command line)";

    public static readonly string[] Targets = ["docker"];

    private static bool IsStackName(string s) =>
        s.Length is > 0 and <= 100 && char.IsAsciiLetterOrDigit(s[0]) && Text.All(s, c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    public static bool IsValidImage(string reference) => ImageReference.IsValid(reference);

    public static void CheckStackName(string stack, string where)
    {
        if (!IsStackName(stack))
            throw new InputException(where, "stack", stack, "stack names are letters, digits, '-', '_' and '.', starting with a letter or digit, at most 100 characters");
    }

    /// <summary>Reads <c>Pulumi.&lt;stack&gt;.yaml</c> from <paramref name="root"/>.</summary>
    public static StackSettings Load(string root, string stack)
    {
        CheckStackName(stack, "--stack");
        var fileName = $"Pulumi.{stack}.yaml";
        var path = global::System.IO.Path.Combine(root, fileName);
        if (!global::System.IO.File.Exists(path))
        {
            var known = Directory.Exists(root)
                ? Directory.GetFiles(root, "Pulumi.*.yaml").Select(f => global::System.IO.Path.GetFileName(f)[7..^5]).Where(s => s.Length > 0).Order(StringComparer.Ordinal).ToList()
                : [];
            throw new InputException(fileName, "stack", stack,
                $"unknown stack: {fileName} does not exist in {root}; stacks here: {(known.Count == 0 ? "(none)" : string.Join(", ", known))} (create one with `pulumi stack init {stack}` and set {Prefix}system)");
        }
        return Parse(global::System.IO.File.ReadAllText(path), fileName, stack);
    }

    public static StackSettings Parse(string text, string file, string stack)
    {
        var yaml = new YamlStream();
        try { yaml.Load(new StringReader(text)); }
        catch (YamlException e) { throw new InputException(file, $"line {e.Start.Line}", null, "malformed YAML: " + e.Message); }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode top)
            throw new InputException(file, "(top level)", null, "a stack file is a YAML mapping with a 'config:' section");
        YamlMappingNode config;
        if (!top.Children.TryGetValue(new YamlScalarNode("config"), out var configNode))
            config = new YamlMappingNode();
        else if (configNode is YamlMappingNode m) config = m;
        else if (configNode is YamlScalarNode { Value: null or "" or "~" }) config = new YamlMappingNode();
        else throw new InputException(file, "config", null, "must be a mapping of config keys");

        string? system = null, environment = null, target = null;
        bool tls = false;
        var images = new Dictionary<string, ImageSetting>(StringComparer.Ordinal);
        var replicas = new Dictionary<string, int>(StringComparer.Ordinal);
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (k, v) in config.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? throw new InputException(file, "config", null, "config keys must be strings");
            if (!key.StartsWith(Prefix, StringComparison.Ordinal)) continue; // other namespaces (docker:, aws:) are for providers
            if (v is YamlMappingNode secureNode && secureNode.Children.ContainsKey(new YamlScalarNode("secure")))
            {
                if (key is "platform:system" or "platform:environment" or "platform:target" or "platform:images" or "platform:replicas" or "platform:ports" or "platform:tls")
                    throw new InputException(file, key, null, "must not be a secret: the compiler reads it to decide the program's shape");
                continue; // secrets are for the engine, never read here
            }
            switch (key)
            {
                case "platform:system": system = Scalar(file, key, v, "one of: " + string.Join(", ", SystemCatalog.Names)); break;
                case "platform:environment": environment = Scalar(file, key, v, "one of: " + EnvironmentProfile.Allowed); break;
                case "platform:target": target = Scalar(file, key, v, "one of: " + string.Join(", ", Targets)); break;
                case "platform:tls":
                    var t = Scalar(file, key, v, "true or false");
                    tls = t switch { "true" => true, "false" => false, _ => throw new InputException(file, key, t, "must be true or false") };
                    break;
                case "platform:images":
                    foreach (var (svc, node) in Map(file, key, v, "a mapping of service name to image reference"))
                        images[svc] = Image(file, $"{key}.{svc}", node);
                    break;
                case "platform:replicas":
                    foreach (var (svc, node) in Map(file, key, v, "a mapping of service name to a replica count"))
                    {
                        var n = Integer(file, $"{key}.{svc}", node, "a whole number of replicas, at least 1");
                        if (n < 1) throw new InputException(file, $"{key}.{svc}", n.ToString(), "replicas must be at least 1");
                        replicas[svc] = n;
                    }
                    break;
                case "platform:ports":
                    foreach (var (svc, node) in Map(file, key, v, "a mapping of service name to the host port it publishes"))
                    {
                        var n = Integer(file, $"{key}.{svc}", node, "a port number from 1 to 65535");
                        if (n is < 1 or > 65535) throw new InputException(file, $"{key}.{svc}", n.ToString(), "ports are 1 to 65535");
                        ports[svc] = n;
                    }
                    break;
            }
        }

        if (system is null)
            throw new InputException(file, "platform:system", null, $"missing: set it to one of: {string.Join(", ", SystemCatalog.Names)} (pulumi config set platform:system pliers)");
        environment ??= EnvironmentProfile.Find(stack)?.Name
            ?? throw new InputException(file, "platform:environment", null, $"missing: stack '{stack}' is not named after an environment, so set one of: {EnvironmentProfile.Allowed}");
        return Create(stack, system, environment, target ?? "docker", images, replicas, ports, tls, file);
    }

    /// <summary>Validates names and builds settings (used by the stack-file reader and by command-line flags).</summary>
    public static StackSettings Create(string stack, string system, string environment, string target,
        IReadOnlyDictionary<string, ImageSetting> images, IReadOnlyDictionary<string, int> replicas,
        IReadOnlyDictionary<string, int> ports, bool tls, string file)
    {
        if (SystemCatalog.Find(system) is null)
            throw new InputException(file, "platform:system", system, $"unknown system; one of: {string.Join(", ", SystemCatalog.Names)}");
        var profile = EnvironmentProfile.Find(environment)
            ?? throw new InputException(file, "platform:environment", environment, $"unknown environment; one of: {EnvironmentProfile.Allowed}");
        if (!Targets.Contains(target))
            throw new InputException(file, "platform:target", target, $"unknown target; one of: {string.Join(", ", Targets)}");
        foreach (var (svc, img) in images)
            if (!IsValidImage(img.Reference))
                throw new InputException(file, $"platform:images.{svc}", img.Reference,
                    "not a valid image reference: [registry[:port]/]name[:tag][@sha256:digest], lowercase name, e.g. ghcr.io/acme/api:1.4.2");
        return new StackSettings
        {
            Stack = stack, System = system, Environment = profile, Target = target,
            Images = images, Replicas = replicas, Ports = ports, Tls = tls, File = file,
        };
    }

    private static string Scalar(string file, string key, YamlNode node, string allowed) =>
        node is YamlScalarNode { Value: { Length: > 0 } s } ? s : throw new InputException(file, key, null, "must be a plain value: " + allowed);

    private static int Integer(string file, string key, YamlNode node, string allowed)
    {
        var s = Scalar(file, key, node, allowed);
        return int.TryParse(s, global::System.Globalization.NumberStyles.AllowLeadingSign, global::System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : throw new InputException(file, key, s, "must be " + allowed);
    }

    private static IEnumerable<(string, YamlNode)> Map(string file, string key, YamlNode node, string allowed)
    {
        if (node is not YamlMappingNode map) throw new InputException(file, key, (node as YamlScalarNode)?.Value, "must be " + allowed);
        foreach (var (k, v) in map.Children)
            yield return ((k as YamlScalarNode)?.Value ?? throw new InputException(file, key, null, "keys must be service names"), v);
    }

    private static ImageSetting Image(string file, string key, YamlNode node)
    {
        if (node is YamlScalarNode { Value: { } s }) return new ImageSetting(s);
        if (node is YamlMappingNode m)
        {
            string? Get(string k) => m.Children.TryGetValue(new YamlScalarNode(k), out var n) ? (n as YamlScalarNode)?.Value : null;
            var tag = Get("tag") ?? throw new InputException(file, key + ".tag", null, "a build needs 'tag' (the image name to build, e.g. pliers/api:dev)");
            var context = Get("build") ?? throw new InputException(file, key + ".build", null, "a build needs 'build' (the context directory)");
            return new ImageSetting(tag, context, Get("dockerfile"));
        }
        throw new InputException(file, key, null, "must be an image reference or {build: DIR, tag: NAME, dockerfile: FILE}");
    }
}
