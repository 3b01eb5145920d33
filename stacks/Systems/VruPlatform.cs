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
