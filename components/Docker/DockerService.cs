using System.Globalization;
using Infra.Components.Core;
using Infra.Components.Workloads;
using Infra.Providers.Docker;

namespace Infra.Components.Docker;

/// <summary>What a <see cref="DockerService"/> runs. Secure defaults: non-root, no new privileges, all capabilities dropped.</summary>
public sealed record DockerServiceArgs
{
    public required Value Image { get; init; }
    public int Replicas { get; init; } = 1;
    public IReadOnlyList<ServicePort> Ports { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, Value>> Environment { get; init; } = [];
    public IReadOnlyList<ConfigFile> Files { get; init; } = [];
    public IReadOnlyList<SecretFile> SecretFiles { get; init; } = [];
    public HealthCheck? Health { get; init; }
    public string User { get; init; } = "1000:1000";
    public ResourceLimits? Limits { get; init; }
    public IReadOnlyList<DockerNetwork> Networks { get; init; } = [];
    /// <summary>Mount path of a per-replica data volume, if the service keeps state.</summary>
    public string? DataPath { get; init; }
    public bool ProtectData { get; init; }
    /// <summary>Resources that must exist (and, for containers with health checks, be healthy) first.</summary>
    public IReadOnlyList<Resource> WaitFor { get; init; } = [];
    public IReadOnlyList<string> Command { get; init; } = [];
    public IReadOnlyList<(string Label, string Value)> Labels { get; init; } = [];
    public IReadOnlyList<string> AddCapabilities { get; init; } = [];
    public string Restart { get; init; } = "unless-stopped";
    /// <summary>What plan calls this service (e.g. "Database (PostgreSQL)").</summary>
    public string Kind { get; init; } = "Service";
    /// <summary>Extra read-only mounts from other volumes (name, path).</summary>
    public IReadOnlyList<(DockerVolume Volume, string Path, bool ReadOnly)> Mounts { get; init; } = [];
    /// <summary>Size of /dev/shm in MB (Docker's default is 64).</summary>
    public int? ShmSizeMb { get; init; }
    /// <summary>Host address published ports bind to (e.g. 127.0.0.1); null binds every interface.</summary>
    public string? PublishAddress { get; init; }
    /// <summary>Host paths bound read-only (host path, container path): log files, /proc, /sys. Never the Docker socket.</summary>
    public IReadOnlyList<(string HostPath, string ContainerPath)> HostMounts { get; init; } = [];
}

/// <summary>
/// A service on Docker: N replica containers sharing a DNS alias on each network, each with its own
/// data volume if the service keeps state. Containers with a health check are created with
/// <c>wait: true</c>, so anything that depends on them starts only once they are healthy.
/// </summary>
public sealed class DockerService : Construct
{
    private readonly List<Resource> _containers = [];
    private readonly List<DockerVolume> _volumes = [];

    public DockerService(Construct parent, string name, DockerServiceArgs args, bool indexed = true)
        : this(parent, name, _ => args, indexed)
    {
    }

