using Infra.Components.Configs;

namespace Infra.Tests.Configs;

/// <summary>Inputs modelled on seed 001 (Pliers): api x3 and ai x2 behind nginx (requests spread over the replicas), plus web.</summary>
internal static class SampleSystem
{
    public const string Name = "pliers";

    public static NginxSite Nginx(NginxTls? tls = null, int port = 80) => new(
        port,
        "pliers.example.test",
        [
            new NginxUpstream("web", ["web-1:8080"]),
            new NginxUpstream("api_servers", ["api-1:3000", "api-2:3000", "api-3:3000"]),
            new NginxUpstream("ai_servers", ["ai-1:3001", "ai-2:3001"]),
        ],
        [
            new NginxRoute("/api/", "api_servers", "/health"),
            new NginxRoute("/ai/", "ai_servers", "/health"),
            new NginxRoute("/", "web"),
        ],
        tls,
        ClientMaxBodyMb: 25);

    public static IReadOnlyList<string> NginxHostNames => ["web-1", "api-1", "api-2", "api-3", "ai-1", "ai-2"];

    public const string AlertsFile = "alerts.yml";

    public static PrometheusSpec Prometheus() => new(
        [
            new ScrapeJob("api", ["api-1:3000", "api-2:3000", "api-3:3000"]),
            new ScrapeJob("ai", ["ai-1:3001", "ai-2:3001"], "/internal/metrics"),
            ScrapeJob.PostgresExporter("postgres-exporter:9187"),
            ScrapeJob.RedisExporter("redis-exporter:9121"),
            ScrapeJob.NodeExporter("node-exporter:9100"),
        ],
        [AlertsFile],
        "15s",
        Name,
        ["alertmanager:9093"]);

    public static AlertRuleSpec Alerts() => new(Name);

    public static GrafanaSpec Grafana() => new(Name, "http://prometheus:9090", "http://loki:3100", ["api", "ai"]);

    public static LokiSpec Loki() => new();

    public static TraefikSpec Traefik(TraefikTls? tls = null) => new(
        [
            new TraefikService("api", ["http://api-1:3000", "http://api-2:3000", "http://api-3:3000"], "/health"),
            new TraefikService("ai", ["http://ai-1:3001", "http://ai-2:3001"], "/health"),
            new TraefikService("web", ["http://web-1:8080"]),
        ],
        [
            new TraefikRoute("/api", "api"),
            new TraefikRoute("/ai", "ai"),
            new TraefikRoute("/", "web"),
        ],
        Tls: tls);

    public static BackupSpec Backup(string backupDir = "/backups") => new(Name, "pliers", backupDir);
}
