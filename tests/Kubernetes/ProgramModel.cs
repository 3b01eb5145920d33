using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Kubernetes;

/// <summary>A synthesized program read back as YAML: its resources by type, with small helpers to walk properties.</summary>
public sealed class ProgramModel
{
    public sealed record Res(string Name, string Type, YamlMappingNode Props, YamlMappingNode? Options);

    public ProgramModel(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var resources = (YamlMappingNode)root["resources"];
        foreach (var (k, v) in resources.Children)
        {
            var m = (YamlMappingNode)v;
            Resources.Add(new Res(((YamlScalarNode)k).Value!, Str(m, "type")!,
                m.Children.TryGetValue(new YamlScalarNode("properties"), out var p) ? (YamlMappingNode)p : new YamlMappingNode(),
                m.Children.TryGetValue(new YamlScalarNode("options"), out var o) ? (YamlMappingNode)o : null));
        }
    }

    public List<Res> Resources { get; } = [];

    public IEnumerable<Res> OfType(string type) => Resources.Where(r => r.Type == type);

    public static YamlNode? Get(YamlNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (node is not YamlMappingNode m || !m.Children.TryGetValue(new YamlScalarNode(part), out node)) return null;
        }
        return node;
    }

    public static string? Str(YamlNode? node, string path) => (Get(node, path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlMappingNode> Maps(YamlNode? node, string path) =>
        (Get(node, path) as YamlSequenceNode)?.Children.OfType<YamlMappingNode>() ?? [];

    public static Dictionary<string, string> Labels(YamlNode? node, string path) =>
        Get(node, path) is YamlMappingNode m
            ? m.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!)
            : [];

    /// <summary>Pod templates of every workload: (resource, namespace, template spec path root).</summary>
    public IEnumerable<(Res Resource, string Namespace, YamlMappingNode Template)> PodTemplates()
    {
        foreach (var r in Resources)
        {
            var template = r.Type switch
            {
                "kubernetes:apps/v1:Deployment" or "kubernetes:apps/v1:StatefulSet" or "kubernetes:apps/v1:DaemonSet" => Get(r.Props, "spec.template"),
                "kubernetes:batch/v1:CronJob" => Get(r.Props, "spec.jobTemplate.spec.template"),
                "kubernetes:batch/v1:Job" => Get(r.Props, "spec.template"),
                _ => null,
            };
            if (template is YamlMappingNode t) yield return (r, Str(r.Props, "metadata.namespace") ?? "default", t);
        }
    }
}
