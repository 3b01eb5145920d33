using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Programs;

/// <summary>
/// The "honoured" rows of docs/seed-fidelity.md, checked on the synthesized programs: each test names the
/// seed rows it proves. Staging and prod run with an image for every service (as in <see cref="Synth.Args"/>).
/// </summary>
public class SeedFidelityTests
{
    private static readonly string[] Envs = ["dev", "staging", "prod"];

    private static void Timings(ProgramView.Health? h, string interval, string timeout, int retries, string start, string commandPart)
    {
        Assert.NotNull(h);
        Assert.Equal((interval, timeout, retries, start), (h!.Interval, h.Timeout, h.Retries, h.StartPeriod));
        Assert.Contains(commandPart, h.Command);
    }

    // ---- Declared in the model, waiting for the composer ----------------------------------------

    // ---- Seed 000: PinAI subnet ------------------------------------------------------------------

    [Fact] // 000-01, 000-02, 000-03
    public void Pinai_runs_each_binary_with_read_only_configs_and_its_own_data_volume()
    {
        var p = ProgramView.Of("pinai", "prod");
        Assert.Equal(["/app/bin/registry"], p.List("pinai-registry-1", "command"));
        Assert.Equal(["/app/bin/matcher", "--config", "/app/config/matcher.yaml"], p.List("pinai-matcher-1", "command"));
        for (var i = 1; i <= 3; i++)
            Assert.Equal(["/app/bin/validator", "--id", i.ToString(System.Globalization.CultureInfo.InvariantCulture)], p.List($"pinai-validator-{i}-1", "command"));
        var containers = new[] { "pinai-registry-1", "pinai-matcher-1", "pinai-validator-1-1", "pinai-validator-2-1", "pinai-validator-3-1" };
        foreach (var c in containers)
        {
            var configs = p.Uploads(c).Where(u => u.File.StartsWith("/app/config/", StringComparison.Ordinal)).ToList();
            Assert.Equal(["/app/config/auth_config.yaml", "/app/config/matcher.yaml", "/app/config/policy_config.yaml"], configs.Select(u => u.File).Order(StringComparer.Ordinal));
            Assert.All(configs, u => Assert.Equal("0444", u.Permissions));
            Assert.Equal(["/app/data"], p.VolumePaths(c));
        }
        // One volume per container, and the volume backup's own (000-15).
        Assert.Equal(containers.Length, p.Names.Count(n => p.Type(n) == "docker:index/volume:Volume" && !n.StartsWith("pinai-volume-backup-", StringComparison.Ordinal)));
        Assert.Equal(["pinai-volume-backup-1000-data"], p.Names.Where(n => p.Type(n) == "docker:index/volume:Volume" && n.StartsWith("pinai-volume-backup-", StringComparison.Ordinal)));
    }

    [Fact] // 000-05, 000-08, 000-09, 000-10
    public void Pinai_publishes_the_seed_ports_as_uid_1000_on_its_subnet_with_per_validator_keys()
    {
        foreach (var env in Envs)
        {
            var p = ProgramView.Of("pinai", env);
            Assert.Equal([7400, 7401, 7402, 8093, 8101, 9090, 9091, 9092], p.AllPublished().Select(x => x.External).Order());
            var subnet = (YamlMappingNode)((YamlSequenceNode)p.Props("pinai-subnet-network")["ipamConfigs"]).Children[0];
            Assert.Equal("172.28.0.0/16", ((YamlScalarNode)subnet["subnet"]).Value);
            foreach (var c in p.Containers()) Assert.Equal("1000:1000", p.Str(c, "user"));
            for (var i = 1; i <= 3; i++)
            {
                var v = $"pinai-validator-{i}-1";
                Assert.Equal($"${{validatorKey{i}}}", p.Env(v, $"VALIDATOR_KEY_{i}"));
                Assert.Null(p.Env(v, "VALIDATOR_KEY"));
                Assert.DoesNotContain(p.Envs(v), e => e.StartsWith("VALIDATOR_KEY_", StringComparison.Ordinal) && !e.StartsWith($"VALIDATOR_KEY_{i}=", StringComparison.Ordinal));
            }
        }
    }

