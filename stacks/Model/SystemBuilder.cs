using Infra.Components.Core;
using Infra.Components.Docker;
using Infra.Components.Workloads;

namespace Infra.Stacks.Model;

/// <summary>
/// Fluent, Aspire-style construction of a <see cref="SystemDefinition"/>:
/// <c>var db = system.AddPostgres("postgres", "app", "app"); system.AddService("api").WithHttp(3000, "/health").WithReference(db);</c>
/// </summary>
public sealed class SystemBuilder(string name, string title, string source, string definedIn = "(generated)")
{
    public SystemDefinition Definition { get; } = new() { Name = name, Title = title, Source = source, DefinedIn = definedIn };

    public string AddNetwork(string networkName, bool @internal = false, string? subnet = null)
    {
        Definition.Networks.Add(new NetworkDef(networkName, @internal, subnet));
        return networkName;
    }

    public ServiceBuilder AddService(string serviceName, string description = "")
    {
        var def = new ServiceDef { Name = serviceName, Description = description };
        Definition.Services.Add(def);
        return new ServiceBuilder(def);
    }

    public DatabaseRef AddPostgres(string dbName, string database, string user, int? devHostPort = null, ResourceLimits? limits = null, params string[] networks)
    {
        Definition.Database = new DatabaseDef(dbName, database, user) { DevHostPort = devHostPort, Limits = limits ?? new(2, 2048), Networks = [.. networks] };
        return new DatabaseRef(dbName);
    }

    public CacheRef AddRedis(string cacheName, int? devHostPort = null, ResourceLimits? limits = null, params string[] networks)
    {
        Definition.Cache = new CacheDef(cacheName) { DevHostPort = devHostPort, Limits = limits ?? new(1, 1024), Networks = [.. networks] };
        return new CacheRef(cacheName);
    }

    /// <summary>One read-only replica of the cache (replicaof the primary) in <paramref name="environments"/>.</summary>
    public void ReplicateCache(params string[] environments) =>
        Definition.Cache = (Definition.Cache ?? throw new InvalidOperationException("AddRedis first")) with { ReplicaIn = [.. environments] };

    public void AddReverseProxy(string proxyName, ProxyKind kind, IEnumerable<(string Prefix, ServiceBuilder Service)> routes, int httpHostPort = 80, int? httpsHostPort = null, params string[] networks) =>
        Definition.Proxy = new ProxyDef(proxyName, kind)
        {
            Routes = [.. routes.Select(r => new ProxyRoute(r.Prefix, r.Service.Name))],
            HttpHostPort = httpHostPort,
            HttpsHostPort = httpsHostPort,
            Networks = [.. networks],
        };

    public void AddMonitoring(int grafanaHostPort = 3003, params string[] networks) =>
        Definition.Monitoring = new MonitoringDef("monitoring") { GrafanaHostPort = grafanaHostPort, Networks = [.. networks] };

    /// <summary>Monitoring with Prometheus also published on the host (in dev; elsewhere it stays internal).</summary>
    public void AddMonitoring(int grafanaHostPort, int prometheusHostPort, params string[] networks) =>
        Definition.Monitoring = new MonitoringDef("monitoring") { GrafanaHostPort = grafanaHostPort, PrometheusHostPort = prometheusHostPort, Networks = [.. networks] };

    /// <summary>
    /// The database is an external managed service in <paramref name="environments"/>: no container, no backup sidecar there,
    /// and <c>DATABASE_URL</c> comes from the secret config key <paramref name="urlConfigKey"/>.
    /// </summary>
    public void UseExternalDatabase(string urlConfigKey, params string[] environments)
    {
        var db = Definition.Database ?? throw new InvalidOperationException("AddPostgres first: the external database replaces it in some environments");
        Definition.Database = db with { ExternalIn = [.. environments], ExternalUrlConfig = urlConfigKey };
    }

