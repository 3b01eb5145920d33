using Infra.Cli.Preview;
using Infra.Components.Core;
using Infra.Stacks.Composition;

namespace Infra.Cli.Commands;

/// <summary>
/// <c>infra graph --stack S [--format mermaid|dot]</c>: the topology of a stack's program: services, networks,
/// volumes, published host ports and dependencies, grouped by component.
/// </summary>
public static class GraphCommand
{
    public static string Run(Options o, Func<string, string?> env)
    {
        var format = o.Get("format") switch
        {
            null or "mermaid" => "mermaid",
            "dot" => "dot",
            var f => throw new InputException("command line", "--format", f, "mermaid or dot"),
        };
        var selection = StackSelection.Resolve(o, env)
            ?? throw new InputException("command line", "--stack", null, "graph needs a stack: --stack NAME, PULUMI_STACK, or --system NAME --env ENV");
        var synthesis = Synthesizer.Run(selection.Settings, selection.Definition);
        var topology = Topology.Build(ProgramModel.FromSynthesis(synthesis.Program, null, "stack " + selection.Settings.Stack));
        return format == "dot" ? topology.Dot() : topology.Mermaid();
    }
}
