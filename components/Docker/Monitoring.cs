using Infra.Components.Core;
using Infra.Components.Workloads;

namespace Infra.Components.Docker;

public sealed record MonitoringArgs
{
    public required IReadOnlyList<ConfigFile> PrometheusFiles { get; init; }
    public IReadOnlyList<ConfigFile> GrafanaFiles { get; init; } = [];
    public IReadOnlyList<ConfigFile> LokiFiles { get; init; } = [];
    public bool Grafana { get; init; } = true;
    public bool Loki { get; init; }
    public int? GrafanaHostPort { get; init; }
    public int? PrometheusHostPort { get; init; }
    public IReadOnlyList<DockerNetwork> Networks { get; init; } = [];
    public bool ProtectData { get; init; }
    public string Retention { get; init; } = "15d";
    public ResourceLimits? Limits { get; init; }
}

/// <summary>Prometheus (scrape config generated from the services), Grafana with provisioned data sources, and Loki.</summary>
public sealed class Monitoring : Construct
{
    public Monitoring(Construct parent, string name, MonitoringArgs args) : base(parent, name)
    {
        Args = args;
        Prometheus = new DockerService(this, "prometheus", new DockerServiceArgs
        {
            Image = DockerImage.Pull(this, "prometheus-image", "prom/prometheus:v2.55.1").ImageId,
            User = "65534:65534",
            Command = ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", $"--storage.tsdb.retention.time={args.Retention}"],
            Files = args.PrometheusFiles,
            Ports = [new ServicePort("http", 9090, PortProtocol.Http, args.PrometheusHostPort)],
            DataPath = "/prometheus",
            ProtectData = args.ProtectData,
            Networks = args.Networks,
            Health = HealthCheck.Http("/-/ready", 9090),
            Limits = args.Limits,
            Labels = [("platform.role", "monitoring")],
        }, indexed: false);
        var members = new List<DockerService> { Prometheus };

        if (args.Loki)
        {
            Loki = new DockerService(this, "loki", new DockerServiceArgs
            {
                Image = DockerImage.Pull(this, "loki-image", "grafana/loki:3.3.2").ImageId,
                User = "10001:10001",
                Command = ["-config.file=/etc/loki/config.yaml"],
                Files = args.LokiFiles,
                Ports = [new ServicePort("http", 3100)],
                DataPath = "/loki",
                ProtectData = args.ProtectData,
                Networks = args.Networks,
                Health = HealthCheck.Http("/ready", 3100),
                Limits = args.Limits,
                Labels = [("platform.role", "monitoring")],
            }, indexed: false);
            members.Add(Loki);
        }

        if (args.Grafana)
        {
            AdminPassword = SecretSource.Generated(24).Resolve(this, "grafana-admin-password", args.ProtectData);
            Grafana = new DockerService(this, "grafana", new DockerServiceArgs
            {
                Image = DockerImage.Pull(this, "grafana-image", "grafana/grafana:11.3.1").ImageId,
                User = "472:0",
                Environment =
                [
                    new("GF_SECURITY_ADMIN_USER", "admin"),
                    new("GF_SECURITY_ADMIN_PASSWORD", AdminPassword),
                    new("GF_USERS_ALLOW_SIGN_UP", "false"),
                    new("GF_AUTH_ANONYMOUS_ENABLED", "false"),
                ],
                Files = args.GrafanaFiles,
                Ports = [new ServicePort("http", 3000, PortProtocol.Http, args.GrafanaHostPort)],
                DataPath = "/var/lib/grafana",
                ProtectData = args.ProtectData,
                Networks = args.Networks,
                WaitFor = [.. members.SelectMany(m => m.Containers)],
                Health = HealthCheck.Http("/api/health", 3000),
                Limits = args.Limits,
                Labels = [("platform.role", "monitoring")],
            }, indexed: false);
        }
        foreach (var r in AllResources().Where(r => r.Traits.Contains(Traits.Workload))) r.Traits.Add(Traits.Monitoring);
    }

    public override string Kind => "Monitoring";

    /// <summary>Prometheus exporters for the data services (the Full monitoring level).</summary>
    public void AddExporters(PostgresDatabase? db, RedisCache? cache)
    {
        if (db is not null)
            Exporter("postgres-exporter", "quay.io/prometheuscommunity/postgres-exporter:v0.16.0", 9187, db.Service.Args.Networks,
                [new("DATA_SOURCE_NAME", Value.Format($"{db.ConnectionUrl}?sslmode=disable"))], db.Container);
        if (cache is not null)
            Exporter("redis-exporter", "oliver006/redis_exporter:v1.66.0-alpine", 9121, cache.Service.Args.Networks,
                [new("REDIS_ADDR", $"redis://{cache.Host}:{RedisCache.Port}"), new("REDIS_PASSWORD", cache.Password)], cache.Container);
    }

    private void Exporter(string name, string image, int port, IReadOnlyList<DockerNetwork> dataNetworks, IReadOnlyList<KeyValuePair<string, Value>> env, Resource target)
    {
        var svc = new DockerService(this, name, self => new DockerServiceArgs
        {
            Kind = "Exporter",
            Image = DockerImage.Pull(self, "image", image).ImageId,
            User = "65534:65534",
            Environment = env,
            Ports = [new ServicePort("metrics", port)],
            Networks = [.. Args.Networks.Concat(dataNetworks).Distinct()],
            WaitFor = [target],
            Health = HealthCheck.Http("/metrics", port),
            Limits = new ResourceLimits(0.25, 128),
            Labels = [("platform.role", "monitoring")],
        }, indexed: false);
        foreach (var c in svc.Containers) c.Traits.Add(Traits.Monitoring);
    }
    public MonitoringArgs Args { get; }
    public DockerService Prometheus { get; }
    public DockerService? Grafana { get; }
    public DockerService? Loki { get; }
    public Value? AdminPassword { get; }
}
