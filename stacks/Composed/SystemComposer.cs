using System.Globalization;
using Infra.Components.Core;
using Infra.Components.Workloads;
using Infra.Stacks.Composition;
using Infra.Stacks.Model;

namespace Infra.Stacks.Composed;

/// <summary>
/// Composes a system for one environment, target-neutral: stack overrides applied and validated, replicas, images
/// (or dev stand-ins), scaled limits, autoscaling bounds, releases, data replicas, isolation edges derived from
/// references, and the list of features the stack uses (so every target can say what it cannot express).
/// </summary>
public static class SystemComposer
{
    public const string StandInImage = "busybox:1.36.1";

    public static ComposedSystem Compose(SystemDefinition def, StackSettings settings)
    {
        var profile = settings.Environment;
        ApplyOverrides(def, settings, out var claims, out var overridden);
        SystemValidator.Validate(def, claims, overridden);
        CheckHealthPorts(def);
        CheckSettingsNames(def, settings);
        CheckMemory(def, settings);

        var services = new List<ComposedService>();
        foreach (var svc in InReferenceOrder(def))
        {
            var replicas = settings.Replicas.TryGetValue(svc.Name, out var r) ? r : svc.ReplicasFor(profile.Replicas);
            // Each replica of a stateful service gets its own data volume behind ONE alias: requests would land on
            // different state. A stateful service runs one replica (the seeds' registries, matchers, validators, IPFS).
            if (svc.DataPath is not null && replicas > 1)
                throw settings.Replicas.ContainsKey(svc.Name)
                    ? new InputException(settings.File, $"platform:replicas.{svc.Name}", replicas.ToString(CultureInfo.InvariantCulture),
                        $"'{svc.Name}' keeps state in {svc.DataPath}: replicas would each get their own volume behind one alias (split state); allowed: 1")
                    : new InputException(def.DefinedIn, $"services[{svc.Name}].replicas", replicas.ToString(CultureInfo.InvariantCulture),
                        $"'{svc.Name}' keeps state in {svc.DataPath} but runs {replicas} replicas in {profile.Name}: each would get its own volume behind one alias (split state); declare WithReplicas(1)");
            var image = settings.Images.GetValueOrDefault(svc.Name) ?? (svc.DefaultImage is { } di ? new ImageSetting(di)
                : settings.PromoteFrom is { } from ? ImageSetting.Promoted(from) : null);
            IReadOnlyList<string> command = svc.Command;
            var health = svc.Health;
            if (image is null) (command, health) = StandIn(def, svc);
            var scalable = svc.FixedReplicas is null && svc.DataPath is null;
            var max = Math.Max(replicas, profile.MaxReplicas);
            services.Add(new ComposedService(svc, replicas, image, WithMemory(settings, svc.Name, profile.Scale(svc.Limits)))
            {
                Command = command,
                Health = health,
                Scaling = scalable && max > replicas ? new Scaling(replicas, max) : null,
                Release = settings.Releases.GetValueOrDefault(svc.Name),
                InternetEgress = def.Networks.Count == 0 || svc.Networks.Count == 0
                    || svc.Networks.Any(n => def.Networks.FirstOrDefault(x => x.Name == n) is { Internal: false }),
            });
        }

        var database = def.Database is { } d ? new ComposedDatabase(d, WithMemory(settings, d.Name, profile.Scale(d.Limits)), 1 + profile.DatabaseReplicas, profile.PublishDataPorts && d.DevHostPort is not null)
            { ExternalUrlConfig = d.IsExternalIn(profile.Name) ? d.ExternalUrlConfig : null } : null;
        var cache = def.Cache is { } c ? new ComposedCache(c, WithMemory(settings, c.Name, profile.Scale(c.Limits)), 1 + profile.CacheReplicas, profile.PublishDataPorts && c.DevHostPort is not null) : null;
        var composed = new ComposedSystem
        {
            Definition = def,
            Settings = settings,
            Services = services,
            Database = database,
            Cache = cache,
            Proxy = def.Proxy,
            Monitoring = def.Monitoring,
            RegistryLogins = RegistryLogins(def, profile.Name, services),
            Backups = database is null ? BackupSchedule.None : profile.Backups,
            Edges = Edges(def, services, database, cache, database is null ? BackupSchedule.None : profile.Backups),
        };
        composed.Uses.AddRange(Uses(composed));
        return composed;
    }

