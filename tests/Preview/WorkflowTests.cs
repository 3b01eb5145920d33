using System.Text.RegularExpressions;
using Infra.Tests.Programs;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Preview;

/// <summary>
/// The CI workflows, parsed and checked for the structure that matters: triggers, job order, environment
/// protection, OIDC permissions and no plain secrets (scripts/lint-workflows.sh runs actionlint as well).
/// </summary>
public sealed class WorkflowTests
{
    private static YamlMappingNode Load(string name)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Synth.RepoRoot(), ".github", "workflows", name))));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode? At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode m || !m.Children.TryGetValue(new YamlScalarNode(key), out var next)) return null;
            node = next;
        }
        return node;
    }

    private static string? S(YamlNode node, params string[] path) => (At(node, path) as YamlScalarNode)?.Value;

    private static IEnumerable<YamlMappingNode> Steps(YamlNode job) => ((YamlSequenceNode)At(job, "steps")!).Children.Cast<YamlMappingNode>();

    private static YamlMappingNode Step(YamlNode job, string usesPrefix, string? command = null) =>
        Steps(job).Single(s => (S(s, "uses") ?? "").StartsWith(usesPrefix, StringComparison.Ordinal) && (command is null || S(s, "with", "command") == command));

    private static string[] Needs(YamlNode job) => At(job, "needs") switch
    {
        YamlScalarNode s => [s.Value!],
        YamlSequenceNode q => [.. q.Children.Select(c => ((YamlScalarNode)c).Value!)],
        _ => [],
    };

    private static void AssertOidc(YamlNode job)
    {
        Assert.Equal("write", S(job, "permissions", "id-token"));
        var aws = Step(job, "aws-actions/configure-aws-credentials@");
        Assert.Matches(@"^\$\{\{ secrets\.AWS_[A-Z_]+_ROLE_ARN \}\}$", S(aws, "with", "role-to-assume"));
        Assert.Null(At(aws, "with", "aws-access-key-id"));
        Assert.Null(At(aws, "with", "aws-secret-access-key"));
    }

    [Fact]
    public void Pull_requests_build_test_comment_the_diff_per_stack_and_run_pulumi_preview()
    {
        var wf = Load("preview.yml");
        Assert.NotNull(At(wf, "on", "pull_request"));
        Assert.Null(At(wf, "on", "pull_request_target"));   // never run PR code with the base repository's secrets
        Assert.Equal("read", S(wf, "permissions", "contents"));
        var build = At(wf, "jobs", "build-test")!;
        Assert.Contains(Steps(build), s => (S(s, "run") ?? "").Contains("dotnet build Infra.sln -warnaserror", StringComparison.Ordinal));
        Assert.Contains(Steps(build), s => (S(s, "run") ?? "").Contains("dotnet test", StringComparison.Ordinal));

        var preview = At(wf, "jobs", "preview")!;
        Assert.Equal(["build-test"], Needs(preview));
        Assert.Equal("write", S(preview, "permissions", "pull-requests"));
        AssertOidc(preview);
        var stacks = ((YamlSequenceNode)At(preview, "strategy", "matrix", "stack")!).Children.Select(c => ((YamlScalarNode)c).Value!).Order().ToArray();
        var files = Directory.GetFiles(Synth.RepoRoot(), "Pulumi.*.yaml").Select(f => Path.GetFileName(f)[7..^5]).Order().ToArray();
        Assert.Equal(files, stacks);
        Assert.Contains(Steps(preview), s => (S(s, "run") ?? "").Contains("infra.dll diff --stack \"$STACK\" $STATE_ARGS --format markdown > preview.md", StringComparison.Ordinal));
        Assert.DoesNotContain(Steps(preview), s => (S(s, "run") ?? "").Contains("dotnet run", StringComparison.Ordinal));   // build chatter on stdout
        var comment = Step(preview, "actions/github-script@");
        var script = S(comment, "with", "script")!;
        Assert.Contains("split('\\n')[0] === marker", script);        // the whole first line: dev never matches dev-tokyo
        Assert.Contains("updateComment", script);
        Assert.Contains("createComment", script);
        var pulumi = Step(preview, "pulumi/actions@", "preview");
        Assert.Equal("organization/platform/${{ matrix.stack }}", S(pulumi, "with", "stack-name"));
    }

    [Fact]
    public void Merges_deploy_dev_then_staging_then_prod_behind_a_protected_environment()
    {
        var wf = Load("deploy.yml");
        Assert.Equal("main", ((YamlScalarNode)((YamlSequenceNode)At(wf, "on", "push", "branches")!).Children.Single()).Value);
        Assert.Equal("false", S(wf, "concurrency", "cancel-in-progress"));
        Assert.Equal("read", S(wf, "permissions", "contents"));
        var order = new[] { ("dev", "build-test"), ("staging", "dev"), ("prod", "staging") };
        foreach (var (stack, after) in order)
        {
            var job = At(wf, "jobs", stack)!;
            Assert.Equal([after], Needs(job));
            Assert.Equal(stack, S(job, "environment") ?? S(job, "environment", "name"));
            AssertOidc(job);
            var up = Step(job, "pulumi/actions@", "up");
            Assert.Equal("organization/platform/" + stack, S(up, "with", "stack-name"));
        }
        Assert.Equal(["build-test", "dev", "staging", "prod"], ((YamlMappingNode)At(wf, "jobs")!).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToArray());
    }

    [Theory]
    [InlineData("preview.yml")]
    [InlineData("deploy.yml")]
    public void No_plain_secrets_or_long_lived_keys(string name)
    {
        var text = File.ReadAllText(Path.Combine(Synth.RepoRoot(), ".github", "workflows", name));
        Assert.DoesNotMatch(new Regex(@"AKIA[0-9A-Z]{12,}"), text);
        Assert.DoesNotContain("AWS_ACCESS_KEY_ID", text);
        Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY", text);
        Assert.DoesNotContain("PULUMI_ACCESS_TOKEN", text);
        // Every value under a key that names a secret comes from the secrets context.
        var wf = Load(name);
        var checkedKeys = 0;
        void Walk(YamlNode node)
        {
            switch (node)
            {
                case YamlMappingNode m:
                    foreach (var (k, v) in m.Children)
                    {
                        var key = ((YamlScalarNode)k).Value!;
                        if (key == "permissions") continue;   // id-token: write is a permission, not a secret
                        if (Regex.IsMatch(key, "PASSPHRASE|BACKEND_URL|TOKEN|SECRET|PASSWORD|cloud-url|role-to-assume", RegexOptions.IgnoreCase) && v is YamlScalarNode s)
                        {
                            Assert.Matches(@"^\$\{\{ secrets\.[A-Z_]+ \}\}$", s.Value);
                            checkedKeys++;
                        }
                        Walk(v);
                    }
                    break;
                case YamlSequenceNode q:
                    foreach (var c in q.Children) Walk(c);
                    break;
            }
        }
        Walk(wf);
        Assert.True(checkedKeys >= 3, checkedKeys.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
