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
        Assert.Contains("pulumi:providers:aws", r.Stdout);
        Assert.Empty(Validator.Validate(r.Stdout));
        Assert.Contains("pulumi:providers:kubernetes", r.Stdout);
        // The versions real stacks pin (on every target) are the ones the discovery run pins.
        var programs = Synth.Program("pliers", "dev") + Infra.Tests.Aws.AwsStacks.Yaml("pliers", "dev") + Synth.Cli([.. Synth.Args("pliers", "dev"), "--target", "kubernetes"]).Stdout;
        // Provider plugin versions are the `options.version` of each resource (a property such as an EKS cluster's
        // Kubernetes `version` is not one).
        static IEnumerable<string> PluginVersions(string yaml) => System.Text.RegularExpressions.Regex
            .Matches(yaml, @"\n    options:\n(?:      .*\n)*?      version: (\S+)\n").Select(m => m.Groups[1].Value).Distinct();
        var pinned = PluginVersions(r.Stdout).ToHashSet();
        Assert.NotEmpty(pinned);
        foreach (var v in PluginVersions(programs)) Assert.Contains(v, pinned);
    }
}
