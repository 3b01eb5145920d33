using System.Text.RegularExpressions;
using Infra.Tests.Runtime;

namespace Infra.Tests.Programs;

/// <summary>
/// Composer defects found by the runtime tier (issue 9 part 2) whose fix shows in the program text alone; the ones that
/// need a Docker engine are in <see cref="ComposerDefectTests"/>.
/// </summary>
public class DockerComposerDefectTests
{
    private static PulumiProgram Dev(string system) => new(Synth.Program(system, "dev"));
    private static PulumiProgram Env(string system, string env) => new(Synth.Program(system, env));
    private static IEnumerable<ProgramResource> Containers(PulumiProgram p) =>
        p.OfType(PulumiProgram.ContainerType).Where(c => Deployment.Label(c, "platform.role") != "volume-init");
    private static List<Dictionary<string, object?>> Maps(object? v) => v is List<object?> l ? l.Cast<Dictionary<string, object?>>().ToList() : [];
    private static string Name(ProgramResource c) => (string)c.Properties["name"]!;

    public static IEnumerable<object[]> Systems() => Infra.Stacks.Systems.SystemCatalog.Names.Select(s => new object[] { s });
    public static IEnumerable<object[]> All() => Synth.AllCombinations();

    // #1: Redis maxmemory / PostgreSQL memory follow the container's scaled limit (prod shipped maxmemory 2 GB in a 1 GB container).
    [Theory, MemberData(nameof(All))]
    public void Data_services_are_sized_from_their_container_limit(string system, string env)
    {
        foreach (var c in Containers(Env(system, env)))
        {
            if (!c.Properties.ContainsKey("memory")) continue;
            var mem = long.Parse((string)c.Properties["memory"]!) * 1024 * 1024;
            var conf = Maps(c.Properties.GetValueOrDefault("uploads")).Select(u => u.GetValueOrDefault("content") as string ?? "")
                .FirstOrDefault(t => t.Contains("maxmemory ") || t.Contains("shared_buffers"));
            if (conf is null) continue;
            var m = Regex.Match(conf, @"maxmemory (\d+)");
            if (m.Success) Assert.True(long.Parse(m.Groups[1].Value) <= mem * 6 / 10, $"{c.Name}: maxmemory {m.Groups[1].Value} vs limit {mem}");
            var sb = Regex.Match(conf, @"effective_cache_size = (\d+)MB");
            if (sb.Success) Assert.True(long.Parse(sb.Groups[1].Value) * 1024 * 1024 <= mem, $"{c.Name}: effective_cache_size {sb.Groups[1].Value}MB vs limit {mem}");
        }
    }

    // Issue 8: the TLS private key was uploaded 0444 (readable by every user in the container). Secret files are now
    // root-owned 0440, readable through group 0, which only the container's own user joins (groupAdds).
    [Theory, MemberData(nameof(All))]
    public void Secret_files_are_readable_by_the_service_user_only(string system, string env)
    {
        foreach (var c in Containers(Env(system, env)))
            foreach (var u in Maps(c.Properties.GetValueOrDefault("uploads")))
            {
                var file = (string)u["file"]!;
                // A secret file's content is a stack secret read as ${key} (tlsPrivateKey, tlsCertificate); generated configs are literal text.
                var secret = u.GetValueOrDefault("content") is string content && Regex.IsMatch(content, @"^\$\{[A-Za-z0-9]+\}$");
                Assert.True((string?)u["permissions"] == (secret ? "0440" : "0444"), $"{c.Name}: {file} uploaded {u["permissions"]}");
                if (secret)
                    Assert.True(c.Properties.GetValueOrDefault("groupAdds") is List<object?> g && g.Cast<string>().SequenceEqual(["0"]),
                        $"{c.Name}: {file} is 0440 root:root but the container's user does not join group 0");
            }
    }

    // #7: PostgreSQL keeps Docker's 64 MB /dev/shm although dynamic_shared_memory_type = posix lives there.
    [Theory, MemberData(nameof(All))]
    public void Postgres_has_a_shm_size(string system, string env)
    {
        foreach (var db in Containers(Env(system, env)).Where(c => Deployment.Label(c, "platform.role") == "database"))
            Assert.True(db.Properties.TryGetValue("shmSize", out var s) && int.Parse((string)s!) >= 256, $"{db.Name}: no shmSize (64 MB default)");
    }

    // #5: dev published on 0.0.0.0 (every interface) instead of loopback.
    [Theory, MemberData(nameof(Systems))]
    public void Dev_ports_are_bound_to_loopback(string system)
    {
        var bad = Containers(Dev(system)).SelectMany(c => Maps(c.Properties.GetValueOrDefault("ports"))
            .Where(p => (string?)p.GetValueOrDefault("ip") != "127.0.0.1").Select(p => $"{c.Name}:{p["internal"]}")).ToList();
        Assert.True(bad.Count == 0, "published on all interfaces: " + string.Join(", ", bad));
    }

