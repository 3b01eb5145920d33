using System.Diagnostics;
using System.Text.Json;
using Infra.Tests.Configs;

namespace Infra.Tests.Runtime;

/// <summary>
/// Issue 9: Alertmanager notifies someone. The prod program of pliers with the secret webhook set (through the
/// engine's config): its alertmanager container — config upload, command, user, volume exactly as the program says,
/// Debian's alertmanager as the look-alike — delivers an alert posted to <c>/api/v2/alerts</c> to a stand-in webhook
/// on the monitoring network (busybox httpd with a CGI script that keeps each request body), and the test reads the
/// JSON Alertmanager posted.
/// </summary>
[Collection(RuntimeCollection.Name)]
[Trait("Category", RuntimeCollection.Category)]
public class AlertDeliveryRuntimeTests
{
    private const string Scope = "alert-delivery";
    private const string HookName = "runtime-alert-webhook";
    private const string HookAlias = "alert-webhook";

    /// <summary>busybox httpd on 8080; /cgi-bin/alert writes the request body to /tmp/alerts/&lt;pid&gt;.json and answers 200.</summary>
    private const string HookScript =
        "mkdir -p /tmp/www/cgi-bin /tmp/alerts && " +
        "printf '#!/bin/sh\\nhead -c \"$CONTENT_LENGTH\" > /tmp/alerts/$$.json\\nprintf \"Content-Type: text/plain\\\\r\\\\n\\\\r\\\\nok\\\\n\"\\n' > /tmp/www/cgi-bin/alert && " +
        "chmod 755 /tmp/www/cgi-bin/alert && exec httpd -f -p 8080 -h /tmp/www";

    [Fact]
    public void A_posted_alert_reaches_the_stack_webhook()
    {
        var url = $"http://{HookAlias}:8080/cgi-bin/alert";
        var program = AlertmanagerConfigTests.WithWebhook("pliers", "prod", url);
        var am = AlertmanagerConfigTests.AlertmanagerContainer(program);
        using var d = new Deployment(Scope, program);
        d.CreateNetworksAndVolumes();
        var (network, alias) = d.AppAddress(am);
        DockerCli.Ok("run", "-d", "--name", HookName, "--label", $"{Deployment.TestLabel}={Scope}", "--network", network,
            "--network-alias", HookAlias, "local/busybox", "sh", "-c", HookScript);
        d.Up([am]);

        var alert = """[{"labels":{"alertname":"RuntimeDeliveryCheck","severity":"critical","system":"pliers","job":"api"},"annotations":{"summary":"posted by AlertDeliveryRuntimeTests"}}]""";
        var posted = Stopwatch.StartNew();
        var post = d.Client(network, "local/busybox", [], "wget", "-q", "-O-", "--header", "Content-Type: application/json",
            "--post-data", alert, $"http://{alias}:9093/api/v2/alerts");
        Assert.True(post.Ok, $"POST /api/v2/alerts failed: {post.Stderr}\n{d.Diagnose(d.Plan(am).Name)}");

        // Critical alerts are grouped for 10 s before the first notification; allow the webhook a minute.
        string body = "";
        while (posted.Elapsed < TimeSpan.FromSeconds(60))
        {
            body = DockerCli.Run("exec", HookName, "sh", "-c", "cat /tmp/alerts/*.json 2>/dev/null").Stdout;
            if (body.Length > 0) break;
            Thread.Sleep(1000);
        }
        Assert.True(body.Length > 0, $"nothing reached the webhook in 60 s\n{d.Diagnose(d.Plan(am).Name)}\n{DockerCli.Run("logs", HookName).Stderr}");
        Console.WriteLine($"alert delivered to the webhook {posted.Elapsed.TotalSeconds:0.0} s after the POST");

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal("platform", root.GetProperty("receiver").GetString());
        Assert.Equal("firing", root.GetProperty("status").GetString());
        var delivered = Assert.Single(root.GetProperty("alerts").EnumerateArray().ToList());
        Assert.Equal("RuntimeDeliveryCheck", delivered.GetProperty("labels").GetProperty("alertname").GetString());
        Assert.Equal("critical", delivered.GetProperty("labels").GetProperty("severity").GetString());
        // Grouped by alert name, system and job, as the route says.
        var group = root.GetProperty("groupLabels");
        Assert.Equal(["alertname", "job", "system"], group.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.True(posted.Elapsed >= TimeSpan.FromSeconds(9), $"delivered after {posted.Elapsed.TotalSeconds:0.0} s: the critical route waits 10 s to group");
    }
}
