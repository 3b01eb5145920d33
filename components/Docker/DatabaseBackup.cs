using Infra.Components.Core;
using Infra.Components.Workloads;

namespace Infra.Components.Docker;


public sealed record DatabaseBackupArgs
{
    public required PostgresDatabase Database { get; init; }
    public required BackupSchedule Schedule { get; init; }
    /// <summary>The backup script (pg_dump with compression and retention) and the restore script.</summary>
    public required ConfigFile BackupScript { get; init; }
    public ConfigFile? RestoreScript { get; init; }
    /// <summary>With a WAL archive: basebackup.sh (daily, and at start when there is none) and pitr-restore.sh.</summary>
    public ConfigFile? BaseBackupScript { get; init; }
    public ConfigFile? PitrRestoreScript { get; init; }
    public IReadOnlyList<DockerNetwork> Networks { get; init; } = [];
    public bool Protect { get; init; }
}

/// <summary>
/// Scheduled <c>pg_dump</c> backups into their own volume, from a sidecar built on the database image.
/// The scheduler wakes every minute, runs the hourly dump at minute 0 and the daily one at 02:00,
/// and touches a heartbeat file its health check reads. Where the database archives WAL, the sidecar also takes a
/// <c>pg_basebackup</c> at start (when there is none) and daily at 02:00, as the replication role, and prunes the
/// archive (mounted read-write, same UID 70) to what the oldest kept base backup needs.
/// </summary>
public sealed class DatabaseBackup
{
    /// <summary>
    /// The sidecar's scheduler (every backup sidecar: database, Redis, volumes): wakes every minute, runs
    /// <c>backup.sh hourly</c> at minute 0 (MODE hourly+daily) and <c>backup.sh daily</c> at 02:00, and touches the
    /// heartbeat <see cref="Heartbeat"/> reads. With <paramref name="baseBackups"/> (a database whose WAL is archived)
    /// it also runs <c>basebackup.sh</c> at 02:00, and once at start when no base backup exists yet.
    /// </summary>
    public static string SchedulerScript(bool baseBackups)
    {
        var first = baseBackups ? """
            # Point-in-time recovery needs a base backup: take the first one now rather than at the next 02:00.
            if [ -z "$(find "$BACKUP_DIR/base" -name backup_label 2>/dev/null | head -n 1)" ]; then
              sh /opt/backup/basebackup.sh || echo "first base backup failed" >&2
            fi

            """ : "";
        var daily = baseBackups ? """
              if [ "$now_hm" = "0200" ]; then
                sh /opt/backup/basebackup.sh || echo "base backup failed" >&2
              fi

            """ : "";
        return $$"""
            #!/bin/sh
            # Generated: runs backup.sh on schedule (MODE=hourly+daily or daily). No secrets here: credentials come from the environment.
            set -u
            touch /tmp/backup-heartbeat
            {{first}}while true; do
              touch /tmp/backup-heartbeat
              now_min=$(date -u +%M)
              now_hm=$(date -u +%H%M)
            {{daily}}  if [ "$now_min" = "00" ] && [ "$BACKUP_MODE" = "hourly+daily" ]; then
                sh /opt/backup/backup.sh hourly || echo "hourly backup failed" >&2
              fi
              if [ "$now_hm" = "0200" ]; then
                sh /opt/backup/backup.sh daily || echo "daily backup failed" >&2
              fi
              sleep $((60 - $(date -u +%S | sed 's/^0//')))
            done

            """;
    }

    /// <summary>Healthy while <see cref="SchedulerScript"/> has touched its heartbeat file in the last 3 minutes.</summary>
    public static HealthCheck Heartbeat => HealthCheck.Exec("test -n \"$(find /tmp/backup-heartbeat -mmin -3)\"");

    public DatabaseBackup(Construct parent, string name, DatabaseBackupArgs args)
    {
        if (args.Schedule == BackupSchedule.None) throw new SynthesisException($"backup '{name}' has no schedule; leave the component out instead");
        Args = args;
        var db = args.Database;
        var archiving = db.WalArchive is not null;
        var files = new List<ConfigFile> { args.BackupScript, new("/opt/backup/schedule.sh", SchedulerScript(baseBackups: archiving)) };
        if (args.RestoreScript is not null) files.Add(args.RestoreScript);
        if (archiving != (args.BaseBackupScript is not null) || args.BaseBackupScript is null != (args.PitrRestoreScript is null))
            throw new SynthesisException($"backup '{name}': basebackup.sh and pitr-restore.sh go together with the database's WAL archive (archive {(archiving ? "on" : "off")})");
        if (args.BaseBackupScript is not null) files.Add(args.BaseBackupScript);
        if (args.PitrRestoreScript is not null) files.Add(args.PitrRestoreScript);
        var env = new List<KeyValuePair<string, Value>>
        {
            new("PGHOST", db.Host),
            new("PGPORT", PostgresDatabase.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("PGUSER", db.Args.User),
            new("PGDATABASE", db.Args.Database),
            new("PGPASSWORD", db.Password),
            new("BACKUP_DIR", "/backups"),
            new("BACKUP_MODE", args.Schedule == BackupSchedule.HourlyAndDaily ? "hourly+daily" : "daily"),
        };
        if (archiving)
        {
            env.Add(new("WAL_ARCHIVE_DIR", db.Args.WalArchiveDir!));
            env.Add(new("REPLICATION_USER", Configs.PostgresConfig.ReplicationUser));
            env.Add(new("REPLICATION_PASSWORD", db.ReplicationPassword!));
        }
        Service = new DockerService(parent, name, new DockerServiceArgs
        {
            Kind = $"Backup ({args.Schedule})",
            Image = db.ImageId,
            User = "70:70",
            Command = ["sh", "/opt/backup/schedule.sh"],
            Environment = env,
            Files = files,
            DataPath = "/backups",
            ProtectData = args.Protect,
            Networks = args.Networks,
            WaitFor = [db.Container],
            Health = Heartbeat,
            Limits = new ResourceLimits(0.5, 256),
            Labels = [("platform.role", "backup")],
            // The WAL archive, read-write: basebackup.sh prunes it (pg_archivecleanup) after each base backup.
            Mounts = db.WalArchive is { } wal ? [(wal, db.Args.WalArchiveDir!, false)] : [],
        }, indexed: false);
        foreach (var c in Service.Containers) c.Traits.Add(Traits.Backup);
    }

    public DatabaseBackupArgs Args { get; }
    public DockerService Service { get; }
}
