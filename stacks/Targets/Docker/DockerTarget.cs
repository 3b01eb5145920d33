using System.Globalization;
using Infra.Components.Configs;
using Infra.Components.Core;
using Infra.Components.Docker;
using Infra.Components.Workloads;
using Infra.Stacks.Composed;
using Infra.Stacks.Model;
using Infra.Stacks.Profiles;

namespace Infra.Stacks.Targets.Docker;

/// <summary>
/// The Docker translation: a composed system becomes networks, data services, the application services in
/// reference order (each waits for what it uses), reverse proxy, monitoring and backups, with every config file
/// generated. What Docker cannot express is declared in <see cref="Capabilities"/>.
/// </summary>
public static class DockerTarget
{
    public const string StandInImage = SystemComposer.StandInImage;
    public const string LoopbackAddress = "127.0.0.1";
    private static readonly string[] PrivateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

    /// <summary>What the Docker target can express; the rest is said aloud by plan.</summary>
    public static readonly TargetCapabilities Capabilities = new("docker",
        new HashSet<Feature> { Feature.HostPorts, Feature.LocalImageBuild, Feature.StartOrder, Feature.DataExporters, Feature.TlsFromStackSecrets, Feature.ExternalDatabase, Feature.RegistryLogins, Feature.ReadOnlyVolumes, Feature.Migrations },
        new Dictionary<Feature, string>
        {
            [Feature.Autoscaling] = "Docker runs the minimum as a fixed replica count",
            [Feature.DisruptionBudgets] = "no voluntary-disruption control on one Docker host",
            [Feature.PerEdgeIsolation] = "isolation is per network: every container on a shared network can reach the others",
            [Feature.ReadOnlyRootFilesystem] = "containers keep a writable root filesystem; config files are read-only uploads",
            [Feature.DataReplicas] = "only PostgreSQL's streaming standbys (PostgresReplicas); Redis runs one primary",
            [Feature.ProgressiveRelease] = "containers are replaced in place",
            [Feature.AcmeCertificates] = "platform:host and platform:acmeEmail are not used: the proxy serves the certificate from tlsCertificate / tlsPrivateKey",
        });

    public static StackProgram Translate(ComposedSystem composed) => Translate(composed, null);

    /// <summary>
    /// Where another target puts this translation (the host target: one copy per server, each under its own parent
    /// and name, with no stack outputs of its own). Null: a program of its own, named after the system, with outputs.
    /// </summary>
    public sealed record Placement(Construct Parent, string Name, bool Export);