    /// <summary>
    /// Pulls from registries matching <paramref name="host"/> log in (in <paramref name="environments"/>; none: all) with the
    /// password from the secret config key <paramref name="passwordKey"/> and a fixed <paramref name="username"/> or one from
    /// the plain config key <paramref name="usernameKey"/>; <paramref name="passwordHint"/> says how to set the secret.
    /// </summary>
    public void PullWithLogin(string loginName, string host, string passwordKey, string? username = null, string? usernameKey = null, string passwordHint = "", params string[] environments) =>
        Definition.RegistryLogins.Add(new RegistryLoginDef(loginName, host, passwordKey)
        {
            Username = username, UsernameKey = usernameKey, Environments = [.. environments], PasswordHint = passwordHint,
        });

    /// <summary>Publishes Loki on the host (dev only, like Grafana and Prometheus).</summary>
    public void PublishLoki(int hostPort) =>
        Definition.Monitoring = (Definition.Monitoring ?? throw new InvalidOperationException("AddMonitoring first")) with { LokiHostPort = hostPort };

    /// <summary>How long Loki keeps logs for this system.</summary>
    /// <summary>The seed backs up the services' data volumes too (not only the database): archived on the backup schedule.</summary>
    public void BackUpDataVolumes() => Definition.BackUpVolumes = true;

    public void RetainLogs(int days) =>
        Definition.Monitoring = (Definition.Monitoring ?? throw new InvalidOperationException("AddMonitoring first")) with { LogRetentionDays = days };

    /// <summary>
    /// Declares a deliberate departure from the seed: <paramref name="id"/> is the row in docs/seed-fidelity.md
    /// ("001-07"), <paramref name="requirement"/> quotes the seed, <paramref name="reason"/> says why the Docker
    /// target does otherwise; <paramref name="environments"/> limits it (none: every environment). Plan prints it.
    /// </summary>
    public void Departs(string id, string requirement, string reason, params string[] environments) =>
        Definition.Departures.Add(new Departure(id, requirement, reason, DepartureKind.Departure, environments.Length == 0 ? null : environments));

    /// <summary>Declares a seed requirement the program should honour and does not yet; the reason names what is missing.</summary>
    public void NotYet(string id, string requirement, string reason, params string[] environments) =>
        Definition.Departures.Add(new Departure(id, requirement, reason, DepartureKind.NotYet, environments.Length == 0 ? null : environments));

    /// <summary>Waives one policy rule for one component (a service, the database, the proxy...), with the reason shown by plan.</summary>
    public void Waive(string ruleId, string component, string reason) =>
        Definition.Waivers.Add(new Infra.Components.Policies.Waiver(ruleId, component, reason));

    public SystemDefinition Build() => Definition;
}

public sealed record DatabaseRef(string Name);
public sealed record CacheRef(string Name);

public sealed class ServiceBuilder(ServiceDef def)
{
    public ServiceDef Definition => def;
    public string Name => def.Name;

    /// <summary>An HTTP port with a health path; <paramref name="publish"/> is the host port.</summary>
    public ServiceBuilder WithHttp(int port, string? healthPath = null, int? publish = null, string tool = "wget")
    {
        def.Ports.Add(new ServicePort(def.Ports.Count == 0 ? "http" : $"http{def.Ports.Count}", port, PortProtocol.Http, publish));
        if (healthPath is not null && def.Health is null) def.Health = HealthCheck.Http(healthPath, port, tool);
        return this;
    }

    public ServiceBuilder WithPort(string portName, int port, PortProtocol protocol, int? publish = null)
    {
        def.Ports.Add(new ServicePort(portName, port, protocol, publish));
        return this;
    }

    public ServiceBuilder WithHealth(HealthCheck health) { def.Health = health; return this; }

