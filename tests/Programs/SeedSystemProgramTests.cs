using Infra.Tests.Schema;

namespace Infra.Tests.Programs;

/// <summary>Every system × environment: valid against the provider schemas, deterministic, and equal to its reviewed snapshot.</summary>
public class SeedSystemProgramTests
{
    private static readonly SchemaValidator Validator = new(ProviderSchemas.Shared);

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Program_passes_the_provider_schemas(string system, string env)
    {
        var errors = Validator.Validate(Synth.Program(system, env));
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
    }

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Program_is_byte_identical_across_runs(string system, string env) =>
        Assert.Equal(Synth.Program(system, env), Synth.Program(system, env));

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Program_matches_its_snapshot(string system, string env) =>
        Infra.Tests.Support.Snapshot.Match($"{system}.{env}.snap", Synth.Program(system, env));

    [Fact]
    public void Discovery_program_names_every_provider_package_and_passes_the_schemas()
    {
        var r = Synth.Cli("synth");
        Assert.Equal(0, r.Exit);
        Assert.Contains("pulumi:providers:docker", r.Stdout);
        Assert.Contains("pulumi:providers:random", r.Stdout);
        Assert.Empty(Validator.Validate(r.Stdout));
        // The versions the discovery run pins are the ones real stacks pin (discovery also names packages only other targets use).
        var dev = Synth.Program("pliers", "dev");
        foreach (var line in dev.Split('\n').Where(l => l.Contains("version:"))) Assert.Contains(line, r.Stdout);
    }
}