    public static StackProgram Translate(ComposedSystem composed, Placement? at)
    {
        var def = composed.Definition;
        var settings = composed.Settings;
        var profile = settings.Environment;

        CheckSubnets(def);
        var program = at?.Parent.Program ?? new StackProgram(Composition.StackSettings.Project, settings.Stack);
        var system = new ComponentGroup(at?.Parent ?? program, at?.Name ?? def.Name, "System");
        var networks = def.Networks.Count == 0
            ? new Dictionary<string, DockerNetwork> { ["default"] = new DockerNetwork(system, "default") }
            : def.Networks.ToDictionary(n => n.Name, n => new DockerNetwork(system, n.Name, n.Internal, n.Subnet));
        IReadOnlyList<DockerNetwork> Nets(IEnumerable<string> names)
        {
            var list = names.Select(n => networks[n]).ToList();
            return list.Count > 0 ? list : [networks.Values.First()];
        }
        // Environments without TLS (dev) serve plain HTTP and data ports: published on loopback only, never on every interface.
        var publishAddress = profile.RequireTls ? null : LoopbackAddress;
        if (publishAddress is not null)
            program.Notes.Add($"{profile.Name}: host ports are bound to {publishAddress} (reachable from this machine only)");
        // Docker publishes nothing for a container only on internal networks: a data service whose seed publishes a dev
        // port joins a separate non-internal network (nothing else is on it) so that the port really is published.
        DockerNetwork? publishNet = null;
        IReadOnlyList<DockerNetwork> Published(string name, IReadOnlyList<DockerNetwork> nets, bool publishes)
        {
            if (!publishes || nets.Any(n => !n.Internal)) return nets;
            publishNet ??= new DockerNetwork(system, "dev-publish");
            program.Notes.Add($"{name}: only on internal networks; in {profile.Name} it also joins '{publishNet.Name}' (no other container) so that its host port is published");
            return [.. nets, publishNet];
        }

        RegistryLogins(composed, program, at);
        var externalDbUrl = ExternalDatabaseUrl(composed, program);
        PostgresDatabase? db = null;
        if (composed.Database is { Def: var d, ExternalUrlConfig: null } cdb)
        {
            // Sized from the container's scaled limit, not the size class's budget (a 4 GB budget in a 1 GB container is OOM-killed).
            var tuning = PostgresTuning.For(profile.Size, cdb.Limits.MemoryMb);
            db = new PostgresDatabase(system, d.Name, new PostgresArgs
            {
                Database = d.Database,
                User = d.User,
                Networks = Published(d.Name, Nets(d.Networks), cdb.PublishHostPort),
                Protect = profile.ProtectData,
                Limits = cdb.Limits,
                HostPort = cdb.PublishHostPort ? d.DevHostPort : null,
                PublishAddress = publishAddress,
                PostgresqlConf = new ConfigFile("/etc/postgresql/postgresql.conf", PostgresConfig.RenderPostgresqlConf(tuning)),
                WalArchiveDir = tuning.WalArchiving ? tuning.ArchiveDir : null,
                HbaConf = new ConfigFile("/etc/postgresql/pg_hba.conf",
                    PostgresConfig.RenderPgHba(PrivateRanges, tuning.WalArchiving ? PostgresConfig.ReplicationUser : null)),
            });
        }


        RedisCache? cache = null;
        if (composed.Cache is { Def: var c } ccache)
        {
            cache = new RedisCache(system, c.Name, new RedisArgs
            {
                Networks = Published(c.Name, Nets(c.Networks), ccache.PublishHostPort),
                Protect = profile.ProtectData,
                Limits = ccache.Limits,
                HostPort = ccache.PublishHostPort ? c.DevHostPort : null,
                PublishAddress = publishAddress,
                Conf = new ConfigFile("/usr/local/etc/redis/redis.conf", RedisConfig.Render(RedisSpec.For(profile.Size, ccache.Limits.MemoryMb))),
                Replica = c.ReplicaIn.Contains(profile.Name, StringComparer.Ordinal),
            });
        }

        // Outside dev, public traffic enters through the TLS-terminating proxy only: routed services publish no host port.
        if (profile.RequireTls && def.Proxy is { } routed)
            foreach (var svc in routed.Routes.Select(r => def.FindService(r.Service)!).Distinct())
                for (var i = 0; i < svc.Ports.Count; i++)
                    if (svc.Ports[i].HostPort is { } hp)
                    {
                        svc.Ports[i] = svc.Ports[i] with { HostPort = null };
                        program.Notes.Add($"{svc.Name}: host port {hp} is not published in {profile.Name}; it is served through {routed.Name} over TLS");
                    }

        var services = new Dictionary<string, DockerService>(StringComparer.Ordinal);
        foreach (var svc in composed.Services)
            services[svc.Name] = AppService(system, def, svc, settings, Nets(svc.Def.Networks), db, externalDbUrl, cache, services, publishAddress);
        AddMigrations(composed, services, db);

        if (def.Proxy is { } p)
        {
            var upstreams = p.Routes.Select(r => r.Service).Distinct().Select(s => def.FindService(s)!).ToList();
            var tls = settings.Tls || profile.RequireTls;
            var httpsPort = p.HttpsHostPort ?? 443;
            if (!tls && p.HttpsHostPort is { } https)
                program.Notes.Add($"{p.Name}: TLS is not configured for this stack, so host port {https} is not published (set platform:tls: true and the secrets tlsCertificate / tlsPrivateKey)");
            var files = p.Kind == ProxyKind.Nginx ? NginxFiles(p, upstreams, services, tls ? httpsPort : null) : TraefikFiles(p, upstreams, services, tls ? httpsPort : null);
            _ = new ReverseProxy(system, p.Name, new ReverseProxyArgs
            {
                Kind = p.Kind,
                Files = files,
                SecretFiles = tls ? TlsFiles(program, p.Kind == ProxyKind.Nginx ? "/etc/nginx/tls" : "/etc/traefik/tls") : [],
                HttpHostPort = p.HttpHostPort,
                HttpsHostPort = tls ? httpsPort : null,
                Networks = Nets(p.Networks),
                Upstreams = [.. upstreams.SelectMany(u => services[u.Name].Containers)],
                Limits = SystemComposer.WithMemory(settings, p.Name, profile.Scale(new ResourceLimits(0.5, 256))),
                PublishAddress = publishAddress,
            });
        }

        if (def.Monitoring is { } m)
            AddMonitoring(system, def, m, settings, Nets(m.Networks), services, db, cache, publishAddress, export: at?.Export ?? true);

        DatabaseBackup? backup = null;
        if (db is not null && composed.Backups != BackupSchedule.None)
        {
            var spec = new BackupSpec(def.Name, db.Args.Database) { WalArchiveDir = db.Args.WalArchiveDir };
            backup = new DatabaseBackup(system, "backup", new DatabaseBackupArgs
            {
                Database = db,
                Schedule = composed.Backups,
                BackupScript = new ConfigFile("/opt/backup/" + BackupScripts.BackupPath, BackupScripts.RenderBackup(spec)),
                RestoreScript = new ConfigFile("/opt/backup/" + BackupScripts.RestorePath, BackupScripts.RenderRestore(spec)),
                BaseBackupScript = spec.WalArchiveDir is null ? null : new ConfigFile("/opt/backup/" + BackupScripts.BaseBackupPath, BackupScripts.RenderBaseBackup(spec)),
                PitrRestoreScript = spec.WalArchiveDir is null ? null : new ConfigFile("/opt/backup/" + BackupScripts.PitrRestorePath, BackupScripts.RenderPitrRestore(spec)),
                Networks = db.Service.Args.Networks,
                Protect = profile.ProtectData,
            });
            if (db.WalArchive is not null)
                program.Notes.Add($"{db.Host}: WAL is archived to its own volume ({db.Args.WalArchiveDir}, retained, protected with the data); the backup sidecar " +
                                  $"takes a pg_basebackup daily (and at start when there is none), keeps {spec.BaseBackupRetention}, and prunes the archive to what the oldest needs: " +
                                  $"point-in-time recovery (/opt/backup/{BackupScripts.PitrRestorePath}) reaches back {spec.BaseBackupRetention - 1} to {spec.BaseBackupRetention} days; " +
                                  "the archive holds that many days of WAL (at least one 16 MB segment an hour)");
        }
        else if (db?.WalArchive is not null)
            program.Notes.Add($"{db.Host}: WAL is archived to its own volume ({db.Args.WalArchiveDir}) but this stack takes no backups: nothing prunes the archive");

        // Streaming standbys (seed 004: 1 primary + 2 replicas): cloned as the replication role the backup sidecar creates.
        if (db is not null && composed.Database!.Replicas > 1)
        {
            if (backup?.Args.BaseBackupScript is null)
                throw new SynthesisException($"{db.Host}: {composed.Database.Replicas - 1} replicas need the replication role, which the backup sidecar's base backups create; this stack has no WAL archive or no backups");
            var replicas = new PostgresReplicas(system, new PostgresReplicasArgs { Primary = db, Count = composed.Database.Replicas - 1, WaitFor = backup.Service.Containers });
            program.Notes.Add($"{db.Host}: {composed.Database.Replicas - 1} streaming standbys (read-only) under the alias '{replicas.Host}'; failover is manual (promote one with pg_ctl promote)");
        }

        // The profile's schedule, not composed.Backups (the pg_dump schedule, None without a database: PinAI has none).
        if (profile.Backups != BackupSchedule.None) AddDataBackups(system, def, profile.Backups, profile, db, cache);

        WaiveVolumeInit(program, def);
        if (settings.UpdateTimeoutSeconds is { } updateTimeout) ApplyUpdateTimeout(system, settings, updateTimeout);
        if (at?.Export ?? true) Export(program, def, services);
        return program;
    }

