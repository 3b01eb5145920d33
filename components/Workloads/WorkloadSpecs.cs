namespace Infra.Components.Workloads;

public enum PortProtocol { Http, Grpc, Tcp }

/// <summary>How often the database is dumped (seed 004: none in dev, daily in staging, hourly + daily in prod).</summary>
public enum BackupSchedule { None, Daily, HourlyAndDaily }

/// <summary>The data-service images and ports every target runs (one place, so targets agree).</summary>
public static class DataServiceDefaults
{
    public const string PostgresImage = "postgres:15.10-alpine";
    public const string RedisImage = "redis:7.4.1-alpine";
    public const int PostgresPort = 5432;
    public const int RedisPort = 6379;
}

/// <summary>A port a workload listens on; <paramref name="HostPort"/> publishes it outside the target network.</summary>
public sealed record ServicePort(string Name, int ContainerPort, PortProtocol Protocol = PortProtocol.Http, int? HostPort = null);

public enum HealthKind { Http, Command, Tcp }

/// <summary>How a target learns a workload is ready (Docker health check, Kubernetes probes).</summary>
public sealed record HealthCheck(HealthKind Kind, string? Path = null, int? Port = null, IReadOnlyList<string>? Command = null)
{
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
    public int Retries { get; init; } = 5;
    public TimeSpan StartPeriod { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The HTTP client inside the image: busybox/alpine images have wget, others curl.</summary>
    public string HttpTool { get; init; } = "wget";

    public static HealthCheck Http(string path, int port, string tool = "wget") => new(HealthKind.Http, path, port) { HttpTool = tool };
    public static HealthCheck Exec(params string[] command) => new(HealthKind.Command, Command: command);
    public static HealthCheck TcpPort(int port) => new(HealthKind.Tcp, Port: port);

    /// <summary>The probe as one shell command line.</summary>
    public string ShellCommand => Kind switch
    {
        HealthKind.Http when HttpTool == "curl" => $"curl -fsS -o /dev/null http://127.0.0.1:{Port}{Path}",
        HealthKind.Http => $"wget -q -O /dev/null http://127.0.0.1:{Port}{Path}",
        HealthKind.Tcp => $"nc -z 127.0.0.1 {Port}",
        _ => string.Join(' ', Command ?? []),
    };
}

/// <summary>CPU (cores) and memory (MiB) limits, with reservations at half unless given.</summary>
public sealed record ResourceLimits(double Cpus, int MemoryMb)
{
    public int ReservationMb { get; init; } = MemoryMb / 2;
}

/// <summary>A configuration file placed read-only into a workload.</summary>
public sealed record ConfigFile(string Path, string Content);

/// <summary>A file whose content is a secret (a config secret or generated value), placed read-only into a workload.</summary>
public sealed record SecretFile(string Path, Infra.Components.Core.Value Content);
