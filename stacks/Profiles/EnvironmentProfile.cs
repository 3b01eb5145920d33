using Infra.Components.Configs;
using Infra.Components.Workloads;

namespace Infra.Stacks.Profiles;

public enum MonitoringLevel { Basic, Enhanced, Full }

/// <summary>
/// What differs between environments (seed 004's table, L481-487), as data resolved in one place.
/// Every level runs Prometheus, Grafana and Loki (DockerComposer); Enhanced adds the alert rules
/// (seed 004 L266-279); Full adds exporters for the data services.
/// </summary>
public sealed record EnvironmentProfile(
    string Name,
    int Replicas,
    SizeClass Size,
    MonitoringLevel Monitoring,
    BackupSchedule Backups,
    bool ProtectData,
    bool AllowStandIns,
    bool PublishDataPorts)
{
    public static readonly EnvironmentProfile Dev = new("dev", 1, SizeClass.Minimal, MonitoringLevel.Basic, BackupSchedule.None,
        ProtectData: false, AllowStandIns: true, PublishDataPorts: true)
    { Namespace = "development", StorageClass = "standard", DataSizeGi = 1 };

    public static readonly EnvironmentProfile Staging = new("staging", 2, SizeClass.Medium, MonitoringLevel.Enhanced, BackupSchedule.Daily,
        ProtectData: true, AllowStandIns: false, PublishDataPorts: false)
    { MaxReplicas = 6, Namespace = "staging", StorageClass = "standard", DataSizeGi = 20 };

    public static readonly EnvironmentProfile Prod = new("prod", 3, SizeClass.Full, MonitoringLevel.Full, BackupSchedule.HourlyAndDaily,
        ProtectData: true, AllowStandIns: false, PublishDataPorts: false)
    { MaxReplicas = 20, DatabaseReplicas = 2, CacheReplicas = 1, Namespace = "production", StorageClass = "fast-ssd", DataSizeGi = 100 };

    /// <summary>Most replicas an autoscaler may run (seed 004: API 3 to 20 in production); at or below the count, no autoscaling.</summary>
    public int MaxReplicas { get; init; } = 1;
    /// <summary>Read replicas beside the primary (seed 004 production: PostgreSQL 1 + 2, Redis 1 + 1).</summary>
    public int DatabaseReplicas { get; init; }
    public int CacheReplicas { get; init; }
    /// <summary>Where the environment's workloads live on a cluster (seed 004: production / staging / development).</summary>
    public string Namespace { get; init; } = "default";
    /// <summary>Storage class and size of each data claim.</summary>
    public string StorageClass { get; init; } = "standard";
    public int DataSizeGi { get; init; } = 1;

    public static IReadOnlyList<EnvironmentProfile> All { get; } = [Dev, Staging, Prod];

    /// <summary>Environments with real users serve public traffic over TLS only, through the reverse proxy.</summary>
    public bool RequireTls => ProtectData;

    public static EnvironmentProfile? Find(string name) => All.FirstOrDefault(p => p.Name == name);

    public static string Allowed => string.Join(", ", All.Select(p => p.Name));

    /// <summary>Scales a service's full-size limits to this environment: full, half, or a quarter (with floors).</summary>
    public Infra.Components.Workloads.ResourceLimits Scale(Infra.Components.Workloads.ResourceLimits full)
    {
        var (cpuFactor, memFactor) = Size switch { SizeClass.Full => (1.0, 1.0), SizeClass.Medium => (0.5, 0.5), _ => (0.25, 0.25) };
        var cpus = Math.Max(0.25, Math.Round(full.Cpus * cpuFactor * 4, MidpointRounding.AwayFromZero) / 4);
        var mem = Math.Max(128, (int)(full.MemoryMb * memFactor));
        return new(cpus, mem);
    }
}
