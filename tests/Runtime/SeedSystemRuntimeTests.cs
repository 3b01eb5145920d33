using Infra.Tests.Programs;
using Xunit.Abstractions;

namespace Infra.Tests.Runtime;

/// <summary>
/// Each seed system's dev program, deployed on the local Docker daemon with look-alike images (and named
/// stand-ins where no Debian package exists): every container healthy within its start period, writes
/// survive a container recreate, the backup sidecar's dump restores into a fresh database, and containers
/// on internal networks cannot be reached from the host.
/// </summary>
/// <remarks>One class (and collection "runtime SYSTEM") per system: xunit runs collections in parallel (2 at a time on
/// 2 cores); the waits are mostly Docker's 10 s health intervals, not CPU. Other tests that deploy containers of the
/// same system (same names) join that system's collection.</remarks>
[Trait("Category", RuntimeCollection.Category)]
public abstract class SeedSystemRuntimeTests(ITestOutputHelper output)
{
    protected void DeployAndCheck(string system)
    {
        var program = new PulumiProgram(Synth.Program(system, "dev"));
        using var d = new Deployment(system, program);
        try
        {
            d.CreateNetworksAndVolumes();
            d.Up();

            InternalContainersAreUnreachableFromTheHost(d);

            var containers = program.OfType(PulumiProgram.ContainerType).ToList();
            if (containers.FirstOrDefault(c => Deployment.Label(c, "platform.role") == "database") is { } db)
            {
                PostgresWriteSurvivesRecreate(d, db);
                BackupSidecarDumpRestoresIntoAFreshDatabase(d, system, db);
            }
            if (containers.FirstOrDefault(c => Deployment.Label(c, "platform.role") == "cache") is { } cache)
                RedisWriteSurvivesRecreate(d, cache);
            foreach (var proxy in containers.Where(c => Deployment.Label(c, "platform.role") == "reverse-proxy" && d.ImageOf(c).Image == "local/nginx"))
                NginxFollowsARecreatedUpstream(d, proxy);
        }
        finally
        {
            output.WriteLine(d.Log);
        }
    }

    private static void InternalContainersAreUnreachableFromTheHost(Deployment d)
    {
        foreach (var c in d.Program.OfType(PulumiProgram.ContainerType))
        {
            var plan = d.Plan(c);
            if (plan.Networks.Count == 0 || !plan.Networks.All(d.NetworkIsInternal)) continue;
            // The host shares every bridge, so "unreachable from the host" means: nothing published on a host port,
            // although the program may declare ports (Pliers dev declares 5432 and 6379 — dead, misleading config).
            var published = d.PublishedPorts(plan.Name);
            Assert.True(published.Length == 0, $"{d.Describe(c)} is only on internal networks but docker published: {published}");
        }
    }

    private static string[] Psql(Deployment d, ProgramResource db, string database, string sql)
    {
        var (net, alias) = d.AppAddress(db);
        return ["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-tA", "-h", alias, "-U", d.Env(db, "POSTGRES_USER"), "-d", database, "-c", sql];
    }

    private static string RunPsql(Deployment d, ProgramResource db, string database, string sql)
    {
        var (net, _) = d.AppAddress(db);
        var r = d.Client(net, "local/postgres", ["PGPASSWORD=" + d.Env(db, "POSTGRES_PASSWORD")], Psql(d, db, database, sql));
        Assert.True(r.Ok, $"psql against {d.Describe(db)} failed:\n{r}\n{d.Diagnose(d.Plan(db).Name)}");
        return r.Stdout.Trim();
    }

    private static void PostgresWriteSurvivesRecreate(Deployment d, ProgramResource db)
    {
        var name = d.Env(db, "POSTGRES_DB");
        RunPsql(d, db, name, "CREATE TABLE runtime_check (id int PRIMARY KEY, note text NOT NULL); INSERT INTO runtime_check VALUES (1, 'written-before-recreate');");
        d.Recreate(db);
        Assert.Equal("written-before-recreate", RunPsql(d, db, name, "SELECT note FROM runtime_check WHERE id = 1;"));
    }

