using Infra.Tests.Support;
using Infra.Components.Configs;
using Infra.Tests.Configs.Support;

namespace Infra.Tests.Configs;

/// <summary>Every generator output: rendered twice byte-identical, <c>\n</c> only, and equal to its snapshot.</summary>
public class DeterminismAndSnapshotTests
{
    private static readonly NginxTls Tls = new("/etc/nginx/tls/tls.crt", "/etc/nginx/tls/tls.key");

    private static readonly Dictionary<string, Func<string>> Outputs = new(StringComparer.Ordinal)
    {
        ["nginx.conf"] = () => NginxConfig.Render(SampleSystem.Nginx()),
        ["nginx.tls.conf"] = () => NginxConfig.Render(SampleSystem.Nginx(Tls)),
        ["prometheus.yml"] = () => PrometheusConfig.Render(SampleSystem.Prometheus()),
        ["alerts.yml"] = () => PrometheusAlertRules.Render(SampleSystem.Alerts()),
        ["postgresql.minimal.conf"] = () => PostgresConfig.RenderPostgresqlConf(PostgresTuning.For(SizeClass.Minimal)),
        ["postgresql.medium.conf"] = () => PostgresConfig.RenderPostgresqlConf(PostgresTuning.For(SizeClass.Medium)),
        ["postgresql.full.conf"] = () => PostgresConfig.RenderPostgresqlConf(PostgresTuning.For(SizeClass.Full)),
        ["pg_hba.conf"] = () => PostgresConfig.RenderPgHba(["172.20.0.0/16", "10.0.0.0/8", "172.20.0.0/16"]),
        ["redis.minimal.conf"] = () => RedisConfig.Render(RedisSpec.For(SizeClass.Minimal)),
        ["redis.full.conf"] = () => RedisConfig.Render(RedisSpec.For(SizeClass.Full)),
        ["grafana.datasources.yml"] = () => Grafana(GrafanaProvisioning.DatasourcesPath),
        ["grafana.dashboards.yml"] = () => Grafana(GrafanaProvisioning.DashboardProviderPath),
        ["grafana.pliers-overview.json"] = () => Grafana("dashboards/pliers-overview.json"),
        ["loki.yml"] = () => LokiConfig.Render(SampleSystem.Loki()),
        ["traefik.yml"] = () => TraefikConfig.RenderStatic(SampleSystem.Traefik()),
        ["traefik.dynamic.yml"] = () => TraefikConfig.RenderDynamic(SampleSystem.Traefik()),
        ["traefik.tls.yml"] = () => TraefikConfig.RenderStatic(SampleSystem.Traefik(new TraefikTls("/certs/tls.crt", "/certs/tls.key"))),
        ["traefik.tls.dynamic.yml"] = () => TraefikConfig.RenderDynamic(SampleSystem.Traefik(new TraefikTls("/certs/tls.crt", "/certs/tls.key"))),
        ["backup.sh"] = () => BackupScripts.RenderBackup(SampleSystem.Backup()),
        ["restore.sh"] = () => BackupScripts.RenderRestore(SampleSystem.Backup()),
    };

    private static string Grafana(string path) => GrafanaProvisioning.Render(SampleSystem.Grafana()).Single(f => f.Path == path).Content;

    public static TheoryData<string> Names() => new(Outputs.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Names))]
    public void Output_is_deterministic_and_matches_snapshot(string name)
    {
        var first = Outputs[name]();
        var second = Outputs[name]();
        Assert.Equal(first, second);
        Assert.DoesNotContain('\r', first);
        Assert.EndsWith("\n", first);
        Assert.DoesNotContain("\n\n\n", first);
        Snapshot.Match(name, first);
    }

    [Fact]
    public void Input_order_does_not_change_nginx_prometheus_or_traefik_output()
    {
        var nginx = SampleSystem.Nginx();
        var shuffled = nginx with { Upstreams = nginx.Upstreams.Reverse().ToList(), Routes = nginx.Routes.Reverse().ToList() };
        Assert.Equal(NginxConfig.Render(nginx), NginxConfig.Render(shuffled));

        var prom = SampleSystem.Prometheus();
        Assert.Equal(PrometheusConfig.Render(prom), PrometheusConfig.Render(prom with { Jobs = prom.Jobs.Reverse().ToList() }));

        var traefik = SampleSystem.Traefik();
        Assert.Equal(TraefikConfig.RenderDynamic(traefik),
            TraefikConfig.RenderDynamic(traefik with { Services = traefik.Services.Reverse().ToList(), Routes = traefik.Routes.Reverse().ToList() }));
    }
}