    /// <summary>
    /// The declared logins for this environment that the stack's pulled images need (builds and promoted images pull
    /// nothing here), each with the registry hosts it is for, in order of first use.
    /// </summary>
    private static List<ComposedRegistryLogin> RegistryLogins(SystemDefinition def, string environment, IReadOnlyList<ComposedService> services)
    {
        var hosts = services.Where(s => s.Image is { BuildContext: null, PromotedFrom: null }).Select(s => ImageReference.Registry(s.Image!.Reference)).Distinct().ToList();
        return [.. def.RegistryLogins.Where(l => l.AppliesIn(environment))
            .Select(l => new ComposedRegistryLogin(l, [.. hosts.Where(l.Matches)]))
            .Where(l => l.Hosts.Count > 0)];
    }

    /// <summary>The port a reference reaches: the database's, the cache's, or the referenced service's first port.</summary>
    public static int? PortOf(SystemDefinition def, string name) =>
        def.Database?.Name == name ? 5432 : def.Cache?.Name == name ? 6379 : def.FindService(name)?.PrimaryPort?.ContainerPort;

    /// <summary>The backup job's name in edges.</summary>
    public const string BackupName = "backup";

    private static List<IsolationEdge> Edges(SystemDefinition def, IReadOnlyList<ComposedService> services, ComposedDatabase? db, ComposedCache? cache, BackupSchedule backups)
    {
        var edges = new List<IsolationEdge>();
        foreach (var s in services)
            foreach (var reference in s.Def.References.Distinct())
                if (PortOf(def, reference) is { } port)
                    edges.Add(new IsolationEdge(s.Name, reference, port, EdgeKind.Reference));
        if (def.Proxy is { } p)
            foreach (var routed in p.Routes.Select(r => r.Service).Distinct())
                if (def.FindService(routed)?.PrimaryPort is { } port)
                    edges.Add(new IsolationEdge(p.Name, routed, port.ContainerPort, EdgeKind.PublicEntry));
        if (def.Monitoring is { } m)
            foreach (var s in services.Where(s => s.Def.MetricsPath is not null && s.Def.PrimaryPort is not null))
                edges.Add(new IsolationEdge(m.Name, s.Name, s.Def.PrimaryPort!.ContainerPort, EdgeKind.Metrics));
        if (db is not null && backups != BackupSchedule.None) edges.Add(new IsolationEdge(BackupName, db.Name, 5432, EdgeKind.Backup));
        if (db is { Replicas: > 1 }) edges.Add(new IsolationEdge(db.Name, db.Name, 5432, EdgeKind.Replication));
        if (cache is { Replicas: > 1 }) edges.Add(new IsolationEdge(cache.Name, cache.Name, 6379, EdgeKind.Replication));
        return edges;
    }

