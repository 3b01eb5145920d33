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
    public IReadOnlyList<DockerNetwork> Networks { get; init; } = [];
    public bool Protect { get; init; }
}

/// <summary>
/// Scheduled <c>pg_dump</c> backups into their own volume, from a sidecar built on the database image.
/// The scheduler wakes every minute, runs the hourly dump at minute 0 and the daily one at 02:00,
/// and touches a heartbeat file its health check reads.
/// </summary>
public sealed class DatabaseBackup
{
    public const string Scheduler = """
        #!/bin/sh
        # Generated: runs backup.sh on schedule (MODE=hourly+daily or daily). No secrets here: PG* come from the environment.
        set -u
        while true; do
          touch /tmp/backup-heartbeat
          now_min=$(date -u +%M)
          now_hm=$(date -u +%H%M)
          if [ "$now_min" = "00" ] && [ "$BACKUP_MODE" = "hourly+daily" ]; then
            sh /opt/backup/backup.sh hourly || echo "hourly backup failed" >&2
          fi
          if [ "$now_hm" = "0200" ]; then
            sh /opt/backup/backup.sh daily || echo "daily backup failed" >&2
          fi
          sleep $((60 - $(date -u +%S | sed 's/^0//')))
        done

        """;

    /// <summary>Healthy while <see cref="Scheduler"/> has touched its heartbeat file in the last 3 minutes.</summary>
    public static HealthCheck Heartbeat => HealthCheck.Exec("test -n \"$(find /tmp/backup-heartbeat -mmin -3)\"");

    public DatabaseBackup(Construct parent, string name, DatabaseBackupArgs args)
    {
        if (args.Schedule == BackupSchedule.None) throw new SynthesisException($"backup '{name}' has no schedule; leave the component out instead");
        Args = args;
        var db = args.Database;
        var files = new List<ConfigFile> { args.BackupScript, new("/opt/backup/schedule.sh", Scheduler) };
        if (args.RestoreScript is not null) files.Add(args.RestoreScript);
        Service = new DockerService(parent, name, new DockerServiceArgs
        {
            Kind = $"Backup ({args.Schedule})",
            Image = db.ImageId,
            User = "70:70",
            Command = ["sh", "/opt/backup/schedule.sh"],
            Environment =
            [
                new("PGHOST", db.Host),
                new("PGPORT", PostgresDatabase.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("PGUSER", db.Args.User),
                new("PGDATABASE", db.Args.Database),
                new("PGPASSWORD", db.Password),
                new("BACKUP_DIR", "/backups"),
                new("BACKUP_MODE", args.Schedule == BackupSchedule.HourlyAndDaily ? "hourly+daily" : "daily"),
            ],
            Files = files,
            DataPath = "/backups",
            ProtectData = args.Protect,
            Networks = args.Networks,
            WaitFor = [db.Container],
            Health = Heartbeat,
            Limits = new ResourceLimits(0.5, 256),
            Labels = [("platform.role", "backup")],
            // The WAL archive, read-only: copied off the host with the dumps; never written by the sidecar.
            Mounts = db.WalArchive is { } wal ? [(wal, db.Args.WalArchiveDir!, true)] : [],
        }, indexed: false);
        foreach (var c in Service.Containers) c.Traits.Add(Traits.Backup);
    }

    public DatabaseBackupArgs Args { get; }
    public DockerService Service { get; }
}