    [Fact] // 000-11, 000-14, 000-16
    public void Pinai_runs_one_registry_and_matcher_with_the_seed_limits_and_health_check()
    {
        foreach (var env in Envs)
        {
            var p = ProgramView.Of("pinai", env);
            foreach (var svc in new[] { "registry", "matcher", "validator-1", "validator-2", "validator-3" })
                Assert.Single(p.Replicas(svc));
        }
        var prod = ProgramView.Of("pinai", "prod");
        Assert.Equal((1.0, 2048, 1024), prod.Limits("pinai-validator-1-1"));
        Timings(prod.HealthOf("pinai-registry-1"), "30s", "10s", 3, "20s", "curl -fsS -o /dev/null http://127.0.0.1:8101/agents");
    }

    // ---- Seed 001: Pliers ------------------------------------------------------------------------

    [Fact] // 001-01, 001-04, 001-05
    public void Pliers_data_services_follow_the_compose_file()
    {
        foreach (var env in Envs)
        {
            var p = ProgramView.Of("pliers", env);
            var image = p.Str("pliers-postgres-image", "name")!;
            Assert.StartsWith("postgres:15", image);
            Assert.EndsWith("-alpine", image);
            Assert.Equal("pliers", p.Env("pliers-postgres", "POSTGRES_DB"));
            Assert.Equal("pliers", p.Env("pliers-postgres", "POSTGRES_USER"));
            Assert.Contains("--encoding=UTF8", p.Env("pliers-postgres", "POSTGRES_INITDB_ARGS"));
            Assert.Contains("/var/lib/postgresql/data", p.VolumePaths("pliers-postgres"));
            Timings(p.HealthOf("pliers-postgres"), "10s", "5s", 5, "20s", "pg_isready");
            Timings(p.HealthOf("pliers-redis"), "10s", "5s", 5, "20s", "redis-cli ping");
            Assert.StartsWith("redis:7", p.Str("pliers-redis-image", "name"));
            Assert.Contains(p.Uploads("pliers-redis"), u => u.Content?.Contains("appendonly yes", StringComparison.Ordinal) == true);
            Assert.Contains("/data", p.VolumePaths("pliers-redis"));
        }
    }

    [Fact] // 001-07, 001-08, 001-09, 001-11, 001-12, 001-13, 001-14
    public void Pliers_services_follow_the_compose_file()
    {
        foreach (var env in new[] { "staging", "prod" })
        {
            var p = ProgramView.Of("pliers", env);
            const string api = "pliers-api-1", ai = "pliers-ai-service-1", web = "pliers-web-1";
            Assert.Equal("1001:1001", p.Str(api, "user"));
            Assert.Equal("1001:1001", p.Str(ai, "user"));

            Assert.Equal("production", p.Env(api, "NODE_ENV"));
            Assert.Equal("3000", p.Env(api, "PORT"));
            Assert.Equal("http://localhost:3002", p.Env(api, "CORS_ORIGINS"));
            Assert.Matches(@"^postgresql://pliers:\$\{[^}]+\}@postgres:5432/pliers$", p.Env(api, "DATABASE_URL"));
            Assert.Matches(@"@redis:6379$", p.Env(api, "REDIS_URL"));
            Assert.NotNull(p.Env(api, "JWT_SECRET"));

            Assert.Equal("production", p.Env(ai, "NODE_ENV"));
            Assert.Equal("3001", p.Env(ai, "PORT"));
            Assert.Equal("http://api:3000", p.Env(ai, "API_URL"));
            Assert.Matches(@"@redis:6379$", p.Env(ai, "REDIS_URL"));
            Assert.Equal("${openaiApiKey}", p.Env(ai, "OPENAI_API_KEY"));
            Assert.Equal("${anthropicApiKey}", p.Env(ai, "ANTHROPIC_API_KEY"));
            Assert.Equal("3600", p.Env(ai, "MODEL_CACHE_TTL"));

            Timings(p.HealthOf(api), "30s", "10s", 3, "40s", "http://127.0.0.1:3000/health");
            Timings(p.HealthOf(ai), "30s", "10s", 3, "30s", "http://127.0.0.1:3001/health");
            Timings(p.HealthOf(web), "30s", "10s", 3, "5s", "http://127.0.0.1:80/");

            // depends_on with condition service_healthy: dependsOn, and the dependency is created with wait: true.
            Assert.Contains("${pliers-postgres}", p.DependsOn(api));
            Assert.Contains("${pliers-redis}", p.DependsOn(api));
            Assert.Contains("${pliers-api-1}", p.DependsOn(ai));
            Assert.Contains("${pliers-redis}", p.DependsOn(ai));
            foreach (var c in new[] { "pliers-postgres", "pliers-redis", api }) Assert.Equal("true", p.Str(c, "wait"));
        }
    }