    private static List<FeatureUse> Uses(ComposedSystem s)
    {
        var uses = new List<FeatureUse>();
        var profile = s.Profile;
        static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

        var hostPorts = new List<string>();
        foreach (var svc in s.Services)
            hostPorts.AddRange(svc.Def.Ports.Where(p => p.HostPort is not null).Select(p => $"{svc.Name} {N(p.HostPort!.Value)}"));
        if (s.Database is { PublishHostPort: true } db) hostPorts.Add($"{db.Name} {N(db.Def.DevHostPort!.Value)}");
        if (s.Cache is { PublishHostPort: true } cache) hostPorts.Add($"{cache.Name} {N(cache.Def.DevHostPort!.Value)}");
        if (s.Proxy is { } proxy) hostPorts.Add($"{proxy.Name} {N(proxy.HttpHostPort)}");
        if (s.Monitoring is { } mon && !profile.RequireTls) hostPorts.Add($"grafana {N(mon.GrafanaHostPort)}");
        if (hostPorts.Count > 0) uses.Add(new(Feature.HostPorts, string.Join(", ", hostPorts)));

        var builds = s.Services.Where(x => x.Image?.BuildContext is not null).Select(x => $"{x.Name} from {x.Image!.BuildContext}").ToList();
        if (builds.Count > 0) uses.Add(new(Feature.LocalImageBuild, string.Join(", ", builds)));

        var waits = s.Services.Where(x => x.Def.References.Count > 0).Select(x => $"{x.Name} after {string.Join(" + ", x.Def.References)}").ToList();
        if (waits.Count > 0) uses.Add(new(Feature.StartOrder, string.Join(", ", waits)));

        var scaled = s.Services.Where(x => x.Scaling is not null).Select(x => $"{x.Name} {N(x.Scaling!.Min)}-{N(x.Scaling.Max)}").ToList();
        if (scaled.Count > 0) uses.Add(new(Feature.Autoscaling, string.Join(", ", scaled)));

        var budgets = s.Services.Where(x => x.Replicas > 1).Select(x => $"{x.Name} ({N(x.Replicas)} replicas)").ToList();
        if (budgets.Count > 0) uses.Add(new(Feature.DisruptionBudgets, string.Join(", ", budgets)));

        if (s.Edges.Count > 0) uses.Add(new(Feature.PerEdgeIsolation, $"{N(s.Edges.Count)} allowed edges, everything else denied"));
        uses.Add(new(Feature.ReadOnlyRootFilesystem, $"all {N(s.Services.Count)} services (writable: /tmp and data paths)"));

        var dataReplicas = new List<string>();
        if (s.Database is { Replicas: > 1 } rdb) dataReplicas.Add($"{rdb.Name} 1 primary + {N(rdb.Replicas - 1)} replicas");
        if (s.Cache is { Replicas: > 1 } rc) dataReplicas.Add($"{rc.Name} 1 primary + {N(rc.Replicas - 1)} replica{(rc.Replicas > 2 ? "s" : "")}");
        if (dataReplicas.Count > 0) uses.Add(new(Feature.DataReplicas, string.Join(", ", dataReplicas)));

        var releases = s.Services.Where(x => x.Release is not null)
            .Select(x => x.Release!.Kind == ReleaseKind.Canary ? $"{x.Name} canary at {N(x.Release.Step)} %" : $"{x.Name} blue-green ({x.Release.Active} live)").ToList();
        if (releases.Count > 0) uses.Add(new(Feature.ProgressiveRelease, string.Join(", ", releases)));

        if (s.Settings.Host is not null || s.Settings.AcmeEmail is not null)
            uses.Add(new(Feature.AcmeCertificates, string.Join(", ", new[] { s.Settings.Host, s.Settings.AcmeEmail }.OfType<string>())));
        if (s.Proxy is { } tlsProxy && (s.Settings.Tls || profile.RequireTls))
            uses.Add(new(Feature.TlsFromStackSecrets, $"{tlsProxy.Name} in {profile.Name}"));

        if (s.Database is { ExternalUrlConfig: { } url } edb)
            uses.Add(new(Feature.ExternalDatabase, $"{edb.Name} from the secret {url}"));
        var readOnly = s.Services.SelectMany(x => x.Def.ReadOnlyVolumes.Select(v => $"{x.Name} {v.Name} at {v.Path}")).ToList();
        if (readOnly.Count > 0) uses.Add(new(Feature.ReadOnlyVolumes, string.Join(", ", readOnly)));
        var migrations = s.Services.Where(x => x.Def.MigrationCommand.Count > 0).Select(x => $"{x.Name}: {string.Join(' ', x.Def.MigrationCommand)}").ToList();
        if (migrations.Count > 0) uses.Add(new(Feature.Migrations, string.Join(", ", migrations)));
        if (s.RegistryLogins.Count > 0)
            uses.Add(new(Feature.RegistryLogins, string.Join(", ", s.RegistryLogins.SelectMany(l => l.Hosts))));

        if (profile.Monitoring == Profiles.MonitoringLevel.Full && s.Monitoring is not null && (s.Database is not null || s.Cache is not null))
            uses.Add(new(Feature.DataExporters, string.Join(", ", new[] { s.Database is null ? null : "postgres-exporter", s.Cache is null ? null : "redis-exporter" }.OfType<string>())));
        return uses;
    }

