using System.Globalization;
using Infra.Components.Core;
using Infra.Components.Workloads;

namespace Infra.Components.Docker;

public sealed record RedisBackupArgs
{
    public required RedisCache Cache { get; init; }
    public required BackupSchedule Schedule { get; init; }
    /// <summary>backup.sh (redis-cli --rdb with retention) and restore.sh (DataBackupScripts).</summary>
    public required ConfigFile BackupScript { get; init; }
    public required ConfigFile RestoreScript { get; init; }
    public bool Protect { get; init; }
}

/// <summary>
/// Scheduled Redis snapshots: <c>redis-cli --rdb</c> from a sidecar on the cache's image and networks, as the cache's
/// user, into its own protected backup volume. The password reaches redis-cli as <c>REDISCLI_AUTH</c> (environment,
/// kept secret in state), never as an argument. Same scheduler and heartbeat health check as <see cref="DatabaseBackup"/>.
/// </summary>
public sealed class RedisBackup
{
    public const string BackupDir = "/backups";

    public RedisBackup(Construct parent, string name, RedisBackupArgs args)
    {
        if (args.Schedule == BackupSchedule.None) throw new SynthesisException($"backup '{name}' has no schedule; leave the component out instead");
        Args = args;
        var cache = args.Cache;
        Service = new DockerService(parent, name, new DockerServiceArgs
        {
            Kind = $"Cache backup ({args.Schedule})",
            Image = cache.ImageId,
            User = cache.Service.Args.User,
            Command = ["sh", "/opt/backup/schedule.sh"],
            Environment =
            [
                new("REDIS_HOST", cache.Host),
                new("REDIS_PORT", RedisCache.Port.ToString(CultureInfo.InvariantCulture)),
                new("REDISCLI_AUTH", cache.Password),
                new("BACKUP_DIR", BackupDir),
                new("BACKUP_MODE", args.Schedule == BackupSchedule.HourlyAndDaily ? "hourly+daily" : "daily"),
            ],
            Files = [args.BackupScript, new("/opt/backup/schedule.sh", DatabaseBackup.SchedulerScript(baseBackups: false)), args.RestoreScript],
            DataPath = BackupDir,
            ProtectData = args.Protect,
            Networks = cache.Service.Args.Networks,
            WaitFor = [cache.Container],
            Health = DatabaseBackup.Heartbeat,
            Limits = new ResourceLimits(0.5, 128),
            Labels = [("platform.role", "cache-backup")],
        }, indexed: false);
        foreach (var c in Service.Containers) c.Traits.Add(Traits.Backup);
    }

    public RedisBackupArgs Args { get; }
    public DockerService Service { get; }
}
