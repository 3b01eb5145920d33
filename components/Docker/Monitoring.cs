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
    public MonitoringArgs Args { get; }
    public DockerService Prometheus { get; }
    public DockerService? Grafana { get; }
    public DockerService? Loki { get; }
    public Value? AdminPassword { get; }
}