    private static DockerService AppService(ComponentGroup system, SystemDefinition def, ComposedService composed, Composition.StackSettings settings,
        IReadOnlyList<DockerNetwork> nets, PostgresDatabase? db, Value? externalDbUrl, RedisCache? cache, Dictionary<string, DockerService> services, string? publishAddress)
    {
        var profile = settings.Environment;
        var svc = composed.Def;
        var replicas = composed.Replicas;
        var imageSetting = composed.Image;
        var standIn = composed.StandIn;
        var waitFor = new List<Resource>();

        return new DockerService(system, svc.Name, self =>
        {
            var env = new List<KeyValuePair<string, Value>>(svc.EnvironmentFor(profile.Name).Select(e => new KeyValuePair<string, Value>(e.Key, e.Value)));
            foreach (var reference in svc.References)
            {
                if (db is not null && reference == def.Database?.Name)
                {
                    env.Add(new("DATABASE_URL", db.ConnectionUrl));
                    waitFor.Add(db.Container);
                }
                else if (externalDbUrl is not null && reference == def.Database?.Name)
                    env.Add(new("DATABASE_URL", externalDbUrl));
                else if (cache is not null && reference == def.Cache?.Name)
                {
                    env.Add(new("REDIS_URL", cache.ConnectionUrl));
                    waitFor.Add(cache.Container);
                }
                else
                {
                    var target = def.FindService(reference)!;
                    env.Add(new(EnvPrefix(reference) + "_URL", $"http://{reference}:{target.PrimaryPort!.ContainerPort.ToString(CultureInfo.InvariantCulture)}"));
                    waitFor.AddRange(services[reference].Containers);
                }
            }
            foreach (var (envName, source) in svc.SecretEnvironment)
            {
                // In dev a stand-in needs no external credential, so a config secret may stay unset there.
                var effective = source is ConfigSecret cs && profile.AllowStandIns ? cs with { Optional = true } : source;
                env.Add(new(envName, effective.Resolve(self, Names.Sanitize(envName), profile.ProtectData)));
            }

            Value image;
            var command = composed.Command;
            var health = composed.Health;
            var labels = new List<(string, string)>();
            if (standIn)
            {
                image = DockerImage.Pull(self, "image", StandInImage).ImageId;
                labels.Add(("platform.standin", "true"));
                system.Program.Notes.Add($"stand-in: '{svc.Name}' has no image configured (platform:images.{svc.Name}); dev runs {StandInImage} answering {(svc.PrimaryPort is null ? "nothing (worker)" : $"HTTP on port {svc.PrimaryPort.ContainerPort}")} in its place");
            }
            else if (imageSetting!.PromotedFrom is { } from)
                image = DockerImage.PullPromoted(self, "image", Promotion.Image(system, from, svc.Name), imageSetting.Reference).ImageId;
            else if (imageSetting.BuildContext is { } context)
                image = DockerImage.Build(self, "image", imageSetting.Reference, context, imageSetting.Dockerfile).ImageId;
            else
                image = DockerImage.Pull(self, "image", imageSetting.Reference).ImageId;

            var mounts = ReadOnlyVolumes(self, svc, profile);
            return new DockerServiceArgs
            {
                Kind = standIn ? "Service (stand-in)" : "Service",
                Mounts = mounts,
                Image = image,
                Replicas = replicas,
                Ports = svc.Ports,
                Environment = env,
                Files = svc.Files,
                Health = health,
                User = svc.User,
                Limits = composed.Limits,
                Networks = nets,
                DataPath = svc.DataPath,
                ProtectData = profile.ProtectData,
                WaitFor = waitFor,
                Command = command,
                Labels = labels,
                PublishAddress = publishAddress,
            };
        }).Also(s => { if (standIn) foreach (var c in s.Containers) c.Traits.Add(Traits.StandIn); });
    }

