using System.Text.Json;
using Infra.Stacks.Composition;

namespace Infra.Tests.Programs;

/// <summary>
/// Config from the engine (issue 8, item 4): under the Pulumi YAML host PULUMI_CONFIG is the single source of every
/// platform:* value and the stack file is not read; its errors read like the stack file's, naming PULUMI_CONFIG;
/// no value that could be a secret is ever shown; the stack name must agree with the config's environment.
/// </summary>
public sealed class EngineConfigTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("infra-engine-config-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private const string ProdImages = "{\"api\":\"ghcr.io/pliers/api:1.4.2\",\"ai-service\":\"ghcr.io/pliers/ai-service:1.4.2\",\"web\":\"ghcr.io/pliers/web:1.4.2\"}";

    private Synth.Result Host(string stack, Dictionary<string, string> config, params string[] args)
    {
        var env = new Dictionary<string, string>
        {
            ["PULUMI_STACK"] = stack,
            ["PULUMI_CONFIG"] = JsonSerializer.Serialize(config),
        };
        return Synth.CliEnv(_root, env, args.Length == 0 ? ["synth"] : args);
    }

    private static Dictionary<string, string> Dev(params (string Key, string Value)[] extra)
    {
        var d = new Dictionary<string, string> { ["platform:system"] = "pliers", ["platform:environment"] = "dev" };
        foreach (var (k, v) in extra) d[k] = v;
        return d;
    }

    [Fact]
    public void The_engine_config_is_used_and_the_stack_file_is_not_read()
    {
        // A stack file that says something else, and one that is not even YAML: neither is read.
        File.WriteAllText(Path.Combine(_root, "Pulumi.dev.yaml"), "config:\n  platform:system: [vru\n");
        var r = Host("dev", Dev());
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Equal(FromStackFile("config:\n  platform:system: pliers\n  platform:environment: dev\n"), r.Stdout);
    }

    /// <summary>The program the same settings give when read from a stack file (outside the host).</summary>
    private static string FromStackFile(string yaml)
    {
        var root = Directory.CreateTempSubdirectory("infra-engine-config-file-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "Pulumi.dev.yaml"), yaml);
            var r = Synth.CliIn(root, "synth", "--stack", "dev");
            Assert.True(r.Exit == 0, r.Stderr);
            return r.Stdout;
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public void No_stack_file_is_needed_under_the_host() =>
        Assert.Equal(0, Host("dev", Dev()).Exit);

    [Fact]
    public void Objects_arrive_as_json_text_and_are_read_like_the_stack_file()
    {
        var r = Host("dev", Dev(("platform:replicas", "{\"api\":3}"), ("platform:ports", "{\"web\":8081}")));
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Equal(FromStackFile("config:\n  platform:system: pliers\n  platform:environment: dev\n  platform:replicas: {api: 3}\n  platform:ports: {web: 8081}\n"), r.Stdout);
    }

    [Fact]
    public void Prod_from_the_engine_with_images()
    {
        var r = Host("prod", new() { ["platform:system"] = "pliers", ["platform:environment"] = "prod", ["platform:images"] = ProdImages });
        Assert.True(r.Exit == 0, r.Stderr);
    }

    [Theory]
    [InlineData("platform:replicas", "{\"api\":2147483647}", "platform:replicas.api", "at most 100")]
    [InlineData("platform:replicas", "{\"api\":\"three\"}", "platform:replicas.api", "'three'")]
    [InlineData("platform:replicas", "[1,2]", "platform:replicas", "mapping")]
    [InlineData("platform:ports", "{\"web\":22}", "platform:ports.web", "privileged")]
    [InlineData("platform:ports", "{\"web\":2375}", "platform:ports.web", "control-plane")]
    [InlineData("platform:images", "{\"api\":{\"build\":\"/\",\"tag\":\"x/api:1\"}}", "platform:images.api.build", "relative path")]
    [InlineData("platform:images", "{\"api\":", "platform:images", "malformed")]
    [InlineData("platform:tls", "yes", "platform:tls", "true or false")]
    [InlineData("platform:system", "wordpress", "platform:system", "unknown system")]
    [InlineData("platform:replcias", "{}", "platform:replcias", "did you mean platform:replicas?")]
    public void Errors_name_PULUMI_CONFIG_and_the_key(string key, string value, string named, string allowed) =>
        HardeningTests.AssertRejected(Host("dev", Dev((key, value))), "PULUMI_CONFIG: ", named, allowed);

    [Fact]
    public void The_same_mistake_reads_the_same_from_the_file_and_from_the_engine()
    {
        File.WriteAllText(Path.Combine(_root, "Pulumi.dev.yaml"), "config:\n  platform:system: pliers\n  platform:environment: dev\n  platform:replicas:\n    api: 500\n");
        var fromFile = Synth.CliIn(_root, "synth", "--stack", "dev");
        var fromEngine = Host("dev", Dev(("platform:replicas", "{\"api\": 500}")));
        Assert.Equal(fromFile.Exit, fromEngine.Exit);
        Assert.Equal(fromFile.Stderr.Replace("Pulumi.dev.yaml", "PULUMI_CONFIG"), fromEngine.Stderr);
    }

    [Fact]
    public void A_deeply_nested_value_is_refused()
    {
        var deep = "{\"api\":" + new string('[', 40_000) + new string(']', 40_000) + "}";
        HardeningTests.AssertRejected(Host("dev", Dev(("platform:replicas", deep))), "PULUMI_CONFIG", "platform:replicas", "nested more than 32");
    }

    [Theory]
    [InlineData("not json", "not a JSON object")]
    [InlineData("[\"platform:system\"]", "must be a JSON object")]
    [InlineData("{\"platform:system\": 7}", "must be a string")]
    public void A_malformed_PULUMI_CONFIG_is_refused(string json, string why) =>
        HardeningTests.AssertRejected(Synth.CliEnv(_root, new Dictionary<string, string> { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = json }, "synth"), "PULUMI_CONFIG", why);

    [Fact]
    public void A_PULUMI_CONFIG_with_a_lone_surrogate_is_refused_in_our_words()
    {
        var r = Synth.CliEnv(_root, new Dictionary<string, string> { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = "{\"platform:system\":\"pli\uD800ers\"}" }, "synth");
        Assert.Equal(2, r.Exit);
        HardeningTests.AssertRejected(r, "PULUMI_CONFIG");
    }

    [Fact]
    public void A_PULUMI_CONFIG_over_one_mebibyte_is_refused() =>
        HardeningTests.AssertRejected(Host("dev", Dev(("aws:padding", new string('x', Limits.MaxConfigBytes)))), "PULUMI_CONFIG", "larger than 1 MiB");

    [Fact]
    public void Values_that_may_be_secret_never_appear_in_errors()
    {
        const string Secret = "DECRYPTED-s3cr3t-9f1";
        // A misspelt platform secret, a provider secret, and a nested secret: named (platform key) or not at all.
        var r = Host("dev", Dev(("platform:openaiApiKye", Secret), ("aws:secretKey", Secret), ("platform:replicas", "{\"api\":\"" + Secret + "\"}")));
        Assert.NotEqual(0, r.Exit);
        var r2 = Host("dev", Dev(("platform:openaiApiKye", Secret), ("aws:secretKey", Secret)));
        HardeningTests.AssertRejected(r2, "platform:openaiApiKye", "did you mean platform:openaiApiKey?");
        Assert.DoesNotContain(Secret, r2.Stderr);
        // A broken JSON document holding a secret: the error gives a line, never the text.
        var broken = Synth.CliEnv(_root, new Dictionary<string, string> { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = "{\"aws:secretKey\":\"" + Secret + "\" \"x\"}" }, "synth");
        HardeningTests.AssertRejected(broken, "PULUMI_CONFIG");
        Assert.DoesNotContain(Secret, broken.Stderr);
    }

    // --- which stack: PULUMI_STACK against the engine's config ---------------------------------------------

    [Fact]
    public void An_inherited_PULUMI_STACK_that_disagrees_with_the_config_is_refused()
    {
        // `export PULUMI_STACK=dev; pulumi up -s prod`: the shell's PULUMI_STACK beats the host's, the config is prod's.
        var r = Host("dev", new() { ["platform:system"] = "pliers", ["platform:environment"] = "prod", ["platform:images"] = ProdImages });
        HardeningTests.AssertRejected(r, "PULUMI_CONFIG", "platform:environment", "'prod'", "stack name 'dev'", "PULUMI_STACK");
    }

    [Fact]
    public void Under_the_host_the_environment_is_never_taken_from_the_stack_name() =>
        HardeningTests.AssertRejected(Host("dev", new() { ["platform:system"] = "pliers" }), "PULUMI_CONFIG", "platform:environment", "missing", "never from the stack name");

    [Fact]
    public void A_stack_not_named_after_an_environment_takes_it_from_the_config()
    {
        var r = Host("feature-x", Dev());
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Contains("feature-x", r.Stdout); // the stack label
    }

    [Theory]
    [InlineData("acme/platform/dev")]
    [InlineData("acme/dev")]
    [InlineData("dev")]
    public void Fully_qualified_stack_names_are_accepted(string stack) =>
        Assert.True(Host(stack, Dev()).Exit == 0);

    [Theory]
    [InlineData("acme/other/dev", "project 'other'")]
    [InlineData("a/b/c/dev", "org/project/stack")]
    [InlineData("acme/platform/..", "stack names")]
    [InlineData("acme/platform/../dev", "org/project/stack")]
    [InlineData("acme//dev", "stack names")]
    public void Bad_stack_names_from_the_environment_are_refused(string stack, string why) =>
        HardeningTests.AssertRejected(Host(stack, Dev()), "PULUMI_STACK", why);

    [Fact]
    public void Without_PULUMI_CONFIG_the_stack_file_is_read()
    {
        File.WriteAllText(Path.Combine(_root, "Pulumi.dev.yaml"), "config:\n  platform:system: vru\n");
        var r = Synth.CliEnv(_root, new Dictionary<string, string> { ["PULUMI_STACK"] = "dev" }, "synth");
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Contains("vru", r.Stdout);
    }

    // --- the discovery program ------------------------------------------------------------------------------

    [Fact]
    public void The_discovery_program_requires_a_key_no_stack_sets()
    {
        var r = Synth.Cli("synth");
        Assert.Equal(0, r.Exit);
        var doc = new YamlDotNet.RepresentationModel.YamlStream();
        doc.Load(new StringReader(r.Stdout));
        var top = (YamlDotNet.RepresentationModel.YamlMappingNode)doc.Documents[0].RootNode;
        var config = (YamlDotNet.RepresentationModel.YamlMappingNode)top["config"];
        var guard = (YamlDotNet.RepresentationModel.YamlMappingNode)config[Synthesizer.DiscoveryGuardKey];
        Assert.False(guard.Children.ContainsKey("default"), "a default would let `pulumi up` run the discovery program");
        Assert.Equal("string", guard["type"].ToString());
        foreach (var stackFile in Directory.GetFiles(Synth.RepoRoot(), "Pulumi*.yaml"))
            Assert.DoesNotContain(Synthesizer.DiscoveryGuardKey, File.ReadAllText(stackFile));
    }

    [Fact]
    public void A_stack_cannot_set_the_discovery_guard()
    {
        File.WriteAllText(Path.Combine(_root, "Pulumi.dev.yaml"), $"config:\n  platform:system: pliers\n  platform:{Synthesizer.DiscoveryGuardKey}: x\n");
        HardeningTests.AssertRejected(Synth.CliIn(_root, "synth", "--stack", "dev"), $"platform:{Synthesizer.DiscoveryGuardKey}", "unknown key");
        HardeningTests.AssertRejected(Host("dev", Dev(($"platform:{Synthesizer.DiscoveryGuardKey}", "x"))), "unknown key");
    }
}