    private void BackupSidecarDumpRestoresIntoAFreshDatabase(Deployment d, string system, ProgramResource db)
    {
        // Dev has no backups; the sidecar is the one the staging program of the same system runs, started beside
        // the dev database with the same generated password (same network names and aliases in both programs).
        var staging = new PulumiProgram(Synth.Program(system, "staging"));
        staging.ShareGeneratedWith(d.Program);
        var sd = new Deployment(system, staging, removeStale: false);
        var backup = staging.OfType(PulumiProgram.ContainerType).Single(c => Deployment.Label(c, "platform.role") == "backup");
        var plan = sd.Plan(backup);
        var volumes = ((List<object?>)staging.ResolvedProperties(backup)["volumes"]!).Cast<Dictionary<string, object?>>().ToList();
        foreach (var v in staging.OfType(PulumiProgram.VolumeType).Where(v => volumes.Any(m => (string?)m["volumeName"] == (string?)v.Properties["name"])))
            sd.CreateVolume(v);

        // Was a composer defect: the backup volume was root-owned while the sidecar runs as 70. The program's
        // volume-init one-shot now chowns it (run by sd.Up below, after this probe); the harness only chowns here
        // if the probe fails, and says so in the output (ComposerDefectTests pins the fix).
        var backupDir = sd.Env(backup, "BACKUP_DIR");
        var user = (string)staging.ResolvedProperties(backup)["user"]!;
        var vol = volumes.Single(m => (string?)m["containerPath"] == backupDir);
        var probe = DockerCli.Run(["run", "--rm", "--label", Deployment.TestLabel + "=" + system, "--user", user, "-v", $"{vol["volumeName"]}:{backupDir}", "local/busybox", "sh", "-c", $"touch {backupDir}/.probe && rm {backupDir}/.probe"]);
        if (!probe.Ok)
        {
            output.WriteLine($"COMPOSER DEFECT: backup volume {vol["volumeName"]} is not writable by the sidecar user {user} ({probe.Stderr.Trim()}); harness chowns it");
            DockerCli.Ok(["run", "--rm", "--label", Deployment.TestLabel + "=" + system, "-v", $"{vol["volumeName"]}:{backupDir}", "local/busybox", "chown", user, backupDir]);
        }

        sd.Up([backup]);
        var run = sd.Exec(plan.Name, "sh", "/opt/backup/backup.sh", "daily");
        Assert.True(run.Ok, $"backup.sh daily in {sd.Describe(backup)} failed:\n{run}");
        var dump = run.Stdout.Split('\n').Single(l => l.StartsWith("backup: wrote ", StringComparison.Ordinal))["backup: wrote ".Length..].Trim();

        var fresh = d.Env(db, "POSTGRES_DB") + "_restored";
        var restore = DockerCli.Run(["exec", "-e", "PGDATABASE=" + fresh, plan.Name, "sh", "/opt/backup/restore.sh", dump], TimeSpan.FromSeconds(120));
        Assert.True(restore.Ok, $"restore.sh {dump} into the fresh database {fresh} failed:\n{restore}");
        Assert.Contains($"creating database \"{fresh}\"", restore.Stdout);
        Assert.Equal("written-before-recreate", RunPsql(d, db, fresh, "SELECT note FROM runtime_check WHERE id = 1;"));
        output.WriteLine(sd.Log);
    }

