using Infra.Components.Core;
using Infra.Components.Docker;
using Infra.Stacks.Model;

namespace Infra.Stacks.Systems;

/// <summary>
/// Seed 001: Pliers. PostgreSQL, Redis (append-only), core API :3000, AI service :3001, web (nginx :80
/// published as 3002), Traefik; frontend / backend (internal) / database (internal) networks; monitoring.
/// </summary>
public static class Pliers
{
    public const string Name = "pliers";

    public static SystemDefinition Define()
    {
        var s = new SystemBuilder(Name, "Pliers multi-service application", "seed 001 (Deployment Architecture)", "stacks/Systems/Pliers.cs");
        var frontend = s.AddNetwork("frontend");
        var backend = s.AddNetwork("backend", @internal: true);
        var database = s.AddNetwork("database", @internal: true);

        var db = s.AddPostgres("postgres", "pliers", "pliers", devHostPort: 5432, networks: database);
        var redis = s.AddRedis("redis", devHostPort: 6379, networks: backend);

        var api = s.AddService("api", "core API (Node.js)")
            .WithHttp(3000, "/health", publish: 3000)
            .WithEnv("NODE_ENV", "production")
            .WithEnv("PORT", "3000")
            .WithEnv("CORS_ORIGINS", "http://localhost:3002")
            .WithSecret("JWT_SECRET", SecretSource.Generated(48))
            .WithReference(db)
            .WithReference(redis)
            .WithMetrics()
            .WithLimits(1, 1024)
            .OnNetworks(frontend, backend, database);

        var ai = s.AddService("ai-service", "AI service (Node.js + Python)")
            .WithHttp(3001, "/health", publish: 3001)
            .WithEnv("NODE_ENV", "production")
            .WithEnv("PORT", "3001")
            .WithEnv("MODEL_CACHE_TTL", "3600")
            .WithSecret("OPENAI_API_KEY", SecretSource.Config("openaiApiKey"))
            .WithSecret("ANTHROPIC_API_KEY", SecretSource.Config("anthropicApiKey"))
            .WithReference(api)
            .WithReference(redis)
            .WithMetrics()
            .WithLimits(2, 2048)
            .OnNetworks(frontend, backend);

        var web = s.AddService("web", "web frontend (static files on nginx)")
            .WithHttp(80, "/", publish: 3002)
            .WithUser("101:101")
            .WithReference(api)
            .WithReference(ai)
            .WithLimits(0.5, 256)
            .OnNetworks(frontend);

        s.AddReverseProxy("traefik", ProxyKind.Traefik, [("/api", api), ("/ai", ai), ("/", web)], networks: frontend);
        s.AddMonitoring(grafanaHostPort: 3003, frontend, backend);
        return s.Build();
    }
}