    /// <summary>Health-check timings as the seed gives them (interval, timeout, retries, start period).</summary>
    public ServiceBuilder WithHealthTimings(int intervalSeconds, int timeoutSeconds, int retries, int startPeriodSeconds)
    {
        if (def.Health is null) throw new InvalidOperationException($"service '{def.Name}' has no health check to time; call WithHttp or WithHealth first");
        def.Health = def.Health with
        {
            Interval = TimeSpan.FromSeconds(intervalSeconds),
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
            Retries = retries,
            StartPeriod = TimeSpan.FromSeconds(startPeriodSeconds),
        };
        return this;
    }
    public ServiceBuilder WithEnv(string key, string value) { def.Environment.Add(new(key, value)); return this; }

    /// <summary>A value for one environment only, replacing the <see cref="WithEnv"/> value of the same name there.</summary>
    public ServiceBuilder WithEnvIn(string environment, string key, string value)
    {
        if (!def.EnvironmentOverrides.TryGetValue(environment, out var list)) def.EnvironmentOverrides[environment] = list = [];
        list.Add(new(key, value));
        return this;
    }
    public ServiceBuilder WithSecret(string envName, SecretSource source) { def.SecretEnvironment.Add(new(envName, source)); return this; }
    public ServiceBuilder WithConfigFile(string path, string content) { def.Files.Add(new ConfigFile(path, content)); return this; }
    public ServiceBuilder WithReference(ServiceBuilder other) { def.References.Add(other.Name); return this; }
    public ServiceBuilder WithReference(string serviceName) { def.References.Add(serviceName); return this; }
    /// <summary>Injects <c>DATABASE_URL</c> and waits for the database to be healthy.</summary>
    public ServiceBuilder WithReference(DatabaseRef db) { def.References.Add(db.Name); return this; }
    /// <summary>Injects <c>REDIS_URL</c> and waits for the cache to be healthy.</summary>
    public ServiceBuilder WithReference(CacheRef cache) { def.References.Add(cache.Name); return this; }
    public ServiceBuilder OnNetworks(params string[] networks) { def.Networks.AddRange(networks); return this; }
    public ServiceBuilder WithDataVolume(string path) { def.DataPath = path; return this; }
    public ServiceBuilder WithReplicas(int replicas) { def.FixedReplicas = replicas; return this; }
    public ServiceBuilder WithMinReplicas(int replicas) { def.MinReplicas = replicas; return this; }
    public ServiceBuilder WithMaxReplicas(int replicas) { def.MaxReplicas = replicas; return this; }
    public ServiceBuilder WithLimits(double cpus, int memoryMb) { def.Limits = new ResourceLimits(cpus, memoryMb); return this; }
    public ServiceBuilder WithUser(string user) { def.User = user; return this; }
    public ServiceBuilder WithCommand(params string[] command) { def.Command.AddRange(command); return this; }
    public ServiceBuilder WithMetrics(string path = "/metrics") { def.MetricsPath = path; return this; }
    public ServiceBuilder WithDefaultImage(string image) { def.DefaultImage = image; return this; }
    /// <summary>A named volume mounted read-only at <paramref name="path"/>, owned by the service's user (whoever loads it runs as that user).</summary>
    public ServiceBuilder WithReadOnlyVolume(string volumeName, string path) { def.ReadOnlyVolumes.Add(new ReadOnlyVolumeDef(volumeName, path)); return this; }
    /// <summary>Runs <paramref name="command"/> once from this service's image, with its environment, after the database and before the services that use it.</summary>
    public ServiceBuilder WithMigration(params string[] command) { def.MigrationCommand.AddRange(command); return this; }

    /// <summary>
    /// A slow service (AI inference, reports, uploads): the reverse proxy waits up to <paramref name="seconds"/> for
    /// each of its requests instead of the default <see cref="ServiceDef.DefaultRequestTimeoutSeconds"/>.
    /// </summary>
    public ServiceBuilder WithRequestTimeout(int seconds) { def.RequestTimeoutSeconds = seconds; return this; }
}
