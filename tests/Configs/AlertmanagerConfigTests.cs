using System.Text.Json;
using Infra.Stacks.Systems;
using Infra.Tests.Configs.Support;
using Infra.Tests.Programs;
using Infra.Tests.Runtime;

namespace Infra.Tests.Configs;

/// <summary>
/// Alertmanager's notification receiver (issue 9): the alertmanager.yml each seed system ships in staging and prod,
/// with and without the secret webhook, passes the real <c>amtool check-config</c> exactly as the program uploads it
/// (the webhook's config reference resolved as the engine would), routes every severity to the webhook, and the
/// webhook URL never appears in the program.
/// </summary>
public sealed class AlertmanagerConfigTests
{
    public const string WebhookKey = "alertWebhookUrl";
    public const string AlertmanagerFile = "/etc/alertmanager/alertmanager.yml";

    public static IEnumerable<object[]> AlertingCombinations() =>
        from s in SystemCatalog.Names where SystemCatalog.Find(s)!.Monitoring is not null
        from e in new[] { "staging", "prod" } from hook in new[] { false, true } select new object[] { s, e, hook };

    /// <summary>The program the Pulumi YAML host would get for the stack, with the engine's config (PULUMI_CONFIG).</summary>
    public static Synth.Result Engine(string system, string env, IReadOnlyDictionary<string, string> extra, string command = "synth")
    {
        var config = new Dictionary<string, string> { ["platform:system"] = system, ["platform:environment"] = env };
        var args = Synth.Args(system, env);
        var images = new Dictionary<string, string>();
        for (var i = 0; i < args.Length - 1; i++)
            if (args[i] == "--image") images[args[i + 1].Split('=')[0]] = args[i + 1].Split('=', 2)[1];
        if (images.Count > 0) config["platform:images"] = JsonSerializer.Serialize(images);
        // ConsensusNet's prod database is external: the engine must hold its URL (a secret the compiler never prints).
        if (system == "consensusnet" && env == "prod") config["platform:databaseUrl"] = "postgresql://app:x@db.example.com:25060/app?sslmode=require";
        foreach (var (k, v) in extra) config[k] = v;
        var root = Directory.CreateTempSubdirectory("infra-alerts-").FullName;
        try
        {
            return Synth.Engine(root, env, config, command);
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    /// <summary>The program with the webhook set to <paramref name="url"/>, parsed, with the stack's value for the secret.</summary>
    public static PulumiProgram WithWebhook(string system, string env, string url)
    {
        var r = Engine(system, env, new Dictionary<string, string> { ["platform:" + WebhookKey] = url });
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.DoesNotContain(url, r.Stdout);
        var program = new PulumiProgram(r.Stdout);
        program.StackConfig[WebhookKey] = url;
        return program;
    }

    public static ProgramResource AlertmanagerContainer(PulumiProgram program) =>
        program.OfType(PulumiProgram.ContainerType).Single(c => ((string)c.Properties["name"]!).EndsWith("-alertmanager", StringComparison.Ordinal));

    /// <summary>The upload of alertmanager.yml (file, content, permissions), resolved.</summary>
    private static Dictionary<string, object?> Upload(PulumiProgram program) =>
        ((List<object?>)program.Resolve(AlertmanagerContainer(program).Properties["uploads"])!).Cast<Dictionary<string, object?>>()
            .Single(u => (string)u["file"]! == AlertmanagerFile);

    private const string Url = "https://hooks.example.com/services/T0/B0/alert-token-7c1e";

    private static string Shipped(string system, string env, bool hook)
    {
        if (hook) return (string)Upload(WithWebhook(system, env, Url))["content"]!;
        var program = new PulumiProgram(Synth.Program(system, env));
        return (string)Upload(program)["content"]!;
    }

    [Theory]
    [MemberData(nameof(AlertingCombinations))]
    public void Shipped_alertmanager_config_passes_amtool_check_config(string system, string env, bool hook)
    {
        using var dir = new TempDir("alertmanager-");
        var path = dir.File("alertmanager.yml", Shipped(system, env, hook));
        var r = Proc.Run(Tools.Amtool, ["check-config", path]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("SUCCESS", r.Output);
        // amtool's summary of what it parsed: the one receiver and the critical-over-warning inhibit rule.
        Assert.Contains(" - 1 receivers", r.Output);
        Assert.Contains(" - 1 inhibit rules", r.Output);
    }

    [Theory]
    [InlineData("severity=critical", "alertname=ServiceDown")]
    [InlineData("severity=warning", "alertname=HighDiskUsage")]
    [InlineData("severity=info", "alertname=Other")]
    public void Every_alert_is_routed_to_the_webhook_receiver(string severity, string alertname)
    {
        using var dir = new TempDir("alertmanager-routes-");
        var path = dir.File("alertmanager.yml", Shipped("pliers", "prod", hook: true));
        var r = Proc.Run(Tools.Amtool, ["config", "routes", "test", "--config.file=" + path, "--verify.receivers=platform", severity, alertname, "system=pliers"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("platform", r.Stdout.Trim());
    }

    [Fact]
    public void The_webhook_is_a_secret_upload_and_never_in_the_program()
    {
        var r = Engine("pliers", "prod", new Dictionary<string, string> { ["platform:" + WebhookKey] = Url });
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.DoesNotContain("alert-token-7c1e", r.Stdout + r.Stderr);
        var program = new PulumiProgram(r.Stdout);
        Assert.Equal("true", ((Dictionary<string, object?>)program.Config[WebhookKey]!)["secret"]?.ToString()?.ToLowerInvariant());
        var am = AlertmanagerContainer(program);
        Assert.Contains("uploads", ((List<object?>)am.Options["additionalSecretOutputs"]!).Cast<string>());
        program.StackConfig[WebhookKey] = Url;
        var upload = Upload(program);
        Assert.Equal("0440", upload["permissions"]);
        Assert.Contains($"url: '{Url}'", (string)upload["content"]!);
        // The plan says where notifications go.
        var plan = Engine("pliers", "prod", new Dictionary<string, string> { ["platform:" + WebhookKey] = Url }, "plan");
        Assert.True(plan.Exit == 0, plan.Stderr);
        Assert.Contains("posts notifications to the webhook in the secret platform:alertWebhookUrl", plan.Stdout);
        Assert.DoesNotContain("alert-token-7c1e", plan.Stdout);
    }

    [Fact]
    public void Without_the_webhook_the_plan_says_nobody_is_notified()
    {
        var r = Synth.Cli([.. Synth.Args("pliers", "prod").Select(a => a == "synth" ? "plan" : a)]);
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Contains("NOBODY IS NOTIFIED", r.Stdout);
        Assert.Contains("platform:alertWebhookUrl", r.Stdout);
    }

    [Fact]
    public void On_kubernetes_the_plan_says_nobody_is_notified()
    {
        var root = Directory.CreateTempSubdirectory("infra-alerts-kube-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "Pulumi.prod.yaml"),
                "config:\n  platform:system: pliers\n  platform:environment: prod\n  platform:target: kubernetes\n  platform:host: pliers.example.com\n" +
                "  platform:acmeEmail: ops@example.com\n  platform:promoteFrom: none\n  platform:kubeconfig:\n    secure: v1:AAAA:BBBB\n" +
                "  platform:images: {api: r.example.com/api:1.0.0, ai-service: r.example.com/ai:1.0.0, web: r.example.com/web:1.0.0}\n");
            var r = Synth.CliIn(root, "plan", "--stack", "prod");
            Assert.True(r.Exit == 0, r.Stderr);
            Assert.Contains("kubernetes: Alertmanager (kube-prometheus-stack) has no notification receiver: NOBODY IS NOTIFIED", r.Stdout);
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://hooks.example.com/x")]
    [InlineData("https://hooks.example.com/it's")]
    public void A_malformed_webhook_from_the_engine_is_refused_without_showing_it(string url)
    {
        var r = Engine("pliers", "prod", new Dictionary<string, string> { ["platform:" + WebhookKey] = url });
        HardeningTests.AssertRejected(r, "PULUMI_CONFIG", "platform:alertWebhookUrl", "not an http(s) URL");
        Assert.DoesNotContain(url, r.Stderr);
    }

    [Fact]
    public void A_plain_webhook_in_a_stack_file_is_refused()
    {
        var root = Directory.CreateTempSubdirectory("infra-alerts-file-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "Pulumi.dev.yaml"), $"config:\n  platform:system: pliers\n  platform:environment: dev\n  platform:alertWebhookUrl: {Url}\n");
            var r = Synth.CliIn(root, "synth", "--stack", "dev");
            HardeningTests.AssertRejected(r, "Pulumi.dev.yaml", "platform:alertWebhookUrl", "must be a secret");
            Assert.DoesNotContain("alert-token", r.Stderr);
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
