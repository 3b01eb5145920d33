using System.Text.Json;
using Infra.Components.Configs;
using YamlDotNet.Serialization;

namespace Infra.Tests.Configs;

/// <summary>Grafana, Loki and Traefik have no server here: their output is parsed and checked structurally.</summary>
public class StructuralConfigTests
{
    private static Dictionary<object, object> Yaml(string text) =>
        (Dictionary<object, object>)new DeserializerBuilder().Build().Deserialize<object>(text)!;

    private static Dictionary<object, object> Map(object o) => (Dictionary<object, object>)o;
    private static List<object> Seq(object o) => (List<object>)o;

    [Fact]
    public void Grafana_provisions_prometheus_and_loki_datasources_and_the_seed_dashboards()
    {
        var files = GrafanaProvisioning.Render(SampleSystem.Grafana()).ToDictionary(f => f.Path, f => f.Content);
        Assert.Equal(7, files.Count);

        var ds = Seq(Yaml(files[GrafanaProvisioning.DatasourcesPath])["datasources"]).Select(Map).ToList();
        Assert.Equal(["prometheus", "loki"], ds.Select(d => (string)d["type"]));
        Assert.Equal("http://prometheus:9090", ds[0]["url"]);
        Assert.Equal("http://loki:3100", ds[1]["url"]);
        Assert.Equal("true", ds[0]["isDefault"]);

        var provider = Map(Seq(Yaml(files[GrafanaProvisioning.DashboardProviderPath])["providers"])[0]);
        Assert.Equal("file", provider["type"]);
        Assert.Equal("/var/lib/grafana/dashboards", Map(provider["options"])["path"]);

        List<JsonElement> Panels(string uid)
        {
            using var dash = JsonDocument.Parse(files[$"dashboards/{uid}.json"]);
            Assert.Equal(uid, dash.RootElement.GetProperty("uid").GetString());
            return [.. dash.RootElement.GetProperty("panels").EnumerateArray().Select(p => p.Clone())];
        }
        string Title(JsonElement p) => p.GetProperty("title").GetString()!;
        string Expr(JsonElement p) => p.GetProperty("targets")[0].GetProperty("expr").GetString()!;

        // No node exporter in the sample: the overview has the targets, Prometheus itself and the system's logs.
        Assert.Equal(["Targets up", "Prometheus series in memory", "Logs"], Panels("pliers-overview").Select(Title));
        Assert.Equal("{system=\"pliers\"}", Expr(Panels("pliers-overview")[2]));
        var app = Panels("pliers-application");
        Assert.Equal(["Request rate", "Error rate (5xx)", "Response time p95", "Response time p50", "Service targets up"], app.Select(Title));
        Assert.All(app, p => Assert.Contains("job=~\"ai|api\"", Expr(p)));
        var errorSteps = app[1].GetProperty("fieldConfig").GetProperty("defaults").GetProperty("thresholds").GetProperty("steps");
        Assert.Equal(0.05, errorSteps[2].GetProperty("value").GetDouble());
        // No exporters in the sample: the database dashboard has the services' own query latency only.
        Assert.Equal(["Query latency (mean, seen by the services)"], Panels("pliers-database").Select(Title));
        Assert.Equal(5, Panels("pliers-blockchain").Count);
        Assert.Equal(5, Panels("pliers-business").Count);
    }

    [Fact]
    public void Dashboard_uids_keep_their_suffix_within_grafanas_40_characters()
    {
        var uid = GrafanaProvisioning.DashboardUid(new string('a', 50), "application");
        Assert.Equal(40, uid.Length);
        Assert.EndsWith("-application", uid);
    }

