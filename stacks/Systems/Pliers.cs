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
            .WithHealthTimings(30, 10, 3, 40) // seed 001 L323-328
            .WithUser("1001:1001")            // seed 001 L141-144: nodejs, UID 1001
            .WithEnv("NODE_ENV", "production")
            .WithEnv("PORT", "3000")
            .WithEnv("CORS_ORIGINS", "http://localhost:3002")
            .WithSecret("JWT_SECRET", SecretSource.Generated(48))
            .WithReference(db)
            .WithReference(redis)
            .WithMigration("npm", "run", "migrate:up") // seed 001 L572-587, L785-787: after the database, before the services
            .WithMetrics()
            .WithLimits(1, 1024)
            .OnNetworks(frontend, backend, database);

        var ai = s.AddService("ai-service", "AI service (Node.js + Python)")
            .WithHttp(3001, "/health", publish: 3001)
            .WithHealthTimings(30, 10, 3, 30) // seed 001 L354-359
            .WithUser("1001:1001")            // seed 001 L196-199: nodejs, UID 1001
            .WithEnv("NODE_ENV", "production")
            .WithEnv("PORT", "3001")
            .WithEnv("MODEL_CACHE_TTL", "3600")
            .WithSecret("OPENAI_API_KEY", SecretSource.Config("openaiApiKey"))
            .WithSecret("ANTHROPIC_API_KEY", SecretSource.Config("anthropicApiKey"))
            .WithReference(api)
            .WithReference(redis)
            .WithMetrics()
            .WithLimits(2, 2048)
            .WithMaxReplicas(2) // seed 001 L607-609
            // It waits on OpenAI / Anthropic completions behind /ai (seed 001 L644-648); no seed states a proxy timeout,
            // so 300 s is the platform's choice for LLM calls instead of the proxy's 60 s default.
            .WithRequestTimeout(300)
            .OnNetworks(frontend, backend);

        var web = s.AddService("web", "web frontend (static files on nginx)")
            .WithHttp(80, "/", publish: 3002)
            .WithHealthTimings(30, 10, 3, 5) // seed 001 L377-381; start period 5s from web.Dockerfile L246
            .WithUser("101:101")
            .WithReference(api)
            .WithReference(ai)
            .WithLimits(0.5, 256)
            .OnNetworks(frontend);

        s.AddReverseProxy("traefik", ProxyKind.Traefik, [("/api", api), ("/ai", ai), ("/", web)], networks: frontend);
        s.AddMonitoring(grafanaHostPort: 3003, prometheusHostPort: 9090, frontend, backend); // seed 001 L665-666, L673-674
        s.PublishLoki(3100); // seed 001 L683-684

        // Where this program does not do what seed 001 says (rows of docs/seed-fidelity.md).
        s.Departs("001-02", "L275: ./infrastructure/postgres/init.sql mounted into /docker-entrypoint-initdb.d",
            "the seed does not show init.sql and this repository has no such file, so there is nothing to ship without inventing SQL; " +
            "the schema comes from the API's migrations (L572-586, npm run migrate:up), and an initdb.d script would run only on an empty data volume");
        s.Departs("001-03", "L277, L293: PostgreSQL 5432 and Redis 6379 published on the host",
            "published in dev only; elsewhere data services stay on internal networks (policy EXP-001)", "staging", "prod");
        s.Departs("001-06", "L313, L430: REDIS_URL=redis://redis:6379 (Redis without a password)",
            "Redis always requires a generated password; REDIS_URL carries it (redis://:<password>@redis:6379)");
        s.Departs("001-10", "L317, L348, L373: api 3000, ai-service 3001 and web 3002 published on the host",
            "outside dev, public traffic enters through Traefik over TLS only; routed services publish no host port", "staging", "prod");
        s.Departs("001-15", "L366-369: web build args VITE_API_URL, VITE_AI_URL, VITE_WS_URL",
            "the program deploys built images (platform:images); build arguments belong to the image build");
        s.Departs("001-16", "L237-251: web is stock nginx:alpine (master process as root) on port 80",
            "every container runs non-root with all capabilities dropped: web runs as 101:101, so its image must run nginx unprivileged (pid and cache in writable paths), e.g. FROM nginxinc/nginx-unprivileged");
        s.Departs("001-17", "L384-401: traefik:v3.0 with the Docker provider (/var/run/docker.sock) and the insecure dashboard on 8080",
            "traefik:v3.2.3 with a generated file provider: no Docker socket in a container, no unauthenticated dashboard");
        s.Departs("001-23", "L603-605, L613-616: reservations cpus '0.5' (api) and '1' (ai-service)",
            "Docker containers have no CPU reservation (only a cpus limit); the memory reservations 512M and 1G are honoured");
        s.Departs("001-24", "L599-616: limits api 1 CPU / 1G, ai-service 2 CPU / 2G",
            "smaller environments scale limits down (EnvironmentProfile.Scale: staging half, dev a quarter); prod has the seed's numbers", "dev", "staging");
        s.Departs("001-25", "L623-634: least_conn load balancing of /api/ and /ai/",
            "Traefik balances a service's replicas round-robin (weighted); it has no least-connections strategy");
        s.Departs("001-26", "L665-666, L673-674: Prometheus 9090 and Grafana 3003 published on the host",
            "published in dev only: they speak plain HTTP, so elsewhere they are reached through an SSH tunnel", "staging", "prod");
        s.Departs("001-27", "L683-684: Loki 3100 published on the host",
            "published in dev only (127.0.0.1): Loki speaks plain HTTP without authentication (auth_enabled: false), so elsewhere it is reached through an SSH tunnel", "staging", "prod");
        s.Departs("001-28", "L661, L669, L679: prom/prometheus, grafana/grafana, grafana/loki at :latest",
            "pinned versions (v2.55.1, 11.3.1, 3.3.2): a moving tag makes the same program deploy different software (policy WRK-007)");
        s.Departs("001-29", "L676: GF_SECURITY_ADMIN_PASSWORD from ${GRAFANA_PASSWORD}",
            "the admin password is generated (random) and exported as the secret output grafanaAdminPassword");
        s.Departs("001-31", "L727-745: Docker (Swarm) secrets db_password, jwt_secret, openai_key",
            "the Docker target is not Swarm: secrets reach containers as environment variables, kept secret in Pulumi state (additionalSecretOutputs)");
        s.Departs("001-32", "L751-770: database backup script (pg_dump)",
            "dev has no backups (seed 004's table); staging runs daily and prod hourly + daily pg_dump from the backup sidecar", "dev");
        s.Departs("001-34", "L44-56: Model 2 (production): PostgreSQL with replicas, GPU nodes for the AI service, CDN, load-balancer cluster",
            "the Docker target is Model 1, a single host (L18-31): one database, no GPU scheduling, the proxy is the load balancer");
        return s.Build();
    }
}
