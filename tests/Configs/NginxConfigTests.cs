using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Infra.Components.Configs;
using Infra.Tests.Configs.Support;

namespace Infra.Tests.Configs;

public class NginxConfigTests
{
    /// <summary>
    /// nginx -t resolves upstream host names. The test runs it in a private mount namespace whose
    /// /etc/hosts maps the sample service names to 127.0.0.1 (as Docker's DNS would map them to
    /// containers); the generated config itself is unchanged.
    /// </summary>
    private static ProcResult NginxTest(TempDir dir, string config, bool mapHosts = true)
    {
        var conf = dir.File("nginx.conf", config);
        var hosts = dir.File("hosts", "127.0.0.1 localhost " + string.Join(' ', SampleSystem.NginxHostNames) + "\n");
        var nginx = Tools.Nginx;
        var cmd = (mapHosts ? "mount --bind \"$1\" /etc/hosts && " : "") +
                  "exec \"$2\" -t -e \"$4/startup-error.log\" -c \"$3\" -p \"$4\" -g \"pid $4/nginx.pid; error_log $4/error.log;\"";
        return Proc.Run(Tools.Unshare, ["--mount", "sh", "-c", cmd, "sh", hosts, nginx, conf, dir.Path]);
    }

    [Fact]
    public void Plain_config_passes_nginx_t()
    {
        using var dir = new TempDir("nginx-plain-");
        var config = NginxConfig.Render(SampleSystem.Nginx());
        var r = NginxTest(dir, config);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("test is successful", r.Stderr);

        Assert.Contains("least_conn;", config);
        Assert.Contains("server api-3:3000 max_fails=3 fail_timeout=10s;", config);
        Assert.Contains("client_max_body_size 25m;", config);
        Assert.Contains("location = /api/health {", config);
        Assert.Contains("proxy_pass http://api_servers/health;", config);
        Assert.DoesNotContain("ssl", config);
    }

    [Fact]
    public void Unresolvable_upstreams_are_rejected_so_the_hosts_mapping_is_what_makes_it_pass()
    {
        using var dir = new TempDir("nginx-nohosts-");
        var r = NginxTest(dir, NginxConfig.Render(SampleSystem.Nginx()), mapHosts: false);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("host not found in upstream", r.Stderr);
    }

    [Fact]
    public void Tls_config_with_a_throwaway_self_signed_certificate_passes_nginx_t()
    {
        using var dir = new TempDir("nginx-tls-");
        var cert = Path.Combine(dir.Path, "cert.pem");
        var key = Path.Combine(dir.Path, "key.pem");
        Proc.RunOk(Tools.Openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=pliers.example.test",
            "-keyout", key, "-out", cert]);

        var config = NginxConfig.Render(SampleSystem.Nginx(new NginxTls(cert, key, 8443)));
        var r = NginxTest(dir, config);
        Assert.True(r.ExitCode == 0, r.ToString() + "\n" + config);
        Assert.Contains("listen 8443 ssl;", config);
        Assert.Contains("return 301 https://$host:8443$request_uri;", config);
        Assert.Contains("ssl_protocols TLSv1.2 TLSv1.3;", config);
    }

    [Fact]
    public async Task Running_nginx_proxies_routes_and_health_to_least_conn_upstreams()
    {
        // Two stub backends on loopback stand in for two replicas of one service.
        using var dir = new TempDir("nginx-live-");
        using var b1 = new StubBackend("replica-1");
        using var b2 = new StubBackend("replica-2");
        var port = Ports.Free();
        var site = new NginxSite(port, "localhost",
            [new NginxUpstream("api", [$"127.0.0.1:{b1.Port}", $"127.0.0.1:{b2.Port}"])],
            [new NginxRoute("/api/", "api", "/health")]);
        var conf = dir.File("nginx.conf", NginxConfig.Render(site));
        using var nginx = System.Diagnostics.Process.Start(Proc.Info(Tools.Nginx,
            ["-e", Path.Combine(dir.Path, "startup-error.log"), "-c", conf, "-p", dir.Path,
             "-g", $"daemon off; pid {dir.Path}/nginx.pid; error_log {dir.Path}/error.log;"]))!;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            Assert.True(Ports.WaitUntil(() => CanConnect(port)), "nginx did not start: " + File.ReadAllText(Path.Combine(dir.Path, "error.log")));

            Assert.Equal("ok\n", await http.GetStringAsync($"http://127.0.0.1:{port}{NginxConfig.ProxyHealthPath}"));
            var seen = new HashSet<string>();
            for (var i = 0; i < 6; i++)
                seen.Add(await http.GetStringAsync($"http://127.0.0.1:{port}/api/items"));
            Assert.Contains("replica-1 GET /api/items", seen);
            Assert.Contains("replica-2 GET /api/items", seen);
            var health = await http.GetStringAsync($"http://127.0.0.1:{port}/api/health");
            Assert.EndsWith(" GET /health", health);
        }
        finally
        {
            if (!nginx.HasExited) nginx.Kill(entireProcessTree: true);
            nginx.WaitForExit();
        }
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Minimal HTTP/1.1 backend answering "NAME METHOD PATH" and closing the connection.</summary>
    private sealed class StubBackend : IDisposable
    {
        private readonly TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _cts = new();

        public StubBackend(string name)
        {
            _listener.Start();
            Port = ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port;
            _ = Task.Run(async () =>
            {
                while (!_cts.IsCancellationRequested)
                {
                    TcpClient client;
                    try { client = await _listener.AcceptTcpClientAsync(_cts.Token); }
                    catch (Exception) { return; }
                    _ = Task.Run(async () =>
                    {
                        using (client)
                        {
                            var stream = client.GetStream();
                            var buf = new byte[8192];
                            var sb = new StringBuilder();
                            while (!sb.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                            {
                                var n = await stream.ReadAsync(buf);
                                if (n == 0) return;
                                sb.Append(Encoding.ASCII.GetString(buf, 0, n));
                            }
                            var requestLine = sb.ToString().Split("\r\n")[0].Split(' ');
                            var body = $"{name} {requestLine[0]} {requestLine[1]}";
                            var response = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                            await stream.WriteAsync(Encoding.UTF8.GetBytes(response));
                        }
                    });
                }
            });
        }

        public int Port { get; }

        public void Dispose()
        {
            _cts.Cancel();
            _listener.Stop();
        }
    }
}

public class ProxyRedirectTests
{
    [Fact]
    public void Http_redirects_to_the_published_https_port_not_the_listen_port()
    {
        var published = Infra.Components.Configs.NginxConfig.Render(SampleSystem.Nginx(new Infra.Components.Configs.NginxTls("/c", "/k", 8443, PublicPort: 443)));
        Assert.Contains("return 301 https://$host$request_uri;", published);
        var direct = Infra.Components.Configs.NginxConfig.Render(SampleSystem.Nginx(new Infra.Components.Configs.NginxTls("/c", "/k", 8443)));
        Assert.Contains("return 301 https://$host:8443$request_uri;", direct);
    }

    [Fact]
    public void Traefik_redirects_to_the_published_https_port()
    {
        var spec = new Infra.Components.Configs.TraefikSpec([new("api", ["http://api:3000"])], [new("/", "api")], 8000, 8443, new Infra.Components.Configs.TraefikTls("/c", "/k", 443));
        Assert.Contains("to: ':443'", Infra.Components.Configs.TraefikConfig.RenderStatic(spec));
    }
}
