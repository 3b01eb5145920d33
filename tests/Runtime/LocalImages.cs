namespace Infra.Tests.Runtime;

/// <summary>A stand-in: busybox httpd answering the image's health path(s), plus shims for health commands.</summary>
public sealed record StandIn(string Description, IReadOnlyList<int> Ports, IReadOnlyList<string> Paths, IReadOnlyDictionary<string, string> Shims)
{
    public const string BinDir = "/tmp/standin/bin";
    private const string WwwDir = "/tmp/standin/www";

    /// <summary>The stand-in's entrypoint script (run with sh -c as the program's user).</summary>
    public string Script()
    {
        var lines = new List<string> { $"mkdir -p {WwwDir} {BinDir}", $"echo 'STAND-IN: {Description}' > {WwwDir}/index.html" };
        foreach (var p in Paths)
        {
            var dir = Path.GetDirectoryName(p)!.TrimEnd('/');
            if (dir.Length > 0) lines.Add($"mkdir -p {WwwDir}{dir}");
            lines.Add($"echo ok > {WwwDir}{p}");
        }
        foreach (var (name, body) in Shims)
            lines.Add($"printf '#!/bin/sh\\n{body}\\n' > {BinDir}/{name} && chmod 755 {BinDir}/{name}");
        for (var i = 0; i < Ports.Count - 1; i++) lines.Add($"httpd -p {Ports[i]} -h {WwwDir}");
        lines.Add($"exec httpd -f -p {Ports[^1]} -h {WwwDir}");
        return string.Join(" && ", lines);
    }
}

/// <summary>What a program image runs as on this machine (no registry): a local look-alike or a named stand-in.</summary>
public sealed record LocalImage(string Image, string Note, StandIn? StandIn = null)
{
    public bool IsStandIn => StandIn is not null;
}

/// <summary>
/// THE table from program image references (repository, tag ignored) to local images built by
/// scripts/runtime-images.sh from Debian packages. Look-alikes run the real server; stand-ins only answer
/// the health path and are named as stand-ins in every assertion message.
/// </summary>
public static class LocalImages
{
    public static readonly IReadOnlyDictionary<string, LocalImage> Table = new Dictionary<string, LocalImage>(StringComparer.Ordinal)
    {
        // Look-alike: Debian's busybox applets (sh, httpd, wget); the dev program's own stand-ins for missing app images run on it.
        ["busybox"] = new("local/busybox", "look-alike of busybox:1.36.1 (Debian busybox)"),
        // Look-alike: Debian postgresql-15, postgres = UID 70, entrypoint doing initdb from POSTGRES_USER/PASSWORD/DB like the official image.
        ["postgres"] = new("local/postgres", "look-alike of postgres:15-alpine (Debian postgresql-15)"),
        // Look-alike: Debian redis-server 7.0, user 999:1000, /data owned by it.
        ["redis"] = new("local/redis", "look-alike of redis:7-alpine (Debian redis-server 7.0)"),
        // Look-alike: Debian nginx 1.22 as UID 101; compiled-in pid path not writable, as in nginx-unprivileged.
        ["nginxinc/nginx-unprivileged"] = new("local/nginx", "look-alike of nginxinc/nginx-unprivileged (Debian nginx 1.22)"),
        // Look-alike: Debian prometheus 2.42, binary as entrypoint like prom/prometheus.
        ["prom/prometheus"] = new("local/prometheus", "look-alike of prom/prometheus (Debian prometheus 2.42)"),
        // Look-alike: Debian prometheus-alertmanager (staging/prod monitoring).
        ["prom/alertmanager"] = new("local/alertmanager", "look-alike of prom/alertmanager (Debian prometheus-alertmanager)"),
        // Look-alike: Debian prometheus-node-exporter (staging/prod monitoring).
        ["prom/node-exporter"] = new("local/node-exporter", "look-alike of prom/node-exporter (Debian prometheus-node-exporter)"),
        // STAND-IN: Grafana has no Debian package; busybox httpd answers /api/health on 3000.
        ["grafana/grafana"] = new("local/busybox", "STAND-IN for grafana/grafana (busybox httpd answering /api/health)",
            new StandIn("grafana/grafana", [3000], ["/api/health"], new Dictionary<string, string>())),
        // STAND-IN: Loki has no Debian package; busybox httpd answers /ready on 3100.
        ["grafana/loki"] = new("local/busybox", "STAND-IN for grafana/loki (busybox httpd answering /ready)",
            new StandIn("grafana/loki", [3100], ["/ready"], new Dictionary<string, string>())),
        // STAND-IN: promtail is not packaged in bookworm (nor grafana-alloy, fluent-bit, vector); httpd answers /ready on 9080 and a
        // `bash` shim answers the program's TCP probe. It ships no logs: the runtime tier checks the wiring (read-only bind, no socket).
        ["grafana/promtail"] = new("local/busybox", "STAND-IN for grafana/promtail (busybox httpd answering /ready on 9080, a `bash` shim for the probe)",
            new StandIn("grafana/promtail", [9080], ["/ready"], new Dictionary<string, string> { ["bash"] = "exec wget -q -O /dev/null http://127.0.0.1:9080/ready" })),
        // STAND-IN: Traefik is not packaged in bookworm; httpd on the web (8000) and ping (8080) entry points, and a
        // `traefik` shim so the program's own health command `traefik healthcheck --ping` runs unchanged.
        ["traefik"] = new("local/busybox", "STAND-IN for traefik (busybox httpd on 8000/8080 and a `traefik healthcheck` shim)",
            new StandIn("traefik", [8000, 8080], ["/ping"], new Dictionary<string, string> { ["traefik"] = "exec wget -q -O /dev/null http://127.0.0.1:8080/ping" })),
        // STAND-IN: IPFS kubo is not packaged in bookworm; httpd on the API port 5001 and an `ipfs` shim for `ipfs id`.
        ["ipfs/kubo"] = new("local/busybox", "STAND-IN for ipfs/kubo (busybox httpd on 5001 and an `ipfs id` shim)",
            new StandIn("ipfs/kubo", [5001, 8080], [], new Dictionary<string, string> { ["ipfs"] = "exec wget -q -O /dev/null http://127.0.0.1:5001/" })),
    };

    public static LocalImage For(string programImage)
    {
        var repo = programImage.Split('@')[0];
        var colon = repo.LastIndexOf(':');
        if (colon > repo.LastIndexOf('/')) repo = repo[..colon];
        return Table.TryGetValue(repo, out var img) ? img
            : throw new KeyNotFoundException($"no local image for '{programImage}': add it to LocalImages.Table (look-alike or named stand-in)");
    }
}
