using System.Text;

namespace Infra.Cli.Preview;

/// <summary>
/// The deployment's shape: services (containers), networks, volumes, published host ports and dependencies,
/// grouped by component (the program's construct tree). Rendered as Mermaid (for Markdown) or Graphviz dot.
/// With a diff, changed nodes carry their action as a class/colour and deleted ones are drawn in a "removed" group.
/// </summary>
public sealed class Topology
{
    public enum NodeKind { Service, Network, Volume }

    public sealed record Node(string Id, string Resource, string Label, NodeKind Kind, string Component, ChangeAction Action);
    public sealed record Edge(string From, string To, string Kind);
    public sealed record Port(string Id, string HostPort, string Target, string ContainerPort);

    public IReadOnlyList<Node> Nodes { get; }
    public IReadOnlyList<Edge> Edges { get; }
    public IReadOnlyList<Port> Ports { get; }

    private Topology(List<Node> nodes, List<Edge> edges, List<Port> ports)
    {
        Nodes = nodes;
        Edges = edges;
        Ports = ports;
    }

    private static NodeKind? KindOf(string type) => type switch
    {
        "docker:index/container:Container" => NodeKind.Service,
        "docker:index/network:Network" => NodeKind.Network,
        "docker:index/volume:Volume" => NodeKind.Volume,
        _ => null,
    };

