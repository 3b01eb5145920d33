using System.Globalization;
using Infra.Components.Core;
using Infra.Components.Workloads;
using Infra.Providers.Kubernetes.Core.V1;
using Infra.Providers.Kubernetes.Meta.V1;
using ServicePort = Infra.Components.Workloads.ServicePort;

namespace Infra.Components.Kubernetes;

/// <summary>
/// The secure defaults every pod on the Kubernetes target gets, in one place (Pod Security Standard "restricted"):
/// non-root with an explicit UID/GID, no privilege escalation, every capability dropped, the runtime's default
/// seccomp profile, and a read-only root filesystem with an emptyDir for each declared writable path.
/// </summary>
public static class KubeDefaults
{
    public const string NameLabel = "app.kubernetes.io/name";
    public const string PartOfLabel = "app.kubernetes.io/part-of";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string TrackLabel = "platform/track";

    /// <summary>The labels of every object a system creates.</summary>
    public static Dictionary<string, Input<string>> Labels(string system, string name, string? component = null, string? track = null)
    {
        var labels = new Dictionary<string, Input<string>>
        {
            [NameLabel] = name,
            [PartOfLabel] = system,
            [ManagedByLabel] = "pulumi",
        };
        if (component is not null) labels[ComponentLabel] = component;
        if (track is not null) labels[TrackLabel] = track;
        return labels;
    }

    public static ObjectMeta Meta(string name, string? ns, IReadOnlyDictionary<string, Input<string>> labels, IReadOnlyDictionary<string, Input<string>>? annotations = null) => new()
    {
        Name = name,
        Namespace = Input.Optional(ns),
        Labels = labels,
        Annotations = annotations,
    };

    public static LabelSelector Select(IReadOnlyDictionary<string, Input<string>> matchLabels) => new() { MatchLabels = matchLabels };

    /// <summary>"1000:1000" (or "1000") as UID and GID.</summary>
    public static (int Uid, int Gid) User(string user)
    {
        var parts = user.Split(':');
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) || uid == 0)
            throw new SynthesisException($"user '{user}' is not a non-root numeric UID[:GID]; the restricted Pod Security Standard needs runAsNonRoot with a numeric UID");
        var gid = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : uid;
        return (uid, gid);
    }

    /// <param name="lowPorts">The process listens below 1024 without NET_BIND_SERVICE: the namespaced, restricted-safe sysctl lets it.</param>
    public static PodSecurityContext PodSecurity(string user, bool lowPorts = false)
    {
        var (uid, gid) = User(user);
        return new PodSecurityContext
        {
            Sysctls = lowPorts ? [new Sysctl { Name = "net.ipv4.ip_unprivileged_port_start", Value = "0" }] : null,
            RunAsNonRoot = true,
            RunAsUser = uid,
            RunAsGroup = gid,
            FsGroup = gid,
            SeccompProfile = new SeccompProfile { Type = "RuntimeDefault" },
        };
    }

    public static SecurityContext ContainerSecurity(string user)
    {
        var (uid, gid) = User(user);
        return new SecurityContext
        {
            RunAsNonRoot = true,
            RunAsUser = uid,
            RunAsGroup = gid,
            AllowPrivilegeEscalation = false,
            Privileged = false,
            ReadOnlyRootFilesystem = true,
            Capabilities = new Capabilities { Drop = ["ALL"] },
            SeccompProfile = new SeccompProfile { Type = "RuntimeDefault" },
        };
    }

    /// <summary>Limits as given, requests at half the CPU and at the memory reservation.</summary>
    public static ResourceRequirements Resources(ResourceLimits l) => new()
    {
        Limits = new Dictionary<string, Input<string>> { ["cpu"] = Cpu(l.Cpus), ["memory"] = Memory(l.MemoryMb) },
        Requests = new Dictionary<string, Input<string>> { ["cpu"] = Cpu(l.Cpus / 2), ["memory"] = Memory(l.ReservationMb) },
    };

    public static string Cpu(double cores) => ((int)Math.Round(cores * 1000)).ToString(CultureInfo.InvariantCulture) + "m";
    public static string Memory(int mb) => mb.ToString(CultureInfo.InvariantCulture) + "Mi";

    /// <summary>The volume name of a writable path: "tmp" for /tmp, "var-run-postgresql" for /var/run/postgresql.</summary>
    public static string VolumeName(string path) => "w-" + Names.Sanitize(path.Trim('/').Replace('/', '-'));

    /// <summary>The three probes from the service's one health check. Startup allows the start period; liveness and readiness use the interval.</summary>
    public static (Probe Liveness, Probe Readiness, Probe Startup) Probes(HealthCheck h, IReadOnlyList<ServicePort> ports, string owner)
    {
        if (h.Port is { } port && !ports.Any(p => p.ContainerPort == port))
            throw new InputException(owner, "health.port", port.ToString(CultureInfo.InvariantCulture),
                $"the health check probes a port the service does not expose; it listens on: {(ports.Count == 0 ? "(none)" : string.Join(", ", ports.Select(p => p.ContainerPort)))}");
        Probe Make(int failure, int? initial = null) => new()
        {
            HttpGet = h.Kind == HealthKind.Http ? new HTTPGetAction { Path = h.Path ?? "/", Port = h.Port!.Value } : null,
            TcpSocket = h.Kind == HealthKind.Tcp ? new TCPSocketAction { Port = h.Port!.Value } : null,
            Exec = h.Kind == HealthKind.Command ? new ExecAction { Command = [.. ExecCommand(h).Select(c => (Input<string>)c)] } : null,
            PeriodSeconds = (int)h.Interval.TotalSeconds,
            TimeoutSeconds = (int)h.Timeout.TotalSeconds,
            FailureThreshold = failure,
            InitialDelaySeconds = initial,
        };
        var startupFailures = (int)Math.Ceiling(h.StartPeriod.TotalSeconds / Math.Max(1, h.Interval.TotalSeconds)) + h.Retries;
        return (Make(h.Retries), Make(Math.Max(1, h.Retries / 2)), Make(startupFailures));
    }

    /// <summary>An exec probe: one word list as given; a single string with spaces runs through sh -c.</summary>
    public static IReadOnlyList<string> ExecCommand(HealthCheck h) =>
        h.Command is [var one] && one.Contains(' ') ? ["sh", "-c", one] : h.Command ?? [];
}
