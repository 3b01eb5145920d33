using Infra.Tests.Schema;

namespace Infra.Tests.Programs;

/// <summary>The stack files shipped in the repository are what `pulumi up` runs: each synthesizes and passes the schemas.</summary>
public class RepoStackFilesTests
{
    /// <summary>Every Pulumi.&lt;stack&gt;.yaml of the repository (NormalDance's promotion chain dev/staging/prod, and the examples).</summary>
    public static IEnumerable<object[]> ShippedStacks() =>
        Directory.GetFiles(Synth.RepoRoot(), "Pulumi.*.yaml").Select(f => Path.GetFileName(f)[7..^5]).Order(StringComparer.Ordinal).Select(s => new object[] { s });

    [Fact]
    public void The_promotion_chain_is_normaldance_from_docker_to_kubernetes_to_aws()
    {
        string Text(string stack) => File.ReadAllText(Path.Combine(Synth.RepoRoot(), $"Pulumi.{stack}.yaml"));
        Assert.Contains("platform:system: normaldance", Text("dev"));
        Assert.Contains("platform:target: docker", Text("dev"));
        Assert.Contains("platform:target: kubernetes", Text("staging"));
        Assert.Contains("platform:target: aws", Text("prod"));
        Assert.All(new[] { "staging", "prod" }, s => Assert.Contains("platform:system: normaldance", Text(s)));
    }

    [Theory]
    [MemberData(nameof(ShippedStacks))]
    public void Shipped_stack_synthesizes_and_validates(string stack)
    {
        // Some stacks need secrets no shipped file can hold (a kubernetes stack's kubeconfig, a host stack's SSH key):
        // the compiler names each missing one; add it to a copy as `pulumi config set --secret KEY` would (the compiler
        // never reads the value) until the stack synthesizes.
        var root = Synth.RepoRoot();
        var text = File.ReadAllText(Path.Combine(root, $"Pulumi.{stack}.yaml"));
        for (var added = 0; ; added++)
        {
            var attempt = Synth.CliIn(root, "synth", "--stack", stack);
            var missing = System.Text.RegularExpressions.Regex.Match(attempt.Stderr, @"platform:([A-Za-z0-9-]+): missing: .*--secret");
            if (attempt.Exit == 0 || !missing.Success) break;
            Assert.True(added < 40, $"stack {stack} keeps asking for secrets: {attempt.Stderr}");
            if (added == 0) root = Directory.CreateTempSubdirectory("infra-repo-stack-").FullName;
            text = text.Replace("config:\n", $"config:\n  platform:{missing.Groups[1].Value}:\n    secure: v1:AAAA:BBBB\n", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(root, $"Pulumi.{stack}.yaml"), text);
        }
        var r = Synth.CliIn(root, "synth", "--stack", stack);
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Empty(new SchemaValidator(ProviderSchemas.Shared).Validate(r.Stdout));
        var plan = Synth.CliIn(root, "plan", "--stack", stack);
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
