using Infra.Components.Core;
using Infra.Components.Workloads;
using Infra.Stacks.Composition;
using Infra.Stacks.Model;
using Infra.Stacks.Profiles;

namespace Infra.Stacks.Composed;

/// <summary>
/// A system composed for one environment, before any target: which services run, how many, from which image,
/// what each one may reach, what is scaled, monitored and backed up. No target words here: a translation
/// (one folder per target under <c>stacks/Targets</c>) turns it into resources, and declares what it cannot express.
/// </summary>
public sealed class ComposedSystem
{
    public required SystemDefinition Definition { get; init; }
    public required StackSettings Settings { get; init; }
    public EnvironmentProfile Profile => Settings.Environment;
    public string Name => Definition.Name;

    /// <summary>Application services, each after the services it references.</summary>
    public required IReadOnlyList<ComposedService> Services { get; init; }
    public ComposedDatabase? Database { get; init; }
    public ComposedCache? Cache { get; init; }
    public ProxyDef? Proxy { get; init; }
    public MonitoringDef? Monitoring { get; init; }
    /// <summary>The registry logins that apply: declared for this environment, for the registries of the stack's images.</summary>
    public IReadOnlyList<ComposedRegistryLogin> RegistryLogins { get; init; } = [];
    /// <summary>Backups of the database, if the profile takes any.</summary>
    public BackupSchedule Backups { get; init; }

    /// <summary>Who may open a connection to whom: exactly the references, plus the public entry and metrics scraping.</summary>
    public required IReadOnlyList<IsolationEdge> Edges { get; init; }

    /// <summary>What the stack uses, with a short detail, so a target that cannot express it says so aloud.</summary>
    public List<FeatureUse> Uses { get; } = [];

    public ComposedService? Find(string name) => Services.FirstOrDefault(s => s.Name == name);
}

/// <summary>One application service in this environment.</summary>
public sealed record ComposedService(ServiceDef Def, int Replicas, ImageSetting? Image, ResourceLimits Limits)
{
    public string Name => Def.Name;
    /// <summary>No image configured (dev only): a labelled busybox stand-in answering the health path.</summary>
    public bool StandIn => Image is null;
    /// <summary>The command the service runs (the stand-in's script when it is one).</summary>
    public IReadOnlyList<string> Command { get; init; } = [];
    /// <summary>The one health check every target turns into its own form (Docker healthcheck, Kubernetes probes).</summary>
    public HealthCheck? Health { get; init; }
    /// <summary>Autoscaling bounds when the service may scale (null: a fixed count).</summary>
    public Scaling? Scaling { get; init; }
    /// <summary>How a new version reaches users (null: a rolling update).</summary>
    public ReleaseStrategy? Release { get; init; }
    /// <summary>Paths the process writes besides its data volume (the root filesystem is read-only where a target can say so).</summary>
    public IReadOnlyList<string> WritablePaths { get; init; } = ["/tmp"];
    public bool Stateful => Def.DataPath is not null;
    /// <summary>On a network that is not internal (Docker's reading): the service may open connections to the internet.</summary>
    public bool InternetEgress { get; init; }
}

/// <summary>Autoscaling from <paramref name="Min"/> to <paramref name="Max"/> replicas at the given utilisation targets (percent).</summary>
public sealed record Scaling(int Min, int Max, int CpuPercent = 70, int MemoryPercent = 80);

public enum ReleaseKind { BlueGreen, Canary }

/// <summary>
/// A progressive release. Blue-green: <paramref name="Active"/> is the colour serving traffic. Canary: the weights of
/// <paramref name="Steps"/> go to the new version in order; <paramref name="Step"/> is the current weight.
/// </summary>
public sealed record ReleaseStrategy(ReleaseKind Kind, string Active = "blue", int Step = 0, IReadOnlyList<int>? Steps = null)
{
    /// <summary>Blue-green: the image each colour runs (default: the stack's image for the service).</summary>
    public string? BlueImage { get; init; }
    public string? GreenImage { get; init; }
    /// <summary>Canary: the new version's image (default: the stack's image).</summary>
    public string? CanaryImage { get; init; }

    public static readonly IReadOnlyList<int> DefaultCanarySteps = [5, 25, 50, 100];
}

public sealed record ComposedDatabase(DatabaseDef Def, ResourceLimits Limits, int Replicas, bool PublishHostPort)
{
    public string Name => Def.Name;
    /// <summary>
    /// In this environment the database is an external managed service whose URL is this secret config key (seed 002:
    /// DO Managed Database in prod): a target with <see cref="Feature.ExternalDatabase"/> runs no database of its own.
    /// </summary>
    public string? ExternalUrlConfig { get; init; }
}

/// <summary>A registry login and the registry hosts of the stack's images it applies to.</summary>
public sealed record ComposedRegistryLogin(RegistryLoginDef Def, IReadOnlyList<string> Hosts);

public sealed record ComposedCache(CacheDef Def, ResourceLimits Limits, int Replicas, bool PublishHostPort)
{
    public string Name => Def.Name;
}

public enum EdgeKind { Reference, PublicEntry, Metrics, Backup, Replication }

/// <summary><paramref name="From"/> may open connections to <paramref name="To"/> on <paramref name="Port"/>.</summary>
public sealed record IsolationEdge(string From, string To, int Port, EdgeKind Kind);

/// <summary>The neutral vocabulary of things a target may or may not be able to express.</summary>
public enum Feature
{
    HostPorts,
    LocalImageBuild,
    StartOrder,
    Autoscaling,
    DisruptionBudgets,
    PerEdgeIsolation,
    ReadOnlyRootFilesystem,
    DataReplicas,
    ProgressiveRelease,
    DataExporters,
    /// <summary>Certificates issued by ACME for the stack's public host name (platform:host, platform:acmeEmail).</summary>
    AcmeCertificates,
    /// <summary>TLS served with a certificate and key from stack secrets (tlsCertificate, tlsPrivateKey).</summary>
    TlsFromStackSecrets,
    /// <summary>The database is an external managed service in this environment, reached through a secret URL.</summary>
    ExternalDatabase,
    /// <summary>Image pulls log in to their registry with credentials from stack config.</summary>
    RegistryLogins,
    /// <summary>Volumes a service mounts read-only (loaded by someone else, e.g. ML models).</summary>
    ReadOnlyVolumes,
    /// <summary>A run-once migration from a service's image before the services that use the database.</summary>
    Migrations,
}

public sealed record FeatureUse(Feature Feature, string Detail);