    [Fact]
    public void Loki_config_has_filesystem_storage_tsdb_schema_and_retention()
    {
        var y = Yaml(LokiConfig.Render(SampleSystem.Loki()));
        Assert.Equal("false", y["auth_enabled"]);
        Assert.Equal("3100", Map(y["server"])["http_listen_port"]);
        var schema = Map(Seq(Map(y["schema_config"])["configs"])[0]);
        Assert.Equal("tsdb", schema["store"]);
        Assert.Equal("v13", schema["schema"]);
        Assert.Equal("filesystem", schema["object_store"]);
        Assert.Equal("720h", Map(y["limits_config"])["retention_period"]);
        Assert.Equal("true", Map(y["compactor"])["retention_enabled"]);
        Assert.Equal("/loki/chunks", Map(Map(Map(y["common"])["storage"])["filesystem"])["chunks_directory"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Traefik_routes_every_path_prefix_to_its_service(bool tls)
    {
        var spec = SampleSystem.Traefik(tls ? new TraefikTls("/certs/tls.crt", "/certs/tls.key") : null);
        var files = TraefikConfig.Render(spec).ToDictionary(f => f.Path, f => f.Content);

        var st = Yaml(files[TraefikConfig.StaticPath]);
        var entryPoints = Map(st["entryPoints"]);
        Assert.Equal(":80", Map(entryPoints["web"])["address"]);
        Assert.Equal(tls, entryPoints.ContainsKey("websecure"));
        Assert.Equal("/etc/traefik/dynamic.yml", Map(Map(st["providers"])["file"])["filename"]);

        var dyn = Yaml(files[TraefikConfig.DynamicPath]);
        var http = Map(dyn["http"]);
        var routers = Map(http["routers"]);
        var services = Map(http["services"]);
        var expected = new Dictionary<string, (string Rule, string Service)>
        {
            ["api"] = ("PathPrefix(`/api`)", "api"),
            ["ai"] = ("PathPrefix(`/ai`)", "ai"),
            ["root"] = ("PathPrefix(`/`)", "web"),
        };
        Assert.Equal(expected.Keys.Order(), routers.Keys.Cast<string>().Order());
        foreach (var (name, (rule, service)) in expected)
        {
            var router = Map(routers[name]);
            Assert.Equal(rule, router["rule"]);
            Assert.Equal(service, router["service"]);
            Assert.True(services.ContainsKey(service), $"router {name} points at missing service {service}");
            Assert.Equal(tls ? "websecure" : "web", Seq(router["entryPoints"])[0]);
            Assert.Equal(tls, router.ContainsKey("tls"));
        }
        var api = Map(Map(services["api"])["loadBalancer"]);
        Assert.Equal(["http://api-1:3000", "http://api-2:3000", "http://api-3:3000"], Seq(api["servers"]).Select(s => (string)Map(s)["url"]));
        Assert.Equal("/health", Map(api["healthCheck"])["path"]);
        Assert.Equal(tls, dyn.ContainsKey("tls"));
    }

    [Fact]
    public void Generators_reject_inconsistent_input()
    {
        Assert.ThrowsAny<ArgumentException>(() => NginxConfig.Render(SampleSystem.Nginx() with { Routes = [new NginxRoute("/x/", "missing")] }));
        Assert.ThrowsAny<ArgumentException>(() => NginxConfig.Render(SampleSystem.Nginx() with { ServerName = "a; evil" }));
        Assert.ThrowsAny<ArgumentException>(() => TraefikConfig.Render(SampleSystem.Traefik() with { Routes = [new TraefikRoute("/x", "missing")] }));
        Assert.ThrowsAny<ArgumentException>(() => PrometheusConfig.Render(SampleSystem.Prometheus() with { ScrapeInterval = "soon" }));
        Assert.ThrowsAny<ArgumentException>(() => PostgresConfig.RenderPgHba(["not-a-cidr"]));
        Assert.ThrowsAny<ArgumentException>(() => RedisConfig.Render(new RedisSpec(64, "sometimes", true)));
        Assert.ThrowsAny<ArgumentException>(() => RedisConfig.StartCommand("/etc/redis.conf", "BAD-NAME"));
        Assert.ThrowsAny<ArgumentException>(() => BackupScripts.Render(SampleSystem.Backup("relative/dir")));
    }
}