    /// <summary>
    /// Lets the caller create the service's own children first (its image, its generated secrets), so their
    /// names carry the service path: <c>pliers-api-image</c>, <c>pliers-api-jwt-secret</c>.
    /// </summary>
    public DockerService(Construct parent, string name, Func<DockerService, DockerServiceArgs> configure, bool indexed = true) : base(parent, name)
    {
        var args = configure(this);
        // Docker publishes nothing for a container whose networks are all internal: declaring host ports there is a lie.
        if (args.Networks.Count > 0 && args.Networks.All(n => n.Internal) && args.Ports.Any(p => p.HostPort is not null))
        {
            Program.Notes.Add($"docker: '{Path}' is only on internal networks, so its host port(s) {string.Join(", ", args.Ports.Where(p => p.HostPort is not null).Select(p => p.HostPort))} are not published");
            args = args with { Ports = [.. args.Ports.Select(p => p with { HostPort = null })] };
        }
        if (args.Replicas < 1) throw new SynthesisException($"service '{Path}' has {args.Replicas} replicas; at least 1 is required");
        Args = args;
        VolumeInit? init = null;
        for (var i = 1; i <= args.Replicas; i++)
        {
            var replica = indexed ? i.ToString(CultureInfo.InvariantCulture) : null;
            DockerVolume? volume = null;
            if (args.DataPath is not null)
            {
                volume = new DockerVolume(this, replica is null ? "data" : $"data-{replica}", args.ProtectData);
                _volumes.Add(volume);
            }
            var container = Add(replica, ContainerArgs(args, i, replica, volume));
            container.Traits.Add(Traits.Workload);
            // A new named volume is root-owned unless the image has the mount point: chown it to the service's user first.
            if (volume is not null)
            {
                init ??= new VolumeInit(this);
                container.DependsOn([init.Add(replica, volume, args.DataPath!, args.User)]);
            }
            // The service's other volumes (e.g. PostgreSQL's WAL archive; a read-only models volume, whose loader runs as the
            // service's user): chowned once, before replica 1.
            if (i == 1)
                foreach (var (v, path, ro) in args.Mounts.Where(m => m.Volume.Parent == this))
                {
                    init ??= new VolumeInit(this);
                    container.DependsOn([init.Add(v.Name, v, path, args.User)]);
                }
            // The docker provider does not mark these outputs secret; keep secrets encrypted in state and out of diffs.
            foreach (var carrier in new[] { "envs", "uploads", "command" })
                if (container.Properties.Get(carrier) is { IsSecret: true }) container.Options.AdditionalSecretOutputs.Add(carrier);
            container.DependsOn(args.WaitFor);
            _containers.Add(container);
        }
        if (args.Replicas > 1 && args.Ports.Any(p => p.HostPort is not null))
            Program.Notes.Add($"docker: '{Path}' has {args.Replicas} replicas but one host can publish a port only once: " +
                              $"host port(s) {string.Join(", ", args.Ports.Where(p => p.HostPort is not null).Select(p => p.HostPort))} go to replica 1; " +
                              "the others are reached through the network alias or the reverse proxy");
    }

    public override string Kind => Args.Kind;
    public DockerServiceArgs Args { get; }
    public IReadOnlyList<Resource> Containers => _containers;
    public IReadOnlyList<DockerVolume> Volumes => _volumes;

    /// <summary>Container names (resolvable by other containers on a shared network), one per replica.</summary>
    public IReadOnlyList<string> ContainerNames => [.. _containers.Select(c => ((Str)c.Properties.Get("name")!).Text)];

    /// <summary>The DNS name other containers use (the alias on every network).</summary>
    public string Host => Name;

