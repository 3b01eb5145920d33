using Infra.Components.Docker;
using Infra.Components.Workloads;
using Infra.Stacks.Model;

namespace Infra.Stacks.Systems;

/// <summary>
/// Seed 003: VRU AI model validation platform. API gateway :8000, ML engine :8001, camera service :8002,
/// validation engine :8003, frontend :3000, PostgreSQL, Redis with password, Prometheus, Grafana :3001,
/// nginx. Limits: API 3 CPU/3 GB, ML 4 CPU/4 GB, database 2 CPU/2 GB, frontend 1 CPU/1 GB.
/// PostgreSQL and Redis are not exposed; only 80, 3000 and 8000 (and Grafana 3001) are published.
/// </summary>
public static class VruPlatform
{
    public const string Name = "vru";

    public static SystemDefinition Define()
    {
        var s = new SystemBuilder(Name, "VRU AI model validation platform", "seed 003 (Production Deployment Architecture)", "stacks/Systems/VruPlatform.cs");
        var edge = s.AddNetwork("frontend");
        var backend = s.AddNetwork("backend", @internal: true);

        var db = s.AddPostgres("postgres", "vru", "vru", limits: new ResourceLimits(2, 2048), networks: backend);
        var redis = s.AddRedis("redis", networks: backend);

        var ml = s.AddService("ml-engine", "AI inference")
            .WithHttp(8001, "/health")
            .WithConfigFile("/app/config/ml_config.yaml", MlConfig)
            .WithReadOnlyVolume("models", "/app/models") // seed 003 L50: models/ (ml_config models_dir)
            .WithReference(redis)
            .WithMetrics()
            .WithLimits(4, 4096)
            .OnNetworks(backend);
        var camera = s.AddService("camera-service", "camera hardware integration")
            .WithHttp(8002, "/health")
            .WithReference(redis)
            .WithMetrics()
            .WithLimits(1, 1024)
            .OnNetworks(backend);
        var validation = s.AddService("validation-engine", "validation workflow orchestration")
            .WithHttp(8003, "/health")
            .WithConfigFile("/app/config/validation_config.yaml", ValidationConfig)
            .WithReference(ml)
            .WithReference(db)
            .WithReference(redis)
            .WithMetrics()
            .WithLimits(1, 1024)
            .OnNetworks(backend);
        var api = s.AddService("api-gateway", "API gateway (main entry point)")
            .WithHttp(8000, "/health", publish: 8000)
            .WithReference(ml)
            .WithReference(camera)
            .WithReference(validation)
            .WithReference(db)
            .WithReference(redis)
            .WithMetrics()
            .WithLimits(3, 3072)
            .OnNetworks(edge, backend);
        var frontend = s.AddService("frontend", "React application")
            .WithHttp(3000, "/", publish: 3000)
            .WithReference(api)
            .WithLimits(1, 1024)
            .OnNetworks(edge);

        s.AddReverseProxy("nginx", ProxyKind.Nginx, [("/api", api), ("/", frontend)], networks: edge);
        s.AddMonitoring(grafanaHostPort: 3001, edge, backend);
        s.RetainLogs(14); // seed 003 L218: log rotation every 14 days

        // Where this program does not do what seed 003 says (rows of docs/seed-fidelity.md).
        s.Departs("003-03", "L169, L197-199: firewall open on 3000 and 8000; frontend and API gateway reached directly on those ports",
            "outside dev, public traffic enters through nginx over TLS only (80/443); routed services publish no host port", "staging", "prod");
        s.Departs("003-04", "L200: Grafana on :3001",
            "published in dev only: Grafana speaks plain HTTP, so elsewhere it is reached through an SSH tunnel", "staging", "prod");
        s.Departs("003-12", "L228-232: API 3 CPU/3 GB, ML 4 CPU/4 GB, database 2 CPU/2 GB, frontend 1 CPU/1 GB",
            "smaller environments scale limits down (EnvironmentProfile.Scale: staging half, dev a quarter); prod has the seed's numbers", "dev", "staging");
        s.Departs("003-14", "L121-126, L223: ADR-004 bind mounts under /opt/vru-platform (backups in /opt/vru-platform/backups)",
            "named Docker volumes, protected outside dev: a Pulumi program cannot assume host directories exist");
        s.Departs("003-18", "L163, L217: database backups (vru-platform backup)",
            "dev has no backups (seed 004's table); staging runs daily and prod hourly + daily pg_dump from the backup sidecar", "dev");
        s.BackUpDataVolumes(); // seed 003 L219: volume snapshots for persistent data
        s.Departs("003-21", "L87-96, L135-164, L222: deploy-production.sh over SSH to 155.138.239.131, systemd units, the vru-platform CLI, firewall",
            "host set-up is outside a Pulumi Docker program: it targets whatever Docker host the provider points at");
        return s.Build();
    }

    public const string MlConfig = """
        # ml_config.yaml (generated at deploy time, ADR-002)
        models_dir: /app/models
        batch_size: 8
        device: cpu
        confidence_threshold: 0.5

        """;

    public const string ValidationConfig = """
        # validation_config.yaml (generated at deploy time, ADR-002)
        ml_engine_url: http://ml-engine:8001
        max_parallel_validations: 4
        result_retention_days: 30

        """;
}
