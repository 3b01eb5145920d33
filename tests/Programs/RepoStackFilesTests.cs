using Infra.Tests.Schema;

namespace Infra.Tests.Programs;

/// <summary>The stack files shipped in the repository are what `pulumi up` runs: each synthesizes and passes the schemas.</summary>
public class RepoStackFilesTests
{
    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Shipped_stack_synthesizes_and_validates(string stack)
    {
        var r = Synth.CliIn(Synth.RepoRoot(), "synth", "--stack", stack);
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Empty(new SchemaValidator(ProviderSchemas.Shared).Validate(r.Stdout));
        var plan = Synth.CliIn(Synth.RepoRoot(), "plan", "--stack", stack);
        Assert.Equal(0, plan.Exit);
        Assert.Contains($"Plan for stack '{stack}'", plan.Stdout);
        Assert.Contains("0 blocking", plan.Stdout);
    }

    [Fact]
    public void Pulumi_yaml_runs_the_compiler_through_the_yaml_runtime()
    {
        var text = File.ReadAllText(Path.Combine(Synth.RepoRoot(), "Pulumi.yaml"));
        Assert.Contains("name: yaml", text);
        Assert.Contains("compiler: sh scripts/pulumi-compiler.sh", text);
        Assert.True(File.Exists(Path.Combine(Synth.RepoRoot(), "scripts", "pulumi-compiler.sh")));
    }
}
