using Infra.Stacks.Composition;

namespace Infra.Cli.Commands;

/// <summary>The Pulumi YAML compiler: the program for the selected stack, or the discovery program.</summary>
public static class SynthCommand
{
    public static string Run(Options o, Func<string, string?> env)
    {
        var selection = StackSelection.Resolve(o, env);
        return selection is { } s ? Synthesizer.Synthesize(s.Settings, s.Definition) : Synthesizer.Discovery();
    }
}
