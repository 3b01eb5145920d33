using Infra.Stacks.Composed;
using Infra.Stacks.Composition;
using Infra.Tests.Programs;

namespace Infra.Tests.Kubernetes;

/// <summary>The seam: capabilities are data, every feature is declared by every target, plan says aloud what a target cannot express.</summary>
public sealed class TargetSeamTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("infra-seam-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("docker")]
    [InlineData("kubernetes")]
    public void Every_feature_is_supported_or_explained_by_every_target(string target)
    {
        var caps = Synthesizer.CapabilitiesOf(target);
        Assert.Empty(caps.Undeclared);
        Assert.Empty(caps.Supported.Intersect(caps.Instead.Keys));
    }

    [Fact]
    public void Plan_lists_what_docker_cannot_express_for_normaldance_prod()
    {
        var r = Synth.Cli(["plan", .. Synth.Args("normaldance", "prod")[1..]]);
        Assert.True(r.Exit == 0, r.Stderr);
        var lines = r.Stdout.Split('\n').Where(l => l.StartsWith("  - not on this target: ", StringComparison.Ordinal)).Select(l => l["  - not on this target: ".Length..]).ToList();
        Assert.Equal(
        [
            "autoscaling: solana-rpc-proxy 3-20, api 3-20, worker 3-20, frontend 3-20 (Docker runs the minimum as a fixed replica count)",
            "disruption budgets: solana-rpc-proxy (3 replicas), api (3 replicas), worker (3 replicas), frontend (3 replicas) (no voluntary-disruption control on one Docker host)",
            "per-edge network isolation: 15 allowed edges, everything else denied (isolation is per network: every container on a shared network can reach the others)",
            "read-only root filesystem: all 5 services (writable: /tmp and data paths) (containers keep a writable root filesystem; config files are read-only uploads)",
            "database/cache replicas: postgres 1 primary + 2 replicas, redis 1 primary + 1 replica (only PostgreSQL's streaming standbys (PostgresReplicas); Redis runs one primary)",
        ], lines);
    }

    [Fact]
    public void Plan_lists_what_kubernetes_cannot_express_for_pliers_dev()
    {
        File.WriteAllText(Path.Combine(_root, "Pulumi.pliers-dev.yaml"),
            "config:\n  platform:system: pliers\n  platform:environment: dev\n  platform:kubeconfig:\n    secure: v1:AAAA:BBBB\n");
        var r = Synth.CliIn(_root, "plan", "--stack", "pliers-dev", "--target", "kubernetes");
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Contains("target kubernetes", r.Stdout);
        var lines = r.Stdout.Split('\n').Where(l => l.StartsWith("  - not on this target: ", StringComparison.Ordinal)).Select(l => l["  - not on this target: ".Length..]).ToList();
        Assert.Equal(
        [
            "host ports: api 3000, ai-service 3001, web 3002, postgres 5432, redis 6379, traefik 80, grafana 3003 (nothing is published on a node; public traffic enters through the Traefik ingress, the rest through kubectl port-forward)",
            "start order (wait until dependencies are healthy): api after postgres + redis, ai-service after api + redis, web after api + ai-service (pods start together; readiness probes keep traffic away until each is ready)",
            "run-once migrations: api: npm run migrate:up (not translated yet (no Job before the Deployments): the image must migrate on start)",
        ], lines);
    }

    [Fact]
    public void The_target_flag_overrides_the_stack_and_docker_stays_the_default()
    {
        File.WriteAllText(Path.Combine(_root, "Pulumi.dev.yaml"), "config:\n  platform:system: pliers\n");
        var docker = Synth.CliIn(_root, "synth", "--stack", "dev");
        Assert.Contains("pulumi:providers:docker", docker.Stdout);
        File.WriteAllText(Path.Combine(_root, "Pulumi.dev.yaml"), "config:\n  platform:system: pliers\n  platform:target: kubernetes\n  platform:kubeconfig:\n    secure: v1:AAAA:BBBB\n");
        var k8s = Synth.CliIn(_root, "synth", "--stack", "dev");
        Assert.True(k8s.Exit == 0, k8s.Stderr);
        Assert.Contains("pulumi:providers:kubernetes", k8s.Stdout);
        Assert.DoesNotContain("docker:", k8s.Stdout);
        var back = Synth.CliIn(_root, "synth", "--stack", "dev", "--target", "docker");
        Assert.Equal(docker.Stdout, back.Stdout);
    }

    [Fact]
    public void A_system_is_composed_once_and_both_targets_translate_the_same_composition()
    {
        var def = Infra.Stacks.Systems.SystemCatalog.Find("normaldance")!;
        var settings = StackSettings.Create("t", "normaldance", "prod", "docker",
            def.Services.Where(s => s.DefaultImage is null).ToDictionary(s => s.Name, s => new ImageSetting($"ghcr.io/n/{s.Name}:1.0.0")),
            new Dictionary<string, int>(), new Dictionary<string, int>(), false, "command line");
        var composed = SystemComposer.Compose(def, settings);
        Assert.Equal(["solana-rpc-proxy", "ipfs", "api", "worker", "frontend"], composed.Services.Select(s => s.Name));
        Assert.Equal(new Scaling(3, 20), composed.Find("api")!.Scaling);
        Assert.Null(composed.Find("ipfs")!.Scaling); // a fixed, stateful node
        Assert.Equal(3, composed.Database!.Replicas);
        Assert.Contains(composed.Edges, e => e is { From: "api", To: "postgres", Port: 5432, Kind: EdgeKind.Reference });
        Assert.Contains(composed.Edges, e => e is { From: "backup", To: "postgres", Kind: EdgeKind.Backup });
    }
}
