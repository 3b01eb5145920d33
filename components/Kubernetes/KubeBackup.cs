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
    public required Value DatabaseHost { get; init; }
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
    /// <summary>
    /// Object storage instead of a claim: the dump goes to an emptyDir (init container), then the pinned AWS CLI copies it
    /// to the bucket under the service account whose annotation grants the IAM role (IRSA; no static keys).
    /// </summary>
    public KubeS3Target? S3 { get; init; }
    /// <summary>Extra environment of the dump (e.g. PGSSLMODE=require for a managed database).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> DumpEnvironment { get; init; } = [];
}

/// <summary>A bucket the backup job writes to with an IAM role bound to its service account (EKS IRSA).</summary>
public sealed record KubeS3Target(Value Bucket, Value RoleArn, string ServiceAccount, string CliImage);

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
        Resource? claim = args.S3 is not null ? null : Add("claim", new PersistentVolumeClaim
        {
            Metadata = KubeDefaults.Meta(name + "-dumps", args.Namespace, labels),
            Spec = new PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                StorageClassName = args.StorageClass,
                Resources = new VolumeResourceRequirements { Requests = new Dictionary<string, Input<string>> { ["storage"] = args.SizeGi.ToString(System.Globalization.CultureInfo.InvariantCulture) + "Gi" } },
            },
        });
        if (claim is not null)
        {
            claim.Traits.Add(Traits.Stateful);
            if (args.Protect) claim.Options.Protect = true;
            claim.Options.RetainOnDelete = true;
        }
        Resource? account = null;
        if (args.S3 is { } s3)
            account = Add("service-account", new ServiceAccount
            {
                Metadata = KubeDefaults.Meta(s3.ServiceAccount, args.Namespace, labels,
                    new Dictionary<string, Input<string>> { ["eks.amazonaws.com/role-arn"] = s3.RoleArn }),
                AutomountServiceAccountToken = false,
            });
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
                                    ServiceAccountName = Input.Optional(args.S3?.ServiceAccount),
                                    InitContainers = args.S3 is null ? null : [Dump(args, run)],
                                    Containers = [args.S3 is { } s3c ? Upload(args, s3c) : Dump(args, run)],
                                    Volumes =
                                    [
                                        args.S3 is null
                                            ? new Volume { Name = "dumps", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = name + "-dumps" } }
                                            : new Volume { Name = "dumps", EmptyDir = new EmptyDirVolumeSource { SizeLimit = args.SizeGi.ToString(System.Globalization.CultureInfo.InvariantCulture) + "Gi" } },
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
            job.DependsOn([.. new[] { claim, script, account }.OfType<Resource>()]);
        }
    }

    public override string Kind => "Backup (pg_dump CronJob)";

    /// <summary>The generated backup.sh run by the database image (its pg_dump matches the server) into /backups.</summary>
    private static Container Dump(KubeBackupArgs args, KubeBackupRun run) => new()
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
            .. args.DumpEnvironment.Select(e => new EnvVar { Name = e.Key, Value = e.Value }),
        ],
        Resources = KubeDefaults.Resources(new Workloads.ResourceLimits(0.5, 512)),
        SecurityContext = KubeDefaults.ContainerSecurity(args.RunAs),
        VolumeMounts =
        [
            new VolumeMount { Name = "dumps", MountPath = "/backups" },
            new VolumeMount { Name = "script", MountPath = "/opt/backup", ReadOnly = true },
            new VolumeMount { Name = KubeDefaults.VolumeName("/tmp"), MountPath = "/tmp" },
        ],
    };

    /// <summary>Copies the verified dumps to s3://bucket/system/ with the pinned AWS CLI (credentials from IRSA, SSE by the bucket's default key).</summary>
    private static Container Upload(KubeBackupArgs args, KubeS3Target s3) => new()
    {
        Name = "upload",
        Image = s3.CliImage,
        Command = ["sh", "-c", "set -eu; aws s3 cp --recursive --only-show-errors /backups \"s3://$BUCKET/$SYSTEM/\""],
        Env =
        [
            new EnvVar { Name = "BUCKET", Value = s3.Bucket },
            new EnvVar { Name = "SYSTEM", Value = args.System },
            new EnvVar { Name = "HOME", Value = "/tmp" },
        ],
        Resources = KubeDefaults.Resources(new Workloads.ResourceLimits(0.25, 256)),
        SecurityContext = KubeDefaults.ContainerSecurity(args.RunAs),
        VolumeMounts =
        [
            new VolumeMount { Name = "dumps", MountPath = "/backups", ReadOnly = true },
            new VolumeMount { Name = KubeDefaults.VolumeName("/tmp"), MountPath = "/tmp" },
        ],
    };
}
