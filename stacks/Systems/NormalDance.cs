using Infra.Components.Docker;
using Infra.Components.Workloads;
using Infra.Stacks.Model;

namespace Infra.Stacks.Systems;

/// <summary>
/// Seed 004: NORMALDANCE. Next.js frontend, API, queue workers, PostgreSQL, Redis, Solana RPC proxy,
/// IPFS node, Traefik ingress and the full Prometheus + Grafana + Loki monitoring stack.
/// </summary>
public static class NormalDance
{
    public const string Name = "normaldance";

    public static SystemDefinition Define()
    {
        var s = new SystemBuilder(Name, "NORMALDANCE music platform", "seed 004 (Deployment Architecture Documentation)", "stacks/Systems/NormalDance.cs");
        var edge = s.AddNetwork("frontend");
        var backend = s.AddNetwork("backend", @internal: true);
        var database = s.AddNetwork("database", @internal: true);

        var db = s.AddPostgres("postgres", "normaldance", "normaldance", networks: database);
        var redis = s.AddRedis("redis", networks: backend);

        var solana = s.AddService("solana-rpc-proxy", "Solana RPC proxy (outbound to mainnet)")
            .WithHttp(8899, "/health")
            .WithEnv("SOLANA_RPC_URL", "https://api.mainnet-beta.solana.com")
            .WithMinReplicas(2)
            .WithMetrics()
            .WithLimits(0.5, 512)
            .OnNetworks(edge, backend);

        var ipfs = s.AddService("ipfs", "IPFS node (kubo)")
            .WithHttp(5001, null)
            .WithPort("gateway", 8080, PortProtocol.Http)
            .WithHealth(HealthCheck.Exec("ipfs", "id"))
            .WithDefaultImage("ipfs/kubo:v0.32.1")
            .WithUser("1000:100")
            .WithReplicas(1)
            .WithDataVolume("/data/ipfs")
            .WithLimits(1, 2048)
            .OnNetworks(edge, backend);

        var api = s.AddService("api", "API server")
            .WithHttp(4000, "/health")
            .WithEnv("NODE_ENV", "production")
            .WithReference(db)
            .WithReference(redis)
            .WithReference(solana)
            .WithReference(ipfs)
            .WithMetrics()
            .WithLimits(1, 2048)
            .OnNetworks(edge, backend, database);

        s.AddService("worker", "queue workers")
            .WithHealth(HealthCheck.Exec("kill -0 1"))
            .WithMinReplicas(2)
            .WithEnv("NODE_ENV", "production")
            .WithReference(db)
            .WithReference(redis)
            .WithReference(ipfs)
            .WithLimits(1, 1024)
            .OnNetworks(backend, database);

        var web = s.AddService("frontend", "web application (Next.js)")
            .WithHttp(3000, "/")
            .WithEnv("NODE_ENV", "production")
            .WithReference(api)
            .WithLimits(1, 2048)
            .OnNetworks(edge);

        s.AddReverseProxy("traefik", ProxyKind.Traefik, [("/api", api), ("/", web)], networks: edge);
        s.AddMonitoring(grafanaHostPort: 3003, edge, backend);
        return s.Build();
    }
}
