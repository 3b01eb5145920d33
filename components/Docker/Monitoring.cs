using Infra.Components.Configs;
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
    /// <summary>Loki's published host port (seed 001 L683-684, dev only); null: reached on the Docker network only.</summary>
    public int? LokiHostPort { get; init; }
    public IReadOnlyList<DockerNetwork> Networks { get; init; } = [];
    public bool ProtectData { get; init; }
    public string Retention { get; init; } = "15d";
    public ResourceLimits? Limits { get; init; }
    /// <summary>Host address Grafana's, Prometheus's and Loki's published ports bind to; null binds every interface.</summary>
    public string? PublishAddress { get; init; }
    /// <summary>Alertmanager (receives the alert rules' alerts; Prometheus's alerting: section points at it).</summary>
    public bool Alertmanager { get; init; }
    /// <summary>The webhook Alertmanager posts notifications to (a secret config reference); null: no notification integration.</summary>
    public Value? AlertWebhookUrl { get; init; }
    /// <summary>Node exporter: host metrics from read-only binds of /proc and /sys.</summary>
    public bool NodeExporter { get; init; }
    /// <summary>System name (a label on collected logs).</summary>
    public string SystemName { get; init; } = "";
}

/// <summary>Prometheus (scrape config generated from the services), Grafana with provisioned data sources, and Loki.</summary>
public sealed class Monitoring : Construct
{
    public Monitoring(Construct parent, string name, MonitoringArgs args) : base(parent, name)
    {
        Args = args;
        Prometheus = Member("prometheus", "prom/prometheus:v2.55.1", "65534:65534", 9090, "/prometheus", "/-/ready",
            ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", $"--storage.tsdb.retention.time={args.Retention}"],
            args.PrometheusFiles, args.PrometheusHostPort);
        var members = new List<DockerService> { Prometheus };
        if (args.Loki)
        {
            Loki = Member("loki", "grafana/loki:3.3.2", "10001:10001", 3100, "/loki", "/ready", ["-config.file=/etc/loki/config.yaml"], args.LokiFiles, args.LokiHostPort);
            members.Add(Loki);
            // Loki receives nothing by itself: promtail tails the containers' json-file logs through a read-only bind of
            // /var/lib/docker/containers (no Docker socket). The files are root-owned 0640, so it runs as root with every
            // capability dropped (policy WRK-003 is waived for it by the composer).
            LogCollector = new DockerService(this, "promtail", new DockerServiceArgs
            {
                Kind = "Log collector (promtail)",
                Image = DockerImage.Pull(this, "promtail-image", PromtailImage).ImageId,
                User = "0:0",
                Command = ["-config.file=/etc/promtail/config.yml"],
                Files = [new ConfigFile("/etc/promtail/config.yml", PromtailConfig(args.SystemName))],
                DataPath = "/promtail",
                ProtectData = args.ProtectData,
                Networks = Args.Networks,
                HostMounts = [(ContainerLogDir, ContainerLogDir)],
                WaitFor = [.. Loki.Containers],
                // The image is Debian slim without wget/curl: a TCP probe of the HTTP port with bash.
                Health = HealthCheck.Exec("bash -c 'exec 3<>/dev/tcp/127.0.0.1/9080'"),
                Limits = new ResourceLimits(0.25, 128),
                Labels = [("platform.role", "monitoring")],
            }, indexed: false);
        }
        if (args.Alertmanager)
        {
            // With a webhook the file holds its URL (a secret): a 0440 secret upload instead of a 0444 config file.
            const string amConfig = "/etc/alertmanager/alertmanager.yml";
            var (before, after) = AlertmanagerConfig.RenderWithWebhook();
            Alertmanager = Member("alertmanager", AlertmanagerImage, "65534:65534", AlertmanagerPort, "/alertmanager", "/-/ready",
                ["--config.file=" + amConfig, "--storage.path=/alertmanager"],
                args.AlertWebhookUrl is null ? [new ConfigFile(amConfig, AlertmanagerConfig.Render())] : [], null,
                args.AlertWebhookUrl is { } url ? [new SecretFile(amConfig, Value.Format($"{before}{url}{after}"))] : []);
            members.Add(Alertmanager);
        }
        if (args.NodeExporter)
        {
            NodeExporter = new DockerService(this, "node-exporter", new DockerServiceArgs
            {
                Kind = "Exporter",
                Image = DockerImage.Pull(this, "node-exporter-image", NodeExporterImage).ImageId,
                User = "65534:65534",
                Command = ["--path.procfs=/host/proc", "--path.sysfs=/host/sys"],
                Ports = [new ServicePort("metrics", NodeExporterPort)],
                Networks = Args.Networks,
                HostMounts = [("/proc", "/host/proc"), ("/sys", "/host/sys")],
                Health = HealthCheck.Http("/metrics", NodeExporterPort),
                Limits = new ResourceLimits(0.25, 64),
                Labels = [("platform.role", "monitoring")],
            }, indexed: false);
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
                PublishAddress = args.PublishAddress,
            }, indexed: false);
        }
        foreach (var r in AllResources().Where(r => r.Traits.Contains(Traits.Workload))) r.Traits.Add(Traits.Monitoring);
    }

    public override string Kind => "Monitoring";

    public const string PromtailImage = "grafana/promtail:3.3.2";
    public const string AlertmanagerImage = "prom/alertmanager:v0.27.0";
    public const string NodeExporterImage = "prom/node-exporter:v1.8.2";
    public const int AlertmanagerPort = 9093;
    public const int NodeExporterPort = 9100;
    public const string ContainerLogDir = "/var/lib/docker/containers";

    /// <summary>
    /// promtail: every container's json-file log on this host, pushed to Loki with the system and container id as labels;
    /// a line whose JSON carries <c>"log_class": "audit" | "security" | "compliance"</c> gets that value as the stream
    /// label <see cref="LogClasses.Label"/>, which Loki's per-stream retention matches (LokiConfig).
    /// </summary>
    public static string PromtailConfig(string system) => PromtailConfig(system, LogClasses.Seed004.Select(r => r.Value));

    private static string PromtailConfig(string system, IEnumerable<string> logClasses) => $$"""
        # Generated by Infra.Components.Docker.Monitoring. Do not edit by hand.
        server:
          http_listen_port: 9080
          grpc_listen_port: 0
        positions:
          filename: /promtail/positions.yaml
        clients:
          - url: http://loki:3100/loki/api/v1/push
        scrape_configs:
          - job_name: containers
            static_configs:
              - targets: [localhost]
                labels:
                  job: containers
                  system: "{{system}}"
                  __path__: {{ContainerLogDir}}/*/*-json.log
            pipeline_stages:
              - docker: {}
              - regex:
                  expression: '"{{LogClasses.Field}}"\s*:\s*"(?P<{{LogClasses.Label}}>{{string.Join("|", logClasses)}})"'
              - labels:
                  {{LogClasses.Label}}:
            relabel_configs:
              - source_labels: [__path__]
                regex: '{{ContainerLogDir}}/([0-9a-f]+)/.*'
                target_label: container_id

        """;

    /// <summary>A Prometheus-style member: its image, user, HTTP port with a readiness path, data volume and config files.</summary>
    private DockerService Member(string name, string image, string user, int port, string dataPath, string readyPath,
        IReadOnlyList<string> command, IReadOnlyList<ConfigFile> files, int? hostPort, IReadOnlyList<SecretFile>? secretFiles = null) =>
        new(this, name, new DockerServiceArgs
        {
            Image = DockerImage.Pull(this, name + "-image", image).ImageId,
            User = user,
            Command = command,
            Files = files,
            SecretFiles = secretFiles ?? [],
            Ports = [new ServicePort("http", port, PortProtocol.Http, hostPort)],
            DataPath = dataPath,
            ProtectData = Args.ProtectData,
            Networks = Args.Networks,
            Health = HealthCheck.Http(readyPath, port),
            Limits = Args.Limits,
            Labels = [("platform.role", "monitoring")],
            PublishAddress = Args.PublishAddress,
        }, indexed: false);

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
    public DockerService? LogCollector { get; }
    public DockerService? Alertmanager { get; }
    public DockerService? NodeExporter { get; }
    public Value? AdminPassword { get; }
}