    // #6: containers only on internal networks declared host ports Docker never publishes (Pliers dev: 5432, 6379).
    [Theory, MemberData(nameof(All))]
    public void Internal_only_containers_declare_no_host_ports(string system, string env)
    {
        var p = Env(system, env);
        var internalNets = p.OfType(PulumiProgram.NetworkType).Where(n => n.Properties.GetValueOrDefault("internal") is "true")
            .Select(n => $"${{{n.Name}.name}}").ToHashSet();
        var bad = Containers(p).Where(c => Maps(c.Properties["networksAdvanced"]).All(n => internalNets.Contains((string)n["name"]!))
                                           && c.Properties.ContainsKey("ports")).Select(c => c.Name).ToList();
        Assert.True(bad.Count == 0, "internal-only containers with ports: " + string.Join(", ", bad));
    }

    // #6: the seed's dev ports of Pliers' data services (seed 001 L277, L293) stay published, through a network Docker publishes from.
    [Fact]
    public void Pliers_dev_data_ports_are_published_from_a_non_internal_network()
    {
        var p = Dev("pliers");
        var external = p.OfType(PulumiProgram.NetworkType).Where(n => n.Properties.GetValueOrDefault("internal") is not "true").Select(n => $"${{{n.Name}.name}}").ToHashSet();
        foreach (var role in new[] { "database", "cache" })
        {
            var c = Containers(p).Single(x => Deployment.Label(x, "platform.role") == role);
            Assert.NotEmpty(Maps(c.Properties.GetValueOrDefault("ports")));
            Assert.Contains(Maps(c.Properties["networksAdvanced"]), n => external.Contains((string)n["name"]!));
        }
    }

    // #8: Loki received nothing: no collector. promtail reads the json-file logs through a read-only bind, never the Docker socket.
    [Theory, MemberData(nameof(All))]
    public void Loki_has_a_log_collector_without_the_docker_socket(string system, string env)
    {
        var p = Env(system, env);
        if (!Containers(p).Any(c => Name(c).EndsWith("-loki"))) return;
        var collector = Assert.Single(Containers(p), c => Name(c).Contains("promtail"));
        var binds = Maps(collector.Properties["volumes"]).Where(v => v.ContainsKey("hostPath")).ToList();
        var bind = Assert.Single(binds);
        Assert.Equal("/var/lib/docker/containers", bind["hostPath"]);
        Assert.Equal("true", bind["readOnly"]);
        Assert.DoesNotContain(Containers(p), c => Maps(c.Properties.GetValueOrDefault("volumes")).Any(v => (v.GetValueOrDefault("hostPath") as string ?? "").Contains("docker.sock")));
        var conf = Maps(collector.Properties["uploads"]).Single()["content"] as string;
        Assert.Contains("http://loki:3100/loki/api/v1/push", conf);
    }

    // #9: prod alert rules went nowhere (no alerting: section, no Alertmanager) and there was no host/node exporter.
    [Theory, MemberData(nameof(Systems))]
    public void Prod_monitoring_has_alertmanager_and_node_exporter(string system)
    {
        var p = Env(system, "prod");
        var prom = Containers(p).SingleOrDefault(c => Name(c).EndsWith("-prometheus"));
        if (prom is null) return;
        var yml = Maps(prom.Properties["uploads"]).Single(u => (string?)u["file"] == "/etc/prometheus/prometheus.yml")["content"] as string ?? "";
        Assert.Contains("alerting:", yml);
        Assert.Contains("alertmanager:9093", yml[yml.IndexOf("alerting:")..]);
        Assert.Contains("node-exporter:9100", yml);
        Assert.Contains(Containers(p), c => Name(c).EndsWith("-alertmanager") && c.Properties["image"] is string i && i.Contains("alertmanager-image"));
        Assert.Contains(Containers(p), c => Name(c).EndsWith("-node-exporter"));
    }

    // Fidelity 'changes needed elsewhere': Loki keeps logs for the system's declared retention (m.LogRetentionDays).
    [Theory, MemberData(nameof(Systems))]
    public void Loki_retention_follows_the_system(string system)
    {
        var days = Infra.Stacks.Systems.SystemCatalog.Find(system)!.Monitoring?.LogRetentionDays;
        var loki = Containers(Dev(system)).SingleOrDefault(c => Name(c).EndsWith("-loki"));
        if (loki is null) return;
        var conf = Maps(loki.Properties["uploads"]).Single()["content"] as string;
        Assert.Contains($"retention_period: '{(days ?? 30) * 24}h'", conf);
    }

