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
        s.UseExternalDatabase("databaseUrl", "prod"); // seed 002 L85-88, L257, L353: DO Managed Database, DATABASE_URL is a secret
        var redis = s.AddRedis("redis", devHostPort: 6379, networks: net); // seed 002 L229-230
        // Seed 002 L333: echo $GITHUB_TOKEN | docker login ghcr.io -u $GITHUB_USER --password-stdin, before pulling (production).
        s.PullWithLogin("ghcr", "ghcr.io", "githubToken", usernameKey: "githubUser",
            passwordHint: "pulumi config set --secret githubToken <a token with read:packages> (seed 002's GITHUB_TOKEN)", environments: ["staging", "prod"]);

        var api = s.AddService("api", "API (FastAPI)")
            .WithHttp(8000, "/health", publish: 8000) // seed 002 L186-187 (dev); outside dev only nginx publishes
            .WithEnv("ENV", "production")
            .WithEnvIn("dev", "ENV", "development") // seed 002 L185, L344
            .WithSecret("OPENAI_API_KEY", SecretSource.Config("openaiApiKey"))
            .WithReference(db)
            .WithReference(redis)
            .WithMetrics()
            .OnNetworks(net);

        s.AddService("agent", "agent worker (python -m src.agents.worker)")
            .WithHealth(Infra.Components.Workloads.HealthCheck.Exec("kill -0 1"))
            // Seed 002 L271: 3 agent replicas in production; L192-202: one in development. The profile gives 1 / 2 / 3.
            .WithEnv("ENV", "production")
            .WithEnvIn("dev", "ENV", "development") // seed 002 L199
            .WithSecret("OPENAI_API_KEY", SecretSource.Config("openaiApiKey"))
            .WithReference(db)
            .WithReference(redis)
            .OnNetworks(net);

        var frontend = s.AddService("frontend", "frontend (Next.js)")
            .WithHttp(3000, "/", publish: 3000) // seed 002 L213-214 (dev)
            .WithEnv("NODE_ENV", "production")
            .WithEnvIn("dev", "NODE_ENV", "development") // seed 002 L212
            .WithReference(api)
            .WithLimits(1, 1024)
            .OnNetworks(net);

        s.AddReverseProxy("nginx", ProxyKind.Nginx, [("/api", api), ("/", frontend)], httpsHostPort: 443, networks: net);
        s.AddMonitoring(grafanaHostPort: 3003, net);

        // Where this program does not do what seed 002 says (rows of docs/seed-fidelity.md).
        s.Departs("002-04", "L75-81, L284: nginx is the project's image ghcr.io/.../nginx:latest with nginx.conf and ssl/ baked in",
            "the proxy is nginx-unprivileged with a generated nginx.conf (routes from the system definition); certificates come from config secrets");
        s.Departs("002-05", "L9-10, L254, L264, L276: production pulls ghcr.io/hretheum/consensus.net/<service>:latest",
            "images are set per stack (platform:images) and must be pinned: a moving tag is refused (policy WRK-007)", "staging", "prod");
        s.Departs("002-11", "L354: REDIS_URL=redis://redis:6379 (Redis without a password)",
            "Redis always requires a generated password; REDIS_URL carries it");
        s.Departs("002-15", "L182-183, L196-197, L208-210: dev mounts ./src and ./frontend into the containers (hot reload)",
            "the program deploys images (or stand-ins) only; source mounts belong to a developer's compose file, not to a stack", "dev");
        s.Departs("002-17", "L253-281: api and frontend run one container each in production",
            "replicas follow the environment profile (seed 004's table: staging 2, prod 3), behind nginx", "staging", "prod");
        s.Departs("002-20", "L288-289: nginx mounts ./letsencrypt for certificates",
            "the certificate and key are config secrets (tlsCertificate, tlsPrivateKey) uploaded beside nginx.conf; no ACME client", "staging", "prod");
        s.Departs("002-22", "L392-400: prom/prometheus:latest, grafana/grafana:latest, GF_SECURITY_ADMIN_PASSWORD=${GRAFANA_PASSWORD}",
            "pinned image versions (policy WRK-007); the Grafana admin password is generated and exported as the secret output grafanaAdminPassword");
        s.Departs("002-23", "the seed defines no health checks",
            "the program adds them (api GET /health on 8000, frontend GET / on 3000, agent process alive) so dependents start after them: the api image must serve /health");
        return s.Build();
    }
}
