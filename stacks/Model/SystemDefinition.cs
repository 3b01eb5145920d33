using Infra.Components.Core;
using Infra.Components.Docker;
using Infra.Components.Workloads;

namespace Infra.Stacks.Model;

/// <summary>
/// A deployable system, independent of target and environment: its networks, application services,
/// data services, reverse proxy and monitoring. Built with <see cref="SystemBuilder"/>; checked by
/// <see cref="SystemValidator"/> before anything is composed.
/// </summary>
public sealed class SystemDefinition
{
    public required string Name { get; init; }
    public required string Title { get; init; }
    /// <summary>Where the architecture is described (the seed document).</summary>
    public required string Source { get; init; }
    /// <summary>The file the definition lives in, named in errors.</summary>
    public string DefinedIn { get; init; } = "(generated)";
    public List<NetworkDef> Networks { get; } = [];
    public List<ServiceDef> Services { get; } = [];
    public DatabaseDef? Database { get; set; }
    public CacheDef? Cache { get; set; }
    public ProxyDef? Proxy { get; set; }
    public MonitoringDef? Monitoring { get; set; }
    /// <summary>Registries whose pulls need a login (seed 002: ghcr.io with GITHUB_TOKEN; seed 004: ECR, GHCR as backup).</summary>
    public List<RegistryLoginDef> RegistryLogins { get; } = [];
    /// <summary>Archive the data volumes of services and monitoring (not the database's or the cache's: they have their own dumps) where backups run.</summary>
    public bool BackUpVolumes { get; set; }
    /// <summary>Documented exceptions to policy rules, each for one component and with a reason.</summary>
    public List<Infra.Components.Policies.Waiver> Waivers { get; } = [];
    /// <summary>Seed requirements the program does not honour as written (deliberately, or not yet); printed by plan.</summary>
    public List<Departure> Departures { get; } = [];

    /// <summary>The departures that apply to one environment, in declaration order.</summary>
    public IEnumerable<Departure> DeparturesIn(string environment) => Departures.Where(d => d.AppliesTo(environment));

    /// <summary>
    /// What a container of this system needs at least (MB) to start and serve, for <c>platform:memory</c>: PostgreSQL
    /// 128 (the generated postgresql.conf's floor: shared_buffers is a quarter of the limit), Redis 32 (maxmemory is
    /// 60 % of the limit), Traefik 64 (a Go binary of ~40 MB resident), nginx 16, an application service 16 (its
    /// image is unknown here; the system validator's floor).
    /// </summary>
    public int MinimumMemoryMb(string component) =>
        component == Database?.Name ? 128
        : component == Cache?.Name ? 32
        : component == Proxy?.Name ? (Proxy.Kind == ProxyKind.Traefik ? 64 : 16)
        : 16;

    private (int Count, Dictionary<string, ServiceDef> ByName)? _index;

    /// <summary>Service by name (first one wins on duplicates, which the validator reports); indexed, so large systems stay linear.</summary>
    public ServiceDef? FindService(string name)
    {
        if (_index is not { } idx || idx.Count != Services.Count)
        {
            var byName = new Dictionary<string, ServiceDef>(Services.Count, StringComparer.Ordinal);
            foreach (var s in Services) byName.TryAdd(s.Name, s);
            _index = idx = (Services.Count, byName);
        }
        return idx.ByName.GetValueOrDefault(name);
    }
}

public sealed record NetworkDef(string Name, bool Internal = false, string? Subnet = null);

/// <summary>An application service (the system's own image).</summary>
public sealed class ServiceDef
{
    public required string Name { get; init; }
    public string Description { get; set; } = "";
    public List<ServicePort> Ports { get; } = [];
    public HealthCheck? Health { get; set; }
    /// <summary>null: replicas follow the environment profile; a number: always that many (e.g. a consensus member).</summary>
    public int? FixedReplicas { get; set; }
    /// <summary>Minimum replicas whatever the profile (e.g. three agent workers).</summary>
    public int MinReplicas { get; set; } = 1;
    public List<KeyValuePair<string, string>> Environment { get; } = [];
    /// <summary>Per environment ("dev"): values that replace or add to <see cref="Environment"/> there (seed 002: ENV=development in dev).</summary>
    public Dictionary<string, List<KeyValuePair<string, string>>> EnvironmentOverrides { get; } = new(StringComparer.Ordinal);
    /// <summary>Maximum replicas whatever the profile (e.g. seed 001's two ai-service replicas); null: no maximum.</summary>
    public int? MaxReplicas { get; set; }
    public List<KeyValuePair<string, SecretSource>> SecretEnvironment { get; } = [];
    public List<ConfigFile> Files { get; } = [];
    /// <summary>Names of the services, database or cache this service uses and waits for.</summary>
    public List<string> References { get; } = [];
    public List<string> Networks { get; } = [];
    public string? DataPath { get; set; }
    /// <summary>Limits at full (prod) size; smaller environments scale them down.</summary>
    public ResourceLimits Limits { get; set; } = new(1, 1024);
    public string User { get; set; } = "1000:1000";
    public List<string> Command { get; } = [];
    /// <summary>Path Prometheus scrapes on the first port, if the service exposes metrics.</summary>
    public string? MetricsPath { get; set; }
    /// <summary>Image used when the stack configures none (public images only).</summary>
    public string? DefaultImage { get; set; }
    /// <summary>Named volumes the service reads but does not write (seed 003: the ML engine's models at /app/models).</summary>
    public List<ReadOnlyVolumeDef> ReadOnlyVolumes { get; } = [];
    /// <summary>A run-once command from the service's image, after the database and before every service that uses it (seed 001: npm run migrate:up).</summary>
    public List<string> MigrationCommand { get; } = [];
    /// <summary>
    /// How long one request to this service may take (seconds) before the reverse proxy gives up: its read and send
    /// timeouts (nginx) or response-header timeout (Traefik). Null: the proxy's default, <see cref="DefaultRequestTimeoutSeconds"/>.
    /// </summary>
    public int? RequestTimeoutSeconds { get; set; }