    [Fact] // 001-19, 001-20, 001-21
    public void Pliers_networks_replicas_and_limits_follow_the_seed()
    {
        var p = ProgramView.Of("pliers", "prod");
        Assert.Equal(["frontend"], p.Networks("pliers-web-1"));
        Assert.Equal(["frontend", "backend", "database"], p.Networks("pliers-api-1"));
        Assert.Equal(["database"], p.Networks("pliers-postgres"));
        Assert.False(p.NetworkIsInternal("frontend"));
        Assert.True(p.NetworkIsInternal("backend"));
        Assert.True(p.NetworkIsInternal("database"));

        Assert.Equal(3, p.Replicas("api").Count);
        Assert.All(p.Replicas("api"), c => Assert.Equal((1.0, 1024, 512), p.Limits(c)));
        Assert.All(p.Replicas("ai-service"), c => Assert.Equal((2.0, 2048, 1024), p.Limits(c)));
    }

    [Fact] // 001-18, 001-30 (and the dev half of 001-26)
    public void Pliers_proxy_and_monitoring_follow_the_seed()
    {
        var dev = ProgramView.Of("pliers", "dev");
        Assert.Equal([80], dev.Published("pliers-traefik-1").Select(x => x.External));
        Assert.Equal([9090], dev.Published("pliers-monitoring-prometheus").Select(x => x.External));
        Assert.Equal([3003], dev.Published("pliers-monitoring-grafana").Select(x => x.External));
        Assert.Equal([(3100, 3100)], dev.Published("pliers-monitoring-loki")); // 001-27

        var prod = ProgramView.Of("pliers", "prod");
        Assert.StartsWith("traefik:v3", prod.Str("pliers-traefik-image", "name"));
        Assert.Equal([80, 443], prod.AllPublished().Select(x => x.External).Order());
        Assert.Equal(["/prometheus"], prod.VolumePaths("pliers-monitoring-prometheus"));
        Assert.Equal(["/var/lib/grafana"], prod.VolumePaths("pliers-monitoring-grafana"));
        Assert.Equal(["/loki"], prod.VolumePaths("pliers-monitoring-loki"));
        Assert.Empty(prod.Published("pliers-monitoring-loki")); // plain HTTP: dev only, like Prometheus and Grafana (001-26)
    }

    // ---- Seed 002: ConsensusNet ------------------------------------------------------------------

