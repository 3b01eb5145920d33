using Infra.Components.Core;

namespace Infra.Components.Policies;

/// <summary>DAT-001: stateful resources are protected from deletion where an environment holds real data.</summary>
public sealed class StatefulProtected : PolicyRule
{
    internal static readonly HashSet<string> StatefulTypes =
    [
        DockerTypes.Volume, "aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:s3/bucket:Bucket", "aws:ecr/repository:Repository",
        "aws:kms/key:Key", "aws:eks/cluster:Cluster", "eks:index:Cluster", "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:ebs/volume:Volume", "kubernetes:core/v1:PersistentVolumeClaim",
    ];

    public override string Id => "DAT-001";
    public override string Title => "stateful resources protected";
    public override string Rationale => "protect: true makes deleting or replacing data an explicit, reviewed act.";
    public override Severity Severity => Severity.Mandatory;
    public override Enforcement For(string environment) => HoldsData(environment) ? Enforcement.Mandatory : Enforcement.Off;

    public override IEnumerable<Violation> Check(PolicyContext context) =>
        context.Program.AllInOrder
            .Where(r => (r.Traits.Contains(Traits.Stateful) || StatefulTypes.Contains(r.Type)) && r.Options.Protect != true)
            .Select(r => new Violation(r, "options.protect", "stateful resource without protect", "set options.protect (components do when the profile protects data)"));
}

public sealed class VolumesRetained : PolicyRule
{
    public override string Id => "DAT-002";
    public override string Title => "Docker volumes retained on delete";
    public override string Rationale => "Removing a volume from the program must never drop its data.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context) =>
        context.OfType(DockerTypes.Volume).Where(v => v.Options.RetainOnDelete != true)
            .Select(v => new Violation(v, "options.retainOnDelete", "the volume would be deleted with the program", "set options.retainOnDelete: true"));
}

/// <summary>DAT-003: a program with a database has backups in staging/prod.</summary>
public sealed class BackupsConfigured : PolicyRule
{
    public override string Id => "DAT-003";
    public override string Title => "backups configured";
    public override string Rationale => "Seed 004: daily backups in staging, hourly + daily in prod; a database without them has no recovery point.";
    public override Severity Severity => Severity.Mandatory;
    public override Enforcement For(string environment) => HoldsData(environment) ? Enforcement.Mandatory : Enforcement.Off;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        var hasBackup = context.Program.AllInOrder.Any(r => r.Traits.Contains(Traits.Backup));
        foreach (var db in context.Containers.Where(c => c.Traits.Contains(Traits.Database)))
            if (!hasBackup) yield return new Violation(db, "", "no backup workload for this database", "add a DatabaseBackup (the composer does for staging/prod profiles)");
        foreach (var rds in context.OfType("aws:rds/instance:Instance"))
            if (Prop.Number(rds.Properties.Get("backupRetentionPeriod")) is not > 0)
                yield return new Violation(rds, "backupRetentionPeriod", "automated backups are off", "set backupRetentionPeriod (7 or more)");
    }
}

public sealed class RdsPolicies
{
    public static readonly Func<string, Enforcement> DataEnvironments = env => env is "staging" or "prod" ? Enforcement.Mandatory : Enforcement.Advisory;

    public static IEnumerable<PolicyRule> All =>
    [
        new PropertyRule("DAT-004", "RDS deletion protection", "Deletion protection stops a stray destroy from dropping the database.",
            Severity.Mandatory, "aws:rds/instance:Instance", "deletionProtection", PropertyRule.IsTrue, "set deletionProtection: true", DataEnvironments),
        new PropertyRule("DAT-005", "RDS backup retention of 7+ days", "A week of point-in-time recovery covers a bad deploy found after a weekend.",
            Severity.Mandatory, "aws:rds/instance:Instance", "backupRetentionPeriod", v => Prop.Number(v) >= 7, "set backupRetentionPeriod: 7 or more", DataEnvironments),
        new PropertyRule("DAT-006", "RDS Multi-AZ in prod", "A single-AZ database is down for as long as its zone is.",
            Severity.Mandatory, "aws:rds/instance:Instance", "multiAz", PropertyRule.IsTrue, "set multiAz: true",
            env => env == "prod" ? Enforcement.Mandatory : Enforcement.Advisory,
            // A read replica serves reads; the primary's standby is what keeps the database up through a zone outage.
            appliesTo: r => r.Properties.Get("replicateSourceDb") is null),
    ];
}
