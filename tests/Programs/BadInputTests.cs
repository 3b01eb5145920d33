namespace Infra.Tests.Programs;

/// <summary>Bad input: one clear error on stderr naming the file and key, a non-zero exit, nothing on stdout.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("infra-bad-input-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Synth.Result WithStack(string stack, string yaml, params string[] extra)
    {
        File.WriteAllText(Path.Combine(_root, $"Pulumi.{stack}.yaml"), yaml);
        return Synth.CliIn(_root, ["synth", "--stack", stack, .. extra]);
    }

    private static void AssertRejected(Synth.Result r, params string[] mustMention)
    {
        Assert.Equal("", r.Stdout);
        Assert.NotEqual(0, r.Exit);
        var lines = r.Stderr.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        foreach (var m in mustMention) Assert.Contains(m, r.Stderr);
    }

    [Fact]
    public void Two_services_on_one_host_port() =>
        AssertRejected(WithStack("dev", "config:\n  platform:system: pliers\n  platform:environment: dev\n  platform:ports:\n    web: 3000\n"),
            "Pulumi.dev.yaml", "platform:ports.web", "3000");

    [Fact]
    public void Unknown_stack() =>
        AssertRejected(Synth.CliIn(_root, "synth", "--stack", "qa"), "Pulumi.qa.yaml", "unknown stack");

    [Fact]
    public void Unknown_stack_from_PULUMI_STACK() =>
        AssertRejected(Synth.CliEnv(_root, new Dictionary<string, string> { ["PULUMI_STACK"] = "nope" }, "synth"), "Pulumi.nope.yaml");

    [Fact]
    public void Unknown_system() =>
        AssertRejected(WithStack("dev", "config:\n  platform:system: wordpress\n"), "Pulumi.dev.yaml", "platform:system", "'wordpress'", "pliers");

    [Fact]
    public void Unknown_environment() =>
        AssertRejected(WithStack("dev", "config:\n  platform:system: pliers\n  platform:environment: qa\n"), "Pulumi.dev.yaml", "platform:environment", "'qa'", "dev, staging, prod");

    [Fact]
    public void Environment_missing_for_a_stack_not_named_after_one() =>
        AssertRejected(WithStack("laptop", "config:\n  platform:system: pliers\n"), "Pulumi.laptop.yaml", "platform:environment", "missing");

    [Fact]
    public void Missing_system() =>
        AssertRejected(WithStack("dev", "config:\n  platform:environment: dev\n"), "Pulumi.dev.yaml", "platform:system", "missing");

    [Fact]
    public void Malformed_yaml() =>
        AssertRejected(WithStack("dev", "config:\n  platform:system: [pliers\n"), "Pulumi.dev.yaml", "malformed YAML");

    [Fact]
    public void Config_that_is_not_a_mapping() =>
        AssertRejected(WithStack("dev", "config: 42\n"), "Pulumi.dev.yaml", "config", "mapping");

    [Fact]
    public void Wrong_value_type_for_replicas() =>
        AssertRejected(WithStack("dev", "config:\n  platform:system: pliers\n  platform:replicas:\n    api: three\n"), "Pulumi.dev.yaml", "platform:replicas.api", "'three'");

    [Fact]
    public void Wrong_value_type_for_images() =>
        AssertRejected(WithStack("dev", "config:\n  platform:system: pliers\n  platform:images: ghcr.io/x/api:1\n"), "Pulumi.dev.yaml", "platform:images", "mapping");

    [Fact]
    public void Replicas_below_one() =>
        AssertRejected(WithStack("dev", "config:\n  platform:system: pliers\n  platform:replicas:\n    api: 0\n"), "Pulumi.dev.yaml", "platform:replicas.api", "at least 1");

    [Fact]
    public void Replicas_for_an_undefined_service() =>
        AssertRejected(WithStack("dev", "config:\n  platform:system: pliers\n  platform:replicas:\n    billing: 2\n"), "Pulumi.dev.yaml", "platform:replicas.billing", "not a service");

    [Fact]
    public void Two_services_publishing_the_same_host_port() =>
        AssertRejected(WithStack("dev", "config:\n  platform:system: pliers\n  platform:ports:\n    web: 3000\n"), "Pulumi.dev.yaml", "platform:ports.web", "3000", "service 'api'");

    [Fact]
    public void Invalid_image_reference() =>
        AssertRejected(WithStack("dev", "config:\n  platform:system: pliers\n  platform:images:\n    api: GHCR.io/Acme/API:latest tag\n"), "Pulumi.dev.yaml", "platform:images.api", "not a valid image reference");

    [Fact]
    public void Missing_images_outside_dev_with_promotion_off() =>
        AssertRejected(WithStack("prod", "config:\n  platform:system: pliers\n  platform:promoteFrom: none\n"), "Pulumi.prod.yaml", "platform:images.api", "real images only", "ai-service", "web");

    [Fact]
    public void A_secret_where_a_shape_value_is_expected() =>
        AssertRejected(WithStack("dev", "config:\n  platform:system:\n    secure: AAABAKx0\n"), "Pulumi.dev.yaml", "platform:system", "must not be a secret");

    [Fact]
    public void Unknown_target() =>
        AssertRejected(WithStack("dev", "config:\n  platform:system: pliers\n  platform:target: nomad\n"), "Pulumi.dev.yaml", "platform:target", "'nomad'", "docker");

    [Fact]
    public void Bad_stack_name() =>
        AssertRejected(Synth.CliIn(_root, "synth", "--stack", "../etc/passwd"), "stack", "stack names");

    [Fact]
    public void Unknown_command_and_option() 
    {
        AssertRejected(Synth.Cli("deploy"), "command", "synth, plan");
        AssertRejected(Synth.Cli("synth", "--sytem", "pliers"), "--sytem", "unknown option");
        AssertRejected(Synth.Cli("synth", "--system", "pliers"), "--env");
        AssertRejected(Synth.Cli("synth", "--system", "pliers", "--env", "dev", "--replicas", "api=0"), "--replicas api", "at least 1");
    }

    [Fact]
    public void Exit_code_is_2_for_bad_input() => Assert.Equal(2, Synth.Cli("synth", "--system", "nope", "--env", "dev").Exit);
}
