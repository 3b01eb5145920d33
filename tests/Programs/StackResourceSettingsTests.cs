using System.Text.RegularExpressions;

namespace Infra.Tests.Programs;

/// <summary>
/// Issue 9's bad input that could not happen before: <c>platform:memory</c> (a container memory limit per service,
/// checked against what each server needs to start) and <c>platform:updateTimeout</c> (how long a container may take
/// to turn healthy, checked against every health check). Good values flow into the program and into what is derived
/// from the limit (PostgreSQL's shared_buffers, Redis's maxmemory); bad ones are one error line naming the file, the
/// key and what is allowed, nothing on stdout, from a stack file and from the engine's config alike.
/// </summary>
public sealed class StackResourceSettingsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("infra-resource-settings-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Synth.Result FromFile(string extra)
    {
        File.WriteAllText(Path.Combine(_root, "Pulumi.dev.yaml"), "config:\n  platform:system: pliers\n  platform:environment: dev\n" + extra);
        return Synth.CliIn(_root, "synth", "--stack", "dev");
    }

    private Synth.Result FromEngine(params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string> { ["platform:system"] = "pliers", ["platform:environment"] = "dev" };
        foreach (var (k, v) in extra) config[k] = v;
        return Synth.Engine(_root, "dev", config);
    }

    [Theory]
    [InlineData("  platform:memory: {postgres: 64}\n", "platform:memory.postgres", "'64'", "needs at least 128 MB")]
    [InlineData("  platform:memory: {redis: 16}\n", "platform:memory.redis", "'16'", "needs at least 32 MB")]
    [InlineData("  platform:memory: {traefik: 32}\n", "platform:memory.traefik", "'32'", "needs at least 64 MB")]
    [InlineData("  platform:memory: {api: 8}\n", "platform:memory.api", "'8'", "needs at least 16 MB")]
    [InlineData("  platform:memory: {postgress: 256}\n", "platform:memory.postgress", "did you mean postgres?", "api, ai-service, web, postgres, redis, traefik")]
    [InlineData("  platform:memory: {api: 70000}\n", "platform:memory.api", "'70000'", "at most 65536")]
    [InlineData("  platform:memory: {api: 1G}\n", "platform:memory.api", "'1G'", "whole number of MB")]
    [InlineData("  platform:memory: 512\n", "platform:memory", "'512'", "mapping of service name")]
    [InlineData("  platform:updateTimeout: 60\n", "platform:updateTimeout", "'60'", "'pliers-api-1' may take 130 s to turn healthy (start period 40 s + interval 30 s × 3 retries); allowed: more than 130")]
    [InlineData("  platform:updateTimeout: 5\n", "platform:updateTimeout", "'5'", "10 to 3600")]
    [InlineData("  platform:updateTimeout: soon\n", "platform:updateTimeout", "'soon'", "whole number of seconds")]
    public void Bad_values_in_the_stack_file_are_refused(string yaml, string key, string value, string allowed) =>
        HardeningTests.AssertRejected(FromFile(yaml), "Pulumi.dev.yaml", key, value, allowed);

    [Theory]
    [InlineData("platform:memory", "{\"postgres\":64}", "platform:memory.postgres", "needs at least 128 MB")]
    [InlineData("platform:memory", "{\"reddis\":64}", "platform:memory.reddis", "did you mean redis?")]
    [InlineData("platform:updateTimeout", "100", "platform:updateTimeout", "may take 130 s")]
    public void Bad_values_from_the_engine_are_refused(string key, string json, string named, string allowed) =>
        HardeningTests.AssertRejected(FromEngine((key, json)), "PULUMI_CONFIG", named, allowed);

    /// <summary>The YAML block of the resource whose <c>name:</c> property is <paramref name="container"/>.</summary>
    private static string Resource(string program, string container)
    {
        var at = program.IndexOf($"      name: {container}\n", StringComparison.Ordinal);
        Assert.True(at >= 0, container + " not in the program");
        var start = program.LastIndexOf("\n  ", at, StringComparison.Ordinal);
        var end = Regex.Match(program[(at + 1)..], @"\n  [a-z0-9-]+:\n").Index + at + 1;
        return program[start..end];
    }

    [Fact]
    public void Memory_overrides_set_the_limits_and_what_is_derived_from_them()
    {
        var r = FromFile("  platform:memory: {postgres: 256, redis: 40, api: 300, traefik: 96}\n");
        Assert.True(r.Exit == 0, r.Stderr);
        var db = Resource(r.Stdout, "pliers-postgres");
        Assert.Contains("      memory: 256\n", db);
        Assert.Contains("      memoryReservation: 128\n", db);
        Assert.Contains("shared_buffers = 64MB", db); // a quarter of the effective 256 MB limit
        var redis = Resource(r.Stdout, "pliers-redis");
        Assert.Contains("      memory: 40\n", redis);
        Assert.Contains($"maxmemory {40 * 60 / 100 * 1024 * 1024}", redis); // 60 % of 40 MB = 24 MB
        Assert.Contains("      memory: 300\n", Resource(r.Stdout, "pliers-api-1"));
        Assert.Contains("      memory: 96\n", Resource(r.Stdout, "pliers-traefik-1"));
        // Without the override dev's scaled limit stays (pliers web: 128 MB floor).
        Assert.Contains("      memory: 128\n", Resource(r.Stdout, "pliers-web-1"));
    }

    [Fact]
    public void Memory_from_the_engine_reads_like_the_stack_file()
    {
        var fromEngine = FromEngine(("platform:memory", "{\"postgres\":256}"), ("platform:updateTimeout", "300"));
        var fromFile = FromFile("  platform:memory: {postgres: 256}\n  platform:updateTimeout: 300\n");
        Assert.True(fromEngine.Exit == 0, fromEngine.Stderr);
        Assert.Equal(fromFile.Stdout, fromEngine.Stdout);
    }

    [Fact]
    public void The_update_timeout_is_every_health_checked_containers_wait_and_custom_timeout()
    {
        var r = FromFile("  platform:updateTimeout: 300\n");
        Assert.True(r.Exit == 0, r.Stderr);
        var checkedCount = Regex.Matches(r.Stdout, @"\n      healthcheck:\n").Count;
        Assert.True(checkedCount >= 5, r.Stdout);
        Assert.Equal(checkedCount, Regex.Matches(r.Stdout, @"\n      waitTimeout: 300\n").Count);
        Assert.Equal(checkedCount, Regex.Matches(r.Stdout, "\n      customTimeouts:\n        create: \"360s\"\n        update: \"360s\"\n").Count);
        var without = FromFile("");
        Assert.DoesNotContain("waitTimeout: 300", without.Stdout);
        Assert.DoesNotContain("customTimeouts", without.Stdout);
    }
}