    public static Topology Build(ProgramModel program, DiffReport? diff = null)
    {
        var actions = diff?.Changes.ToDictionary(c => c.Name + "\u0000" + c.Type, c => c.Action, StringComparer.Ordinal) ?? [];
        var nodes = new List<Node>();
        var byResource = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var r in program.Resources)
        {
            if (KindOf(r.Type) is not { } kind) continue;
            var label = r.Properties.Entries.FirstOrDefault(e => e.Key == "name").Value is PLit { Value: DStr s } ? s.Text : r.Name;
            var node = new Node("n" + nodes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Name, label, kind, r.Component,
                actions.GetValueOrDefault(r.Name + "\u0000" + r.Type, ChangeAction.Same));
            nodes.Add(node);
            byResource[r.Name] = node;
        }
        var edges = new List<Edge>();
        var ports = new List<Port>();
        foreach (var r in program.Resources)
        {
            if (!byResource.TryGetValue(r.Name, out var from) || from.Kind != NodeKind.Service) continue;
            foreach (var target in r.References())
                if (byResource.TryGetValue(target, out var to))
                    edges.Add(new Edge(from.Id, to.Id, to.Kind switch { NodeKind.Network => "network", NodeKind.Volume => "volume", _ => "depends" }));
            if (r.Properties.Entries.FirstOrDefault(e => e.Key == "ports").Value is PList pl)
                foreach (var p in pl.Items.OfType<PMap>())
                {
                    var ext = p.Entries.FirstOrDefault(e => e.Key == "external").Value;
                    var inn = p.Entries.FirstOrDefault(e => e.Key == "internal").Value;
                    if (ext is PLit { Value: DNum en })
                        ports.Add(new Port("p" + ports.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), DValues.Number(en.Number), from.Id,
                            inn is PLit { Value: DNum inum } ? DValues.Number(inum.Number) : "?"));
                }
        }
        if (diff is not null)
            foreach (var c in diff.Changes.Where(c => c.Action == ChangeAction.Delete))
                if (KindOf(c.Type) is { } kind)
                    nodes.Add(new Node("n" + nodes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Name, c.Name, kind, "(removed)", ChangeAction.Delete));
        return new Topology(nodes, edges, ports);
    }

    // ------------------------------------------------------------------ grouping

    private sealed class Group(string name)
    {
        public string Name { get; } = name;
        public List<Node> Nodes { get; } = [];
        public SortedDictionary<string, Group> Children { get; } = new(StringComparer.Ordinal);
    }

    private Group Tree()
    {
        var root = new Group("");
        foreach (var n in Nodes)
        {
            var g = root;
            // Two levels (system / component): a service's own image, volume and password groups stay with it.
            if (n.Component.Length > 0)
                foreach (var seg in n.Component.Split('/').Take(2))
                {
                    if (!g.Children.TryGetValue(seg, out var child)) g.Children[seg] = child = new Group(seg);
                    g = child;
                }
            g.Nodes.Add(n);
        }
        return root;
    }

    // ------------------------------------------------------------------ Mermaid

    public string Mermaid()
    {
        var sb = new StringBuilder("flowchart LR\n");
        var gid = 0;
        void Emit(Group g, int depth)
        {
            var pad = new string(' ', depth * 2);
            foreach (var n in g.Nodes) sb.Append(pad).Append(MermaidNode(n)).Append('\n');
            foreach (var child in g.Children.Values)
            {
                sb.Append(pad).Append("subgraph g").Append(gid++).Append("[\"").Append(MermaidText(child.Name)).Append("\"]\n");
                Emit(child, depth + 1);
                sb.Append(pad).Append("end\n");
            }
        }
        Emit(Tree(), 1);
        foreach (var p in Ports) sb.Append("  ").Append(p.Id).Append("([\"host :").Append(p.HostPort).Append("\"])\n");
        foreach (var p in Ports) sb.Append("  ").Append(p.Id).Append(" -->|\":").Append(p.ContainerPort).Append("\"| ").Append(p.Target).Append('\n');
        foreach (var e in Edges)
            sb.Append("  ").Append(e.From).Append(e.Kind switch { "depends" => " -.->|depends on| ", "volume" => " --- ", _ => " --- " }).Append(e.To).Append('\n');
        var classes = Nodes.Where(n => n.Action != ChangeAction.Same).GroupBy(n => n.Action).OrderBy(g => g.Key).ToList();
        if (classes.Count > 0)
        {
            sb.Append("  classDef create fill:#dafbe1,stroke:#1a7f37,color:#1a7f37\n");
            sb.Append("  classDef update fill:#fff8c5,stroke:#9a6700\n");
            sb.Append("  classDef replace fill:#ffebe9,stroke:#bc4c00,stroke-width:3px\n");
            sb.Append("  classDef delete fill:#ffebe9,stroke:#cf222e,stroke-dasharray:4\n");
            foreach (var g in classes)
                sb.Append("  class ").Append(string.Join(",", g.Select(n => n.Id))).Append(' ').Append(ClassName(g.Key)).Append('\n');
        }
        return sb.ToString();
    }

    public static string ClassName(ChangeAction a) => a switch
    {
        ChangeAction.Create => "create",
        ChangeAction.Update => "update",
        ChangeAction.Replace => "replace",
        ChangeAction.Delete => "delete",
        _ => "same",
    };

    private static string MermaidNode(Node n)
    {
        var label = MermaidText(n.Label);
        return n.Kind switch
        {
            NodeKind.Network => $"{n.Id}{{{{\"{label}\"}}}}",
            NodeKind.Volume => $"{n.Id}[(\"{label}\")]",
            _ => $"{n.Id}[\"{label}\"]",
        };
    }

    /// <summary>Text inside a quoted Mermaid label: quotes, angle brackets and ampersands as entity codes.</summary>
    public static string MermaidText(string s)
    {
        s = Infra.Components.Core.ErrorText.Escape(s);
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
            sb.Append(c switch
            {
                '"' => "#quot;",
                '<' => "#lt;",
                '>' => "#gt;",
                '&' => "#amp;",
                '`' => "#96;",
                '\n' or '\r' => " ",
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    // ------------------------------------------------------------------ Graphviz

    public string Dot()
    {
        var sb = new StringBuilder("digraph topology {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        var gid = 0;
        void Emit(Group g, int depth)
        {
            var pad = new string(' ', depth * 2);
            foreach (var n in g.Nodes)
            {
                sb.Append(pad).Append('"').Append(n.Id).Append("\" [label=").Append(DotText(n.Label)).Append(", shape=")
                    .Append(n.Kind switch { NodeKind.Network => "hexagon", NodeKind.Volume => "cylinder", _ => "box" });
                if (n.Action != ChangeAction.Same)
                    sb.Append(", style=filled, fillcolor=\"").Append(n.Action switch { ChangeAction.Create => "#dafbe1", ChangeAction.Update => "#fff8c5", _ => "#ffebe9" }).Append('"');
                sb.Append("];\n");
            }
            foreach (var child in g.Children.Values)
            {
                sb.Append(pad).Append("subgraph \"cluster_").Append(gid++).Append("\" {\n").Append(pad).Append("  label=").Append(DotText(child.Name)).Append(";\n");
                Emit(child, depth + 1);
                sb.Append(pad).Append("}\n");
            }
        }
        Emit(Tree(), 1);
        foreach (var p in Ports) sb.Append("  \"").Append(p.Id).Append("\" [label=").Append(DotText("host :" + p.HostPort)).Append(", shape=ellipse];\n");
        foreach (var p in Ports) sb.Append("  \"").Append(p.Id).Append("\" -> \"").Append(p.Target).Append("\" [label=").Append(DotText(":" + p.ContainerPort)).Append("];\n");
        foreach (var e in Edges)
            sb.Append("  \"").Append(e.From).Append("\" -> \"").Append(e.To).Append('"')
                .Append(e.Kind == "depends" ? " [style=dashed, label=\"depends on\"]" : " [arrowhead=none]").Append(";\n");
        return sb.Append("}\n").ToString();
    }

    private static string DotText(string s) =>
        "\"" + Infra.Components.Core.ErrorText.Escape(s).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal) + "\"";
}
