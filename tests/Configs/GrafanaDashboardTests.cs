using System.Text.Json;
using System.Text.RegularExpressions;
using Infra.Components.Configs;
using Infra.Stacks.Systems;
using Infra.Tests.Configs.Support;
using Infra.Tests.Programs;

namespace Infra.Tests.Configs;

/// <summary>
/// The Grafana dashboards each seed system ships (seed 004 L283-289), read from the uploads of its synthesized
/// program: valid dashboard JSON, every PromQL query parsed by promtool exactly as shipped, and every metric a
/// query reads produced by a job the shipped prometheus.yml scrapes (or one of <see cref="AppMetrics"/>, which
/// the services export on the /metrics path Prometheus scrapes).
/// </summary>
public class GrafanaDashboardTests
{
    public static IEnumerable<object[]> Combinations => Synth.AllCombinations();

    private const string DashboardDir = "/etc/grafana/dashboards/";

    /// <summary>
    /// Metric names of the exporters the Docker monitoring stack runs, per scrape job, at the pinned versions:
    /// node_exporter v1.8.2 (cpu, meminfo, filesystem, loadavg, netdev collectors), postgres_exporter v0.16.0
    /// (pg_up, collector/pg_stat_database.go, collector/pg_database.go, pg_settings), redis_exporter v1.66.0
    /// (exporter/info.go, keyspace), Prometheus v2.55 itself (TSDB head) and <c>up</c>, which Prometheus writes for every target.
    /// </summary>
    private static readonly Dictionary<string, string[]> ExporterMetrics = new()
    {
        ["node"] = ["node_cpu_seconds_total", "node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes", "node_filesystem_avail_bytes",
            "node_filesystem_size_bytes", "node_load1", "node_network_receive_bytes_total", "node_network_transmit_bytes_total"],
        ["postgres-exporter"] = ["pg_up", "pg_stat_database_numbackends", "pg_settings_max_connections", "pg_stat_database_xact_commit",
            "pg_stat_database_xact_rollback", "pg_stat_database_blks_hit", "pg_stat_database_blks_read", "pg_stat_database_deadlocks", "pg_database_size_bytes"],
        ["redis-exporter"] = ["redis_up", "redis_connected_clients", "redis_commands_processed_total", "redis_memory_used_bytes",
            "redis_keyspace_hits_total", "redis_keyspace_misses_total"],
        ["prometheus"] = ["prometheus_tsdb_head_series"],
    };

    internal sealed record Query(string Dashboard, string Panel, string Datasource, string Expr);

    internal static (Dictionary<string, JsonElement> Dashboards, Dictionary<string, string> Files) Shipped(string system, string env)
    {
        var files = SeedSystemConfigTests.Files(system, env);
        var dashboards = files.Where(f => f.Key.StartsWith(DashboardDir, StringComparison.Ordinal))
            .ToDictionary(f => f.Key, f => JsonDocument.Parse(f.Value).RootElement.Clone());
        return (dashboards, files);
    }

