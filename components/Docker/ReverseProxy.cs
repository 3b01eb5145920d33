using Infra.Components.Core;
using Infra.Components.Workloads;

namespace Infra.Components.Docker;

public enum ProxyKind { Nginx, Traefik }

public sealed record ReverseProxyArgs
{
    public ProxyKind Kind { get; init; } = ProxyKind.Nginx;
    /// <summary>Generated configuration (nginx.conf, or Traefik static + dynamic files).</summary>
    public required IReadOnlyList<ConfigFile> Files { get; init; }
    /// <summary>Certificate and key, from stack secrets.</summary>
    public IReadOnlyList<SecretFile> SecretFiles { get; init; } = [];
    public int HttpHostPort { get; init; } = 80;
    public int? HttpsHostPort { get; init; }
    public IReadOnlyList<DockerNetwork> Networks { get; init; } = [];
    public IReadOnlyList<Resource> Upstreams { get; init; } = [];
    public int Replicas { get; init; } = 1;
    public ResourceLimits? Limits { get; init; }
    /// <summary>Host address the published ports bind to; null binds every interface.</summary>
    public string? PublishAddress { get; init; }
}

/// <summary>
/// The one public entry point: nginx (unprivileged image) or Traefik v3 with a file provider — no
/// Docker socket is mounted. It listens on unprivileged ports inside and publishes 80/443.
/// </summary>
public sealed class ReverseProxy
{
    public const int HttpsPort = 8443;

    /// <summary>The unprivileged port the proxy listens on inside (Traefik keeps 8080 for its own ping/metrics entry point).</summary>
    public static int HttpPortFor(ProxyKind kind) => kind == ProxyKind.Nginx ? 8080 : 8000;

    public ReverseProxy(Construct parent, string name, ReverseProxyArgs args)
    {
        Args = args;
        var nginx = args.Kind == ProxyKind.Nginx;
        var httpPort = HttpPortFor(args.Kind);
        var ports = new List<ServicePort> { new("http", httpPort, PortProtocol.Http, args.HttpHostPort) };
        if (args.HttpsHostPort is { } https) ports.Add(new ServicePort("https", HttpsPort, PortProtocol.Http, https));
        Service = new DockerService(parent, name, svc => new DockerServiceArgs
        {
            Kind = $"ReverseProxy ({args.Kind})",
            Image = DockerImage.Pull(svc, "image", nginx ? "nginxinc/nginx-unprivileged:1.27.3-alpine" : "traefik:v3.2.3").ImageId,
            User = nginx ? "101:101" : "65534:65534",
            Replicas = args.Replicas,
            Ports = ports,
            Files = args.Files,
            SecretFiles = args.SecretFiles,
            Networks = args.Networks,
            WaitFor = args.Upstreams,
            Health = nginx ? HealthCheck.Http(Infra.Components.Configs.NginxConfig.ProxyHealthPath, httpPort) : HealthCheck.Exec("traefik", "healthcheck", "--ping"),
            Command = nginx ? [] : ["traefik", "--configFile=/etc/traefik/traefik.yml"],
            Limits = args.Limits,
            PublishAddress = args.PublishAddress,
            Labels = [("platform.role", "reverse-proxy")],
        });
        foreach (var c in Service.Containers) c.Traits.Add(Traits.Proxy);
    }

    public ReverseProxyArgs Args { get; }
    public DockerService Service { get; }
}
