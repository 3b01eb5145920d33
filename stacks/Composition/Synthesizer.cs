using Infra.Components.Core;
using Infra.Stacks.Model;
using Infra.Stacks.Systems;

namespace Infra.Stacks.Composition;

/// <summary>The one entry point from settings to a Pulumi YAML program.</summary>
public static class Synthesizer
{
    /// <summary>Composes the stack's system onto its target and pins a default provider per package used.</summary>
    public static StackProgram Compose(StackSettings settings, SystemDefinition? definition = null)
    {
        var def = definition ?? SystemCatalog.Find(settings.System)
            ?? throw new InputException(settings.File, "platform:system", settings.System, $"unknown system; one of: {string.Join(", ", SystemCatalog.Names)}");
        var program = settings.Target switch
        {
            "docker" => DockerComposer.Compose(def, settings),
            _ => throw new InputException(settings.File, "platform:target", settings.Target, $"unknown target; one of: {string.Join(", ", StackSettings.Targets)}"),
        };
        foreach (var package in program.AllInOrder.Where(r => !r.IsProvider).Select(r => r.Package).Distinct().Order(StringComparer.Ordinal).ToList())
            program.DefaultProvider(package);
        return program;
    }

    public static string Synthesize(StackSettings settings, SystemDefinition? definition = null) =>
        System.Text.Encoding.UTF8.GetString(SynthesizeUtf8(settings, definition));

    public static byte[] SynthesizeUtf8(StackSettings settings, SystemDefinition? definition = null) =>
        ProgramEmitter.EmitUtf8(Compose(settings, definition));

    /// <summary>
    /// The program printed when no stack is selected (the host's plugin discovery): every provider
    /// package the project can emit, at the versions real stacks pin, and nothing else.
    /// </summary>
    public static string Discovery() => System.Text.Encoding.UTF8.GetString(DiscoveryUtf8());

    public static byte[] DiscoveryUtf8()
    {
        var program = new StackProgram(StackSettings.Project, "discovery");
        foreach (var package in ProviderVersions.Packages.Order(StringComparer.Ordinal)) program.DefaultProvider(package);
        return ProgramEmitter.EmitUtf8(program);
    }
}
