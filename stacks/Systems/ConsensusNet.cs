using Infra.Components.Core;
using Infra.Components.Docker;
using Infra.Stacks.Model;

namespace Infra.Stacks.Systems;

/// <summary>
/// Seed 002: ConsensusNet, container-first. FastAPI :8000, three agent workers, Next.js frontend :3000,
/// nginx :80 (and :443 with TLS), PostgreSQL, Redis, all on one bridge network; images built in CI.
/// </summary>
public static class ConsensusNet
{
    public const string Name = "consensusnet";

    public static SystemDefinition Define()
    {
        var s = new SystemBuilder(Name, "ConsensusNet: API, agent workers, frontend", "seed 002 (Container-First Architecture)", "stacks/Systems/ConsensusNet.cs");
        var net = s.AddNetwork("consensusnet");

        var db = s.AddPostgres("db", "consensusnet", "consensus", devHostPort: 5432, networks: net);
        var redis = s.AddRedis("redis", networks: net);

        var api = s.AddService("api", "API (FastAPI)")
            .WithHttp(8000, "/health")
            .WithEnv("ENV", "production")
            .WithSecret("OPENAI_API_KEY", SecretSource.Config("openaiApiKey"))
            .WithReference(db)
            .WithReference(redis)
            .WithMetrics()
            .OnNetworks(net);

        s.AddService("agent", "agent worker (python -m src.agents.worker)")
            .WithHealth(Infra.Components.Workloads.HealthCheck.Exec("kill -0 1"))
            .WithMinReplicas(3)
            .WithEnv("ENV", "production")
            .WithSecret("OPENAI_API_KEY", SecretSource.Config("openaiApiKey"))
            .WithReference(db)
            .WithReference(redis)
            .OnNetworks(net);

        var frontend = s.AddService("frontend", "frontend (Next.js)")
            .WithHttp(3000, "/")
            .WithEnv("NODE_ENV", "production")
            .WithReference(api)
            .WithLimits(1, 1024)
            .OnNetworks(net);

        s.AddReverseProxy("nginx", ProxyKind.Nginx, [("/api", api), ("/", frontend)], httpsHostPort: 443, networks: net);
        s.AddMonitoring(grafanaHostPort: 3003, net);
        return s.Build();
    }
}
