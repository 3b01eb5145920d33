using System.Diagnostics;
using System.Text;
using Infra.Tests.Programs;
using Xunit.Abstractions;

namespace Infra.Tests.Runtime;

/// <summary>
/// The staging programs' data backups (volume archives, Redis snapshots), run on the engine exactly as shipped and
/// restored with their own shipped restore scripts into fresh volumes.
/// </summary>
[Collection("runtime pinai")]   // deploys PinAI containers: the same names as PinaiRuntimeTests, so never beside it
[Trait("Category", RuntimeCollection.Category)]
public class DataBackupRuntimeTests(ITestOutputHelper output)
{
    /// <summary>
    /// PinAI staging (seed 000-15): files written into the service volumes as the service's user (a 0600 file in a
    /// 0700 directory, a symlink, 2 MB of random bytes) are archived twice in a row by the volume-backup sidecar
    /// (read-only mounts, its own volume); the second run writes new archives, it does not replace the first run's.
    /// The shipped restore.sh, piped into a throwaway container as the header says, rebuilds a FRESH volume with the
    /// same names, owners, modes, sizes and checksums, and refuses to restore over it a second time (exit 3).
    /// </summary>
    [Fact]
    public void Volume_backup_runs_twice_without_overwriting_and_its_restore_script_rebuilds_a_fresh_volume()
    {
        const string scope = "pinai-staging-volume-backup";
        var program = new PulumiProgram(Synth.Program("pinai", "staging"));
        using var d = new Deployment(scope, program);
        try
        {
            var containers = program.OfType(PulumiProgram.ContainerType).ToList();
            var backup = containers.Single(c => Deployment.Label(c, "platform.role") == "volume-backup");
            var props = program.ResolvedProperties(backup);
            var mounts = Mounts(props);
            var backupVolume = (string)mounts.Single(m => (string?)m["containerPath"] == "/backups")["volumeName"]!;
            var sources = mounts.Where(m => m.GetValueOrDefault("readOnly") is true or "true")
                .ToDictionary(m => ((string)m["containerPath"]!)["/volumes/".Length..], m => (string)m["volumeName"]!);
            Assert.Equal(["matcher", "registry", "validator-1", "validator-2", "validator-3"], sources.Keys.Order(StringComparer.Ordinal));
            var user = (string)props["user"]!;
            Assert.Equal("1000:1000", user);

            d.CreateNetworksAndVolumes();
            // The services' own volume-init one-shots give their volumes to 1000:1000, as deploying them does; then the sidecar.
            var inits = containers.Where(c => Deployment.Label(c, "platform.role") == "volume-init"
                && Mounts(program.ResolvedProperties(c)).Any(m => sources.ContainsValue((string)m["volumeName"]!))).ToList();
            Assert.Equal(5, inits.Count);
            d.Up([.. inits, backup]);
            var sidecar = d.Plan(backup).Name;

            foreach (var volume in new[] { sources["registry"], sources["validator-1"] })
                DockerCli.Ok(["run", "--rm", "--label", Deployment.TestLabel + "=" + scope, "--user", user, "-v", volume + ":/app/data", "local/busybox", "sh", "-c",
                    "set -e; cd /app/data; mkdir -p raft/snapshots; echo 'term=7 vote=validator-2' > raft/state; chmod 600 raft/state; chmod 700 raft; " +
                    "head -c 2097152 /dev/urandom > raft/snapshots/0001.snap; ln -s raft/state current; echo '{\"agents\":3}' > agents.json"]);

            var runs = new List<List<(string Path, long Bytes)>>();
            for (var i = 1; i <= 2; i++)
            {
                var sw = Stopwatch.StartNew();
                var run = d.Exec(sidecar, "sh", "/opt/backup/backup.sh", "daily");
                Assert.True(run.Ok, $"backup.sh daily (run {i}) in {d.Describe(backup)} failed:\n{run}");
                var wrote = Wrote(run.Stdout);
                output.WriteLine($"run {i}: {sw.Elapsed.TotalSeconds:0.0} s, " + string.Join(", ", wrote.Select(w => $"{Path.GetFileName(w.Path)} {w.Bytes} B")));
                Assert.Equal(5, wrote.Count);
                runs.Add(wrote);
            }
            var all = runs.SelectMany(r => r.Select(w => w.Path)).ToList();
            Assert.Equal(10, all.Distinct(StringComparer.Ordinal).Count());
            var listing = d.Exec(sidecar, "sh", "-c", "cd /backups/daily && ls -A && stat -c '%a %u:%g' *.tar.gz | sort -u");
            Assert.True(listing.Ok, listing.ToString());
            foreach (var path in all) Assert.Contains(Path.GetFileName(path), listing.Stdout);
            Assert.DoesNotContain(".partial", listing.Stdout);
            Assert.EndsWith("600 1000:1000", listing.Stdout.Trim());

            // The documented restore: the shipped script, piped from the sidecar into a container with the backup volume and a fresh one.
            var script = Encoding.UTF8.GetBytes(d.Exec(sidecar, "cat", "/opt/backup/restore.sh").Stdout);
            var fresh = scope + "-registry-restored";
            DockerCli.Ok("volume", "create", "--label", Deployment.TestLabel + "=" + scope, fresh);
            string[] Restore(params string[] args) =>
                ["run", "--rm", "-i", "--label", Deployment.TestLabel + "=" + scope, "-v", backupVolume + ":/backups:ro", "-v", fresh + ":/restore",
                 "local/busybox", "sh", "-s", "--", .. args];
            var clock = Stopwatch.StartNew();
            var restore = DockerCli.Run(Restore("registry", "/restore"), TimeSpan.FromSeconds(120), script);
            Assert.True(restore.Ok, $"the shipped restore.sh into the fresh volume failed:\n{restore}");
            Assert.Contains(Path.GetFileName(runs[1].Single(w => Path.GetFileName(w.Path).StartsWith("registry-", StringComparison.Ordinal)).Path), restore.Stdout);
            output.WriteLine($"restore of registry into {fresh}: {clock.Elapsed.TotalSeconds:0.0} s\n{restore.Stdout.Trim()}");

            var original = Inventory(scope, sources["registry"]);
            var restored = Inventory(scope, fresh);
            Assert.Contains("./raft/state 1000:1000 600", original);
            Assert.Contains("./raft 1000:1000 700", original);
            Assert.Contains("./current 1000:1000 777 symbolic link", original);
            Assert.Equal(original, restored);

            var again = DockerCli.Run(Restore("registry", "/restore"), TimeSpan.FromSeconds(60), script);
            Assert.Equal(3, again.ExitCode);
            Assert.Contains("not empty", again.Stderr);
        }
        finally
        {
            output.WriteLine(d.Log);
        }
    }