    // #10: replicas of a stateful service each got their own data volume behind ONE alias (split state): refused.
    [Fact]
    public void Stateful_service_with_replicas_is_refused()
    {
        static Infra.Stacks.Model.SystemBuilder Shop()
        {
            var b = new Infra.Stacks.Model.SystemBuilder("shop", "test shop", "test", "stacks/Systems/Shop.cs");
            b.AddService("store").WithHttp(8000, "/health").WithDataVolume("/app/data");
            return b;
        }
        var staging = Infra.Stacks.Composition.StackSettings.Create("t", "pliers", "staging", "docker",
            new Dictionary<string, Infra.Stacks.Composition.ImageSetting>(), new Dictionary<string, int>(), new Dictionary<string, int>(), false, "Pulumi.t.yaml")
            with { System = "shop", Images = new Dictionary<string, Infra.Stacks.Composition.ImageSetting> { ["store"] = new("registry.example.com/shop/store:1.0.0") } };
        var e = Assert.Throws<Infra.Components.Core.InputException>(() => Infra.Stacks.Composition.Synthesizer.Compose(staging, Shop().Build()));
        Assert.Contains("stacks/Systems/Shop.cs", e.Message);
        Assert.Contains("services[store].replicas", e.Message);
        Assert.Contains("split state", e.Message);

        var dev = Infra.Stacks.Composition.StackSettings.Create("t", "pliers", "dev", "docker", new Dictionary<string, Infra.Stacks.Composition.ImageSetting>(),
            new Dictionary<string, int>(), new Dictionary<string, int>(), false, "Pulumi.t.yaml") with { System = "shop", Replicas = new Dictionary<string, int> { ["store"] = 2 } };
        e = Assert.Throws<Infra.Components.Core.InputException>(() => Infra.Stacks.Composition.Synthesizer.Compose(dev, Shop().Build()));
        Assert.Contains("Pulumi.t.yaml", e.Message);
        Assert.Contains("platform:replicas.store", e.Message);
        Assert.Contains("allowed: 1", e.Message);
    }

    // #10: no program runs a stateful service with more than one replica (PinAI registry in staging: one volume, one replica).
    // PostgreSQL's streaming standbys are the exception by design: each volume is a copy of the primary, kept in sync by it.
    [Theory, MemberData(nameof(All))]
    public void Stateful_services_run_one_replica(string system, string env)
    {
        var p = Env(system, env);
        // Writable volumes only: a read-only volume (VRU's models) is one volume shared by every replica, not state of its
        // own; a database standby keeps its own copy of the primary by design.
        foreach (var g in Containers(p).Where(c => Deployment.Label(c, "platform.role") != "database-replica")
                     .Where(c => Maps(c.Properties.GetValueOrDefault("volumes")).Any(v => v.ContainsKey("volumeName") && v.GetValueOrDefault("readOnly") is not "true"))
                     .GroupBy(c => Deployment.Label(c, "platform.service")))
            Assert.True(g.Count() == 1, $"{g.Key}: {g.Count()} replicas, each with its own volume behind one alias");
    }

    // ---- bad input in a system definition: one InputException naming the file, the key and what is allowed ----------

    private static Infra.Stacks.Composition.StackSettings DevShop => Infra.Stacks.Composition.StackSettings.Create("t", "pliers", "dev", "docker",
        new Dictionary<string, Infra.Stacks.Composition.ImageSetting>(), new Dictionary<string, int>(), new Dictionary<string, int>(), false, "Pulumi.t.yaml") with { System = "shop" };

    private static Infra.Components.Core.InputException Rejected(Action<Infra.Stacks.Model.SystemBuilder> define, string env = "dev")
    {
        var b = new Infra.Stacks.Model.SystemBuilder("shop", "test shop", "test", "stacks/Systems/Shop.cs");
        define(b);
        var settings = env == "dev" ? DevShop : Infra.Stacks.Composition.StackSettings.Create("t", "pliers", env, "docker",
            new Dictionary<string, Infra.Stacks.Composition.ImageSetting>(), new Dictionary<string, int>(), new Dictionary<string, int>(), false, "Pulumi.t.yaml")
            with { System = "shop", Images = new Dictionary<string, Infra.Stacks.Composition.ImageSetting> { ["api"] = new("registry.example.com/shop/api:1.0.0") } };
        return Assert.Throws<Infra.Components.Core.InputException>(() => Infra.Stacks.Composition.Synthesizer.Compose(settings, b.Build()));
    }

    [Fact]
    public void Subnet_overlapping_another_network_is_refused()
    {
        var e = Rejected(b =>
        {
            var a = b.AddNetwork("front", subnet: "172.28.0.0/16");
            var c = b.AddNetwork("back", subnet: "172.28.5.0/24");
            b.AddService("api").WithHttp(8000, "/health").OnNetworks(a, c);
        });
        Assert.Contains("stacks/Systems/Shop.cs", e.Message);
        Assert.Contains("networks[back].subnet", e.Message);
        Assert.Contains("overlap network 'front' (172.28.0.0/16)", e.Message);
    }

    [Fact]
    public void Malformed_subnet_is_refused()
    {
        var e = Rejected(b => { var a = b.AddNetwork("front", subnet: "172.28.0.1/16"); b.AddService("api").WithHttp(8000, "/health").OnNetworks(a); });
        Assert.Contains("networks[front].subnet", e.Message);
        Assert.Contains("IPv4 CIDR", e.Message);
    }

    // A data service below what its server needs cannot be declared: stacks set no memory, and EnvironmentProfile.Scale
    // never goes below 128 MB, which is PostgresTuning's minimum (Redis needs 16). Nothing to refuse.
    [Fact]
    public void Scaled_limits_never_go_below_what_postgres_needs() =>
        Assert.True(Infra.Stacks.Profiles.EnvironmentProfile.Prod.Scale(new Infra.Components.Workloads.ResourceLimits(1, 16)).MemoryMb >= 128);
}
