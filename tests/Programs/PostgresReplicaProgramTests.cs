using Infra.Components.Configs;
using Infra.Tests.Runtime;

namespace Infra.Tests.Programs;

/// <summary>
/// Streaming standbys in the Docker programs (seed 004 row 004-08), from the program text. The runtime proof is
/// <see cref="PostgresReplicaRuntimeTests"/>; their standby.sh is shellchecked by <see cref="PostgresPitrProgramTests"/>.
/// </summary>
public sealed class PostgresReplicaProgramTests
{
    private static List<Dictionary<string, object?>> Maps(object? v) => PostgresPitrProgramTests.Maps(v);
    private static Dictionary<string, string> Uploads(ProgramResource c) => PostgresPitrProgramTests.Uploads(c);
    private static string Env(ProgramResource c, string key) => PostgresPitrProgramTests.Env(c, key);

    /// <summary>Seed 004 row 004-08 (prod): two streaming standbys, least privilege, own protected volumes, a read-only alias.</summary>
    [Theory, MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Prod_databases_have_two_streaming_standbys_that_clone_as_the_replication_role(string system, string env)
    {
        var program = new PulumiProgram(Synth.Program(system, env));
        var containers = program.OfType(PulumiProgram.ContainerType).ToList();
        var db = containers.SingleOrDefault(c => Deployment.Label(c, "platform.role") == "database");
        var replicas = containers.Where(c => Deployment.Label(c, "platform.role") == "database-replica").ToList();
        if (db is null || env != "prod")
        {
            Assert.Empty(replicas);
            return;
        }
        Assert.Equal(2, replicas.Count);
        var backup = containers.Single(c => Deployment.Label(c, "platform.role") == "backup");
        var dbName = (string)db.Properties["name"]!;
        var volumes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in replicas)
        {
            var name = (string)r.Properties["name"]!;
            // The replication role's password only: the superuser's password is not in a standby's environment.
            Assert.Equal(Env(backup, "REPLICATION_PASSWORD"), Env(r, "REPLICATION_PASSWORD"));
            Assert.DoesNotContain((List<object?>)r.Properties["envs"]!, e => ((string)e!).Contains(Env(db, "POSTGRES_PASSWORD"), StringComparison.Ordinal));
            Assert.Equal(PostgresConfig.ReplicationUser, Env(r, "REPLICATION_USER"));
            Assert.Equal(db.Properties["user"], r.Properties["user"]);
            // The primary's own postgresql.conf and pg_hba.conf, and the standby script (no secret in it).
            var files = Uploads(r);
            Assert.Equal(Uploads(db)["/etc/postgresql/postgresql.conf"], files["/etc/postgresql/postgresql.conf"]);
            Assert.Equal(Uploads(db)["/etc/postgresql/pg_hba.conf"], files["/etc/postgresql/pg_hba.conf"]);
            Assert.Contains("--write-recovery-conf", files["/opt/postgres/standby.sh"], StringComparison.Ordinal);
            Assert.DoesNotMatch(@"(?<!\$)\$\{[A-Za-z0-9.-]+\}", files["/opt/postgres/standby.sh"]);
            // Its own data volume, protected; healthy only in recovery and streaming; after the primary and the sidecar.
            var data = Maps(r.Properties["volumes"]).Single(v => (string?)v["containerPath"] == "/var/lib/postgresql/data");
            Assert.True(volumes.Add((string)data["volumeName"]!), $"{name} shares a data volume");
            var volume = program.Get(((string)data["volumeName"]!)[2..^".name}".Length]);
            Assert.True(volume.Options.GetValueOrDefault("protect") is true or "true", $"{name}: data volume not protected");
            Assert.True(volume.Options.GetValueOrDefault("retainOnDelete") is true or "true", $"{name}: data volume not retained");
            var health = string.Join(' ', ((List<object?>)((Dictionary<string, object?>)r.Properties["healthcheck"]!)["tests"]!).Cast<string>());
            Assert.Contains("standby.signal", health, StringComparison.Ordinal);
            Assert.Contains("[w]alreceiver streaming", health, StringComparison.Ordinal);
            var deps = ((List<object?>)r.Options["dependsOn"]!).Cast<string>().ToList();
            Assert.Contains("${" + db.Name + "}", deps);
            Assert.Contains("${" + backup.Name + "}", deps);
            // Services reach them under one read-only alias beside the primary's.
            var aliases = Maps(r.Properties["networksAdvanced"]).SelectMany(n => ((List<object?>)n["aliases"]!).Cast<string>()).Distinct().ToList();
            Assert.Equal([Maps(db.Properties["networksAdvanced"]).SelectMany(n => ((List<object?>)n["aliases"]!).Cast<string>()).First() + "-replica"], aliases);
            Assert.NotEqual(dbName, name);
        }
    }
}
