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
        // Seed 004 L243-246: images from AWS ECR, GHCR as backup; whichever registry a stack's images name is logged in to.
        s.PullWithLogin("ecr", "*.dkr.ecr.*.amazonaws.com", "ecrPassword", username: "AWS",
            passwordHint: "an ECR token lasts 12 hours, so refresh it before each pulumi up: pulumi config set --secret ecrPassword \"$(aws ecr get-login-password --region REGION)\"",
            environments: ["staging", "prod"]);
        s.PullWithLogin("ghcr", "ghcr.io", "githubToken", usernameKey: "githubUser",
            passwordHint: "pulumi config set --secret githubToken <a token with read:packages>", environments: ["staging", "prod"]);
        s.ReplicateCache("staging", "prod"); // seed 004 L135-139: Redis 1 primary, 1 replica

        var solana = s.AddService("solana-rpc-proxy", "Solana RPC proxy (outbound to mainnet)")
            .WithHttp(8899, "/health")
            .WithEnv("SOLANA_RPC_URL", "https://api.mainnet-beta.solana.com")
            // Seed 004 L145 '2+ replicas' and L483 (dev 1, staging 2, prod 3+): the profile gives 1 / 2 / 3.
            .WithMetrics()
            .WithLimits(1, 2048) // seed 004 L458-465: limits 1000m / 2Gi, requests 1Gi
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
            // Seed 004 L121 '2+ replicas' and L483 (dev 1, staging 2, prod 3+): the profile gives 1 / 2 / 3.
            .WithEnv("NODE_ENV", "production")
            .WithReference(db)
            .WithReference(redis)
            .WithReference(ipfs)
            .WithLimits(1, 2048) // seed 004 L458-465
            .OnNetworks(backend, database);

        var web = s.AddService("frontend", "web application (Next.js)")
            .WithHttp(3000, "/")
            .WithEnv("NODE_ENV", "production")
            .WithReference(api)
            .WithLimits(1, 2048)
            .OnNetworks(edge);

        s.AddReverseProxy("traefik", ProxyKind.Traefik, [("/api", api), ("/", web)], networks: edge);
        s.AddMonitoring(grafanaHostPort: 3003, edge, backend);

        // Where this program does not do what seed 004 says (rows of docs/seed-fidelity.md).
        s.Departs("004-08", "L129-133: PostgreSQL StatefulSet, 1 primary and 2 replicas",
            "prod runs the 2 streaming standbys (PostgresReplicas); dev and staging run one PostgreSQL: the seed's environment table (L481-487) gives them no and daily backups, " +
            "and the standbys are cloned with the replication role that prod's base backups (point-in-time recovery) create; below prod no target's profile has database replicas",
            "dev", "staging");
        s.Departs("004-12", "L463-465: requests cpu 500m",
            "Docker containers have no CPU reservation (only a cpus limit); the 1Gi memory request is the memory reservation");
        s.Departs("004-13", "L108, L118, L123, L403-431: HorizontalPodAutoscaler (CPU 70 %, memory 80 %, 3 to 20 replicas)",
            "Docker has no autoscaler: replica counts are fixed by the profile (1 / 2 / 3) or per stack (platform:replicas)");
        s.Departs("004-18", "L305-311: OpenTelemetry tracing across services",
            "no trace collector or back-end: spans and context propagation come from OpenTelemetry SDKs inside the application images, which this program neither builds nor can verify, and no collector or trace store can be run or checked offline here (no Debian package, no local image); log lines carry trace IDs (L295) for correlation in Loki");
        s.Departs("004-30", "L554: compliance logs kept 7 years",
            "Loki is told to keep {log_class=\"compliance\"} streams 7 years (retention_stream 61320h), but they live in one Docker volume on one host with no backup, off-host or write-once copy; a 7-year compliance archive needs object storage with object lock outside this stack", "staging", "prod");
        s.Departs("004-20", "L332-344: HashiCorp Vault dynamic secrets, Kubernetes secrets with RBAC and rotation",
            "secrets are Pulumi config secrets and generated random passwords, encrypted in state; no dynamic credentials or rotation");
        s.Departs("004-22", "L247, L346-358: registry retention 90/30 days, Trivy scanning, Cosign signature enforcement",
            "CI and registry concerns: the program deploys the pinned images a stack names and cannot verify signatures with the Docker provider");
        s.Departs("004-25", "L369-375: cross-region copies, S3 with versioning, Glacier, SSE-KMS",
            "backups land on a protected local Docker volume; shipping them off the host is outside a single-host Docker stack", "staging", "prod");
        s.Departs("004-26", "L489-537: blue-green and canary deployments, automated rollback",
            "`pulumi up` replaces containers in place (replicas one by one); traffic splitting needs an orchestrator");
        s.Departs("004-29", "L9-46, L71-97: Kubernetes cluster (4+ worker nodes, namespaces), multi-cloud, CDN",
            "the Docker target runs the same services on one host with Docker networks in place of namespaces");
        return s.Build();
    }
}