    /// <summary>
    /// An external managed database in this environment (seed 002: DO Managed Database in prod): no PostgreSQL container,
    /// volume or backup; <c>DATABASE_URL</c> is the secret config key's value. A stack file that does not set the key is
    /// refused here, naming the file and key (the engine would stop at "missing required configuration variable").
    /// </summary>
    private static Value? ExternalDatabaseUrl(ComposedSystem composed, StackProgram program)
    {
        if (composed.Database is not { ExternalUrlConfig: { } key } db) return null;
        var settings = composed.Settings;
        RequireStackKey(settings, key,
            $"missing: in {settings.Environment.Name} the database '{db.Name}' of {composed.Name} is an external managed PostgreSQL; set its URL as a secret: " +
            $"pulumi config set --secret {key} 'postgresql://USER:PASSWORD@HOST:PORT/DB?sslmode=require'");
        program.Notes.Add($"{db.Name}: external managed database in {settings.Environment.Name} (DATABASE_URL from the secret {key}, which must carry sslmode=require); " +
                          "no PostgreSQL container, volume, backup sidecar or exporter: the managed service takes its own backups");
        return program.DeclareConfig(new ConfigKey(key, ConfigType.String, Secret: true)).Ref;
    }

    /// <summary>A <c>platform:*</c> key the stack must set; checked when a stack's config was read (flags carry none: the engine enforces it).</summary>
    private static void RequireStackKey(Composition.StackSettings settings, string key, string why)
    {
        if (settings.SecretKeys is { } keys && !keys.Contains(key))
            throw new InputException(settings.File, Composition.StackSettings.Prefix + key, null, why);
    }

    /// <summary>
    /// The registry logins the stack's pulls need (seed 002: ghcr.io with GITHUB_TOKEN; seed 004: ECR, GHCR as backup):
    /// one <c>registryAuth</c> entry per registry host, the password from secret config and the user name literal or
    /// from plain config. On its own program they go on the explicit default docker provider, which every
    /// <c>docker:RemoteImage</c> pulls through; placed by another target (host), that target's provider carries them
    /// (<see cref="RegistryAuth"/>).
    /// </summary>
    private static void RegistryLogins(ComposedSystem composed, StackProgram program, Placement? at)
    {
        var auth = RegistryAuth(composed, program);
        if (auth.Count == 0 || at is not null) return;
        program.DefaultProvider("docker", new Infra.Providers.Docker.Provider { RegistryAuth = auth });
    }

    /// <summary>The <c>registryAuth</c> entries of the logins that apply (empty when none does); missing keys are refused naming the stack file.</summary>
    public static IReadOnlyList<Infra.Providers.Docker.ProviderRegistryAuth> RegistryAuth(ComposedSystem composed, StackProgram program)
    {
        var entries = new List<Infra.Providers.Docker.ProviderRegistryAuth>();
        foreach (var login in composed.RegistryLogins)
        {
            var l = login.Def;
            var hosts = string.Join(", ", login.Hosts);
            RequireStackKey(composed.Settings, l.PasswordKey,
                $"missing: images of this stack come from {hosts}, which {composed.Name} pulls with a login in {composed.Profile.Name}; set the password as a secret: {l.PasswordHint}");
            if (l.UsernameKey is { } uk)
                RequireStackKey(composed.Settings, uk, $"missing: the user name for the registry login to {hosts}: pulumi config set {uk} NAME");
            var password = program.DeclareConfig(new ConfigKey(l.PasswordKey, ConfigType.String, Secret: true)).Ref;
            Value username = l.UsernameKey is { } key ? program.DeclareConfig(new ConfigKey(key, ConfigType.String, Secret: false)).Ref : l.Username!;
            foreach (var host in login.Hosts)
                entries.Add(new Infra.Providers.Docker.ProviderRegistryAuth { Address = host, Username = username, Password = password });
            program.Notes.Add($"registry login '{l.Name}': pulls from {hosts} authenticate as {(l.UsernameKey is { } k ? "${" + k + "}" : l.Username)} with the secret {l.PasswordKey}");
        }
        return entries;
    }