    [Fact] // 002-08, 002-09, 002-12, 002-16, 002-24, 002-25
    public void ConsensusNet_dev_follows_the_development_compose_file()
    {
        var p = ProgramView.Of("consensusnet", "dev");
        Assert.StartsWith("postgres:15", p.Str("consensusnet-db-image", "name"));
        Assert.Equal("consensusnet", p.Env("consensusnet-db", "POSTGRES_DB"));
        Assert.Equal("consensus", p.Env("consensusnet-db", "POSTGRES_USER"));
        Assert.Equal([(5432, 5432)], p.Published("consensusnet-db"));
        Assert.Equal([(6379, 6379)], p.Published("consensusnet-redis"));
        Assert.Equal([(8000, 8000)], p.Published("consensusnet-api-1"));
        Assert.Equal([(3000, 3000)], p.Published("consensusnet-frontend-1"));
        Assert.Equal([80], p.Published("consensusnet-nginx-1").Select(x => x.External));
        Assert.Single(p.Replicas("agent"));
        Assert.Matches(@"^postgresql://consensus:\$\{[^}]+\}@db:5432/consensusnet$", p.Env("consensusnet-api-1", "DATABASE_URL"));
        foreach (var c in new[] { "consensusnet-api-1", "consensusnet-agent-1" })
            Assert.Equal(["${consensusnet-db}", "${consensusnet-redis}"], p.DependsOn(c).Order(StringComparer.Ordinal));
        Assert.Contains("${consensusnet-api-1}", p.DependsOn("consensusnet-nginx-1"));
        Assert.Contains("${consensusnet-frontend-1}", p.DependsOn("consensusnet-nginx-1"));
    }

    [Fact] // 002-01, 002-02, 002-03, 002-10, 002-13, 002-16, 002-18, 002-19, 002-21
    public void ConsensusNet_prod_follows_the_production_compose_file()
    {
        var p = ProgramView.Of("consensusnet", "prod");
        Assert.Contains("http://127.0.0.1:8000/health", p.HealthOf("consensusnet-api-1")!.Command);
        Assert.Contains("http://127.0.0.1:3000/", p.HealthOf("consensusnet-frontend-1")!.Command);
        Assert.Equal(3, p.Replicas("agent").Count);
        Assert.All(p.Replicas("agent"), c => Assert.Empty(p.Published(c)));
        Assert.Equal("production", p.Env("consensusnet-agent-1", "ENV"));
        Assert.Contains("/data", p.VolumePaths("consensusnet-redis"));
        Assert.Empty(p.Published("consensusnet-redis"));
        Assert.Equal([80, 443], p.AllPublished().Select(x => x.External).Order());
        Assert.All(p.Containers(), c => Assert.Equal("unless-stopped", p.Str(c, "restart")));
        foreach (var svc in new[] { "api", "agent", "frontend" })
            Assert.All(p.Replicas(svc), c => Assert.Equal(["consensusnet"], p.Networks(c)));
        Assert.True(p.Has("consensusnet-monitoring-prometheus"));
        Assert.True(p.Has("consensusnet-monitoring-grafana"));
    }

    // ---- Seed 003: VRU platform ------------------------------------------------------------------

    [Fact] // 003-01, 003-02, 003-10, 003-11, 003-15, 003-16, 003-22
    public void Vru_services_ports_and_limits_follow_the_seed()
    {
        var p = ProgramView.Of("vru", "prod");
        var ports = new Dictionary<string, int> { ["api-gateway"] = 8000, ["ml-engine"] = 8001, ["camera-service"] = 8002, ["validation-engine"] = 8003, ["frontend"] = 3000 };
        foreach (var (svc, port) in ports)
        {
            var c = p.Replicas(svc)[0];
            Assert.Contains($"http://127.0.0.1:{port}/", p.HealthOf(c)!.Command);
        }
        foreach (var r in new[] { "vru-postgres", "vru-redis", "vru-monitoring-prometheus", "vru-monitoring-grafana", "vru-nginx-1" }) Assert.True(p.Has(r), r);
        Assert.All(p.Containers(), c => { Assert.NotNull(p.Str(c, "cpus")); Assert.NotNull(p.Str(c, "memory")); Assert.NotNull(p.HealthOf(c)); });
        Assert.Equal((3.0, 3072, 1536), p.Limits("vru-api-gateway-1"));
        Assert.Equal((4.0, 4096, 2048), p.Limits("vru-ml-engine-1"));
        Assert.Equal((2.0, 2048, 1024), p.Limits("vru-postgres"));
        Assert.Equal((1.0, 1024, 512), p.Limits("vru-frontend-1"));
        var prometheus = p.Uploads("vru-monitoring-prometheus").Single(u => u.File == "/etc/prometheus/prometheus.yml").Content!;
        foreach (var svc in new[] { "api-gateway", "ml-engine", "camera-service", "validation-engine" }) Assert.Contains($"job_name: '{svc}'", prometheus);
        var nginx = p.Uploads("vru-nginx-1").Single(u => u.File == "/etc/nginx/nginx.conf").Content!;
        Assert.Contains("location /api {", nginx);
        Assert.Contains("location / {", nginx);
    }

