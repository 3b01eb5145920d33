using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Infra.Tests.Programs;
using Xunit.Abstractions;

namespace Infra.Tests.Runtime;

/// <summary>
/// Point-in-time recovery (seed 004 row 004-23) on the engine, with NormalDance's prod database and backup sidecar exactly
/// as shipped: base backups by the sidecar's basebackup.sh, the archive pruned to what the oldest kept base backup needs,
/// and a restore with the shipped pitr-restore.sh into a fresh database container, to the end of the archive and to a
/// point in time.
/// </summary>
[Collection("runtime normaldance")]
[Trait("Category", RuntimeCollection.Category)]
public class PostgresPitrRuntimeTests(ITestOutputHelper output)
{
    private static readonly Regex Segment = new("^[0-9A-F]{24}$");

    [Fact]
    public void Base_backups_prune_the_archive_and_restore_to_the_end_of_the_archive_and_to_a_point_in_time()
    {
        var program = new PulumiProgram(Synth.Program("normaldance", "prod"));
        using var d = new Deployment("normaldance-pitr", program);
        try
        {
            var containers = program.OfType(PulumiProgram.ContainerType).ToList();
            var db = containers.Single(c => Deployment.Label(c, "platform.role") == "database");
            var backup = containers.Single(c => Deployment.Label(c, "platform.role") == "backup");
            d.CreateNetworksAndVolumes();
            d.Up([db, backup]);
            var dbName = d.Plan(db).Name;
            var sidecar = d.Plan(backup).Name;
            var archive = d.Env(backup, "WAL_ARCHIVE_DIR");
            var user = (string)program.ResolvedProperties(db)["user"]!;
            string Volume(ProgramResource c, string path) => (string)((List<object?>)program.ResolvedProperties(c)["volumes"]!)
                .Cast<Dictionary<string, object?>>().Single(v => (string?)v["containerPath"] == path)["volumeName"]!;
            var dataVolume = Volume(db, "/var/lib/postgresql/data");
            var backupVolume = Volume(backup, d.Env(backup, "BACKUP_DIR"));
            var archiveVolume = Volume(db, archive);

            string Sql(string sql)
            {
                var r = DockerCli.Run(["exec", "-e", "PGPASSWORD=" + d.Env(db, "POSTGRES_PASSWORD"), dbName,
                    "psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-tA", "-h", "127.0.0.1", "-U", d.Env(db, "POSTGRES_USER"), "-d", d.Env(db, "POSTGRES_DB"), "-c", sql]);
                Assert.True(r.Ok, $"psql in {d.Describe(db)} failed:\n{r}\n{d.Diagnose(dbName)}");
                return r.Stdout.Trim();
            }
            string InSidecar(string command)
            {
                var r = d.Exec(sidecar, "sh", "-c", command);
                Assert.True(r.Ok, $"{command} in {d.Describe(backup)} failed:\n{r}\n{d.Diagnose(sidecar)}");
                return r.Stdout;
            }
            List<string> BaseBackups() => [.. InSidecar("for l in /backups/base/*/backup_label; do [ -f \"$l\" ] && dirname \"$l\"; done | sort")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)];
            List<string> Segments() => [.. InSidecar("ls " + archive).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(s => Segment.IsMatch(s)).Order(StringComparer.Ordinal)];

            // The sidecar takes the first base backup when it starts (the archive is useless without one).
            var until = DateTime.UtcNow.AddSeconds(90);
            while (BaseBackups().Count == 0 && DateTime.UtcNow < until) Thread.Sleep(1000);
            var first = Assert.Single(BaseBackups());
            Assert.Equal("replicator", Sql("SELECT string_agg(rolname, ',') FROM pg_roles WHERE rolreplication AND NOT rolsuper;"));

            Sql("CREATE TABLE pitr_check (id int PRIMARY KEY, note text NOT NULL); INSERT INTO pitr_check VALUES (1, 'before-the-base-backups');");
            Sql("SELECT pg_switch_wal();");
            WaitArchived(Sql);
            var segmentsBefore = Segments();

            // 14 kept (KEEP in basebackup.sh): 14 more runs push the startup backup out; the archive then starts at the
            // oldest kept backup's first segment, and holds every segment from there on (each kept backup restorable).
            var keep = int.Parse(Regex.Match(InSidecar("cat /opt/backup/basebackup.sh"), @"(?m)^KEEP=(\d+)$").Groups[1].Value, CultureInfo.InvariantCulture);
            var runs = new List<(double Seconds, string Output)>();
            for (var i = 0; i < keep; i++)
            {
                var sw = Stopwatch.StartNew();
                var run = d.Exec(sidecar, "sh", "/opt/backup/basebackup.sh");
                Assert.True(run.Ok, $"basebackup.sh (run {i + 1}) failed:\n{run}\n{d.Diagnose(dbName)}");
                runs.Add((sw.Elapsed.TotalSeconds, run.Stdout));
            }
            foreach (var (s, o) in runs.Take(2).Concat(runs.TakeLast(1))) output.WriteLine($"basebackup.sh {s:0.0}s:\n{o}");
            var kept = BaseBackups();
            Assert.Equal(keep, kept.Count);
            Assert.DoesNotContain(first, kept);
            Assert.Contains("basebackup: retention removes " + first, runs[^1].Output);
            var oldestWal = Regex.Match(InSidecar($"cat {kept[0]}/backup_label"), @"START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)").Groups[1].Value;
            Assert.Contains($"archive keeps WAL from {oldestWal}", runs[^1].Output);
            var segmentsAfter = Segments();
            Assert.All(segmentsAfter, s => Assert.True(string.CompareOrdinal(s[8..], oldestWal[8..]) >= 0, $"{s} is older than {oldestWal}, which the oldest kept base backup starts from"));
            var removed = segmentsBefore.Where(s => string.CompareOrdinal(s[8..], oldestWal[8..]) < 0).ToList();
            Assert.NotEmpty(removed);
            Assert.All(removed, s => Assert.DoesNotContain(s, segmentsAfter));
            Assert.Equal(oldestWal, segmentsAfter[0]);
            // 16 MB segments: 256 per "log" (the middle 8 hex digits), so the linear number is log * 256 + segment.
            var numbers = segmentsAfter.Select(s => Convert.ToUInt64(s[8..16], 16) * 0x100 + Convert.ToUInt64(s[16..], 16)).ToList();
            Assert.True(numbers.SequenceEqual(Enumerable.Range(0, numbers.Count).Select(i => numbers[0] + (ulong)i)),
                $"the archive has gaps after {oldestWal}: {string.Join(' ', segmentsAfter)}");
            var sizes = InSidecar($"du -sk {kept[^1]} {archive} | cut -f1").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            output.WriteLine($"newest base backup {sizes[0]} kB; archive {sizes[1]} kB in {segmentsAfter.Count} segments (was {segmentsBefore.Count}; removed {removed.Count}); base backup times {string.Join(' ', runs.Select(r => r.Seconds.ToString("0.0", CultureInfo.InvariantCulture)))} s");

            // Rows after the newest base backup exist only in the archive; `target` lies between the two.
            Sql("INSERT INTO pitr_check VALUES (2, 'after-the-base-backup');");
            Thread.Sleep(1500);
            var target = Sql("SELECT to_char(date_trunc('second', now() AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI:SS');");
            Thread.Sleep(1500);
            Sql("INSERT INTO pitr_check VALUES (3, 'after-the-target-time');");
            Sql("SELECT pg_switch_wal();");
            WaitArchived(Sql);
            var script = Encoding.UTF8.GetBytes(InSidecar("cat /opt/backup/pitr-restore.sh"));

            void RestoreIntoAFreshContainer(params string[] args)
            {
                var sw = Stopwatch.StartNew();
                DockerCli.Ok("rm", "-f", dbName);
                DockerCli.Ok(["run", "--rm", "--label", Deployment.TestLabel + "=" + d.System, "--user", user, "-v", dataVolume + ":/var/lib/postgresql/data",
                    "local/postgres", "rm", "-rf", d.Env(db, "PGDATA")]);
                // As the script's header says: its text from the sidecar, run in the database image as the database user.
                var restore = DockerCli.Run(["run", "-i", "--rm", "--label", Deployment.TestLabel + "=" + d.System, "--user", user,
                    "-v", dataVolume + ":/var/lib/postgresql/data", "-v", backupVolume + ":/backups:ro", "-v", archiveVolume + ":" + archive + ":ro",
                    "local/postgres", "sh", "-s", "--", .. args], TimeSpan.FromSeconds(120), script);
                Assert.True(restore.Ok, $"pitr-restore.sh {string.Join(' ', args)} failed:\n{restore}");
                output.WriteLine(restore.Stdout);
                d.CreateAndStart(db);
                d.WaitHealthy([db]);
                var end = DateTime.UtcNow.AddSeconds(60);
                while (Sql("SELECT pg_is_in_recovery();") != "f" && DateTime.UtcNow < end) Thread.Sleep(500);
                Assert.True(Sql("SELECT pg_is_in_recovery();") == "f", $"still in recovery after 60 s\n{d.Diagnose(dbName)}");
                output.WriteLine($"restore {string.Join(' ', args)}: {sw.Elapsed.TotalSeconds:0.0} s to a promoted server");
            }

            RestoreIntoAFreshContainer();
            Assert.Equal("1 before-the-base-backups|2 after-the-base-backup|3 after-the-target-time", Sql("SELECT string_agg(id || ' ' || note, '|' ORDER BY id) FROM pitr_check;"));

            RestoreIntoAFreshContainer("--target-time", target);
            Assert.Equal("1 before-the-base-backups|2 after-the-base-backup", Sql("SELECT string_agg(id || ' ' || note, '|' ORDER BY id) FROM pitr_check;"));
            Sql("INSERT INTO pitr_check VALUES (4, 'written-after-recovery');");

            // A data directory that is not empty is refused.
            var refused = DockerCli.Run(["run", "-i", "--rm", "--label", Deployment.TestLabel + "=" + d.System, "--user", user,
                "-v", dataVolume + ":/var/lib/postgresql/data", "-v", backupVolume + ":/backups:ro", "-v", archiveVolume + ":" + archive + ":ro",
                "local/postgres", "sh", "-s"], TimeSpan.FromSeconds(60), script);
            Assert.Equal(3, refused.ExitCode);
            Assert.Contains("not empty", refused.Stderr);
        }
        finally
        {
            output.WriteLine(d.Log);
        }
    }

    private static void WaitArchived(Func<string, string> sql)
    {
        var current = sql("SELECT pg_walfile_name(pg_current_wal_lsn());");
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            var last = sql("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver;");
            if (last.Length == 24 && string.CompareOrdinal(last[8..], PreviousOf(current)[8..]) >= 0) return;
            Thread.Sleep(500);
        }
        Assert.Fail($"the segment before {current} was not archived within 30 s: {sql("SELECT archived_count || ' ' || failed_count FROM pg_stat_archiver;")}");
    }

    private static string PreviousOf(string segment)
    {
        var log = Convert.ToUInt32(segment[8..16], 16);
        var seg = Convert.ToUInt32(segment[16..], 16);
        if (seg == 0) { log--; seg = 0xFF; } else seg--;
        return segment[..8] + log.ToString("X8", CultureInfo.InvariantCulture) + seg.ToString("X8", CultureInfo.InvariantCulture);
    }
}
