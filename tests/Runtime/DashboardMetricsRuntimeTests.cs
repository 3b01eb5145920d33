using Infra.Components.Docker;
using Infra.Tests.Configs;

namespace Infra.Tests.Runtime;

/// <summary>
/// The host panels of the shipped dashboards read metrics a real node exporter exports (seed 004 L285, 004-15):
/// the look-alike of the pinned prom/node-exporter (Debian's prometheus-node-exporter) runs with the program's
/// command and its /metrics is read inside the container.
/// </summary>
[Collection(RuntimeCollection.Name)]
[Trait("Category", RuntimeCollection.Category)]
public class DashboardMetricsRuntimeTests
{
    [Fact]
    public void Every_node_metric_the_dashboards_read_is_exported_by_the_node_exporter()
    {
        DockerCli.RequireDaemon();
        var (dashboards, _) = GrafanaDashboardTests.Shipped("normaldance", "prod");
        var wanted = GrafanaDashboardTests.Queries(dashboards).Where(q => q.Datasource == "prometheus")
            .SelectMany(q => GrafanaDashboardTests.MetricNames(q.Expr)).Where(m => m.StartsWith("node_", StringComparison.Ordinal)).Distinct().ToList();
        Assert.True(wanted.Count >= 5, "the prod overview has host panels: " + string.Join(", ", wanted));

        const string scope = "dashboard-metrics";
        const string name = "runtime-dashboard-node-exporter";
        Deployment.RemoveEverything(scope);
        try
        {
            DockerCli.Ok(["run", "-d", "--name", name, "--label", Deployment.TestLabel + "=" + scope, "--user", "65534:65534",
                "-v", "/proc:/host/proc:ro", "-v", "/sys:/host/sys:ro", "local/node-exporter", "--path.procfs=/host/proc", "--path.sysfs=/host/sys"]);
            string? metrics = null;
            for (var i = 0; i < 30 && metrics is null; i++)
            {
                var r = DockerCli.Run("exec", name, "wget", "-qO-", $"http://127.0.0.1:{Monitoring.NodeExporterPort}/metrics");
                if (r.Ok) metrics = r.Stdout; else Thread.Sleep(500);
            }
            Assert.True(metrics is not null, DockerCli.Run("logs", name).ToString());
            var exported = metrics!.Split('\n').Where(l => l.Length > 0 && l[0] != '#')
                .Select(l => l.Split('{', ' ')[0]).ToHashSet(StringComparer.Ordinal);
            Assert.All(wanted, m => Assert.True(exported.Contains(m), $"{m} is not exported by the node exporter"));
        }
        finally
        {
            Deployment.RemoveEverything(scope);
        }
    }
}
