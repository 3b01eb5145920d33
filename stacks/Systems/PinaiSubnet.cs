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

        var registry = s.AddService("registry", "agent registry (HTTP)")
            .WithHttp(8101, "/agents", publish: 8101, tool: "curl")
            .WithCommand("/app/bin/registry")
            .WithDataVolume("/app/data")
            .OnNetworks(net);
        Configs(registry);

        var matcher = s.AddService("matcher", "intent matcher (gRPC)")
            .WithPort("grpc", 8093, PortProtocol.Grpc, publish: 8093)
            .WithHealth(HealthCheck.TcpPort(8093))
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
                .WithSecret("VALIDATOR_KEY", SecretSource.Config($"validatorKey{i}"))
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