    [Fact] // 002-14
    public void ConsensusNet_dev_runs_with_development_settings()
    {
        Assert.Equal("development", ProgramView.Of("consensusnet", "dev").Env("consensusnet-api-1", "ENV"));
        Assert.NotEqual("development", ProgramView.Of("consensusnet", "staging").Env("consensusnet-api-1", "ENV"));
    }

    [Fact] // 001-22
    public void Pliers_prod_runs_two_ai_service_replicas() => Assert.Equal(2, ProgramView.Of("pliers", "prod").Replicas("ai-service").Count);

    [Fact] // 003-17
    public void Vru_loki_keeps_logs_14_days()
    {
        foreach (var env in Envs)
            Assert.Contains("retention_period: '336h'", ProgramView.Of("vru", env).Uploads("vru-monitoring-loki").Single(u => u.File == "/etc/loki/config.yaml").Content!, StringComparison.Ordinal);
    }

    [Fact] // 003-05, 003-06, 003-07, 003-08, 003-09
    public void Vru_security_settings_follow_the_seed()
    {
        foreach (var env in Envs)
        {
            var p = ProgramView.Of("vru", env);
            Assert.Empty(p.Published("vru-postgres"));
            Assert.Empty(p.Published("vru-redis"));
            Assert.Contains("--auth-host=scram-sha-256", p.Env("vru-postgres", "POSTGRES_INITDB_ARGS"));
            Assert.Contains("scram-sha-256", p.Uploads("vru-postgres").Single(u => u.File.EndsWith("pg_hba.conf", StringComparison.Ordinal)).Content);
            Assert.NotNull(p.Env("vru-redis", "REDIS_PASSWORD"));
            // promtail is the platform's log collector, not a VRU service: it reads root-owned json logs (policy WRK-003 waived, every capability dropped).
            foreach (var c in p.Containers().Where(c => !c.EndsWith("-promtail", StringComparison.Ordinal)))
            {
                var user = p.Str(c, "user");
                Assert.False(user is null || user == "root" || user == "0" || user.StartsWith("0:", StringComparison.Ordinal), $"{c} runs as {user}");
                // Generated configs are read-only to everyone (0444); secret files (TLS key and certificate, content ${key})
                // are 0440, readable through group 0 by the service's own user only.
                Assert.All(p.Uploads(c), u => Assert.Equal(u.Content?.StartsWith("${", StringComparison.Ordinal) == true ? "0440" : "0444", u.Permissions));
            }
        }
    }

    [Fact] // 003-13
    public void Vru_configs_are_generated_at_deploy_time()
    {
        var p = ProgramView.Of("vru", "prod");
        var expected = new Dictionary<string, string>
        {
            ["vru-nginx-1"] = "/etc/nginx/nginx.conf",
            ["vru-monitoring-prometheus"] = "/etc/prometheus/prometheus.yml",
            ["vru-postgres"] = "/etc/postgresql/postgresql.conf",
            ["vru-redis"] = "/usr/local/etc/redis/redis.conf",
            ["vru-ml-engine-1"] = "/app/config/ml_config.yaml",
            ["vru-validation-engine-1"] = "/app/config/validation_config.yaml",
        };
        foreach (var (container, file) in expected)
            Assert.Contains(p.Uploads(container), u => u.File == file && !string.IsNullOrWhiteSpace(u.Content));
        Assert.Contains("ml_engine_url: http://ml-engine:8001", p.Uploads("vru-validation-engine-1").Single(u => u.File == "/app/config/validation_config.yaml").Content);
    }

    // ---- Seed 004: NormalDance and the environment table -------------------------------------

