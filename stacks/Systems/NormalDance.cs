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
        s.NotYet("004-08", "L129-133: PostgreSQL StatefulSet, 1 primary and 2 replicas",
            "one PostgreSQL container; PostgresDatabase has no streaming replicas (replication user, pg_hba replication line, standby containers)", "staging", "prod");
        s.Departs("004-12", "L463-465: requests cpu 500m",
            "Docker containers have no CPU reservation (only a cpus limit); the 1Gi memory request is the memory reservation");
        s.Departs("004-13", "L108, L118, L123, L403-431: HorizontalPodAutoscaler (CPU 70 %, memory 80 %, 3 to 20 replicas)",
            "Docker has no autoscaler: replica counts are fixed by the profile (1 / 2 / 3) or per stack (platform:replicas)");
        s.NotYet("004-15", "L283-289: Grafana dashboards System Overview, Application Performance, Database Performance, Blockchain Integration, Business Metrics",
            "one generated overview dashboard per system (GrafanaProvisioning); the other four are not generated");
        s.NotYet("004-17", "L297, L550-554: audit / security logs kept 90 days, compliance logs 7 years",
            "Loki keeps every stream 30 days (LokiSpec default); per-stream retention (retention_stream) is not generated", "staging", "prod");
        s.NotYet("004-18", "L305-311: OpenTelemetry tracing across services",
            "no trace collector or backend in the monitoring stack");
        s.Departs("004-20", "L332-344: HashiCorp Vault dynamic secrets, Kubernetes secrets with RBAC and rotation",
            "secrets are Pulumi config secrets and generated random passwords, encrypted in state; no dynamic credentials or rotation");
        s.NotYet("004-21", "L243-246: images from AWS ECR (GHCR as backup)",
            "no registry credentials: the RemoteImage pull has no registryAuth (components/Docker/DockerImage.cs)", "staging", "prod");
        s.Departs("004-22", "L247, L346-358: registry retention 90/30 days, Trivy scanning, Cosign signature enforcement",
            "CI and registry concerns: the program deploys the pinned images a stack names and cannot verify signatures with the Docker provider");
        s.NotYet("004-23", "L366-368: hourly incremental WAL archiving and point-in-time recovery",
            "backups are full pg_dump files (hourly and daily in prod): restore is to the last dump, not to any point in time", "prod");
        s.Departs("004-25", "L369-375: cross-region copies, S3 with versioning, Glacier, SSE-KMS",
            "backups land on a protected local Docker volume; shipping them off the host is outside a single-host Docker stack", "staging", "prod");
        s.Departs("004-26", "L489-537: blue-green and canary deployments, automated rollback",
            "`pulumi up` replaces containers in place (replicas one by one); traffic splitting needs an orchestrator");
        s.Departs("004-29", "L9-46, L71-97: Kubernetes cluster (4+ worker nodes, namespaces), multi-cloud, CDN",
            "the Docker target runs the same services on one host with Docker networks in place of namespaces");
        return s.Build();
    }
}
