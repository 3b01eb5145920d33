using Infra.Components.Core;
using Infra.Components.Workloads;

namespace Infra.Components.Docker;

public sealed record VolumeBackupArgs
{
    public required BackupSchedule Schedule { get; init; }
    /// <summary>The user the volumes' service runs as (it owns their files): the sidecar reads them as that user.</summary>
    public required string User { get; init; }
    /// <summary>The volumes, each mounted read-only at <c>/volumes/&lt;name&gt;</c> and archived as <c>&lt;name&gt;-&lt;stamp&gt;.tar.gz</c>.</summary>
    public required IReadOnlyList<(string Name, DockerVolume Volume)> Sources { get; init; }
    /// <summary>backup.sh (tar czf with retention) and restore.sh (DataBackupScripts).</summary>
    public required ConfigFile BackupScript { get; init; }
    public required ConfigFile RestoreScript { get; init; }
    /// <summary>Containers that own the volumes: the sidecar starts after them.</summary>
    public IReadOnlyList<Resource> WaitFor { get; init; } = [];
    public IReadOnlyList<DockerNetwork> Networks { get; init; } = [];
    public bool Protect { get; init; }
}

/// <summary>
/// Scheduled archives of data volumes (<c>tar czf</c>) into the sidecar's own backup volume, from busybox running as the
/// volumes' owner: the sources are mounted read-only, the backup volume is chowned to that user by the volume-init
/// one-shot and protected like the data. Same scheduler, modes and heartbeat health check as <see cref="DatabaseBackup"/>.
/// </summary>
public sealed class VolumeBackup
{
    public const string Image = VolumeInit.Image;
    public const string SourceDir = "/volumes";
    public const string BackupDir = "/backups";

    public VolumeBackup(Construct parent, string name, VolumeBackupArgs args)
    {
        if (args.Schedule == BackupSchedule.None) throw new SynthesisException($"volume backup '{name}' has no schedule; leave the component out instead");
        if (args.Sources.Count == 0) throw new SynthesisException($"volume backup '{name}' has no volumes");
        Args = args;
        Service = new DockerService(parent, name, svc => new DockerServiceArgs
        {
            Kind = $"Volume backup ({args.Schedule})",
            Image = DockerImage.Pull(svc, "image", Image).ImageId,
            User = args.User,
            Command = ["sh", "/opt/backup/schedule.sh"],
            Environment =
            [
                new("BACKUP_DIR", BackupDir),
                new("SOURCE_DIR", SourceDir),
                new("BACKUP_MODE", args.Schedule == BackupSchedule.HourlyAndDaily ? "hourly+daily" : "daily"),
            ],
            Files = [args.BackupScript, new("/opt/backup/schedule.sh", DatabaseBackup.SchedulerScript(baseBackups: false)), args.RestoreScript],
            DataPath = BackupDir,
            ProtectData = args.Protect,
            Networks = args.Networks,
            WaitFor = args.WaitFor,
            Health = DatabaseBackup.Heartbeat,
            Limits = new ResourceLimits(0.5, 128),
            Labels = [("platform.role", "volume-backup")],
            Mounts = [.. args.Sources.Select(s => (s.Volume, $"{SourceDir}/{s.Name}", true))],
        }, indexed: false);
        foreach (var c in Service.Containers) c.Traits.Add(Traits.Backup);
    }

    public VolumeBackupArgs Args { get; }
    public DockerService Service { get; }
}
