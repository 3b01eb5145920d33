using Infra.Components.Core;
using Infra.Components.Policies;
using Infra.Stacks.Model;
using Infra.Stacks.Systems;

namespace Infra.Stacks.Composition;

/// <summary>The one entry point from settings to a Pulumi YAML program.</summary>
public static class Synthesizer
{
    /// <summary>A composed program and what the policies found in it (nothing mandatory: that throws).</summary>
    public sealed record Synthesis(StackProgram Program, PolicyReport Policies);

    /// <summary>Composes the stack's system onto its target, pins a default provider per package, and enforces the policies.</summary>
    public static StackProgram Compose(StackSettings settings, SystemDefinition? definition = null) => Run(settings, definition).Program;

    public static Synthesis Run(StackSettings settings, SystemDefinition? definition = null)
    {
        var def = definition ?? SystemCatalog.Find(settings.System)
            ?? throw new InputException(settings.File, "platform:system", settings.System, $"unknown system; one of: {string.Join(", ", SystemCatalog.Names)}");
        StackProgram program;
        using (Phases.Time("build graph"))
        {
            program = settings.Target switch
            {
                "docker" => DockerComposer.Compose(def, settings),
                _ => throw new InputException(settings.File, "platform:target", settings.Target, $"unknown target; one of: {string.Join(", ", StackSettings.Targets)}"),
            };
            foreach (var package in program.AllInOrder.Where(r => !r.IsProvider).Select(r => r.Package).Distinct().Order(StringComparer.Ordinal).ToList())
                program.DefaultProvider(package);
        }
        // Waivers name a component of the system; resources carry their path below the root, e.g. "pinai/registry".
        var waivers = def.Waivers.Select(w => w with { Component = def.Name + "/" + w.Component }).ToList();
        PolicyReport report;
        using (Phases.Time("policies")) report = PolicyEngine.Enforce(program, settings.Environment.Name, waivers);
        return new Synthesis(program, report);
    }

    public static string Synthesize(StackSettings settings, SystemDefinition? definition = null) =>
        System.Text.Encoding.UTF8.GetString(SynthesizeUtf8(settings, definition));

    public static byte[] SynthesizeUtf8(StackSettings settings, SystemDefinition? definition = null) =>
        ProgramEmitter.EmitUtf8(Compose(settings, definition));

    /// <summary>The program's UTF-8 text as a view of the emitter's buffer (no copy of a large program).</summary>
    public static ArraySegment<byte> SynthesizeUtf8Segment(StackSettings settings, SystemDefinition? definition = null) =>
        ProgramEmitter.EmitUtf8Segment(Compose(settings, definition));

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