    /// <summary>
    /// nginx (config exactly as shipped) routes a health path to its upstream; the upstream container is then
    /// recreated with a new address and nginx must reach it again within the resolver's validity (it would keep
    /// the stale address forever if it resolved names only at startup).
    /// </summary>
    private static void NginxFollowsARecreatedUpstream(Deployment d, ProgramResource proxy)
    {
        var plan = d.Plan(proxy);
        var uploads = (List<object?>)d.Program.ResolvedProperties(proxy)["uploads"]!;
        var conf = uploads.Cast<Dictionary<string, object?>>().Single(u => (string?)u["file"] == "/etc/nginx/nginx.conf")["content"] as string ?? "";
        var route = System.Text.RegularExpressions.Regex.Match(conf, @"location = (/\S+) \{[^}]*proxy_pass http://\$upstream_(\w+)/");
        Assert.True(route.Success, $"{d.Describe(proxy)}: no health route to an upstream in the shipped nginx.conf");
        var path = route.Groups[1].Value;
        var server = System.Text.RegularExpressions.Regex.Match(conf, @"split_clients ""\$request_id"" \$upstream_" + route.Groups[2].Value + @" \{\s*\* ([\w-]+):\d+;");
        var upstream = d.Program.OfType(PulumiProgram.ContainerType).Single(c => (string?)c.Properties["name"] == server.Groups[1].Value);
        var listen = System.Text.RegularExpressions.Regex.Match(conf, @"listen (\d+);").Groups[1].Value;

        bool Routed() => d.Exec(plan.Name, "wget", "-q", "-O", "/dev/null", $"http://127.0.0.1:{listen}{path}").Ok;
        Assert.True(Routed(), $"{d.Describe(proxy)} does not route {path} to {d.Describe(upstream)}\n{d.Diagnose(plan.Name)}");

        string Ip() => DockerCli.Ok("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", d.Plan(upstream).Name);
        var before = Ip();
        // Remove the upstream and hold its old address with a placeholder, so the recreated upstream gets a new one.
        DockerCli.Ok("rm", "-f", d.Plan(upstream).Name);
        var holder = DockerCli.Ok(["create", "--label", Deployment.TestLabel + "=" + d.System, "--network", d.Plan(upstream).Networks[0], "local/busybox", "sleep", "600"]);
        foreach (var net in d.Plan(upstream).Networks.Skip(1)) DockerCli.Ok("network", "connect", net, holder);
        DockerCli.Ok("start", holder);
        d.CreateAndStart(upstream);
        d.WaitHealthy([upstream]);
        Assert.NotEqual(before, Ip());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(Infra.Components.Configs.NginxConfig.ResolverValidSeconds + 15);
        while (!Routed() && DateTime.UtcNow < deadline) Thread.Sleep(1000);
        Assert.True(Routed(), $"{d.Describe(proxy)} still does not reach {d.Describe(upstream)} {path} after it was recreated at a new address ({before.Trim()} -> {Ip().Trim()})\n{d.Diagnose(plan.Name)}");
    }

    private static void RedisWriteSurvivesRecreate(Deployment d, ProgramResource cache)
    {
        var (net, alias) = d.AppAddress(cache);
        string Cli(params string[] args)
        {
            var r = d.Client(net, "local/redis", ["REDISCLI_AUTH=" + d.Env(cache, "REDIS_PASSWORD")], ["redis-cli", "-h", alias, .. args]);
            Assert.True(r.Ok, $"redis-cli against {d.Describe(cache)} failed:\n{r}");
            return r.Stdout.Trim();
        }
        Assert.Equal("OK", Cli("SET", "runtime-check", "written-before-recreate"));
        d.Recreate(cache);
        Assert.Equal("written-before-recreate", Cli("GET", "runtime-check"));
    }
}

[Collection("runtime pinai")]
public sealed class PinaiRuntimeTests(ITestOutputHelper output) : SeedSystemRuntimeTests(output)
{
    [Fact]
    public void Dev_program_runs_healthy_keeps_its_data_and_hides_internal_services() => DeployAndCheck("pinai");
}

[Collection("runtime pliers")]
public sealed class PliersRuntimeTests(ITestOutputHelper output) : SeedSystemRuntimeTests(output)
{
    [Fact]
    public void Dev_program_runs_healthy_keeps_its_data_and_hides_internal_services() => DeployAndCheck("pliers");
}

[Collection("runtime consensusnet")]
public sealed class ConsensusNetRuntimeTests(ITestOutputHelper output) : SeedSystemRuntimeTests(output)
{
    [Fact]
    public void Dev_program_runs_healthy_keeps_its_data_and_hides_internal_services() => DeployAndCheck("consensusnet");
}

[Collection("runtime vru")]
public sealed class VruRuntimeTests(ITestOutputHelper output) : SeedSystemRuntimeTests(output)
{
    [Fact]
    public void Dev_program_runs_healthy_keeps_its_data_and_hides_internal_services() => DeployAndCheck("vru");
}

[Collection("runtime normaldance")]
public sealed class NormalDanceRuntimeTests(ITestOutputHelper output) : SeedSystemRuntimeTests(output)
{
    [Fact]
    public void Dev_program_runs_healthy_keeps_its_data_and_hides_internal_services() => DeployAndCheck("normaldance");
}
