using Infra.Components.Core;
using Infra.Providers.Kubernetes.Batch.V1;
using Infra.Providers.Kubernetes.Core.V1;

namespace Infra.Components.Kubernetes;

/// <summary>One scheduled dump: the mode passed to backup.sh and its cron schedule.</summary>
public sealed record KubeBackupRun(string Mode, string Schedule);

public sealed record KubeBackupArgs
{
    public required string System { get; init; }
    public required string Namespace { get; init; }
    /// <summary>The database image (its pg_dump matches the server).</summary>
    public required string Image { get; init; }
    public required string DatabaseHost { get; init; }
    public required string Database { get; init; }
    public required string User { get; init; }
    /// <summary>The Secret and key holding the database password.</summary>
    public required string PasswordSecret { get; init; }
    public required string PasswordKey { get; init; }
    public required string BackupScript { get; init; }
    public required IReadOnlyList<KubeBackupRun> Runs { get; init; }
    public string StorageClass { get; init; } = "standard";
    public int SizeGi { get; init; } = 10;
    public bool Protect { get; init; }
    public string RunAs { get; init; } = "70:70";
}

/// <summary>
/// PostgreSQL backups on Kubernetes: a CronJob per schedule running the generated backup.sh (pg_dump, verify, retention)
/// into a claim of its own; same restricted pod security as every workload.
/// </summary>
public sealed class KubeBackup : Construct
{
    public const string Name_ = "backup";

    public KubeBackup(Construct parent, string name, KubeBackupArgs args) : base(parent, name)
    {
        if (args.Runs.Count == 0) throw new SynthesisException($"backup '{Path}' has no schedule; leave the component out instead");
        var labels = KubeDefaults.Labels(args.System, name, "backup");
        var claim = Add("claim", new PersistentVolumeClaim
        {
            Metadata = KubeDefaults.Meta(name + "-dumps", args.Namespace, labels),
            Spec = new PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                StorageClassName = args.StorageClass,
                Resources = new VolumeResourceRequirements { Requests = new Dictionary<string, Input<string>> { ["storage"] = args.SizeGi.ToString(System.Globalization.CultureInfo.InvariantCulture) + "Gi" } },
            },
        });
        claim.Traits.Add(Traits.Stateful);
        if (args.Protect) claim.Options.Protect = true;
        claim.Options.RetainOnDelete = true;
        var script = Add("script", new ConfigMap
        {
            Metadata = KubeDefaults.Meta(name + "-script", args.Namespace, labels),
            Data = new Dictionary<string, Input<string>> { ["backup.sh"] = args.BackupScript },
        });
        foreach (var run in args.Runs)
        {
            var job = Add(run.Mode, new CronJob
            {
                Metadata = KubeDefaults.Meta($"{name}-{run.Mode}", args.Namespace, labels),
                Spec = new CronJobSpec
                {
                    Schedule = run.Schedule,
                    ConcurrencyPolicy = "Forbid",
                    SuccessfulJobsHistoryLimit = 3,
                    FailedJobsHistoryLimit = 3,
                    JobTemplate = new JobTemplateSpec
                    {
                        Spec = new JobSpec
                        {
                            BackoffLimit = 2,
                            Template = new PodTemplateSpec
                            {
                                Metadata = new Providers.Kubernetes.Meta.V1.ObjectMeta { Labels = labels },
                                Spec = new PodSpec
                                {
                                    RestartPolicy = "OnFailure",
                                    AutomountServiceAccountToken = false,
                                    SecurityContext = KubeDefaults.PodSecurity(args.RunAs),
                                    Containers =
                                    [
                                        new Container
                                        {
                                            Name = "backup",
                                            Image = args.Image,
                                            Command = ["sh", "/opt/backup/backup.sh", run.Mode],
                                            Env =
                                            [
                                                new EnvVar { Name = "PGHOST", Value = args.DatabaseHost },
                                                new EnvVar { Name = "PGPORT", Value = "5432" },
                                                new EnvVar { Name = "PGUSER", Value = args.User },
                                                new EnvVar { Name = "PGDATABASE", Value = args.Database },
                                                new EnvVar { Name = "PGPASSWORD", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = args.PasswordSecret, Key = args.PasswordKey } } },
                                                new EnvVar { Name = "BACKUP_DIR", Value = "/backups" },
                                            ],
                                            Resources = KubeDefaults.Resources(new Workloads.ResourceLimits(0.5, 512)),
                                            SecurityContext = KubeDefaults.ContainerSecurity(args.RunAs),
                                            VolumeMounts =
                                            [
                                                new VolumeMount { Name = "dumps", MountPath = "/backups" },
                                                new VolumeMount { Name = "script", MountPath = "/opt/backup", ReadOnly = true },
                                                new VolumeMount { Name = KubeDefaults.VolumeName("/tmp"), MountPath = "/tmp" },
                                            ],
                                        },
                                    ],
                                    Volumes =
                                    [
                                        new Volume { Name = "dumps", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = name + "-dumps" } },
                                        new Volume { Name = "script", ConfigMap = new ConfigMapVolumeSource { Name = name + "-script", DefaultMode = 292 } },
                                        new Volume { Name = KubeDefaults.VolumeName("/tmp"), EmptyDir = new EmptyDirVolumeSource { SizeLimit = "256Mi" } },
                                    ],
                                },
                            },
                        },
                    },
                },
            });
            job.Traits.Add(Traits.Backup);
            job.DependsOn([claim, script]);
        }
    }

    public override string Kind => "Backup (pg_dump CronJob)";
}