    [Fact] // 004-06, 004-07, 004-10, 004-11, 004-19, 004-27
    public void NormalDance_services_follow_the_seed()
    {
        var p = ProgramView.Of("normaldance", "prod");
        foreach (var svc in new[] { "frontend", "api", "worker", "solana-rpc-proxy" })
        {
            Assert.True(p.Replicas(svc).Count >= 3, $"{svc}: {p.Replicas(svc).Count} replicas");
            Assert.All(p.Replicas(svc), c => Assert.Equal((1.0, 2048, 1024), p.Limits(c)));
        }
        Assert.Single(p.Replicas("ipfs"));
        Assert.Equal((1.0, 2048, 1024), p.Limits("normaldance-ipfs-1"));
        Assert.Contains("/data/ipfs", p.VolumePaths("normaldance-ipfs-1"));
        Assert.Equal("https://api.mainnet-beta.solana.com", p.Env("normaldance-solana-rpc-proxy-1", "SOLANA_RPC_URL"));

        Assert.True(p.NetworkIsInternal("database"));
        Assert.True(p.NetworkIsInternal("backend"));
        var onDatabase = p.Containers().Where(c => p.Networks(c).Contains("database")).ToList();
        var allowed = new[] { "normaldance-postgres", "normaldance-postgres-replica-1", "normaldance-postgres-replica-2", "normaldance-backup", "normaldance-monitoring-postgres-exporter" };
        Assert.All(onDatabase, c => Assert.True(allowed.Contains(c) || p.Replicas("api").Contains(c) || p.Replicas("worker").Contains(c), $"{c} reaches the database network"));
        Assert.StartsWith("traefik:v3", p.Str("normaldance-traefik-image", "name"));
        Assert.Equal([80, 443], p.AllPublished().Select(x => x.External).Order());
    }

    [Fact] // 004-01..004-05, 004-14, 004-16, 004-24, 004-28
    public void Environment_table_drives_replicas_size_monitoring_and_backups()
    {
        var expected = new Dictionary<string, (int Replicas, double Cpus, int Memory, bool Alerts, bool Exporters, string? Backup, bool Tls)>
        {
            ["dev"] = (1, 0.25, 512, false, false, null, false),
            ["staging"] = (2, 0.5, 1024, true, false, "daily", true),
            ["prod"] = (3, 1.0, 2048, true, true, "hourly+daily", true),
        };
        foreach (var (env, e) in expected)
        {
            var p = ProgramView.Of("normaldance", env);
            foreach (var svc in new[] { "frontend", "api", "worker", "solana-rpc-proxy" }) Assert.Equal(e.Replicas, p.Replicas(svc).Count);
            Assert.Equal((e.Cpus, e.Memory), (p.Limits("normaldance-api-1").Cpus, p.Limits("normaldance-api-1").Memory));

            var alerts = p.Uploads("normaldance-monitoring-prometheus").SingleOrDefault(u => u.File == "/etc/prometheus/rules/alerts.yml");
            Assert.Equal(e.Alerts, alerts is not null);
            if (alerts is not null)
                foreach (var rule in new[] { "ServiceDown", "HighErrorRate", "ModerateErrorRate", "HighDbLatency", "ModerateDbLatency", "LowDiskSpace", "HighDiskUsage" })
                    Assert.Contains("alert: " + rule, alerts.Content);
            Assert.Equal(e.Exporters, p.Has("normaldance-monitoring-postgres-exporter"));
            Assert.Equal(e.Exporters, p.Has("normaldance-monitoring-redis-exporter"));
            Assert.Contains("retention_period: '720h'", p.Uploads("normaldance-monitoring-loki").Single(u => u.File == "/etc/loki/config.yaml").Content);

            Assert.Equal(e.Backup, p.Has("normaldance-backup") ? p.Env("normaldance-backup", "BACKUP_MODE") : null);
            Assert.Equal(e.Tls, p.Published("normaldance-traefik-1").Any(x => x.External == 443));
            foreach (var volume in new[] { "normaldance-postgres-data", "normaldance-redis-data", "normaldance-ipfs-data-1" })
                Assert.Equal(env != "dev", p.Protected(volume));
        }
    }
}