    /// <summary>Read-only volumes of a service (seed 003: the ML engine's models), owned by its user, protected with its data.</summary>
    private static IReadOnlyList<(DockerVolume Volume, string Path, bool ReadOnly)> ReadOnlyVolumes(DockerService self, ServiceDef svc, EnvironmentProfile profile)
    {
        var mounts = new List<(DockerVolume, string, bool)>();
        foreach (var v in svc.ReadOnlyVolumes)
        {
            mounts.Add((new DockerVolume(self, v.Name, profile.ProtectData), v.Path, true));
            self.Program.Notes.Add($"{svc.Name}: volume '{v.Name}' is mounted read-only at {v.Path} and owned by {svc.User}; load it as that user " +
                                   $"(docker run --rm --user {svc.User} -v <volume>:{v.Path} -v \"$PWD/{v.Name}\":/src:ro busybox:1.36.1 cp -r /src/. {v.Path}/)");
        }
        return mounts;
    }

    /// <summary>
    /// Seed 001: the migrations run once from the service's image, after the database is healthy and before every
    /// service that uses the database (the migrating service's own replicas included).
    /// With no database container (an external one) it still runs first, against DATABASE_URL.
    /// </summary>
    private static void AddMigrations(ComposedSystem composed, Dictionary<string, DockerService> services, PostgresDatabase? db)
    {
        var def = composed.Definition;
        foreach (var svc in composed.Services.Where(s => s.Def.MigrationCommand.Count > 0))
        {
            // A stand-in has no migrations to run: it says so and exits 0, so the order is still exercised in dev.
            IReadOnlyList<string> command = svc.StandIn
                ? ["sh", "-c", $"echo 'stand-in for {def.Name}/{svc.Name}: no image configured, so no migrations run (the real image runs: {string.Join(' ', svc.Def.MigrationCommand)})'"]
                : svc.Def.MigrationCommand;
            var job = new MigrationJob(services[svc.Name], command, db is null ? [] : [db.Container], svc.StandIn);
            job.RunBefore(composed.Services.Where(s => s.Def.References.Contains(def.Database!.Name)).SelectMany(s => services[s.Name].Containers));
            def.Waivers.Add(new Infra.Components.Policies.Waiver("WRK-002", job.Path[(job.Path.IndexOf('/') + 1)..],
                "one-shot migration (attach: true): it exits when the migrations are done, so there is nothing to probe"));
        }
    }

    /// <summary>Declared subnets are IPv4 CIDRs and no two networks of the stack overlap (Docker would refuse the second at deploy time).</summary>
    private static void CheckSubnets(SystemDefinition def)
    {
        var seen = new List<(string Name, string Cidr, uint Start, uint End)>();
        foreach (var n in def.Networks.Where(n => n.Subnet is not null))
        {
            var key = $"networks[{n.Name}].subnet";
            if (!TryParseCidr(n.Subnet!, out var start, out var end))
                throw new InputException(def.DefinedIn, key, n.Subnet, "an IPv4 CIDR with the host bits zero, e.g. 172.28.0.0/16");
            foreach (var other in seen)
                if (start <= other.End && other.Start <= end)
                    throw new InputException(def.DefinedIn, key, n.Subnet, $"a subnet that does not overlap network '{other.Name}' ({other.Cidr}); every network of a stack needs its own range");
            seen.Add((n.Name, n.Subnet!, start, end));
        }
    }

    private static bool TryParseCidr(string cidr, out uint start, out uint end)
    {
        start = end = 0;
        var parts = cidr.Split('/');
        if (parts.Length != 2 || !System.Net.IPAddress.TryParse(parts[0], out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var bits) || bits is < 8 or > 30 || parts[0].Count(c => c == '.') != 3)
            return false;
        var b = ip.GetAddressBytes();
        var addr = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        var mask = uint.MaxValue << (32 - bits);
        if ((addr & ~mask) != 0) return false;
        start = addr;
        end = addr | ~mask;
        return true;
    }

    private static string EnvPrefix(string name) => name.ToUpperInvariant().Replace('-', '_');

    private static string Upstream(ServiceDef svc, DockerService service) =>
        $"{service.Host}:{svc.PrimaryPort!.ContainerPort.ToString(CultureInfo.InvariantCulture)}";

    private static IReadOnlyList<ConfigFile> NginxFiles(ProxyDef p, IReadOnlyList<ServiceDef> upstreams, Dictionary<string, DockerService> services, int? httpsPublicPort)
    {
        var site = new NginxSite(
            ReverseProxy.HttpPortFor(ProxyKind.Nginx),
            "_",
            [.. upstreams.Select(u => new NginxUpstream(u.Name.Replace('-', '_'), services[u.Name].ContainerNames.Select(n => $"{n}:{u.PrimaryPort!.ContainerPort.ToString(CultureInfo.InvariantCulture)}").ToList(),
                u.RequestTimeoutSeconds is { } t ? new NginxTimeouts(SendSeconds: t, ReadSeconds: t) : null))],
            [.. p.Routes.Select(r => new NginxRoute(r.PathPrefix, r.Service.Replace('-', '_'),
                def(r.Service, upstreams)?.Health is { Kind: HealthKind.Http, Path: { } hp } ? hp : null))],
            httpsPublicPort is { } pub ? new NginxTls("/etc/nginx/tls/tls.crt", "/etc/nginx/tls/tls.key", ReverseProxy.HttpsPort, PublicPort: pub) : null);
        return [new ConfigFile("/etc/nginx/nginx.conf", NginxConfig.Render(site))];

        static ServiceDef? def(string name, IReadOnlyList<ServiceDef> list) => list.FirstOrDefault(s => s.Name == name);
    }

