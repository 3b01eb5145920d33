using Infra.Stacks.Composition;

namespace Infra.Cli.Commands;

/// <summary>The Pulumi YAML compiler: the program for the selected stack, or the discovery program.</summary>
public static class SynthCommand
{
    public static ReadOnlyMemory<byte> Run(Options o, Func<string, string?> env)
    {
        (Stacks.Composition.StackSettings Settings, Stacks.Model.SystemDefinition? Definition)? selection;
        using (Infra.Components.Core.Phases.Time("read stack")) selection = StackSelection.Resolve(o, env);
        return selection is { } s ? Synthesizer.SynthesizeUtf8Segment(s.Settings, s.Definition) : (ReadOnlyMemory<byte>)Synthesizer.DiscoveryUtf8();
    }
}