    /// <summary>What the proxies allow a request when the service declares nothing (nginx's proxy_read_timeout default).</summary>
    public const int DefaultRequestTimeoutSeconds = 60;
    /// <summary>The longest request timeout a service may declare (one hour: longer work belongs in a job queue).</summary>
    public const int MaxRequestTimeoutSeconds = 3600;

    public ServicePort? PrimaryPort => Ports.Count > 0 ? Ports[0] : null;

    /// <summary>The environment variables in one environment: <see cref="Environment"/> with that environment's overrides applied, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> EnvironmentFor(string environment)
    {
        if (!EnvironmentOverrides.TryGetValue(environment, out var overrides)) return Environment;
        var result = Environment.Select(e => overrides.FindIndex(o => o.Key == e.Key) is var i and >= 0 ? overrides[i] : e).ToList();
        result.AddRange(overrides.Where(o => Environment.TrueForAll(e => e.Key != o.Key)));
        return result;
    }

    /// <summary>Replicas where the profile gives <paramref name="profileReplicas"/>: the fixed count, else the profile's within the minimum and maximum.</summary>
    public int ReplicasFor(int profileReplicas) =>
        FixedReplicas ?? Math.Min(Math.Max(profileReplicas, MinReplicas), Math.Max(MinReplicas, MaxReplicas ?? int.MaxValue));
}

public sealed record DatabaseDef(string Name, string Database, string User)
{
    public int? DevHostPort { get; init; }
    /// <summary>Environments where the database is an external managed service (seed 002: DO Managed Database in production): no container there.</summary>
    public List<string> ExternalIn { get; init; } = [];
    /// <summary>The secret config key holding the external database's URL (injected as <c>DATABASE_URL</c>).</summary>
    public string? ExternalUrlConfig { get; init; }

    public bool IsExternalIn(string environment) => ExternalIn.Contains(environment, StringComparer.Ordinal);
    public ResourceLimits Limits { get; init; } = new(2, 2048);
    public List<string> Networks { get; init; } = [];
}

/// <summary>
/// A volume mounted read-only at <paramref name="Path"/>: owned by the service's user (so whoever loads it, as that user,
/// can write it), never writable by the service's own process.
/// </summary>
public sealed record ReadOnlyVolumeDef(string Name, string Path);

/// <summary>
/// Pulls from registries matching <paramref name="Host"/> ("ghcr.io", or "*.dkr.ecr.*.amazonaws.com" where each <c>*</c>
/// is one DNS label) log in, in <see cref="Environments"/> (none: every environment), with the password from the
/// secret config key <paramref name="PasswordKey"/> and the user name <see cref="Username"/> or from the plain config
/// key <see cref="UsernameKey"/>. A login applies only when one of the stack's images is from a matching registry.
/// </summary>
public sealed record RegistryLoginDef(string Name, string Host, string PasswordKey)
{
    public string? Username { get; init; }
    public string? UsernameKey { get; init; }
    public List<string> Environments { get; init; } = [];
    /// <summary>How the stack gets the password, said in the error when it is missing.</summary>
    public string PasswordHint { get; init; } = "";

    public bool AppliesIn(string environment) => Environments.Count == 0 || Environments.Contains(environment, StringComparer.Ordinal);

    /// <summary>Whether a registry host (as in an image reference, lowercase) is one this login is for.</summary>
    public bool Matches(string registryHost)
    {
        var pattern = Host.Split('.');
        var labels = registryHost.ToLowerInvariant().Split('.');
        if (pattern.Length != labels.Length) return false;
        for (var i = 0; i < pattern.Length; i++)
            if (pattern[i] != "*" && !string.Equals(pattern[i], labels[i], StringComparison.Ordinal)) return false;
        return true;
    }
}

public sealed record CacheDef(string Name)
{
    public int? DevHostPort { get; init; }
    public ResourceLimits Limits { get; init; } = new(1, 1024);
    public List<string> Networks { get; init; } = [];
    /// <summary>Environments where the cache runs one read-only replica beside its primary (seed 004: staging and prod).</summary>
    public IReadOnlyList<string> ReplicaIn { get; init; } = [];
}

public sealed record ProxyRoute(string PathPrefix, string Service);

public sealed record ProxyDef(string Name, ProxyKind Kind)
{
    public List<ProxyRoute> Routes { get; init; } = [];
    public int HttpHostPort { get; init; } = 80;
    public int? HttpsHostPort { get; init; }
    public List<string> Networks { get; init; } = [];
}

public sealed record MonitoringDef(string Name)
{
    public int GrafanaHostPort { get; init; } = 3003;
    public int? PrometheusHostPort { get; init; }
    /// <summary>Loki's host port in dev (seed 001 L683-684); null: not published.</summary>
    public int? LokiHostPort { get; init; }
    /// <summary>How long Loki keeps logs; null: the LokiSpec default (30 days, seed 004 L297).</summary>
    public int? LogRetentionDays { get; init; }
    public List<string> Networks { get; init; } = [];
}
