using System.Text.RegularExpressions;
using Infra.Components.Configs;
using Infra.Components.Core;
using Infra.Tests.Host;
using Infra.Tests.Runtime;

namespace Infra.Tests.Programs;

/// <summary>
/// Point-in-time recovery in the Docker programs (seed 004 row 004-23), from the program text: where PostgreSQL archives
/// WAL, the backup sidecar ships basebackup.sh and pitr-restore.sh, prunes the archive (read-write mount), connects for
/// base backups as the replication role with its own generated password, and pg_hba.conf lets that role replicate and
/// nothing else. Every backup script of every program passes shellcheck. The runtime proof is
/// <see cref="PostgresPitrRuntimeTests"/>.
/// </summary>
public sealed class PostgresPitrProgramTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("infra-backup-scripts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static List<Dictionary<string, object?>> Maps(object? v) => v is List<object?> l ? l.Cast<Dictionary<string, object?>>().ToList() : [];
    private static ProgramResource Role(PulumiProgram p, string role) => p.OfType(PulumiProgram.ContainerType).Single(c => Deployment.Label(c, "platform.role") == role);
    internal static Dictionary<string, string> Uploads(ProgramResource c) =>
        Maps(c.Properties.GetValueOrDefault("uploads")).ToDictionary(u => (string)u["file"]!, u => (string)u["permissions"]! + "\n" + (string)u["content"]!);
    internal static string Env(ProgramResource c, string key) =>
        ((List<object?>)c.Properties["envs"]!).Cast<string>().Single(e => e.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];

    [Fact]
    public void Where_wal_is_archived_the_backup_sidecar_takes_base_backups_as_the_replication_role_and_prunes_the_archive()
    {
        var archiving = 0;
        foreach (var combo in Synth.AllCombinations())
        {
            var (system, env) = ((string)combo[0], (string)combo[1]);
            var program = new PulumiProgram(Synth.Program(system, env));
            var db = program.OfType(PulumiProgram.ContainerType).SingleOrDefault(c => Deployment.Label(c, "platform.role") == "database");
            if (db is null) continue;
            var dbFiles = Uploads(db);
            var archives = dbFiles["/etc/postgresql/postgresql.conf"].Contains("archive_mode = on", StringComparison.Ordinal);
            var hba = dbFiles["/etc/postgresql/pg_hba.conf"];
            var backup = program.OfType(PulumiProgram.ContainerType).SingleOrDefault(c => Deployment.Label(c, "platform.role") == "backup");
            if (!archives)
            {
                Assert.DoesNotContain("replication", hba, StringComparison.Ordinal);
                if (backup is not null) Assert.DoesNotContain("/opt/backup/" + BackupScripts.BaseBackupPath, Uploads(backup).Keys);
                continue;
            }
            archiving++;
            Assert.True(backup is not null, $"{system}.{env}: WAL is archived but no backup sidecar takes base backups or prunes the archive");
            var files = Uploads(backup);
            foreach (var script in new[] { BackupScripts.BaseBackupPath, BackupScripts.PitrRestorePath })
            {
                // Scripts hold no secret (passwords come from the environment): root-owned, read-only, generated text.
                Assert.True(files.TryGetValue("/opt/backup/" + script, out var f), $"{system}.{env}: the sidecar has no {script}");
                Assert.StartsWith("0444\n#!/bin/sh\n", f, StringComparison.Ordinal);
                Assert.DoesNotMatch(@"(?<!\$)\$\{[A-Za-z0-9.-]+\}", f);
            }
            // The archive: read-write in the sidecar (pg_archivecleanup), same volume and path as in the database.
            var archiveDir = Env(backup, "WAL_ARCHIVE_DIR");
            var dbArchive = Maps(db.Properties["volumes"]).Single(v => (string?)v["containerPath"] == archiveDir);
            var sideArchive = Maps(backup.Properties["volumes"]).Single(v => (string?)v["containerPath"] == archiveDir);
            Assert.Equal(dbArchive["volumeName"], sideArchive["volumeName"]);
            Assert.False(sideArchive.GetValueOrDefault("readOnly") is true or "true", $"{system}.{env}: the archive is read-only in the sidecar, nothing can prune it");
            Assert.Equal(db.Properties["user"], backup.Properties["user"]);
            // Its own generated password, not the superuser's, and never a literal.
            Assert.Equal(PostgresConfig.ReplicationUser, Env(backup, "REPLICATION_USER"));
            var replication = Env(backup, "REPLICATION_PASSWORD");
            Assert.Matches(@"^\$\{[a-z0-9-]+-replication-password\.result\}$", replication);
            Assert.NotEqual(Env(backup, "PGPASSWORD"), replication);
            Assert.Equal(PulumiProgram.RandomPasswordType, program.Get(replication[2..^".result}".Length]).Type);
            Assert.Contains("envs", (IEnumerable<object?>)backup.Options["additionalSecretOutputs"]!);
            // pg_hba: the role replicates from the private ranges and is rejected for any database session first.
            Assert.Matches($@"(?m)^host +replication +{PostgresConfig.ReplicationUser} +172\.16\.0\.0/12 +scram-sha-256$", hba);
            Assert.True(hba.IndexOf($"host    all  {PostgresConfig.ReplicationUser}  0.0.0.0/0  reject", StringComparison.Ordinal) < hba.IndexOf("host    all  all", StringComparison.Ordinal), hba);
        }
        Assert.True(archiving >= 3, $"only {archiving} programs archive WAL");
    }

    [Fact]
    public void Every_backup_and_standby_script_of_every_program_passes_sh_n_and_shellcheck()
    {
        var scripts = new Dictionary<string, string>(StringComparer.Ordinal); // text -> name
        foreach (var combo in Synth.AllCombinations())
        {
            var (system, env) = ((string)combo[0], (string)combo[1]);
            var program = new PulumiProgram(Synth.Program(system, env));
            foreach (var backup in program.OfType(PulumiProgram.ContainerType).Where(c => Deployment.Label(c, "platform.role") is "backup" or "database-replica"))
                foreach (var u in Maps(backup.Properties["uploads"]).Where(u => ((string)u["file"]!).EndsWith(".sh", StringComparison.Ordinal)))
                    scripts.TryAdd(((string)u["content"]!).Replace("$$", "$", StringComparison.Ordinal), $"{system}.{env}.{Path.GetFileName((string)u["file"]!)}");
        }
        foreach (var name in new[] { BackupScripts.BaseBackupPath, BackupScripts.PitrRestorePath, BackupScripts.BackupPath, BackupScripts.RestorePath, "schedule.sh", "standby.sh" })
            Assert.Contains(scripts.Values, v => v.EndsWith("." + name, StringComparison.Ordinal));
        var files = new List<string>();
        foreach (var (text, name) in scripts)
        {
            var file = Path.Combine(_dir, name);
            File.WriteAllText(file, text);
            files.Add(file);
            var n = HostScriptTests.Run("sh", ["-n", file]);
            Assert.True(n.Exit == 0, $"sh -n {name}: {n.Err}");
        }
        var sc = HostScriptTests.Run("shellcheck", ["--shell=sh", "--severity=style", "--format=gcc", .. files]);
        Assert.True(sc.Exit == 0 && sc.Out.Length == 0, $"shellcheck found:\n{sc.Out}{sc.Err}");
    }

    [Fact]
    public void Base_backup_and_pitr_scripts_need_the_archive_and_safe_names()
    {
        var spec = new BackupSpec("normaldance", "normaldance");
        Assert.Contains("WalArchiveDir", Assert.Throws<ConfigException>(() => BackupScripts.RenderBaseBackup(spec)).Message, StringComparison.Ordinal);
        Assert.Contains("WalArchiveDir", Assert.Throws<ConfigException>(() => BackupScripts.RenderPitrRestore(spec)).Message, StringComparison.Ordinal);
        Assert.Throws<ConfigException>(() => BackupScripts.RenderBaseBackup(spec with { WalArchiveDir = "relative/dir" }));
        Assert.Throws<ConfigException>(() => BackupScripts.RenderBaseBackup(spec with { WalArchiveDir = "/a b" }));
        Assert.Throws<ConfigException>(() => BackupScripts.RenderBaseBackup(spec with { WalArchiveDir = "/wal", BaseBackupRetention = 0 }));
        Assert.Throws<ConfigException>(() => BackupScripts.RenderBaseBackup(spec with { WalArchiveDir = "/wal", ReplicationUser = "x'; DROP" }));
        Assert.Equal(2, BackupScripts.Render(spec).Count);
        var withArchive = BackupScripts.Render(spec with { WalArchiveDir = "/wal" });
        Assert.Equal([BackupScripts.BackupPath, BackupScripts.RestorePath, BackupScripts.BaseBackupPath, BackupScripts.PitrRestorePath], withArchive.Select(f => f.Path));
        Assert.Contains("KEEP=14", withArchive[2].Content, StringComparison.Ordinal);
        Assert.Matches(new Regex("pg_archivecleanup \"\\$WAL_ARCHIVE_DIR\" \"\\$OLDEST_WAL\""), withArchive[2].Content);
    }
}
