using System.Text;
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
        ProgramSnapshot.Match($"{system}.{env}", Synth.Program(system, env));

    [Fact]
    public void Discovery_program_names_every_provider_package_and_passes_the_schemas()
    {
        var r = Synth.Cli("synth");
        Assert.Equal(0, r.Exit);
        Assert.Contains("pulumi:providers:docker", r.Stdout);
        Assert.Contains("pulumi:providers:random", r.Stdout);
        Assert.Empty(Validator.Validate(r.Stdout));
        // The versions the discovery run pins are the ones real stacks pin.
        var dev = Synth.Program("pliers", "dev");
        foreach (var line in r.Stdout.Split('\n').Where(l => l.Contains("version:"))) Assert.Contains(line, dev);
    }
}

/// <summary>Program snapshots under tests/Programs/snapshots (*.snap, so Pulumi's *.yaml scan skips them).</summary>
public static class ProgramSnapshot
{
    public static void Match(string name, string actual)
    {
        var dir = Path.Combine(Synth.RepoRoot(), "tests", "Programs", "snapshots");
        var path = Path.Combine(dir, name + ".snap");
        var received = Path.Combine(dir, name + ".received.snap");
        var expected = File.Exists(path) ? File.ReadAllText(path) : null;
        if (expected == actual)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(received, actual, new UTF8Encoding(false));
        Assert.Fail(expected is null
            ? $"No snapshot {path}; wrote {received}. Review it and rename it to approve."
            : $"Program differs from {path}; wrote {received}. Review the diff and rename it to approve if intended.");
    }
}