    /// <summary>A health check probes a port the service listens on (every target turns it into a probe of that port).</summary>
    private static void CheckHealthPorts(SystemDefinition def)
    {
        foreach (var s in def.Services)
            if (s.Health?.Port is { } port && !s.Ports.Any(p => p.ContainerPort == port))
                throw new InputException(def.DefinedIn, $"services[{s.Name}].health.port", port.ToString(CultureInfo.InvariantCulture),
                    $"the health check probes a port the service does not expose; it listens on: {(s.Ports.Count == 0 ? "(none)" : string.Join(", ", s.Ports.Select(p => p.ContainerPort)))}");
    }

    private static void CheckSettingsNames(SystemDefinition def, StackSettings settings)
    {
        var known = string.Join(", ", def.Services.Select(s => s.Name));
        foreach (var name in settings.Images.Keys)
            if (def.FindService(name) is null)
                throw new InputException(settings.File, $"platform:images.{name}", null, $"'{name}' is not a service of system '{def.Name}'; services: {known}");
        foreach (var name in settings.Replicas.Keys)
            if (def.FindService(name) is null)
                throw new InputException(settings.File, $"platform:replicas.{name}", null, $"'{name}' is not a service of system '{def.Name}'; services: {known}");
        foreach (var name in settings.Releases.Keys)
            if (def.FindService(name) is null)
                throw new InputException(settings.File, $"platform:releases.{name}", null, $"'{name}' is not a service of system '{def.Name}'; services: {known}");
        if (!settings.Environment.AllowStandIns && settings.PromoteFrom is null)
        {
            var missing = def.Services.Where(s => !settings.Images.ContainsKey(s.Name) && s.DefaultImage is null).Select(s => s.Name).ToList();
            if (missing.Count > 0)
                throw new InputException(settings.File, $"platform:images.{missing[0]}", null,
                    $"{settings.Environment.Name} runs real images only and promotion is off (platform:promoteFrom: none); set an image for: {string.Join(", ", missing)} (e.g. ghcr.io/acme/{missing[0]}:1.0.0), or promote them from the previous stack");
        }
    }

    // ---- platform:memory (issue 9) ----

    /// <summary>The limits with the stack's <c>platform:memory</c> for <paramref name="name"/>, if any (reservation: half).</summary>
    public static ResourceLimits WithMemory(StackSettings settings, string name, ResourceLimits scaled) =>
        settings.Memory.TryGetValue(name, out var mb) ? new ResourceLimits(scaled.Cpus, mb) : scaled;

    private static void CheckMemory(SystemDefinition def, StackSettings settings)
    {
        var known = def.Services.Select(s => s.Name)
            .Concat(new[] { def.Database?.Name, def.Cache?.Name, def.Proxy?.Name }.OfType<string>()).ToList();
        foreach (var (name, mb) in settings.Memory)
        {
            var key = $"{StackSettings.Prefix}memory.{name}";
            if (!known.Contains(name))
            {
                var nearest = StackInput.Nearest(name, known);
                throw new InputException(settings.File, key, null,
                    $"'{name}' is not a service of system '{def.Name}'{(nearest is null ? "" : $"; did you mean {nearest}?")} (memory can be set for: {string.Join(", ", known)})");
            }
            var min = def.MinimumMemoryMb(name);
            if (mb < min)
                throw new InputException(settings.File, key, mb.ToString(CultureInfo.InvariantCulture),
                    $"'{name}' needs at least {min} MB to start; allowed: {min} to {StackSettings.MaxMemoryMb} MB");
        }
    }

