using Infra.Components.Core;
using Infra.Components.Workloads;
using Infra.Stacks.Model;

namespace Infra.Stacks.Systems;

/// <summary>
/// Seed 000: PinAI subnet. One binary-only image runs the registry, the matcher and three validators;
/// config mounted read-only from /app/config, one data volume per service, validator keys as secrets,
/// network 172.28.0.0/16, UID 1000.
/// </summary>
public static class PinaiSubnet
{
    public const string Name = "pinai";

    public static SystemDefinition Define()
    {
        var s = new SystemBuilder(Name, "PinAI subnet: registry, matcher, three Raft validators", "seed 000 (Production Deployment Architecture)", "stacks/Systems/PinaiSubnet.cs");
        var net = s.AddNetwork("subnet", subnet: "172.28.0.0/16");

        // Seed 000 L37-38: one registry and one matcher, each with its own data directory; more replicas would split their state.
        var registry = s.AddService("registry", "agent registry (HTTP)")
            .WithHttp(8101, "/agents", publish: 8101, tool: "curl")
            // Seed 000 L372-376: curl -f http://localhost:8101/agents every 30s, timeout 10s, 3 retries (no start period given: 20s).
            .WithHealthTimings(30, 10, 3, 20)
            .WithReplicas(1)
            .WithCommand("/app/bin/registry")
            .WithDataVolume("/app/data")
            .OnNetworks(net);
        Configs(registry);

        var matcher = s.AddService("matcher", "intent matcher (gRPC)")
            .WithPort("grpc", 8093, PortProtocol.Grpc, publish: 8093)
            .WithHealth(HealthCheck.TcpPort(8093))
            .WithReplicas(1)
            .WithCommand("/app/bin/matcher", "--config", "/app/config/matcher.yaml")
            .WithReference(registry)
            .WithDataVolume("/app/data")
            .OnNetworks(net);
        Configs(matcher);

        for (var i = 1; i <= 3; i++)
        {
            var peers = string.Join(",", Enumerable.Range(1, 3).Where(j => j != i).Select(j => $"validator-{j}:{7399 + j}"));
            var v = s.AddService($"validator-{i}", $"validator {i} (gRPC + Raft)")
                .WithPort("grpc", 9089 + i, PortProtocol.Grpc, publish: 9089 + i)
                .WithPort("raft", 7399 + i, PortProtocol.Tcp, publish: 7399 + i)
                .WithHealth(HealthCheck.TcpPort(9089 + i))
                .WithReplicas(1) // a Raft member: identity and keys are per instance, so it never scales
                .WithEnv("VALIDATOR_ID", i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithEnv("RAFT_PEERS", peers)
                // Seed 000 L104-107: the container sees VALIDATOR_KEY_<n> (from .env's VALIDATOR_KEY_<n>).
                .WithSecret($"VALIDATOR_KEY_{i}", SecretSource.Config($"validatorKey{i}"))
                .WithCommand("/app/bin/validator", "--id", i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithReference(registry)
                .WithDataVolume("/app/data")
                .WithLimits(1, 2048)
                .OnNetworks(net);
            Configs(v);
        }
        // Seed 000 publishes these ports to subnet peers and clients directly; there is no HTTP reverse proxy in
        // this architecture (gRPC and Raft are peer protocols), so TLS is the binaries' job, not a proxy's.
        foreach (var component in new[] { "registry", "matcher", "validator-1", "validator-2", "validator-3" })
            s.Waive("EXP-006", component, "seed 000 exposes registry/matcher/validator ports to subnet peers directly; TLS is terminated by the PinAI binaries, not by a proxy");

        // Where this program does not do what seed 000 says (rows of docs/seed-fidelity.md).
        s.Departs("000-04", "L36-41, L440-446: data in host directories ./data/<service> (bind mounts, 'better performance than named volumes')",
            "named Docker volumes, one per container, protected outside dev: a Pulumi program cannot assume host directories exist, and protect stops `pulumi destroy` from deleting state");
        s.Departs("000-06", "L156: 'Inject env vars from .env' (every container gets the whole .env, incl. TEST_PRIVATE_KEY, L108)",
            "least privilege: each validator receives only its own VALIDATOR_KEY_<n>; TEST_PRIVATE_KEY is for the test agent, which this deployment does not run");
        s.Departs("000-07", "L116, L188-192: secrets in a .env file with chmod 600 on the server",
            "secrets are Pulumi config secrets (encrypted in the stack file and state) injected as environment variables; there is no .env file");
        s.Departs("000-12", "L347-348: reservations cpus '0.5'",
            "Docker containers have no CPU reservation (only a cpus limit; cpuShares is a relative weight); the 1G memory reservation is honoured");
        s.Departs("000-13", "L343-345: limits cpus '1.0', memory 2G for validators",
            "smaller environments scale limits down (EnvironmentProfile.Scale: staging half, dev a quarter); prod has the seed's numbers", "dev", "staging");
        s.BackUpDataVolumes(); // seed 000 L99, L361: data/ is backed up separately (tar czf)
        return s.Build();
    }

    private static void Configs(ServiceBuilder svc) => svc
        .WithConfigFile("/app/config/matcher.yaml", MatcherYaml)
        .WithConfigFile("/app/config/auth_config.yaml", AuthYaml)
        .WithConfigFile("/app/config/policy_config.yaml", PolicyYaml);

    public const string MatcherYaml = """
        # matcher.yaml (generated): matcher service configuration
        listen: 0.0.0.0:8093
        registry_url: http://registry:8101
        validators:
          - validator-1:9090
          - validator-2:9091
          - validator-3:9092
        match:
          max_candidates: 16
          timeout_ms: 2000

        """;

    public const string AuthYaml = """
        # auth_config.yaml (generated): authentication policies; keys come from the environment, never from this file
        require_signed_requests: true
        key_source: env
        allowed_clock_skew_seconds: 30

        """;

    public const string PolicyYaml = """
        # policy_config.yaml (generated): validation policies
        quorum: 2
        max_block_size_kb: 512
        reject_unsigned: true

        """;
}