    private static IReadOnlyList<ConfigFile> TraefikFiles(ProxyDef p, IReadOnlyList<ServiceDef> upstreams, Dictionary<string, DockerService> services, int? httpsPublicPort)
    {
        var spec = new TraefikSpec(
            [.. upstreams.Select(u => new TraefikService(u.Name, services[u.Name].ContainerNames.Select(n => $"http://{n}:{u.PrimaryPort!.ContainerPort.ToString(CultureInfo.InvariantCulture)}").ToList(),
                u.Health is { Kind: HealthKind.Http, Path: { } hp } ? hp : null, u.RequestTimeoutSeconds ?? ServiceDef.DefaultRequestTimeoutSeconds))],
            [.. p.Routes.Select(r => new TraefikRoute(r.PathPrefix, r.Service))],
            ReverseProxy.HttpPortFor(ProxyKind.Traefik),
            ReverseProxy.HttpsPort,
            httpsPublicPort is { } pub ? new TraefikTls("/etc/traefik/tls/tls.crt", "/etc/traefik/tls/tls.key", pub) : null);
        return [.. TraefikConfig.Render(spec).Select(f => new ConfigFile("/etc/traefik/" + f.Path, f.Content))];
    }

    /// <summary>Certificate and key from stack secrets, uploaded beside the proxy config.</summary>
    private static IReadOnlyList<SecretFile> TlsFiles(StackProgram program, string dir) =>
    [
        new(dir + "/tls.crt", program.DeclareConfig(new ConfigKey("tlsCertificate", ConfigType.String, Secret: true)).Ref),
        new(dir + "/tls.key", program.DeclareConfig(new ConfigKey("tlsPrivateKey", ConfigType.String, Secret: true)).Ref),
    ];

    private static void AddMonitoring(ComponentGroup system, SystemDefinition def, MonitoringDef m, Composition.StackSettings settings,
        IReadOnlyList<DockerNetwork> nets, Dictionary<string, DockerService> services, PostgresDatabase? db, RedisCache? cache, string? publishAddress, bool export)
    {
        var profile = settings.Environment;
        var jobs = new List<ScrapeJob> { new("prometheus", ["localhost:9090"]) };
        foreach (var svc in def.Services.Where(s => s.MetricsPath is not null && s.PrimaryPort is not null))
            jobs.Add(new ScrapeJob(svc.Name, [.. services[svc.Name].ContainerNames.Select(n => $"{n}:{svc.PrimaryPort!.ContainerPort.ToString(CultureInfo.InvariantCulture)}")], svc.MetricsPath!));
        var exporters = profile.Monitoring == MonitoringLevel.Full;
        if (exporters && db is not null) jobs.Add(ScrapeJob.PostgresExporter("postgres-exporter:9187"));
        if (exporters && cache is not null) jobs.Add(ScrapeJob.RedisExporter("redis-exporter:9121"));
        var rules = profile.Monitoring != MonitoringLevel.Basic;
        // Where alert rules exist, their alerts go to Alertmanager, and the host itself is scraped through the node exporter.
        if (rules) jobs.Add(ScrapeJob.NodeExporter($"node-exporter:{Monitoring.NodeExporterPort.ToString(CultureInfo.InvariantCulture)}"));
        var promFiles = new List<ConfigFile>
        {
            new("/etc/prometheus/prometheus.yml", PrometheusConfig.Render(new PrometheusSpec(jobs, rules ? ["/etc/prometheus/rules/alerts.yml"] : [], SystemName: def.Name,
                AlertmanagerTargets: rules ? [$"alertmanager:{Monitoring.AlertmanagerPort.ToString(CultureInfo.InvariantCulture)}"] : null))),
        };
        if (rules) promFiles.Add(new ConfigFile("/etc/prometheus/rules/alerts.yml", PrometheusAlertRules.Render(new AlertRuleSpec(def.Name))));
        var scraped = jobs.Select(j => j.JobName).ToHashSet(StringComparer.Ordinal);
        var grafana = GrafanaProvisioning.Render(new GrafanaSpec(def.Name, "http://prometheus:9090", "http://loki:3100",
            [.. scraped.Where(j => j is not "prometheus" and not ScrapeJob.NodeJob and not ScrapeJob.PostgresExporterJob and not ScrapeJob.RedisExporterJob)], "/etc/grafana/dashboards")
        { NodeExporter = scraped.Contains(ScrapeJob.NodeJob), PostgresExporter = scraped.Contains(ScrapeJob.PostgresExporterJob), RedisExporter = scraped.Contains(ScrapeJob.RedisExporterJob) });
        var monitoring = new Monitoring(system, m.Name, new MonitoringArgs
        {
            PrometheusFiles = promFiles,
            GrafanaFiles = [.. grafana.Select(f => new ConfigFile(f.Path.StartsWith("dashboards/", StringComparison.Ordinal) ? "/etc/grafana/" + f.Path : "/etc/grafana/" + f.Path, f.Content))],
            LokiFiles = [new ConfigFile("/etc/loki/config.yaml", LokiConfig.Render(m.LogRetentionDays is { } days ? new LokiSpec(days) : new LokiSpec()))],
            Loki = true,
            Alertmanager = rules,
            AlertWebhookUrl = rules && settings.HasAlertWebhook
                ? system.Program.DeclareConfig(new ConfigKey(Composition.StackSettings.AlertWebhookKey, ConfigType.String, Secret: true)).Ref
                : null,
            NodeExporter = rules,
            SystemName = def.Name,
            // Grafana, Prometheus and Loki speak plain HTTP: published on the host in dev only (elsewhere: SSH tunnel or a proxy route).
            GrafanaHostPort = profile.RequireTls ? null : m.GrafanaHostPort,
            PrometheusHostPort = profile.RequireTls ? null : m.PrometheusHostPort,
            LokiHostPort = profile.RequireTls ? null : m.LokiHostPort,
            Networks = nets,
            ProtectData = profile.ProtectData,
            Limits = profile.Scale(new ResourceLimits(1, 1024)),
            PublishAddress = publishAddress,
        });
        if (exporters) monitoring.AddExporters(db, cache);
        if (monitoring.LogCollector is { } collector)
        {
            // Waivers name a component below the system ("monitoring/promtail", or "node-a/monitoring/promtail" on a host).
            def.Waivers.Add(new Infra.Components.Policies.Waiver("WRK-003", collector.Path[(collector.Path.IndexOf('/') + 1)..],
                "promtail reads the root-owned (0640) json-file logs under /var/lib/docker/containers; it runs as root with every capability dropped, no-new-privileges and a read-only bind"));
            system.Program.Notes.Add($"{m.Name}: promtail ships every container log on this Docker host to Loki (read-only bind of {Monitoring.ContainerLogDir}, no Docker socket), labelled system={def.Name} and container_id");
        }
        if (rules)
            system.Program.Notes.Add(settings.HasAlertWebhook
                ? $"{m.Name}: Alertmanager posts notifications to the webhook in the secret platform:{Composition.StackSettings.AlertWebhookKey} (critical: after {AlertmanagerConfig.CriticalGroupWait}, repeated every {AlertmanagerConfig.CriticalRepeatInterval}; warnings: every {AlertmanagerConfig.RepeatInterval}; resolutions too)"
                : $"{m.Name}: alerts go to Alertmanager but NOBODY IS NOTIFIED: no receiver is configured; set the secret platform:{Composition.StackSettings.AlertWebhookKey} (pulumi config set --secret {Composition.StackSettings.AlertWebhookKey} https://hooks.example.com/...) to have them posted to a webhook");
        else if (settings.HasAlertWebhook)
            system.Program.Notes.Add($"{m.Name}: platform:{Composition.StackSettings.AlertWebhookKey} is set but {profile.Name} has no alert rules (monitoring level {profile.Monitoring}), so nothing is posted to it");
        if (export && monitoring.AdminPassword is { } pw) system.Program.Export("grafanaAdminPassword", pw);
    }