    internal static List<Dictionary<string, object?>> Mounts(Dictionary<string, object?> props) =>
        ((List<object?>)props["volumes"]!).Cast<Dictionary<string, object?>>().ToList();

    /// <summary>The "backup: wrote PATH (N bytes)" lines of a backup run.</summary>
    internal static List<(string Path, long Bytes)> Wrote(string stdout) =>
    [
        .. stdout.Split('\n').Where(l => l.StartsWith("backup: wrote ", StringComparison.Ordinal)).Select(l =>
        {
            var rest = l["backup: wrote ".Length..].Trim();
            var open = rest.LastIndexOf(" (", StringComparison.Ordinal);
            return (rest[..open], long.Parse(rest[(open + 2)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        }),
    ];

    /// <summary>Every entry of a volume (read-only, as root): path, owner, mode, type, and the checksum of each file.</summary>
    internal static string Inventory(string scope, string volume) =>
        DockerCli.Ok(["run", "--rm", "--label", Deployment.TestLabel + "=" + scope, "-v", volume + ":/v:ro", "local/busybox", "sh", "-c",
            "cd /v && find . | sort | while read -r f; do stat -c '%n %u:%g %a %F' \"$f\"; done && " +
            "find . -type f | sort | xargs md5sum"]);
}

/// <summary>The Redis snapshot of the staging programs' data backups; in the Pliers collection (it deploys Pliers containers).</summary>
[Collection("runtime pliers")]
[Trait("Category", RuntimeCollection.Category)]
public class RedisBackupRuntimeTests(ITestOutputHelper output)
{
    /// <summary>
    /// Pliers staging (seed 001-33): keys SET in the cache (strings, a hash, a key with a TTL) are in the RDB the
    /// cache-backup sidecar takes with redis-cli --rdb (password from REDISCLI_AUTH, not on its command line). The
    /// shipped restore.sh turns the dump into a FRESH volume (chowned like the program's volume-init does), and a fresh
    /// Redis container started from the cache's own definition on that volume answers every GET.
    /// </summary>
    [Fact]
    public void Redis_backup_dump_restores_into_a_fresh_redis_on_a_fresh_volume()
    {
        const string scope = "pliers-staging-cache-backup";
        var program = new PulumiProgram(Synth.Program("pliers", "staging"));
        using var d = new Deployment(scope, program);
        try
        {
            var containers = program.OfType(PulumiProgram.ContainerType).ToList();
            var cache = containers.Single(c => Deployment.Label(c, "platform.role") == "cache");
            var sidecar = containers.Single(c => Deployment.Label(c, "platform.role") == "cache-backup");
            var props = program.ResolvedProperties(sidecar);
            var backupVolume = (string)DataBackupRuntimeTests.Mounts(props).Single(m => (string?)m["containerPath"] == "/backups")["volumeName"]!;
            Assert.DoesNotContain(((List<object?>)props["command"]!).Cast<string>(), a => a.Contains(d.Env(cache, "REDIS_PASSWORD"), StringComparison.Ordinal));

            d.CreateNetworksAndVolumes();
            d.Up([cache, sidecar]);
            var cacheName = d.Plan(cache).Name;
            var sidecarName = d.Plan(sidecar).Name;
            var fill = d.Exec(cacheName, "sh", "-c",
                "i=0; while [ $i -lt 1000 ]; do i=$((i+1)); echo \"SET key:$i value-$i\"; done | redis-cli --pipe && " +
                "redis-cli HSET session:42 user alice role admin && redis-cli SET token:abc xyz EX 86400");
            Assert.True(fill.Ok, fill.ToString());

            var clock = Stopwatch.StartNew();
            var run = d.Exec(sidecarName, "sh", "/opt/backup/backup.sh", "daily");
            Assert.True(run.Ok, $"backup.sh daily in {d.Describe(sidecar)} failed:\n{run}");
            var dump = Assert.Single(DataBackupRuntimeTests.Wrote(run.Stdout));
            output.WriteLine($"redis backup: {clock.Elapsed.TotalSeconds:0.0} s, {Path.GetFileName(dump.Path)} {dump.Bytes} B");
            Assert.EndsWith(".rdb", dump.Path);

            // A fresh volume, given to the cache's user by the program's own volume-init command.
            var fresh = scope + "-redis-restored";
            DockerCli.Ok("volume", "create", "--label", Deployment.TestLabel + "=" + scope, fresh);
            var init = containers.Single(c => Deployment.Label(c, "platform.role") == "volume-init" && Deployment.Label(c, "platform.service") == Deployment.Label(cache, "platform.service"));
            var chown = ((List<object?>)program.ResolvedProperties(init)["command"]!).Cast<string>().ToList();
            DockerCli.Ok(["run", "--rm", "--label", Deployment.TestLabel + "=" + scope, "-v", fresh + ":" + chown[^1], "local/busybox", .. chown]);

            var user = (string)props["user"]!;
            var script = Encoding.UTF8.GetBytes(d.Exec(sidecarName, "cat", "/opt/backup/restore.sh").Stdout);
            clock.Restart();
            var restore = DockerCli.Run(["run", "--rm", "-i", "--label", Deployment.TestLabel + "=" + scope, "--user", user,
                "-v", backupVolume + ":/backups:ro", "-v", fresh + ":/data", "local/redis", "sh", "-s", "--", "/data"], TimeSpan.FromSeconds(120), script);
            Assert.True(restore.Ok, $"the shipped restore.sh into the fresh volume failed:\n{restore}");
            Assert.Contains("(1002 keys", restore.Stdout);
            output.WriteLine($"redis restore: {clock.Elapsed.TotalSeconds:0.0} s\n{restore.Stdout.Trim()}");

            // The cache exactly as the program defines it (command, config upload, password), on the fresh volume, no network.
            var restored = program.ResolvedProperties(cache);
            restored["name"] = scope + "-redis";
            restored["volumes"] = new List<object?> { new Dictionary<string, object?> { ["volumeName"] = fresh, ["containerPath"] = "/data" } };
            restored.Remove("networksAdvanced");
            restored.Remove("ports");
            restored["labels"] = new List<object?> { new Dictionary<string, object?> { ["label"] = Deployment.TestLabel, ["value"] = scope } };
            var plan = ContainerTranslator.Translate(restored);
            DockerCli.Ok(plan.CreateArgs);
            foreach (var step in plan.BeforeStart) DockerCli.Ok(step.Args, stdin: step.Stdin);
            DockerCli.Ok("start", plan.Name);
            var ready = DateTime.UtcNow.AddSeconds(30);
            while (!DockerCli.Run("exec", plan.Name, "redis-cli", "ping").Stdout.Contains("PONG", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < ready, "the restored Redis did not answer PING:\n" + d.Diagnose(plan.Name));
                Thread.Sleep(500);
            }
            string Cli(params string[] args) => DockerCli.Ok(["exec", plan.Name, "redis-cli", .. args]);
            Assert.Equal("1002", Cli("DBSIZE"));
            Assert.Equal("value-1", Cli("GET", "key:1"));
            Assert.Equal("value-1000", Cli("GET", "key:1000"));
            Assert.Equal("alice", Cli("HGET", "session:42", "user"));
            Assert.Equal("xyz", Cli("GET", "token:abc"));
            Assert.True(int.Parse(Cli("TTL", "token:abc"), System.Globalization.CultureInfo.InvariantCulture) > 86000);
            Assert.EndsWith("yes", Cli("CONFIG", "GET", "appendonly"));
        }
        finally
        {
            output.WriteLine(d.Log);
        }
    }
}
