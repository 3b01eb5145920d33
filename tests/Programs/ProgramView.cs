using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Programs;

/// <summary>
/// A synthesized program (the text the snapshots hold) read back as YAML, with helpers to ask what a
/// resource's properties say: environment variables, published ports, health checks, networks, uploads.
/// One synthesis per system × environment per test run.
/// </summary>
public sealed class ProgramView
{
    private static readonly ConcurrentDictionary<(string System, string Env), ProgramView> Cache = new();

    public static ProgramView Of(string system, string env) =>
        Cache.GetOrAdd((system, env), k => new ProgramView(k.System, Synth.Program(k.System, k.Env)));

    private readonly YamlMappingNode _resources;

    public ProgramView(string system, string yaml)
    {
        System = system;
        Text = yaml;
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        _resources = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["resources"];
    }

    public string System { get; }
    public string Text { get; }

    public IEnumerable<string> Names => _resources.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    public bool Has(string name) => _resources.Children.ContainsKey(new YamlScalarNode(name));

    private YamlMappingNode Resource(string name) =>
        Has(name) ? (YamlMappingNode)_resources[name] : throw new Xunit.Sdk.XunitException($"{System}: no resource '{name}'; resources: {string.Join(", ", Names)}");

    public YamlMappingNode Props(string name) => (YamlMappingNode)Resource(name)["properties"];

    public string Type(string name) => ((YamlScalarNode)Resource(name)["type"]).Value!;

    public bool Protected(string name) =>
        Resource(name).Children.TryGetValue(new YamlScalarNode("options"), out var o)
        && ((YamlMappingNode)o).Children.TryGetValue(new YamlScalarNode("protect"), out var p)
        && ((YamlScalarNode)p).Value == "true";

    private static YamlNode? Get(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    public string? Str(string name, string key) => (Get(Props(name), key) as YamlScalarNode)?.Value;

    public IReadOnlyList<string> List(string name, string key) =>
        Get(Props(name), key) is YamlSequenceNode seq ? [.. seq.Children.OfType<YamlScalarNode>().Select(s => s.Value!)] : [];

    public IReadOnlyList<string> Envs(string name) => List(name, "envs");

    /// <summary>The value of one environment variable, or null when the container does not set it.</summary>
    public string? Env(string name, string variable) =>
        Envs(name).FirstOrDefault(e => e.StartsWith(variable + "=", StringComparison.Ordinal)) is { } e ? e[(variable.Length + 1)..] : null;

    /// <summary>Published ports: (container port, host port).</summary>
    public IReadOnlyList<(int Internal, int External)> Published(string name) =>
        Get(Props(name), "ports") is YamlSequenceNode seq
            ? [.. seq.Children.OfType<YamlMappingNode>().Where(m => Get(m, "external") is not null)
                .Select(m => (Int(Get(m, "internal")), Int(Get(m, "external"))))]
            : [];

    /// <summary>Every host port the program publishes, with the container publishing it.</summary>
    public IReadOnlyList<(string Container, int External)> AllPublished() =>
        [.. Containers().SelectMany(c => Published(c).Select(p => (c, p.External)))];

    public sealed record Health(string Command, string Interval, string Timeout, int Retries, string StartPeriod);

    public Health? HealthOf(string name) =>
        Get(Props(name), "healthcheck") is YamlMappingNode h
            ? new Health(((YamlSequenceNode)h["tests"]).Children.Cast<YamlScalarNode>().Last().Value!,
                ((YamlScalarNode)h["interval"]).Value!, ((YamlScalarNode)h["timeout"]).Value!, Int(h["retries"]), ((YamlScalarNode)h["startPeriod"]).Value!)
            : null;

    /// <summary>The networks a container joins, by logical name ("frontend" for <c>${pliers-frontend-network.name}</c>).</summary>
    public IReadOnlyList<string> Networks(string name) =>
        Get(Props(name), "networksAdvanced") is YamlSequenceNode seq
            ? [.. seq.Children.OfType<YamlMappingNode>().Select(m => NetworkName(((YamlScalarNode)m["name"]).Value!))]
            : [];

    private string NetworkName(string reference)
    {
        var m = Regex.Match(reference, @"^\$\{" + Regex.Escape(System) + @"-(?<n>.+)-network\.name\}$");
        return m.Success ? m.Groups["n"].Value : reference;
    }

    public bool NetworkIsInternal(string network) => Str($"{System}-{network}-network", "internal") == "true";

    public sealed record Upload(string File, string Permissions, string? Content);

    public IReadOnlyList<Upload> Uploads(string name) =>
        Get(Props(name), "uploads") is YamlSequenceNode seq
            ? [.. seq.Children.OfType<YamlMappingNode>().Select(m => new Upload(((YamlScalarNode)m["file"]).Value!, ((YamlScalarNode)m["permissions"]).Value!, (Get(m, "content") as YamlScalarNode)?.Value))]
            : [];

    public IReadOnlyList<string> VolumePaths(string name) =>
        Get(Props(name), "volumes") is YamlSequenceNode seq
            ? [.. seq.Children.OfType<YamlMappingNode>().Select(m => ((YamlScalarNode)m["containerPath"]).Value!)]
            : [];

    public IReadOnlyList<string> DependsOn(string name) =>
        Resource(name).Children.TryGetValue(new YamlScalarNode("options"), out var o) && Get((YamlMappingNode)o, "dependsOn") is YamlSequenceNode seq
            ? [.. seq.Children.OfType<YamlScalarNode>().Select(s => s.Value!)]
            : [];

    /// <summary>The long-running containers (not the one-shot volume-init chowns that run before a stateful service).</summary>
    public IReadOnlyList<string> Containers() => [.. Names.Where(n => Type(n) == "docker:index/container:Container" && !IsVolumeInit(n))];

    /// <summary>A one-shot <c>VolumeInit</c> container: <c>{system}-{service}-volume-init[-n or -volume]</c>.</summary>
    public static bool IsVolumeInit(string name) => Regex.IsMatch(name, @"-volume-init(-[a-z0-9-]+)?$");

    /// <summary>The replica containers of an application service: <c>{system}-{service}-{n}</c>.</summary>
    public IReadOnlyList<string> Replicas(string service) =>
        [.. Containers().Where(n => Regex.IsMatch(n, "^" + Regex.Escape($"{System}-{service}-") + @"\d+$"))];

    public (double Cpus, int Memory, int Reservation) Limits(string name) =>
        (double.Parse(Str(name, "cpus")!, CultureInfo.InvariantCulture), int.Parse(Str(name, "memory")!, CultureInfo.InvariantCulture),
         int.Parse(Str(name, "memoryReservation")!, CultureInfo.InvariantCulture));

    private static int Int(YamlNode? n) => int.Parse(((YamlScalarNode)n!).Value!, CultureInfo.InvariantCulture);
}