    /// <summary>
    /// Beside the pg_dump sidecar: RDB snapshots of the cache (001-33) and, where the seed backs up its data volumes
    /// (<see cref="SystemDefinition.BackUpVolumes"/>: 000-15, 003-19), archives of every other service's and monitoring
    /// member's volumes, one sidecar per owning user (it reads the read-only sources as their owner).
    /// </summary>
    private static void AddDataBackups(ComponentGroup system, SystemDefinition def, BackupSchedule schedule, EnvironmentProfile profile, PostgresDatabase? db, RedisCache? cache)
    {
        var retention = new DataBackupRetention();
        if (cache is not null)
        {
            var name = cache.Service.Name;
            _ = new RedisBackup(system, name + "-backup", new RedisBackupArgs
            {
                Cache = cache,
                Schedule = schedule,
                BackupScript = new ConfigFile("/opt/backup/" + DataBackupScripts.BackupPath, DataBackupScripts.RenderRedisBackup(def.Name, name, retention)),
                RestoreScript = new ConfigFile("/opt/backup/" + DataBackupScripts.RestorePath, DataBackupScripts.RenderRedisRestore(def.Name, name)),
                Protect = profile.ProtectData,
            });
        }
        if (!def.BackUpVolumes) return;
        var owners = system.Program.AllInOrder.Select(r => r.Owner).OfType<DockerService>().Distinct()
            .Where(s => s.Path.StartsWith(system.Path + "/", StringComparison.Ordinal) && s.Volumes.Count > 0
                        && !s.Containers.Any(c => c.Traits.Contains(Traits.Backup) || c.Traits.Contains(Traits.Database) || c.Traits.Contains(Traits.Cache)))
            .ToList();
        foreach (var root in owners.Where(s => s.Args.User.Split(':')[0] == "0"))
            system.Program.Notes.Add($"{root.Name}: its volume is not archived (it runs as root and holds only its read position, which it rebuilds)");
        foreach (var group in owners.Where(s => s.Args.User.Split(':')[0] != "0").GroupBy(s => s.Args.User))
        {
            var sources = group.SelectMany(s => s.Volumes.Select(v => (Name: s.Volumes.Count == 1 ? s.Name : $"{s.Name}-{v.Name}", Volume: v))).ToList();
            var backup = new VolumeBackup(system, "volume-backup-" + group.Key.Split(':')[0], new VolumeBackupArgs
            {
                Schedule = schedule,
                User = group.Key,
                Sources = sources,
                BackupScript = new ConfigFile("/opt/backup/" + DataBackupScripts.BackupPath, DataBackupScripts.RenderVolumeBackup(def.Name, [.. sources.Select(s => s.Name)], retention)),
                RestoreScript = new ConfigFile("/opt/backup/" + DataBackupScripts.RestorePath, DataBackupScripts.RenderVolumeRestore(def.Name)),
                WaitFor = [.. group.SelectMany(s => s.Containers)],
                Networks = group.First().Args.Networks,
                Protect = profile.ProtectData,
            });
            system.Program.Notes.Add($"{backup.Service.Name}: archives {string.Join(", ", sources.Select(s => s.Name))} while they run (crash-consistent, like a power cut); restore with the service stopped");
        }
    }