    /// <summary>Services after the services they reference (the validator has ruled out cycles).</summary>
    private static IEnumerable<ServiceDef> InReferenceOrder(SystemDefinition def)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<ServiceDef>();
        void Visit(ServiceDef s)
        {
            if (!done.Add(s.Name)) return;
            foreach (var r in s.References)
                if (def.FindService(r) is { } t) Visit(t);
            order.Add(s);
        }
        foreach (var s in def.Services) Visit(s);
        return order;
    }

    /// <summary>A busybox stand-in: httpd on every port of the service, answering the health path; workers just stay up.</summary>
    private static (IReadOnlyList<string> Command, HealthCheck Health) StandIn(SystemDefinition def, ServiceDef svc)
    {
        // The stand-in probes its own way (busybox httpd, kill -0) on the seed's schedule: interval, timeout, retries and
        // start period stay the service's, so dev waits, restarts and times out as the real image would.
        HealthCheck Timed(HealthCheck probe) => svc.Health is { } seed
            ? probe with { Interval = seed.Interval, Timeout = seed.Timeout, Retries = seed.Retries, StartPeriod = seed.StartPeriod }
            : probe;
        if (svc.PrimaryPort is not { } primary)
            return (["sh", "-c", "trap 'exit 0' TERM INT; while true; do sleep 3600 & wait $!; done"], Timed(HealthCheck.Exec("kill -0 1")));
        var healthPath = svc.Health is { Kind: HealthKind.Http, Path: { } hp } ? hp : "/";
        var root = "/tmp/www";
        var script = new System.Text.StringBuilder();
        script.Append($"mkdir -p {root}");
        var dir = healthPath.LastIndexOf('/') > 0 ? healthPath[..healthPath.LastIndexOf('/')] : "";
        if (dir.Length > 0) script.Append($" {root}{dir}");
        script.Append($" && echo 'stand-in for {def.Name}/{svc.Name}: no image configured' > {root}/index.html");
        if (healthPath != "/") script.Append($" && echo ok > {root}{healthPath}");
        foreach (var extra in svc.Ports.Skip(1))
            script.Append($" && httpd -p {extra.ContainerPort.ToString(CultureInfo.InvariantCulture)} -h {root}");
        script.Append($" && exec httpd -f -p {primary.ContainerPort.ToString(CultureInfo.InvariantCulture)} -h {root}");
        return (["sh", "-c", script.ToString()], Timed(HealthCheck.Http(healthPath, primary.ContainerPort)));
    }

    /// <summary>Host-port overrides from the stack apply before validation, so a clash names the stack file and key.</summary>
    private static void ApplyOverrides(SystemDefinition def, StackSettings settings, out List<SystemValidator.HostPortClaim> claims, out HashSet<(string, int)> overridden)
    {
        claims = [];
        overridden = [];
        foreach (var (svcName, port) in settings.Ports)
        {
            var svc = def.FindService(svcName);
            var index = svc?.Ports.FindIndex(x => x.HostPort is not null) ?? -1;
            if (svc is null || index < 0)
                throw new InputException(settings.File, $"platform:ports.{svcName}", port.ToString(CultureInfo.InvariantCulture),
                    $"no such service publishing a port; these publish one: {string.Join(", ", def.Services.Where(s => s.Ports.Any(x => x.HostPort is not null)).Select(s => s.Name))}");
            svc.Ports[index] = svc.Ports[index] with { HostPort = port };
            overridden.Add((svcName, index));
            claims.Add(new SystemValidator.HostPortClaim(port, $"service '{svcName}'", settings.File, $"platform:ports.{svcName}"));
        }
    }
}
