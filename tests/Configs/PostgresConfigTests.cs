using System.Globalization;
using Infra.Components.Configs;
using Infra.Tests.Configs.Support;

namespace Infra.Tests.Configs;

/// <summary>A throwaway PostgreSQL 15 cluster (initdb as the postgres user, scram-sha-256), started per test with generated configs.</summary>
public sealed class PostgresCluster : IDisposable
{
    public const string Password = "drill-Secret-1";
    private readonly TempDir _root = new("pgcluster-");
    private bool _running;

    public PostgresCluster()
    {
        DataDir = Path.Combine(_root.Path, "data");
        SocketDir = _root.Sub("sock");
        ArchiveDir = _root.Sub("archive");
        var pwfile = _root.File("pwfile", Password + "\n");
        Chown(_root.Path);
        AsPostgres(Tools.Pg("initdb"), "-D", DataDir, "-U", "postgres", "--auth=scram-sha-256", "--pwfile=" + pwfile,
            "-E", "UTF8", "--locale=C", "--no-sync");
        File.Delete(pwfile);
    }

    public string DataDir { get; }
    public string SocketDir { get; }
    public string ArchiveDir { get; }
    public int Port { get; private set; }

    public void Start(PostgresTuning tuning, IReadOnlyList<string>? clientCidrs = null)
    {
        Stop();
        Port = Ports.Free();
        var conf = PostgresConfig.RenderPostgresqlConf(tuning with { ArchiveDir = ArchiveDir }, new PostgresListen(Port, "127.0.0.1", SocketDir));
        File.WriteAllText(Path.Combine(DataDir, "postgresql.conf"), conf);
        File.WriteAllText(Path.Combine(DataDir, "pg_hba.conf"), PostgresConfig.RenderPgHba(clientCidrs ?? ["172.20.0.0/16"]));
        Chown(DataDir);
        AsPostgres(Tools.Pg("pg_ctl"), "-D", DataDir, "-l", Path.Combine(_root.Path, "server.log"), "-w", "-t", "30", "start");
        _running = true;
    }

    public void Stop()
    {
        if (!_running) return;
        _running = false;
        AsPostgres(Tools.Pg("pg_ctl"), "-D", DataDir, "-m", "fast", "-w", "stop");
    }

    public string ServerLog => File.Exists(Path.Combine(_root.Path, "server.log")) ? File.ReadAllText(Path.Combine(_root.Path, "server.log")) : "";

    /// <summary>libpq environment for clients and the generated scripts (TCP on loopback, password from the environment).</summary>
    public Dictionary<string, string?> Env(string database, string? password = Password) => new()
    {
        ["PGHOST"] = "127.0.0.1",
        ["PGPORT"] = Port.ToString(CultureInfo.InvariantCulture),
        ["PGUSER"] = "postgres",
        ["PGPASSWORD"] = password,
        ["PGDATABASE"] = database,
        ["PGCONNECT_TIMEOUT"] = "5",
        ["PATH"] = Tools.PgBin + ":" + Environment.GetEnvironmentVariable("PATH"),
    };

