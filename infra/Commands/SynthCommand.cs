using Infra.Stacks.Composition;

namespace Infra.Cli.Commands;

/// <summary>The Pulumi YAML compiler: the program for the selected stack, or the discovery program.</summary>
public static class SynthCommand
{
    public static byte[] Run(Options o, Func<string, string?> env)
    {
        var selection = StackSelection.Resolve(o, env);
        return selection is { } s ? Synthesizer.SynthesizeUtf8(s.Settings, s.Definition) : Synthesizer.DiscoveryUtf8();
    }
}