    internal static IEnumerable<Query> Queries(Dictionary<string, JsonElement> dashboards) =>
        from d in dashboards.Values
        from p in d.GetProperty("panels").EnumerateArray()
        from t in p.GetProperty("targets").EnumerateArray()
        select new Query(d.GetProperty("title").GetString()!, p.GetProperty("title").GetString()!,
            t.GetProperty("datasource").GetProperty("uid").GetString()!, t.GetProperty("expr").GetString()!);

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Every_dashboard_is_grafana_json_with_unique_uid_and_panels_with_queries(string system, string env)
    {
        var (dashboards, files) = Shipped(system, env);
        if (SystemCatalog.Find(system)!.Monitoring is null) { Assert.Empty(dashboards); return; }

        // Seed 004's five dashboards, titled after the system; every seed system scrapes service /metrics and a database.
        Assert.Equal(GrafanaProvisioning.Dashboards.Select(d => system + " " + d.Title).Order(StringComparer.Ordinal),
            dashboards.Values.Select(d => d.GetProperty("title").GetString()!).Order(StringComparer.Ordinal));
        var uids = dashboards.Values.Select(d => d.GetProperty("uid").GetString()!).ToList();
        Assert.Equal(uids.Count, uids.Distinct(StringComparer.Ordinal).Count());
        foreach (var (path, d) in dashboards)
        {
            var uid = d.GetProperty("uid").GetString()!;
            Assert.Matches("^[a-z0-9-]{1,40}$", uid);
            Assert.Equal(DashboardDir + uid + ".json", path);
            Assert.Equal(39, d.GetProperty("schemaVersion").GetInt32());
            var panels = d.GetProperty("panels").EnumerateArray().ToList();
            Assert.NotEmpty(panels);
            Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
            var cells = new HashSet<(int, int)>();
            foreach (var p in panels)
            {
                Assert.Contains(p.GetProperty("type").GetString(), new[] { "stat", "timeseries", "logs" });
                var ds = p.GetProperty("datasource").GetProperty("uid").GetString();
                Assert.Contains(ds, new[] { GrafanaProvisioning.PrometheusUid, GrafanaProvisioning.LokiUid });
                Assert.Equal(p.GetProperty("type").GetString() == "logs", ds == GrafanaProvisioning.LokiUid);
                var grid = p.GetProperty("gridPos");
                Assert.True(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32() <= 24, $"{uid}: panel wider than the grid");
                Assert.True(cells.Add((grid.GetProperty("x").GetInt32(), grid.GetProperty("y").GetInt32())), $"{uid}: two panels at one place");
                var targets = p.GetProperty("targets").EnumerateArray().ToList();
                Assert.NotEmpty(targets);
                Assert.Equal(targets.Count, targets.Select(t => t.GetProperty("refId").GetString()).Distinct().Count());
                foreach (var t in targets)
                {
                    Assert.Equal(ds, t.GetProperty("datasource").GetProperty("uid").GetString());
                    Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()));
                }
            }
        }
        // The provider reads the folder the dashboards are uploaded to; the data sources have the uids the panels use.
        Assert.Contains("path: '/etc/grafana/dashboards'", files["/etc/grafana/" + GrafanaProvisioning.DashboardProviderPath]);
        var datasources = files["/etc/grafana/" + GrafanaProvisioning.DatasourcesPath];
        Assert.Contains("uid: 'prometheus'", datasources);
        Assert.Contains("uid: 'loki'", datasources);
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Every_dashboard_query_parses_and_reads_only_metrics_the_program_scrapes(string system, string env)
    {
        var (dashboards, files) = Shipped(system, env);
        if (!files.TryGetValue("/etc/prometheus/prometheus.yml", out var prometheus)) return;
        var queries = Queries(dashboards).ToList();
        var promql = queries.Where(q => q.Datasource == GrafanaProvisioning.PrometheusUid).ToList();
        Assert.NotEmpty(promql);

        // promtool parses each expression as shipped (as the expr of a recording rule).
        using var dir = new TempDir("dashboards-");
        var rules = "groups:\n  - name: dashboards\n    rules:\n" + string.Concat(promql.Select((q, i) =>
            $"      - record: dashboard:query_{i}\n        expr: {JsonSerializer.Serialize(q.Expr)}\n"));
        var check = Proc.Run(Tools.Promtool, ["check", "rules", dir.File("dashboards.yml", rules)]);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains($"SUCCESS: {promql.Count} rules found", check.Output);

        // Each metric comes from a job this prometheus.yml scrapes.
        var jobs = Regex.Matches(prometheus, @"- job_name: '([^']+)'").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var serviceJobs = jobs.Where(j => !ExporterMetrics.ContainsKey(j)).ToList();
        var appMetrics = AppMetrics.All.SelectMany(m => m.Type == "histogram" ? new[] { m.Name + "_bucket", m.Name + "_sum", m.Name + "_count" } : [m.Name]);
        var produced = new HashSet<string>(StringComparer.Ordinal) { "up" };
        foreach (var job in jobs) produced.UnionWith(ExporterMetrics.GetValueOrDefault(job, []));
        if (serviceJobs.Count > 0) produced.UnionWith(appMetrics);
        foreach (var q in promql)
            foreach (var metric in MetricNames(q.Expr))
                Assert.True(produced.Contains(metric), $"{q.Dashboard} / {q.Panel}: {metric} is not produced by any job of prometheus.yml ({string.Join(", ", jobs)})");
        // Service queries select exactly the services' jobs.
        foreach (var q in promql.Where(q => q.Expr.Contains("job=~", StringComparison.Ordinal)))
            Assert.Contains($"job=~\"{string.Join("|", serviceJobs.Order(StringComparer.Ordinal))}\"", q.Expr);

        // Log panels select the label promtail puts on every line of this system.
        var logs = queries.Where(q => q.Datasource == GrafanaProvisioning.LokiUid).ToList();
        Assert.NotEmpty(logs);
        Assert.All(logs, q => Assert.Equal($"{{system=\"{system}\"}}", q.Expr));
        Assert.Contains($"system: \"{system}\"", files["/etc/promtail/config.yml"]);
    }

    [Fact]
    public void Metric_names_are_read_from_queries_without_functions_labels_or_keywords()
    {
        Assert.Equal(["a_total", "b_bucket"], MetricNames("sum by (job, le) (rate(a_total{job=~\"x|y\",status=\"5..\"}[5m])) / on (job) group_left histogram_quantile(0.9, b_bucket[1h]) > bool 1"));
        Assert.Equal(["node_load1"], MetricNames("node_load1"));
    }

    [Fact]
    public void A_dashboard_reading_a_metric_nothing_scrapes_is_caught()
    {
        var spec = new GrafanaSpec("x", "http://prometheus:9090", "http://loki:3100", ["api"]);
        var withoutPostgres = GrafanaProvisioning.Render(spec).Select(f => f.Content).ToList();
        Assert.DoesNotContain(withoutPostgres, c => c.Contains("pg_up", StringComparison.Ordinal));
        var withPostgres = GrafanaProvisioning.Render(spec with { PostgresExporter = true }).Select(f => f.Content).ToList();
        Assert.Contains(withPostgres, c => c.Contains("pg_up", StringComparison.Ordinal));
        // A system with neither service metrics nor exporters still gets its overview, and no empty dashboards.
        var bare = GrafanaProvisioning.Render(new GrafanaSpec("x", "http://prometheus:9090", "http://loki:3100", []));
        Assert.Equal(["dashboards/x-overview.json"], bare.Select(f => f.Path).Where(p => p.StartsWith("dashboards/", StringComparison.Ordinal)));
    }

    private static readonly HashSet<string> Keywords = ["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right"];

    /// <summary>The metric names a PromQL expression reads: identifiers outside strings, label matchers, ranges and grouping lists that are not functions or keywords.</summary>
    internal static IReadOnlyList<string> MetricNames(string expr)
    {
        var s = Regex.Replace(expr, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        s = Regex.Replace(s, @"\{[^}]*\}", " ");
        s = Regex.Replace(s, @"\[[^\]]*\]", " ");
        s = Regex.Replace(s, @"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ");
        return [.. Regex.Matches(s, @"(?<![\w.:])[a-zA-Z_:][\w:]*(?![\w:]*\s*\()").Select(m => m.Value).Where(w => !Keywords.Contains(w)).Distinct()];
    }
}