    private Container ContainerArgs(DockerServiceArgs a, int replica, string? suffix, DockerVolume? volume)
    {
        var volumes = new List<ContainerVolume>();
        if (volume is not null)
            volumes.Add(new ContainerVolume { VolumeName = volume.VolumeName, ContainerPath = a.DataPath! });
        foreach (var (v, path, ro) in a.Mounts)
            volumes.Add(new ContainerVolume { VolumeName = v.VolumeName, ContainerPath = path, ReadOnly = ro });
        foreach (var (host, path) in a.HostMounts)
            volumes.Add(new ContainerVolume { HostPath = host, ContainerPath = path, ReadOnly = true });
        var h = a.Health;
        var l = a.Limits;
        // Keys are emitted in the order set here.
        return new Container
        {
            Name = Names.Logical([Path.Replace('/', '-'), suffix ?? ""]),
            Image = a.Image,
            Restart = a.Restart,
            User = a.User,
            // Secret files (a TLS private key) are root-owned 0440: readable through group 0, which only this service's
            // user joins, and by no other user (the provider cannot chown an upload).
            GroupAdds = a.SecretFiles.Count > 0 ? ["0"] : null,
            MustRun = true,
            Command = [.. a.Command.Select(c => (Input<string>)c)],
            Envs = [.. a.Environment.Select(e => (Input<string>)Value.Format($"{e.Key}={e.Value}"))],
            Ports = [.. a.Ports
                .Where(p => p.HostPort is not null && replica == 1)
                .Select(p => new ContainerPort { Internal = p.ContainerPort, External = p.HostPort!.Value, Ip = Input.Optional(a.PublishAddress) })],
            NetworksAdvanced = [.. a.Networks.Select(n => new ContainerNetworksAdvanced { Name = n.NetworkName, Aliases = [Name] })],
            Volumes = volumes,
            // Config files are owned by root with mode 0444 while the process runs as a non-root user: read-only to it.
            Uploads = [.. a.Files.Select(f => Upload(f.Path, f.Content, "0444")), .. a.SecretFiles.Select(f => Upload(f.Path, f.Content, "0440"))],
            Healthcheck = h is null ? null : new ContainerHealthcheck
            {
                Tests = ["CMD-SHELL", h.ShellCommand],
                Interval = Seconds(h.Interval),
                Timeout = Seconds(h.Timeout),
                Retries = h.Retries,
                StartPeriod = Seconds(h.StartPeriod),
            },
            Wait = h is null ? null : true,
            WaitTimeout = h is null ? null : (int)Math.Ceiling(h.StartPeriod.TotalSeconds + h.Retries * (h.Interval + h.Timeout).TotalSeconds) + 30,
            ShmSize = a.ShmSizeMb,
            Memory = l?.MemoryMb,
            MemoryReservation = l?.ReservationMb,
            Cpus = Input.Optional(l?.Cpus.ToString("0.0##", CultureInfo.InvariantCulture)),
            SecurityOpts = ["no-new-privileges:true"],
            Capabilities = new ContainerCapabilities { Drops = ["ALL"], Adds = [.. a.AddCapabilities.Select(c => (Input<string>)c)] },
            LogDriver = "json-file",
            LogOpts = new Dictionary<string, Input<string>> { ["max-size"] = "10m", ["max-file"] = "3" },
            Labels = DockerLabels.Of(Program, (l, v) => new ContainerLabel { Label = l, Value = v }, [("platform.service", Name), .. a.Labels]),
        };
    }

    private static ContainerUpload Upload(string file, Value content, string permissions) => new() { File = file, Content = content, Permissions = permissions };

    private static string Seconds(TimeSpan t) => ((int)t.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
}

/// <summary>
/// One-shot containers that give a service's data volumes to the user the service runs as (<c>chown UID:GID path</c>,
/// not recursive): Docker creates a new named volume root-owned unless the image happens to have the mount point, so a
/// non-root service could not write its own data. Root with only CAP_CHOWN, no network, no-new-privileges;
/// <c>attach: true</c> makes the provider wait for it to exit, so the service starts after it (<c>mustRun: false</c>).
/// Policies WRK-002 (no health check: it exits) and WRK-003 (root) are waived for this component by the Docker target.
/// </summary>
public sealed class VolumeInit : Construct
{
    public const string ComponentName = "volume-init";
    public const string Image = "busybox:1.36.1";
    private readonly Value _image;

    public VolumeInit(DockerService service) : base(service, ComponentName)
    {
        _image = DockerImage.Pull(this, "image", Image).ImageId;
    }

    public override string Kind => "Volume ownership (one-shot)";

    public Resource Add(string? replica, DockerVolume volume, string path, string user)
    {
        var c = Add(replica, new Container
        {
            Name = Names.Logical([Path.Replace('/', '-'), replica ?? ""]),
            Image = _image,
            Restart = "no",
            User = "0:0",
            MustRun = false,
            Attach = true,
            Command = ["chown", user, path],
            NetworkMode = "none",
            Volumes = [new ContainerVolume { VolumeName = volume.VolumeName, ContainerPath = path }],
            Memory = 32,
            Cpus = "0.1",
            SecurityOpts = ["no-new-privileges:true"],
            Capabilities = new ContainerCapabilities { Drops = ["ALL"], Adds = ["CHOWN"] },
            LogDriver = "json-file",
            LogOpts = new Dictionary<string, Input<string>> { ["max-size"] = "1m", ["max-file"] = "1" },
            Labels = DockerLabels.Of(Program, (l, v) => new ContainerLabel { Label = l, Value = v }, [("platform.service", Parent!.Name), ("platform.role", ComponentName)]),
        });
        c.DependsOn([volume.Resource]);
        return c;
    }
}
