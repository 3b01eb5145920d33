using System.Globalization;
using Infra.Components.Configs;
using Infra.Components.Core;
using SecurityGroup = Infra.Providers.Aws.Ec2.SecurityGroup;
using Infra.Providers.Aws.Rds;
using Infra.Providers.Aws.Vpc;

namespace Infra.Components.Aws;

public sealed record ManagedDatabaseArgs
{
    public required string Prefix { get; init; }
    public required string Database { get; init; }
    public required string User { get; init; }
    public required Network Network { get; init; }
    /// <summary>The only security group admitted on 5432 (the cluster's nodes).</summary>
    public required Output<string> ClientSecurityGroupId { get; init; }
    public required Output<string> KmsKeyArn { get; init; }
    public required string InstanceClass { get; init; }
    public required int StorageGb { get; init; }
    public required PostgresTuning Tuning { get; init; }
    public bool MultiAz { get; init; }
    public bool DeletionProtection { get; init; }
    public int BackupRetentionDays { get; init; } = 7;
    public int ReadReplicas { get; init; }
    public bool Protect { get; init; }
}

/// <summary>
/// RDS PostgreSQL 15 in the private subnets: reachable only from the cluster nodes' security group, storage and
/// Performance Insights encrypted with the data key, TLS forced, automated backups (point-in-time recovery),
/// Multi-AZ and deletion protection where asked, read replicas, and a parameter group from the same
/// <see cref="PostgresTuning"/> as the container targets. The password is a generated <c>random</c> secret.
/// </summary>
public sealed class ManagedDatabase : Construct
{
    public const int Port = 5432;

    public ManagedDatabase(Construct parent, string name, ManagedDatabaseArgs args) : base(parent, name)
    {
        Args = args;
        var subnets = Add("subnets", new SubnetGroup
        {
            SubnetIds = [.. args.Network.PrivateSubnetIds.Select(i => (Input<string>)i)],
            Description = $"{args.Prefix} database: private subnets only",
        });
        var sg = NodeOnlyAccess.Add(this, args.Network, args.ClientSecurityGroupId, Port, args.Prefix, "PostgreSQL");
        SecurityGroup = sg;

        var t = args.Tuning;
        static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        var parameters = Add("params", new ParameterGroup
        {
            Family = "postgres15",
            Description = $"{args.Prefix}: PostgresTuning {N(t.MemoryMb)} MB / {N(t.MaxConnections)} connections",
            Parameters =
            [
                // RDS units: shared_buffers and effective_cache_size in 8 kB pages, *_mem in kB, max_wal_size in MB.
                P("shared_buffers", N(t.SharedBuffersMb * 128), reboot: true),
                P("effective_cache_size", N(t.EffectiveCacheSizeMb * 128)),
                P("maintenance_work_mem", N(t.MaintenanceWorkMemMb * 1024)),
                P("work_mem", N(t.WorkMemKb)),
                P("max_connections", N(t.MaxConnections), reboot: true),
                P("max_wal_size", N(t.MaxWalSizeMb)),
                P("password_encryption", "scram-sha-256"),
                P("rds.force_ssl", "1"),
                P("log_min_duration_statement", "1000"),
            ],
        });

        // Performance Insights does not run on the smallest burstable classes.
        var insights = !args.InstanceClass.EndsWith(".micro", StringComparison.Ordinal) && !args.InstanceClass.EndsWith(".small", StringComparison.Ordinal);
        Password = SecretSource.Generated(32).Resolve(this, "password", args.Protect);
        var primary = Add("primary", new Infra.Providers.Aws.Rds.Instance
        {
            Engine = "postgres",
            EngineVersion = "15",
            InstanceClass = args.InstanceClass,
            AllocatedStorage = args.StorageGb,
            MaxAllocatedStorage = args.StorageGb * 4,
            StorageType = "gp3",
            StorageEncrypted = true,
            KmsKeyId = args.KmsKeyArn,
            DbName = args.Database,
            Username = args.User,
            Password = Password,
            Port = Port,
            DbSubnetGroupName = subnets.Outputs.Name,
            VpcSecurityGroupIds = [sg.Id],
            ParameterGroupName = parameters.Outputs.Name,
            PubliclyAccessible = false,
            MultiAz = args.MultiAz,
            DeletionProtection = args.DeletionProtection,
            BackupRetentionPeriod = args.BackupRetentionDays,
            BackupWindow = "02:00-03:00",
            MaintenanceWindow = "sun:03:30-sun:04:30",
            CopyTagsToSnapshot = true,
            SkipFinalSnapshot = !args.DeletionProtection,
            FinalSnapshotIdentifier = Input.Optional(args.DeletionProtection ? $"{args.Prefix}-{name}-final" : null),
            AutoMinorVersionUpgrade = true,
            IamDatabaseAuthenticationEnabled = true,
            PerformanceInsightsEnabled = insights,
            PerformanceInsightsKmsKeyId = insights ? args.KmsKeyArn : null,
            EnabledCloudwatchLogsExports = ["postgresql", "upgrade"],
            Tags = Tagging.Name($"{args.Prefix}-{name}"),
        });
        primary.Traits.Add(Traits.Stateful);
        primary.Traits.Add(Traits.Database);
        if (args.Protect) primary.Options.Protect = true;
        Primary = primary;
        Address = primary.Outputs.Address;

        var replicas = new List<Resource>();
        for (var i = 1; i <= args.ReadReplicas; i++)
        {
            var replica = Add($"replica-{N(i)}", new Infra.Providers.Aws.Rds.Instance
            {
                ReplicateSourceDb = primary.Outputs.Identifier,
                InstanceClass = args.InstanceClass,
                StorageEncrypted = true,
                KmsKeyId = args.KmsKeyArn,
                VpcSecurityGroupIds = [sg.Id],
                ParameterGroupName = parameters.Outputs.Name,
                PubliclyAccessible = false,
                DeletionProtection = args.DeletionProtection,
                SkipFinalSnapshot = true,
                AutoMinorVersionUpgrade = true,
                PerformanceInsightsEnabled = insights,
                PerformanceInsightsKmsKeyId = insights ? args.KmsKeyArn : null,
                // Replicas keep their own automated backups, so a promoted replica has point-in-time recovery at once.
                BackupRetentionPeriod = args.BackupRetentionDays,
                Tags = Tagging.Name($"{args.Prefix}-{name}-replica-{N(i)}"),
            });
            replica.Traits.Add(Traits.Stateful);
            replica.Traits.Add(Traits.Database);
            replica.Traits.Add("read-replica");
            if (args.Protect) replica.Options.Protect = true;
            replicas.Add(replica);
        }
        Replicas = replicas;
        ReaderAddresses = [.. replicas.Select(r => r.Out<string>("address"))];

        static ParameterGroupParameter P(string n, string v, bool reboot = false) =>
            new() { Name = n, Value = v, ApplyMethod = reboot ? "pending-reboot" : "immediate" };
    }

    public override string Kind => "Database (RDS PostgreSQL 15)";
    public ManagedDatabaseArgs Args { get; }
    public Resource Primary { get; }
    public IReadOnlyList<Resource> Replicas { get; }
    public Resource SecurityGroup { get; }
    public Value Password { get; }
    public Output<string> Address { get; }
    public IReadOnlyList<Output<string>> ReaderAddresses { get; }

    /// <summary><c>postgresql://user:password@host:5432/db?sslmode=require</c>; secret because the password is.</summary>
    public Value ConnectionUrl => Value.Format($"postgresql://{Args.User}:{Password}@{Address}:{Port}/{Args.Database}?sslmode=require");
}
