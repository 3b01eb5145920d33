using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Infra.Components.Configs;
using Infra.Tests.Configs.Support;

namespace Infra.Tests.Configs;

public class NginxConfigTests
{
    /// <summary>
    /// nginx -t on the config EXACTLY as shipped (no -g overrides: pid and temp paths come from the config).
    /// Optionally in a private mount namespace whose /etc/hosts maps the sample service names to 127.0.0.1.
    /// </summary>
    private static ProcResult NginxTest(TempDir dir, string config, bool mapHosts = true)
    {
        var conf = dir.File("nginx.conf", config);
        var hosts = dir.File("hosts", "127.0.0.1 localhost " + string.Join(' ', SampleSystem.NginxHostNames) + "\n");
        var nginx = Tools.Nginx;
        var cmd = (mapHosts ? "mount --bind \"$1\" /etc/hosts && " : "") +
                  "exec \"$2\" -t -e \"$4/startup-error.log\" -c \"$3\" -p \"$4\"";
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

        Assert.Contains("pid /tmp/nginx.pid;", config);
        Assert.Contains("proxy_temp_path /tmp/proxy_temp;", config);
        Assert.Contains("resolver 127.0.0.11 valid=10s ipv6=off;", config);
        Assert.Contains("split_clients \"$request_id\" $upstream_api_servers {", config);
        Assert.Contains("33.33% api-1:3000;", config);
        Assert.Contains("* api-3:3000;", config);
        Assert.Contains("proxy_pass http://$upstream_api_servers;", config);
        Assert.DoesNotContain("upstream api_servers", config);
        Assert.Contains("client_max_body_size 25m;", config);
        Assert.Contains("location = /api/health {", config);
        Assert.Contains("proxy_pass http://$upstream_api_servers/health;", config);
        Assert.DoesNotContain("ssl", config);
    }

    [Fact]
    public void Upstream_names_are_resolved_at_request_time_so_nginx_starts_before_its_upstreams_exist()
    {
        // No name of the sample resolves here; a config resolving at startup fails with "host not found in upstream".
        using var dir = new TempDir("nginx-nohosts-");
        var r = NginxTest(dir, NginxConfig.Render(SampleSystem.Nginx()), mapHosts: false);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("host not found", r.Stderr);
    }

    [Fact]
    public void Timeouts_can_be_set_per_service()
    {
        var site = SampleSystem.Nginx();
        site = site with { Upstreams = site.Upstreams.Select(u => u.Name == "ai_servers" ? u with { Timeouts = new NginxTimeouts(5, 300, 300) } : u).ToList() };
        var config = NginxConfig.Render(site);
        var ai = config[config.IndexOf("location /ai/ {", StringComparison.Ordinal)..];
        ai = ai[..ai.IndexOf('}')];
        Assert.Contains("proxy_read_timeout 300s;", ai);
        Assert.Contains("proxy_send_timeout 300s;", ai);
        var api = config[config.IndexOf("location /api/ {", StringComparison.Ordinal)..];
        Assert.DoesNotContain("proxy_read_timeout", api[..api.IndexOf('}')]);
        using var dir = new TempDir("nginx-timeouts-");
        var r = NginxTest(dir, config);
        Assert.True(r.ExitCode == 0, r.ToString());
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
    public async Task Running_nginx_proxies_routes_and_health_spread_over_the_replicas()
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
        // Exactly how the nginx images run a config: `nginx -g 'daemon off;'`; pid, logs and temp paths come from the config.
        using var nginx = System.Diagnostics.Process.Start(Proc.Info(Tools.Nginx,
            ["-e", Path.Combine(dir.Path, "startup-error.log"), "-c", conf, "-p", dir.Path, "-g", "daemon off;"]))!;
        var stderr = nginx.StandardError.ReadToEndAsync();
        _ = nginx.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            if (!Ports.WaitUntil(() => CanConnect(port)))
                Assert.Fail("nginx did not start: " + (nginx.HasExited ? await stderr : "(still running, not listening)"));

            Assert.Equal("ok\n", await http.GetStringAsync($"http://127.0.0.1:{port}{NginxConfig.ProxyHealthPath}"));
            var seen = new HashSet<string>();
            for (var i = 0; i < 30; i++)
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
