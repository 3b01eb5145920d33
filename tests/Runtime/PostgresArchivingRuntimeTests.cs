using Infra.Components.Configs;
using Infra.Tests.Programs;
using Xunit.Abstractions;

namespace Infra.Tests.Runtime;

/// <summary>A config-generator defect that only shows when PostgreSQL runs in its container.</summary>
[Collection("runtime pliers")]
[Trait("Category", RuntimeCollection.Category)]
public class PostgresArchivingRuntimeTests(ITestOutputHelper output)
{
    /// <summary>
    /// The prod program's PostgreSQL (WAL archiving on), exactly as shipped, in the look-alike image as UID 70:
    /// a forced WAL switch must be archived without a single failed attempt. Before the fix archive_command
    /// copied into /var/lib/postgresql/wal-archive, which nothing creates: every attempt failed, forever.
    /// </summary>
    [Fact]
    public void Prod_postgres_archives_wal_segments()
    {
        var program = new PulumiProgram(Synth.Program("pliers", "prod"));
        using var d = new Deployment("pliers-prod-archiving", program);
        try
        {
            var db = program.OfType(PulumiProgram.ContainerType).Single(c => Deployment.Label(c, "platform.role") == "database");
            d.CreateNetworksAndVolumes();
            d.Up([db]);
            var name = d.Plan(db).Name;
            string Sql(string sql)
            {
                var r = DockerCli.Run(["exec", "-e", "PGPASSWORD=" + d.Env(db, "POSTGRES_PASSWORD"), name,
                    "psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-tA", "-h", "127.0.0.1", "-U", d.Env(db, "POSTGRES_USER"), "-d", d.Env(db, "POSTGRES_DB"), "-c", sql]);
                Assert.True(r.Ok, $"psql in {d.Describe(db)} failed:\n{r}");
                return r.Stdout.Trim();
            }
            Assert.Equal("on", Sql("SHOW archive_mode;"));
            Sql("CREATE TABLE archive_check AS SELECT g FROM generate_series(1, 1000) g;");
            Sql("SELECT pg_switch_wal();");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            string stats;
            while (true)
            {
                stats = Sql("SELECT archived_count || ' ' || failed_count || ' ' || coalesce(last_failed_wal, '-') FROM pg_stat_archiver;");
                if (!stats.StartsWith("0 ", StringComparison.Ordinal) || DateTime.UtcNow > deadline) break;
                Thread.Sleep(1000);
            }
            var f = stats.Split(' ');
            Assert.True(int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture) >= 1 && f[1] == "0",
                $"{d.Describe(db)}: WAL archiving does not work (archived_count failed_count last_failed_wal = {stats})\n{d.Diagnose(name)}");
            var archived = DockerCli.Run(["exec", name, "sh", "-c", "ls " + PostgresTuning.DefaultArchiveDir]);
            Assert.True(archived.Ok && archived.Stdout.Trim().Length > 0, archived.ToString());
            Assert.DoesNotContain(".partial", archived.Stdout);
        }
        finally
        {
            output.WriteLine(d.Log);
        }
    }
}