    /// <summary>
    /// <c>platform:updateTimeout</c>: every container with a health check waits that long to become healthy
    /// (<c>waitTimeout</c>) and its create/update may take that long plus 60 s for the uploads and start
    /// (<c>customTimeouts</c>). Refused when a health check cannot pass in time: its start period plus interval × retries
    /// is what Docker may take to call a slow-starting container unhealthy.
    /// </summary>
    private static void ApplyUpdateTimeout(ComponentGroup system, Composition.StackSettings settings, int seconds)
    {
        static int Secs(Value? v) => v is Str { Text: var t } && t.EndsWith('s') ? int.Parse(t[..^1], CultureInfo.InvariantCulture) : 0;
        var checkedContainers = system.AllResources()
            .Where(r => r.Type == "docker:index/container:Container" && r.Properties.Get("healthcheck") is MapValue)
            .Select(c =>
            {
                var h = (MapValue)c.Properties.Get("healthcheck")!;
                var retries = h["retries"] is Num n ? (int)n.Number : 3;
                return (Container: c, Start: Secs(h["startPeriod"]), Interval: Secs(h["interval"]), Retries: retries,
                    Need: Secs(h["startPeriod"]) + Secs(h["interval"]) * retries);
            }).ToList();
        if (checkedContainers.Count == 0) return;
        var slowest = checkedContainers.MaxBy(x => x.Need);
        if (seconds <= slowest.Need)
            throw new InputException(settings.File, Composition.StackSettings.Prefix + "updateTimeout", seconds.ToString(CultureInfo.InvariantCulture),
                $"'{((Str)slowest.Container.Properties.Get("name")!).Text}' may take {slowest.Need} s to turn healthy (start period {slowest.Start} s + interval {slowest.Interval} s × {slowest.Retries} retries); allowed: more than {slowest.Need} to {Composition.StackSettings.MaxUpdateTimeoutSeconds} seconds");
        var custom = $"{(seconds + 60).ToString(CultureInfo.InvariantCulture)}s";
        foreach (var x in checkedContainers)
        {
            x.Container.Properties.Set("waitTimeout", seconds);
            x.Container.Options.CustomTimeouts = new CustomTimeouts(Create: custom, Update: custom);
        }
        system.Program.Notes.Add($"update timeout: every container waits up to {seconds} s to turn healthy (platform:updateTimeout; the slowest health check needs {slowest.Need} s)");
    }

    /// <summary>The one-shot chown containers run as root without a health check by design (see <see cref="VolumeInit"/>).</summary>
    private static void WaiveVolumeInit(StackProgram program, SystemDefinition def)
    {
        foreach (var path in program.AllInOrder.Select(r => r.Owner).OfType<VolumeInit>().Select(o => o.Path).Distinct().ToList())
        {
            var component = path[(path.IndexOf('/') + 1)..];
            def.Waivers.Add(new Infra.Components.Policies.Waiver("WRK-003", component,
                "one-shot chown of a new volume to the service's user: root with only CAP_CHOWN, no network, no-new-privileges"));
            def.Waivers.Add(new Infra.Components.Policies.Waiver("WRK-002", component,
                "one-shot container (attach: true): it exits after the chown, so there is nothing to probe"));
        }
    }

    private static void Export(StackProgram program, SystemDefinition def, Dictionary<string, DockerService> services)
    {
        program.Export("system", def.Name);
        var endpoints = new Props();
        foreach (var svc in program.AllInOrder.Where(r => r.Traits.Contains(Traits.Workload)))
            if (svc.Properties.Get("ports") is ListValue ports)
                foreach (var port in ports.Items.OfType<MapValue>())
                    if (port["external"] is Num n && svc.Properties.Get("name") is Str name)
                        endpoints.Set(name.Text + (ports.Items.Count > 1 ? "-" + ((Num)port["internal"]!).Render() : ""), $"localhost:{n.Render()}");
        if (endpoints.Count > 0) program.Export("endpoints", endpoints);
        var standIns = program.AllInOrder.Where(r => r.Traits.Contains(Traits.StandIn)).Select(r => (Value)((Str)r.Properties.Get("name")!).Text).ToList();
        if (standIns.Count > 0) program.Export("standIns", new ListValue(standIns));
    }
}
