using System.Diagnostics;
using Infra.Stacks.Model;
using Infra.Tests.Configs;

namespace Infra.Tests.Runtime;

/// <summary>
/// Per-service proxy timeouts on a running nginx (Debian nginx 1.22, the program's config upload as shipped): behind
/// the proxy of <see cref="ProxyTimeoutTests.TwoSpeeds"/> both backends answer after 70 s; the slow service (120 s
/// timeout) gets its answer, the quick one a 504 at nginx's 60 s default. The backends are busybox httpd running a
/// script that sleeps, on the program's network under the upstream names nginx resolves through Docker's DNS.
/// </summary>
[Collection(RuntimeCollection.Name)]
[Trait("Category", RuntimeCollection.Category)]
public class ProxyTimeoutRuntimeTests
{
    private const string Scope = "proxy-timeouts";
    private const int BackendSeconds = 70;

    private static string BackendScript(string prefix) =>
        $"mkdir -p /tmp/w{prefix} && printf 'sleep {BackendSeconds}\\necho \"Content-Type: text/plain\"\\necho\\necho waited\\n' > /tmp/w{prefix}/wait.sh && " +
        $"chmod 755 /tmp/w{prefix}/wait.sh && echo '*.sh:/bin/sh' > /tmp/httpd.conf && exec httpd -f -p 8080 -h /tmp/w -c /tmp/httpd.conf";

    [Fact]
    public async Task A_slow_service_gets_its_timeout_and_a_quick_one_the_default()
    {
        var def = ProxyTimeoutTests.TwoSpeeds();
        var program = new PulumiProgram(ProxyTimeoutTests.Program(def));
        using var d = new Deployment(Scope, program);
        d.CreateNetworksAndVolumes();
        var containers = program.OfType(PulumiProgram.ContainerType).ToList();
        var proxy = containers.Single(c => Deployment.Label(c, "platform.service") == "edge-proxy");
        var (network, _) = d.AppAddress(proxy);
        foreach (var svc in new[] { "quick", "slow" })
        {
            var app = containers.Single(c => Deployment.Label(c, "platform.service") == svc && Deployment.Label(c, "platform.role") is null or not "volume-init");
            DockerCli.Ok("run", "-d", "--name", $"runtime-timeout-{svc}", "--label", $"{Deployment.TestLabel}={Scope}", "--network", network,
                "--network-alias", (string)app.Properties["name"]!, "local/busybox", "sh", "-c", BackendScript("/" + svc));
        }
        d.Up([proxy]);
        var published = d.PublishedPorts(d.Plan(proxy).Name).Split('\n')[0];
        var port = int.Parse(published[(published.LastIndexOf(':') + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(150) };
        async Task<(int Status, string Body, TimeSpan Took)> Get(string path)
        {
            var sw = Stopwatch.StartNew();
            using var r = await http.GetAsync($"http://127.0.0.1:{port}{path}");
            return ((int)r.StatusCode, await r.Content.ReadAsStringAsync(), sw.Elapsed);
        }
        var quick = Get("/quick/wait.sh");
        var slow = Get("/slow/wait.sh");
        var (qs, _, qt) = await quick;
        var (ss, sb, st) = await slow;
        Console.WriteLine($"quick: {qs} after {qt.TotalSeconds:0.0} s; slow: {ss} after {st.TotalSeconds:0.0} s");
        Assert.True(qs == 504, $"the quick service answered {qs} after {qt.TotalSeconds:0.0} s; expected nginx's 504 at the {ServiceDef.DefaultRequestTimeoutSeconds} s default\n{d.Diagnose(d.Plan(proxy).Name)}");
        Assert.InRange(qt.TotalSeconds, ServiceDef.DefaultRequestTimeoutSeconds - 1, ServiceDef.DefaultRequestTimeoutSeconds + 5);
        Assert.True(ss == 200 && sb.Contains("waited", StringComparison.Ordinal), $"the slow service ({ProxyTimeoutTests.SlowSeconds} s timeout) answered {ss} after {st.TotalSeconds:0.0} s: {sb}");
        Assert.True(st.TotalSeconds >= BackendSeconds, $"answered after {st.TotalSeconds:0.0} s, before the backend's {BackendSeconds} s");
    }
}
