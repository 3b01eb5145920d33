using Infra.Tests.Programs;

namespace Infra.Tests.Runtime;

/// <summary>
/// Composer defects found by the runtime tier (issue 9 part 2) that only show on an engine. The ones visible in the
/// program text alone are in <see cref="DockerComposerDefectTests"/>.
/// </summary>
[Collection(RuntimeCollection.Name)]
[Trait("Category", RuntimeCollection.Category)]
public class ComposerDefectTests
{
    private static PulumiProgram Env(string system, string env) => new(Synth.Program(system, env));
    private static IEnumerable<ProgramResource> Containers(PulumiProgram p) => p.OfType(PulumiProgram.ContainerType);
    private static List<Dictionary<string, object?>> Maps(object? v) => v is List<object?> l ? l.Cast<Dictionary<string, object?>>().ToList() : [];
    private static IEnumerable<string> DependsOn(ProgramResource c) =>
        c.Options.TryGetValue("dependsOn", out var d) && d is List<object?> l ? l.Cast<string>().Select(s => s.Trim('$', '{', '}')) : [];

    // #2/#3: a new volume was root-owned while its service runs as a non-root UID (backup sidecar 70:70, PinAI 1000:1000).
    // The one-shot volume-init container the service depends on gives the volume to the service's user.
    [Theory]
    [InlineData("pliers", "staging", "backup")]
    [InlineData("pinai", "dev", "registry")]
    [InlineData("vru", "dev", "ml-engine")] // the read-only models volume: its loader runs as the service's user (seed 003-20)
    public void Service_volumes_are_writable_by_the_service_user(string system, string env, string service)
    {
        var p = Env(system, env);
        var c = Containers(p).First(x => Deployment.Label(x, "platform.service") == service && Deployment.Label(x, "platform.role") != "volume-init");
        var scope = $"defect-{system}-{service}";
        using var d = new Deployment(scope, p);
        d.CreateNetworksAndVolumes();
        var inits = Containers(p).Where(x => DependsOn(c).Contains(x.Name) && Deployment.Label(x, "platform.role") == "volume-init").ToList();
        Assert.NotEmpty(inits);
        d.Up(inits);
        var props = p.ResolvedProperties(c);
        foreach (var m in Maps(props["volumes"]).Where(m => m.ContainsKey("volumeName")))
        {
            var r = DockerCli.Run(["run", "--rm", "--label", $"{Deployment.TestLabel}={scope}", "--user", (string)props["user"]!,
                "-v", $"{m["volumeName"]}:{m["containerPath"]}", "local/busybox", "touch", $"{m["containerPath"]}/probe"]);
            Assert.True(r.Ok, $"{c.Name} runs as {props["user"]} but cannot write its volume at {m["containerPath"]}: {r.Stderr.Trim()}");
        }
    }

    // #4: the prod WAL archive lived in the container's writable layer: a recreate lost every archived segment.
    [Fact]
    public void Wal_archive_survives_a_postgres_recreate()
    {
        var p = Env("pliers", "prod");
        var db = Containers(p).Single(c => Deployment.Label(c, "platform.role") == "database");
        var inits = Containers(p).Where(x => DependsOn(db).Contains(x.Name)).ToList();
        using var d = new Deployment("defect-wal-volume", p);
        d.CreateNetworksAndVolumes();
        d.Up([.. inits, db]);
        var name = d.Plan(db).Name;
        DockerCli.Ok(["exec", "-e", "PGPASSWORD=" + d.Env(db, "POSTGRES_PASSWORD"), name, "psql", "-h", "127.0.0.1", "-U", d.Env(db, "POSTGRES_USER"),
            "-d", d.Env(db, "POSTGRES_DB"), "-c", "CREATE TABLE t AS SELECT 1 AS x; SELECT pg_switch_wal(); SELECT pg_sleep(3);"]);
        var before = DockerCli.Ok("exec", name, "ls", Infra.Components.Configs.PostgresTuning.DefaultArchiveDir).Trim();
        Assert.NotEmpty(before);
        d.Recreate(db);
        var after = DockerCli.Run("exec", name, "ls", Infra.Components.Configs.PostgresTuning.DefaultArchiveDir);
        Assert.True(after.Ok && after.Stdout.Contains(before.Split('\n')[0]), $"archived WAL lost on recreate (before: {before}; after: {after.Stdout}{after.Stderr})");
        // The backup sidecar mounts the same archive read-write: its basebackup.sh prunes it (PostgresPitrRuntimeTests).
        var backup = Containers(p).Single(c => Deployment.Label(c, "platform.role") == "backup");
        Assert.Contains(Maps(p.ResolvedProperties(backup)["volumes"]), v => (string?)v["containerPath"] == Infra.Components.Configs.PostgresTuning.DefaultArchiveDir
            && v.GetValueOrDefault("readOnly") is false or "false" && (string?)v["volumeName"] == "pliers-postgres-wal-archive");
    }
}
