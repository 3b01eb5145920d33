using System.Text.RegularExpressions;
using Infra.Components.Docker;
using Infra.Stacks.Composition;
using Infra.Stacks.Model;
using Infra.Tests.Configs.Support;
using Infra.Tests.Programs;
using Infra.Tests.Runtime;

namespace Infra.Tests.Configs;

/// <summary>
/// Per-service proxy timeouts (issue 9): a service declares how long its requests may take
/// (<see cref="ServiceBuilder.WithRequestTimeout"/>); nginx gets read/send timeouts in that service's location,
/// Traefik a servers transport per service (60 s by default, as nginx). The shipped nginx.conf passes nginx -t; the
/// runtime tier (<see cref="ProxyTimeoutRuntimeTests"/>) proves the timeouts on a running nginx.
/// </summary>
public sealed class ProxyTimeoutTests
{
    public const int SlowSeconds = 120;

    /// <summary>Two services behind nginx: 'quick' (the default timeout) and 'slow' (<see cref="SlowSeconds"/>).</summary>
    public static SystemDefinition TwoSpeeds(ProxyKind kind = ProxyKind.Nginx, int slowTimeout = SlowSeconds)
    {
        var b = new SystemBuilder("speeds", "a quick and a slow service behind one proxy", "issue 9");
        var net = b.AddNetwork("edge");
        var quick = b.AddService("quick").WithHttp(8080, "/health").OnNetworks(net);
        var slow = b.AddService("slow").WithHttp(8080, "/health").WithRequestTimeout(slowTimeout).OnNetworks(net);
        b.AddReverseProxy("edge-proxy", kind, [("/quick", quick), ("/slow", slow)], networks: net);
        return b.Build();
    }

    /// <summary>The dev program of <see cref="TwoSpeeds"/> on the docker target, as the CLI would print it.</summary>
    public static string Program(SystemDefinition def) =>
        Synthesizer.Synthesize(StackSettings.Create("dev", "vru", "dev", "docker", new Dictionary<string, ImageSetting>(),
            new Dictionary<string, int>(), new Dictionary<string, int>(), false, "test") with { System = def.Name }, def);

    private static string Upload(string program, string file)
    {
        var p = new PulumiProgram(program) { ImageFor = _ => "local/x" };
        foreach (var c in p.OfType(PulumiProgram.ContainerType))
            if (p.Resolve(c.Properties.GetValueOrDefault("uploads")) is List<object?> uploads)
                foreach (var u in uploads.Cast<Dictionary<string, object?>>())
                    if ((string)u["file"]! == file) return (string)u["content"]!;
        throw new KeyNotFoundException(file);
    }

    private static string Block(string config, string start)
    {
        var at = config.IndexOf(start, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{start}' not in\n{config}");
        return config[at..config.IndexOf('}', at)];
    }

    [Fact]
    public void Nginx_gives_the_slow_service_its_timeout_and_the_shipped_config_passes_nginx_t()
    {
        var config = Upload(Program(TwoSpeeds()), "/etc/nginx/nginx.conf");
        var slow = Block(config, "location /slow {");
        Assert.Contains($"proxy_read_timeout {SlowSeconds}s;", slow);
        Assert.Contains($"proxy_send_timeout {SlowSeconds}s;", slow);
        Assert.DoesNotContain("proxy_read_timeout", Block(config, "location /quick {"));
        Assert.Contains($"proxy_read_timeout {ServiceDef.DefaultRequestTimeoutSeconds}s;", config); // the http-level default

        using var dir = new TempDir("nginx-speeds-");
        var hosts = dir.File("hosts", "127.0.0.1 localhost " + string.Join(' ', Regex.Matches(config, @"([a-z0-9-]+):8080;").Select(m => m.Groups[1].Value).Distinct()) + "\n");
        var conf = dir.File("nginx.conf", config);
        var r = Proc.Run(Tools.Unshare, ["--mount", "sh", "-c", "mount --bind \"$1\" /etc/hosts && exec \"$2\" -t -e \"$4/startup-error.log\" -c \"$3\" -p \"$4\"",
            "sh", hosts, Tools.Nginx, conf, dir.Path]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("test is successful", r.Stderr);
    }

    [Fact]
    public void Traefik_gives_every_service_a_transport_with_its_response_timeout()
    {
        var dynamic = Upload(Program(TwoSpeeds(ProxyKind.Traefik)), "/etc/traefik/dynamic.yml");
        Assert.Contains($"    slow:\n      forwardingTimeouts:\n        dialTimeout: '5s'\n        responseHeaderTimeout: '{SlowSeconds}s'", dynamic);
        Assert.Contains("    quick:\n      forwardingTimeouts:\n        dialTimeout: '5s'\n        responseHeaderTimeout: '60s'", dynamic);
        Assert.Contains("      loadBalancer:\n        serversTransport: 'slow'", dynamic);
    }

    [Fact]
    public void Pliers_ai_service_waits_300_seconds_behind_traefik()
    {
        var dynamic = Upload(Synth.Program("pliers", "prod"), "/etc/traefik/dynamic.yml");
        Assert.Contains("    ai-service:\n      forwardingTimeouts:\n        dialTimeout: '5s'\n        responseHeaderTimeout: '300s'", dynamic);
        Assert.Contains("    api:\n      forwardingTimeouts:\n        dialTimeout: '5s'\n        responseHeaderTimeout: '60s'", dynamic);
    }

    [Theory]
    [InlineData(0, "from 1 to 3600")]
    [InlineData(3601, "from 1 to 3600")]
    public void A_timeout_out_of_bounds_is_refused(int seconds, string allowed)
    {
        var e = Assert.Throws<Infra.Components.Core.InputException>(() => SystemValidator.Validate(TwoSpeeds(slowTimeout: seconds)));
        Assert.Contains("services[slow].requestTimeout", e.Message);
        Assert.Contains(allowed, e.Message);
    }

    [Fact]
    public void A_timeout_on_a_service_no_proxy_routes_to_is_refused()
    {
        var def = TwoSpeeds();
        def.Proxy = def.Proxy! with { Routes = [.. def.Proxy.Routes.Where(r => r.Service != "slow")] };
        var e = Assert.Throws<Infra.Components.Core.InputException>(() => SystemValidator.Validate(def));
        Assert.Contains("only a service the reverse proxy routes to", e.Message);
    }
}
