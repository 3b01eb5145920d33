using System.Diagnostics;
using Infra.Tests.Programs;
using Xunit.Abstractions;

namespace Infra.Tests.Runtime;

/// <summary>Streaming standbys (seed 004 row 004-08) of NormalDance's prod database on the engine, exactly as shipped.</summary>
[Collection("runtime normaldance")]
[Trait("Category", RuntimeCollection.Category)]
public class PostgresReplicaRuntimeTests(ITestOutputHelper output)
{
    /// <summary>
    /// Seed 004 row 004-08: the prod program's two streaming standbys, exactly as shipped, clone the primary as the
    /// replication role, become healthy (in recovery, streaming), show a row written on the primary within seconds, and
    /// refuse writes. The replication role cannot open a database session.
    /// </summary>
    [Fact]
    public void Streaming_replicas_follow_the_primary_and_refuse_writes()
    {
        var program = new PulumiProgram(Synth.Program("normaldance", "prod"));
        using var d = new Deployment("normaldance-replicas", program);
        try
        {
            var containers = program.OfType(PulumiProgram.ContainerType).ToList();
            var db = containers.Single(c => Deployment.Label(c, "platform.role") == "database");
            var backup = containers.Single(c => Deployment.Label(c, "platform.role") == "backup");
            var replicas = containers.Where(c => Deployment.Label(c, "platform.role") == "database-replica").ToList();
            Assert.Equal(2, replicas.Count);
            d.CreateNetworksAndVolumes();
            var sw = Stopwatch.StartNew();
            d.Up([db, backup, .. replicas]);
            output.WriteLine($"primary, backup sidecar and {replicas.Count} standbys healthy after {sw.Elapsed.TotalSeconds:0.0} s");

            DockerResult Psql(ProgramResource c, string sql, string? user = null, string? password = null) =>
                DockerCli.Run(["exec", "-e", "PGPASSWORD=" + (password ?? d.Env(db, "POSTGRES_PASSWORD")), d.Plan(c).Name,
                    "psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-tA", "-h", "127.0.0.1", "-U", user ?? d.Env(db, "POSTGRES_USER"), "-d", d.Env(db, "POSTGRES_DB"), "-c", sql]);
            string Sql(ProgramResource c, string sql)
            {
                var r = Psql(c, sql);
                Assert.True(r.Ok, $"psql in {d.Describe(c)} failed:\n{r}\n{d.Diagnose(d.Plan(c).Name)}");
                return r.Stdout.Trim();
            }

            Assert.Equal("2", Sql(db, "SELECT count(*) FROM pg_stat_replication WHERE usename = 'replicator' AND state = 'streaming';"));
            Sql(db, "CREATE TABLE replica_check (id int PRIMARY KEY, note text NOT NULL); INSERT INTO replica_check VALUES (1, 'written-on-the-primary');");
            foreach (var r in replicas)
            {
                Assert.Equal("t", Sql(r, "SELECT pg_is_in_recovery();"));
                var seen = Stopwatch.StartNew();
                string note;
                while ((note = Psql(r, "SELECT note FROM replica_check WHERE id = 1;").Stdout.Trim()) != "written-on-the-primary" && seen.Elapsed < TimeSpan.FromSeconds(5))
                    Thread.Sleep(100);
                Assert.True(note == "written-on-the-primary", $"{d.Describe(r)} does not show the primary's row after 5 s\n{d.Diagnose(d.Plan(r).Name)}");
                output.WriteLine($"{d.Plan(r).Name}: row visible after {seen.Elapsed.TotalMilliseconds:0} ms");
                var write = Psql(r, "INSERT INTO replica_check VALUES (2, 'written-on-a-replica');");
                Assert.False(write.Ok, $"{d.Describe(r)} accepted a write");
                Assert.Contains("read-only transaction", write.Stderr);
            }
            var asReplicator = Psql(db, "SELECT 1;", "replicator", d.Env(backup, "REPLICATION_PASSWORD"));
            Assert.False(asReplicator.Ok, "the replication role opened a database session");
            Assert.Contains("pg_hba.conf rejects connection", asReplicator.Stderr);
        }
        finally
        {
            output.WriteLine(d.Log);
        }
    }
}