    internal ProcResult Psql(string database, string sql, string? password = Password) =>
        Proc.Run(Tools.Pg("psql"), ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-f", "-"], Env(database, password), sql);

    public string PsqlOk(string database, string sql)
    {
        var r = Psql(database, sql);
        Assert.True(r.ExitCode == 0, $"psql failed: {r}\n{sql}");
        return r.Stdout.TrimEnd('\n');
    }

    private static void Chown(string path) => Proc.RunOk("/bin/chown", ["-R", "postgres:postgres", path]);

    private void AsPostgres(string file, params string[] args)
    {
        var r = Proc.Run(Tools.Runuser, ["-u", "postgres", "--", file, .. args], timeoutSeconds: 60);
        if (r.ExitCode != 0)
            Assert.Fail($"postgres command {Path.GetFileName(file)} failed: {r}\n--- server log ---\n{ServerLog}");
    }

    public void Dispose()
    {
        try { Stop(); }
        finally { _root.Dispose(); }
    }
}

public class PostgresConfigTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Theory]
    [InlineData(SizeClass.Minimal, "128MB", "2621kB", "50", "off")]
    [InlineData(SizeClass.Medium, "512MB", "5242kB", "100", "off")]
    [InlineData(SizeClass.Full, "1GB", "5242kB", "200", "on")]
    public void Real_server_runs_with_the_tuned_config(SizeClass size, string sharedBuffers, string workMem, string maxConnections, string archiveMode)
    {
        try
        {
            cluster.Start(PostgresTuning.For(size));
            var shown = cluster.PsqlOk("postgres",
                "SHOW shared_buffers; SHOW work_mem; SHOW max_connections; SHOW password_encryption; SHOW archive_mode; SHOW listen_addresses;")
                .Split('\n');
            Assert.Equal([sharedBuffers, workMem, maxConnections, "scram-sha-256", archiveMode, "127.0.0.1"], shown);

            // scram-sha-256 is enforced: the stored verifier is SCRAM and a wrong password is refused
            Assert.Equal("t", cluster.PsqlOk("postgres", "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'postgres';"));
            var wrong = cluster.Psql("postgres", "SELECT 1;", password: "wrong");
            Assert.NotEqual(0, wrong.ExitCode);
            Assert.Contains("password authentication failed", wrong.Stderr);

            if (size == SizeClass.Full)
            {
                // WAL archiving really archives: force a segment switch and wait for the archiver
                cluster.PsqlOk("postgres", "CREATE TABLE IF NOT EXISTS walprobe(i int); INSERT INTO walprobe VALUES (1); SELECT pg_switch_wal();");
                Assert.True(Ports.WaitUntil(() => Directory.EnumerateFiles(cluster.ArchiveDir).Any(), 15000),
                    "no WAL segment archived\n" + cluster.ServerLog);
            }
        }
        finally
        {
            cluster.Stop();
        }
    }

    [Fact]
    public void Backup_and_restore_drill()
    {
        using var work = new TempDir("pgdrill-");
        var backupDir = work.Sub("backups");
        var scripts = BackupScripts.Render(SampleSystem.Backup(backupDir));
        var backup = work.File("backup.sh", scripts.Single(f => f.Path == BackupScripts.BackupPath).Content);
        var restore = work.File("restore.sh", scripts.Single(f => f.Path == BackupScripts.RestorePath).Content);
        Assert.DoesNotContain(PostgresCluster.Password, File.ReadAllText(backup) + File.ReadAllText(restore));

        const string db = "shop";
        const string rowsSql = "SELECT id, coalesce(name, '<null>'), coalesce(note, '<null>') FROM items ORDER BY id; SELECT count(*) FROM orders;";
        const string expectedRows = "1|plain|first\n2|Ünïcödé ✓ 日本語 🚀|second\n3|<null>|<null>\n2";
        try
        {
            cluster.Start(PostgresTuning.For(SizeClass.Minimal));
            cluster.PsqlOk("postgres", $"CREATE DATABASE {db};");
            cluster.PsqlOk(db, """
                CREATE TABLE items (id int PRIMARY KEY, name text, note text);
                INSERT INTO items VALUES (1, 'plain', 'first'), (2, 'Ünïcödé ✓ 日本語 🚀', 'second'), (3, NULL, NULL);
                CREATE TABLE orders (id serial PRIMARY KEY, item_id int REFERENCES items(id), qty int NOT NULL);
                INSERT INTO orders (item_id, qty) VALUES (1, 2), (2, 5);
                """);
            Assert.Equal(expectedRows, cluster.PsqlOk(db, rowsSql));

            ProcResult Run(string script, params string[] args) =>
                Proc.Run("/bin/sh", [script, .. args], WithBackupDir(cluster.Env(db), backupDir), timeoutSeconds: 60);

            // backups: hourly and daily, compressed custom-format dumps
            var hourly = Run(backup, "hourly");
            Assert.True(hourly.ExitCode == 0, hourly.ToString());
            var daily = Run(backup, "daily");
            Assert.True(daily.ExitCode == 0, daily.ToString());
            var hourlyDumps = Directory.GetFiles(Path.Combine(backupDir, "hourly"), "*.dump");
            Assert.Single(hourlyDumps);
            Assert.Matches(@"pliers_shop_hourly_\d{8}T\d{6}Z\.dump$", hourlyDumps[0]);
            Assert.Single(Directory.GetFiles(Path.Combine(backupDir, "daily"), "*.dump"));
            Assert.Empty(Directory.GetFiles(Path.Combine(backupDir, "hourly"), ".*partial"));
            Assert.Equal(64, Run(backup).ExitCode);
            Assert.Equal(64, Run(backup, "weekly").ExitCode);

            // restore refuses a non-empty database without --force, and leaves it untouched
            cluster.PsqlOk(db, "INSERT INTO items VALUES (4, 'after backup', NULL);");
            var refused = Run(restore);
            Assert.Equal(BackupScripts.RefusedExitCode, refused.ExitCode);
            Assert.Contains("refusing to restore into database \"shop\": it is not empty", refused.Stderr);
            Assert.Contains("--force", refused.Stderr);
            Assert.Equal("4", cluster.PsqlOk(db, "SELECT count(*) FROM items;"));

            // drop the database; restore recreates it from the newest dump
            cluster.PsqlOk("postgres", $"DROP DATABASE {db};");
            var restored = Run(restore);
            Assert.True(restored.ExitCode == 0, restored.ToString());
            Assert.Equal(expectedRows, cluster.PsqlOk(db, rowsSql));
            Assert.Equal("3", cluster.PsqlOk(db, "SELECT nextval('orders_id_seq');"));

            // --force replaces a non-empty database (even with an open session) by the given dump
            cluster.PsqlOk(db, "DELETE FROM orders; UPDATE items SET name = 'changed';");
            using (var session = System.Diagnostics.Process.Start(Proc.Info(Tools.Pg("psql"), ["-X", "-c", "SELECT pg_sleep(60);"], cluster.Env(db)))!)
            {
                Assert.True(Ports.WaitUntil(() => cluster.PsqlOk("postgres",
                    $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}' AND query LIKE '%pg_sleep%';") == "1"), "session did not start");
                var forced = Run(restore, "--force", hourlyDumps[0]);
                Assert.True(forced.ExitCode == 0, forced.ToString());
                Assert.Contains("dropping database \"shop\"", forced.Stdout);
                Assert.True(session.WaitForExit(10000), "open session was not terminated by --force");
            }
            Assert.Equal(expectedRows, cluster.PsqlOk(db, rowsSql));

            // a missing dump is a clear error
            var missing = Run(restore, Path.Combine(backupDir, "nope.dump"));
            Assert.Equal(66, missing.ExitCode);
            Assert.Contains("cannot read dump file", missing.Stderr);

            // retention: hourly dumps older than 48 h are deleted, newer ones and other systems' files stay
            var hourlyDir = Path.Combine(backupDir, "hourly");
            var old = Touch(hourlyDir, "pliers_shop_hourly_20200101T000000Z.dump", "3 days ago");
            var recent = Touch(hourlyDir, "pliers_shop_hourly_20200103T000000Z.dump", "47 hours ago");
            var foreign = Touch(hourlyDir, "other_shop_hourly_20200101T000000Z.dump", "3 days ago");
            var oldDaily = Touch(Path.Combine(backupDir, "daily"), "pliers_shop_daily_20200101T000000Z.dump", "15 days ago");
            var keptDaily = Touch(Path.Combine(backupDir, "daily"), "pliers_shop_daily_20200102T000000Z.dump", "13 days ago");
            var again = Run(backup, "hourly");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.False(File.Exists(old), "old hourly dump kept");
            Assert.True(File.Exists(recent), "recent hourly dump deleted");
            Assert.True(File.Exists(foreign), "another system's file deleted");
            Assert.Contains("retention removes", again.Stdout);
            Assert.True(File.Exists(oldDaily), "hourly run must not touch daily dumps");
            var againDaily = Run(backup, "daily");
            Assert.True(againDaily.ExitCode == 0, againDaily.ToString());
            Assert.False(File.Exists(oldDaily), "old daily dump kept");
            Assert.True(File.Exists(keptDaily), "daily dump within 14 days deleted");
            Assert.Equal(3, Directory.GetFiles(hourlyDir, "pliers_shop_hourly_*.dump").Length);
        }
        finally
        {
            cluster.Stop();
        }
    }

    private static Dictionary<string, string?> WithBackupDir(Dictionary<string, string?> env, string dir)
    {
        env["BACKUP_DIR"] = dir;
        return env;
    }

    private static string Touch(string dir, string name, string when)
    {
        var path = Path.Combine(dir, name);
        Proc.RunOk("/usr/bin/touch", ["-d", when, path]);
        return path;
    }

    [Theory]
    [InlineData(SizeClass.Minimal, 512, 128, 384)]
    [InlineData(SizeClass.Medium, 1024, 256, 768)]
    [InlineData(SizeClass.Full, 2048, 512, 1536)]
    [InlineData(SizeClass.Full, 16384, 1024, 3072)]
    public void Memory_settings_derive_from_the_container_limit(SizeClass size, int containerMb, int sharedBuffersMb, int effectiveCacheMb)
    {
        var t = PostgresTuning.For(size, containerMb);
        Assert.Equal(sharedBuffersMb, t.SharedBuffersMb);
        Assert.Equal(effectiveCacheMb, t.EffectiveCacheSizeMb);
        Assert.True(t.MemoryMb <= containerMb);
        Assert.Equal(PostgresTuning.For(size).WalArchiving, t.WalArchiving);
        var conf = PostgresConfig.RenderPostgresqlConf(t);
        Assert.Contains($"shared_buffers = {sharedBuffersMb}MB", conf);
        Assert.Contains($"effective_cache_size = {effectiveCacheMb}MB", conf);
    }

    [Fact]
    public void Archive_command_creates_its_directory_and_never_leaves_a_partial_segment_under_the_final_name()
    {
        var conf = PostgresConfig.RenderPostgresqlConf(PostgresTuning.For(SizeClass.Full));
        Assert.Contains("archive_command = 'mkdir -p /var/lib/postgresql/wal-archive && test ! -f /var/lib/postgresql/wal-archive/%f && cp %p /var/lib/postgresql/wal-archive/%f.partial && mv ", conf);
    }
}
