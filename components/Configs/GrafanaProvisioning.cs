using Infra.Components.Core;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Infra.Components.Configs;

/// <summary>
/// Grafana provisioning for one system: data sources (Prometheus, Loki), a file dashboard provider, and the
/// dashboards of seed 004 (System Overview, Application Performance, Database Performance, Blockchain Integration,
/// Business Metrics) built from what Prometheus scrapes: <see cref="ServiceJobs"/> are the services' own /metrics
/// jobs; the exporter flags say which exporters are scraped (their panels appear only then).
/// </summary>
public sealed record GrafanaSpec(
    string SystemName,
    string PrometheusUrl,
    string LokiUrl,
    IReadOnlyList<string> ServiceJobs,
    string DashboardsDir = "/var/lib/grafana/dashboards")
{
    /// <summary>node_exporter is scraped (job <see cref="ScrapeJob.NodeJob"/>): host CPU, memory, disk, network panels.</summary>
    public bool NodeExporter { get; init; }
    /// <summary>postgres_exporter is scraped (job <see cref="ScrapeJob.PostgresExporterJob"/>).</summary>
    public bool PostgresExporter { get; init; }
    /// <summary>redis_exporter is scraped (job <see cref="ScrapeJob.RedisExporterJob"/>).</summary>
    public bool RedisExporter { get; init; }
    /// <summary>
    /// The Loki stream selector of the system's logs. @default <c>{system="&lt;name&gt;"}</c>, the label the Docker
    /// target's promtail sets; a cluster's log collector labels streams by namespace instead.
    /// </summary>
    public string? LogSelector { get; init; }
}

/// <summary>One application metric the dashboards read from the services' own /metrics (not an exporter's).</summary>
public sealed record AppMetric(string Name, string Type, string Labels, string Meaning);

/// <summary>
/// The metrics the services are expected to export on their /metrics path (prom-client / client_golang naming).
/// Seed 004 names the dashboards' subjects (L283-289: "API response times and error rates", "RPC performance and
/// transaction metrics", "user engagement and revenue metrics") but no metric names: these are this platform's names,
/// the contract an application implements for its panels to fill.
/// </summary>
public static class AppMetrics
{
    public static readonly AppMetric HttpRequests = new("http_requests_total", "counter", "status", "HTTP requests served (status: response code)");
    public static readonly AppMetric HttpDuration = new("http_request_duration_seconds", "histogram", "", "HTTP response time");
    public static readonly AppMetric DbQueryDuration = new("db_query_duration_seconds", "histogram", "", "database query time seen by the service");
    public static readonly AppMetric RpcRequests = new("blockchain_rpc_requests_total", "counter", "method, status (ok|error)", "blockchain RPC calls");
    public static readonly AppMetric RpcDuration = new("blockchain_rpc_request_duration_seconds", "histogram", "method", "blockchain RPC call time");
    public static readonly AppMetric Transactions = new("blockchain_transactions_total", "counter", "status (submitted|confirmed|failed)", "on-chain transactions");
    public static readonly AppMetric Confirmation = new("blockchain_transaction_confirmation_seconds", "histogram", "", "time from submission to confirmation");
    public static readonly AppMetric ActiveUsers = new("business_active_users", "gauge", "", "users active in the last 5 minutes");
    public static readonly AppMetric Signups = new("business_user_signups_total", "counter", "", "new user accounts");
    public static readonly AppMetric Engagement = new("business_engagement_events_total", "counter", "event", "user engagement events (plays, likes, uploads, ...)");
    public static readonly AppMetric Revenue = new("business_revenue_total", "counter", "currency", "revenue received");
    public static readonly AppMetric Payments = new("business_payments_total", "counter", "status", "payment attempts");

    public static IReadOnlyList<AppMetric> All { get; } =
        [HttpRequests, HttpDuration, DbQueryDuration, RpcRequests, RpcDuration, Transactions, Confirmation, ActiveUsers, Signups, Engagement, Revenue, Payments];
}

public static class GrafanaProvisioning
{
    public const string PrometheusUid = "prometheus";
    public const string LokiUid = "loki";
    public const string DatasourcesPath = "provisioning/datasources/datasources.yaml";
    public const string DashboardProviderPath = "provisioning/dashboards/dashboards.yaml";

    /// <summary>The dashboards' uid suffixes and titles, in seed 004's order (L285-289).</summary>
    public static readonly IReadOnlyList<(string Suffix, string Title)> Dashboards =
    [
        ("overview", "System Overview"),
        ("application", "Application Performance"),
        ("database", "Database Performance"),
        ("blockchain", "Blockchain Integration"),
        ("business", "Business Metrics"),
    ];

    /// <summary>Dashboard uid for a system (Grafana limits uids to 40 characters; the suffix is kept whole).</summary>
    public static string DashboardUid(string systemName, string suffix = "overview")
    {
        var system = systemName.ToLowerInvariant();
        var room = 40 - suffix.Length - 1;
        return (system.Length <= room ? system : system[..room]) + "-" + suffix;
    }

    /// <summary>
    /// Files relative to Grafana's config root: <see cref="DatasourcesPath"/>, <see cref="DashboardProviderPath"/>
    /// and <c>dashboards/{uid}.json</c> for each dashboard with panels (mount that folder at <see cref="GrafanaSpec.DashboardsDir"/>).
    /// </summary>
    public static IReadOnlyList<GeneratedFile> Render(GrafanaSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ConfigText.Token(spec.SystemName, "system name");
        if (!Uri.TryCreate(spec.PrometheusUrl, UriKind.Absolute, out _)) throw new ConfigException($"Invalid Prometheus URL '{spec.PrometheusUrl}'.");
        if (!Uri.TryCreate(spec.LokiUrl, UriKind.Absolute, out _)) throw new ConfigException($"Invalid Loki URL '{spec.LokiUrl}'.");
        foreach (var j in spec.ServiceJobs) ConfigText.Token(j, "service job");

        var files = new List<GeneratedFile> { new(DatasourcesPath, RenderDatasources(spec)), new(DashboardProviderPath, RenderProvider(spec)) };
        var panels = new DashboardPanels(spec);
        foreach (var (suffix, title) in Dashboards)
        {
            var list = panels.For(suffix);
            if (list.Count == 0) continue;
            var uid = DashboardUid(spec.SystemName, suffix);
            files.Add(new("dashboards/" + uid + ".json", RenderDashboard(spec.SystemName, uid, title, list)));
        }
        return files;
    }

    private static string RenderDatasources(GrafanaSpec spec) => new ConfigText().Lines(
        "# Generated by Infra.Components.Configs.GrafanaProvisioning. Do not edit by hand.",
        "apiVersion: 1",
        "datasources:",
        "  - name: 'Prometheus'",
        "    uid: " + ConfigText.Yq(PrometheusUid),
        "    type: 'prometheus'",
        "    access: 'proxy'",
        "    url: " + ConfigText.Yq(spec.PrometheusUrl),
        "    isDefault: true",
        "    editable: false",
        "  - name: 'Loki'",
        "    uid: " + ConfigText.Yq(LokiUid),
        "    type: 'loki'",
        "    access: 'proxy'",
        "    url: " + ConfigText.Yq(spec.LokiUrl),
        "    isDefault: false",
        "    editable: false").ToString();

    private static string RenderProvider(GrafanaSpec spec) => new ConfigText().Lines(
        "# Generated by Infra.Components.Configs.GrafanaProvisioning. Do not edit by hand.",
        "apiVersion: 1",
        "providers:",
        "  - name: " + ConfigText.Yq(spec.SystemName),
        "    orgId: 1",
        "    folder: " + ConfigText.Yq(spec.SystemName),
        "    type: 'file'",
        "    disableDeletion: true",
        "    allowUiUpdates: false",
        "    options:",
        "      path: " + ConfigText.Yq(spec.DashboardsDir)).ToString();

    private static string RenderDashboard(string system, string uid, string title, IReadOnlyList<PanelDef> panels)
    {
        var buffer = new MemoryStream();
        var options = new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var w = new Utf8JsonWriter(buffer, options))
        {
            w.WriteStartObject();
            w.WriteString("uid", uid);
            w.WriteString("title", system + " " + title);
            w.WriteStartArray("tags");
            w.WriteStringValue(system);
            w.WriteStringValue("generated");
            w.WriteEndArray();
            w.WriteString("timezone", "utc");
            w.WriteNumber("schemaVersion", 39);
            w.WriteNumber("version", 1);
            w.WriteBoolean("editable", false);
            w.WriteString("refresh", "30s");
            w.WriteStartObject("time");
            w.WriteString("from", "now-6h");
            w.WriteString("to", "now");
            w.WriteEndObject();
            w.WriteStartArray("panels");
            // Two panels a row, 12 wide and 8 high; ids in order from 1.
            for (var i = 0; i < panels.Count; i++) Panel(w, i + 1, panels[i], i % 2 * 12, i / 2 * 8);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Panel(Utf8JsonWriter w, int id, PanelDef p, int x, int y)
    {
        var (dsUid, dsType) = p.Logs ? (LokiUid, "loki") : (PrometheusUid, "prometheus");
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteString("title", p.Title);
        w.WriteString("type", p.Logs ? "logs" : p.Stat ? "stat" : "timeseries");
        w.WriteStartObject("datasource");
        w.WriteString("type", dsType);
        w.WriteString("uid", dsUid);
        w.WriteEndObject();
        w.WriteStartObject("gridPos");
        w.WriteNumber("x", x);
        w.WriteNumber("y", y);
        w.WriteNumber("w", 12);
        w.WriteNumber("h", 8);
        w.WriteEndObject();
        w.WriteStartArray("targets");
        for (var i = 0; i < p.Targets.Count; i++)
        {
            w.WriteStartObject();
            w.WriteString("refId", ((char)('A' + i)).ToString());
            w.WriteStartObject("datasource");
            w.WriteString("type", dsType);
            w.WriteString("uid", dsUid);
            w.WriteEndObject();
            w.WriteString("expr", p.Targets[i].Expr);
            if (p.Targets[i].Legend is { } legend) w.WriteString("legendFormat", legend);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (p.Unit is not null)
        {
            w.WriteStartObject("fieldConfig");
            w.WriteStartObject("defaults");
            w.WriteString("unit", p.Unit);
            if (p.Thresholds is { } th)
            {
                w.WriteStartObject("thresholds");
                w.WriteString("mode", "absolute");
                w.WriteStartArray("steps");
                Step(w, null, "green");
                Step(w, th.Warn, "orange");
                Step(w, th.Crit, "red");
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartArray("overrides");
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void Step(Utf8JsonWriter w, double? value, string color)
    {
        w.WriteStartObject();
        w.WriteString("color", color);
        if (value is { } v) w.WriteNumber("value", v); else w.WriteNull("value");
        w.WriteEndObject();
    }
}

internal sealed record PanelTarget(string Expr, string? Legend);

internal sealed record PanelDef(string Title, IReadOnlyList<PanelTarget> Targets, string? Unit = null,
    (double Warn, double Crit)? Thresholds = null, bool Stat = false, bool Logs = false)
{
    public PanelDef(string title, string expr, string legend, string? unit = null, (double Warn, double Crit)? thresholds = null, bool stat = false)
        : this(title, [new PanelTarget(expr, legend)], unit, thresholds, stat) { }
}

/// <summary>
/// The panels of each dashboard, from what is scraped: PromQL over the exporters' metrics (node_exporter v1.8,
/// postgres_exporter v0.16, redis_exporter v1.66), Prometheus's own <c>up</c> and <c>prometheus_*</c> series,
/// and the services' <see cref="AppMetrics"/>.
/// </summary>
internal sealed class DashboardPanels(GrafanaSpec spec)
{
    private const string FsFilter = "fstype!~\"tmpfs|ramfs|squashfs|overlay\"";
    private readonly string _apps = string.Join("|", spec.ServiceJobs.Distinct(StringComparer.Ordinal).OrderBy(j => j, StringComparer.Ordinal));

    private string Sel(string extra = "") => $"{{job=~\"{_apps}\"{extra}}}";
    private static string Rate(string metric, string selector, string window = "5m") => $"rate({metric}{selector}[{window}])";
    private string Quantile(double q, AppMetric histogram, string by) =>
        $"histogram_quantile({ConfigText.Num(q)}, sum by ({by}, le) ({Rate(histogram.Name + "_bucket", Sel())}))";
    private string Ratio(string metric, string failed, string by) =>
        $"sum by ({by}) ({Rate(metric, Sel(failed))}) / sum by ({by}) ({Rate(metric, Sel())})";

    private static readonly (double, double) ErrorThresholds = (AlertThresholds.ErrorRateWarning, AlertThresholds.ErrorRateCritical);

    public IReadOnlyList<PanelDef> For(string dashboard) => dashboard switch
    {
        "overview" => Overview(),
        "application" => _apps.Length == 0 ? [] : Application(),
        "database" => Database(),
        "blockchain" => _apps.Length == 0 ? [] : Blockchain(),
        "business" => _apps.Length == 0 ? [] : Business(),
        _ => throw new ArgumentOutOfRangeException(nameof(dashboard), dashboard, "unknown dashboard"),
    };

    /// <summary>Seed 004 L285: "cluster health and resource usage": every scrape target, the host (node_exporter), Prometheus itself, the logs.</summary>
    private List<PanelDef> Overview()
    {
        var panels = new List<PanelDef> { new("Targets up", "min by (job) (up)", "{{job}}", "none", stat: true) };
        if (spec.NodeExporter)
        {
            var freeRatio = $"node_filesystem_avail_bytes{{{FsFilter}}} / node_filesystem_size_bytes{{{FsFilter}}}";
            panels.Add(new("Host CPU used", "1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m]))", "{{instance}}", "percentunit"));
            panels.Add(new("Host memory used", "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes", "{{instance}}", "percentunit"));
            panels.Add(new("Host disk used", $"1 - ({freeRatio})", "{{mountpoint}}", "percentunit",
                (AlertThresholds.DiskUsedWarningRatio, 1 - AlertThresholds.DiskFreeCriticalRatio)));
            panels.Add(new("Host load (1m)", "node_load1", "{{instance}}", "none"));
            panels.Add(new PanelDef("Host network", [
                new PanelTarget("sum by (instance) (rate(node_network_receive_bytes_total{device!=\"lo\"}[5m]))", "received {{instance}}"),
                new PanelTarget("sum by (instance) (rate(node_network_transmit_bytes_total{device!=\"lo\"}[5m]))", "sent {{instance}}")], "Bps"));
        }
        panels.Add(new("Prometheus series in memory", "prometheus_tsdb_head_series", "{{instance}}", "short"));
        panels.Add(new PanelDef("Logs", [new PanelTarget(spec.LogSelector ?? $"{{system=\"{spec.SystemName}\"}}", null)], Logs: true));
        return panels;
    }

    /// <summary>Seed 004 L286: "API response times and error rates", from the services' own /metrics.</summary>
    private List<PanelDef> Application() =>
    [
        new("Request rate", $"sum by (job) ({Rate(AppMetrics.HttpRequests.Name, Sel())})", "{{job}}", "reqps"),
        new("Error rate (5xx)", Ratio(AppMetrics.HttpRequests.Name, ",status=~\"5..\"", "job"), "{{job}}", "percentunit", ErrorThresholds),
        new("Response time p95", Quantile(0.95, AppMetrics.HttpDuration, "job"), "{{job}}", "s"),
        new("Response time p50", Quantile(0.5, AppMetrics.HttpDuration, "job"), "{{job}}", "s"),
        new("Service targets up", $"min by (job) (up{Sel()})", "{{job}}", "none", stat: true),
    ];

    /// <summary>Seed 004 L287: "query performance and connection stats": the services' query time and the data-service exporters.</summary>
    private List<PanelDef> Database()
    {
        var panels = new List<PanelDef>();
        if (_apps.Length > 0)
            panels.Add(new("Query latency (mean, seen by the services)",
                $"sum by (job) ({Rate(AppMetrics.DbQueryDuration.Name + "_sum", Sel())}) / sum by (job) ({Rate(AppMetrics.DbQueryDuration.Name + "_count", Sel())})",
                "{{job}}", "s", (AlertThresholds.DbLatencyWarningSeconds, AlertThresholds.DbLatencyCriticalSeconds)));
        if (spec.PostgresExporter)
        {
            panels.Add(new("PostgreSQL up", "min(pg_up)", "up", "none", stat: true));
            panels.Add(new PanelDef("PostgreSQL connections", [
                new PanelTarget("sum by (datname) (pg_stat_database_numbackends)", "{{datname}}"),
                new PanelTarget("max(pg_settings_max_connections)", "max_connections")], "short"));
            panels.Add(new PanelDef("PostgreSQL transactions", [
                new PanelTarget("sum by (datname) (rate(pg_stat_database_xact_commit[5m]))", "commits {{datname}}"),
                new PanelTarget("sum by (datname) (rate(pg_stat_database_xact_rollback[5m]))", "rollbacks {{datname}}")], "ops"));
            panels.Add(new("PostgreSQL cache hit ratio",
                "sum by (datname) (rate(pg_stat_database_blks_hit[5m])) / (sum by (datname) (rate(pg_stat_database_blks_hit[5m])) + sum by (datname) (rate(pg_stat_database_blks_read[5m])))",
                "{{datname}}", "percentunit"));
            panels.Add(new("PostgreSQL deadlocks (1h)", "sum by (datname) (increase(pg_stat_database_deadlocks[1h]))", "{{datname}}", "short"));
            panels.Add(new("PostgreSQL database size", "sum by (datname) (pg_database_size_bytes)", "{{datname}}", "bytes"));
        }
        if (spec.RedisExporter)
        {
            panels.Add(new("Redis up", "min(redis_up)", "up", "none", stat: true));
            panels.Add(new("Redis clients", "sum(redis_connected_clients)", "clients", "short"));
            panels.Add(new("Redis commands", "sum(rate(redis_commands_processed_total[5m]))", "commands", "ops"));
            panels.Add(new("Redis memory used", "sum(redis_memory_used_bytes)", "used", "bytes"));
            panels.Add(new("Redis hit ratio",
                "sum(rate(redis_keyspace_hits_total[5m])) / (sum(rate(redis_keyspace_hits_total[5m])) + sum(rate(redis_keyspace_misses_total[5m])))",
                "hits", "percentunit"));
        }
        return panels;
    }

    /// <summary>Seed 004 L288: "RPC performance and transaction metrics" (application metrics).</summary>
    private List<PanelDef> Blockchain() =>
    [
        new("RPC calls", $"sum by (job, method) ({Rate(AppMetrics.RpcRequests.Name, Sel())})", "{{job}} {{method}}", "reqps"),
        new("RPC error rate", Ratio(AppMetrics.RpcRequests.Name, ",status=\"error\"", "job"), "{{job}}", "percentunit", ErrorThresholds),
        new("RPC latency p95", Quantile(0.95, AppMetrics.RpcDuration, "job, method"), "{{job}} {{method}}", "s"),
        new("Transactions", $"sum by (status) ({Rate(AppMetrics.Transactions.Name, Sel())})", "{{status}}", "ops"),
        new("Confirmation time p95", Quantile(0.95, AppMetrics.Confirmation, "job"), "{{job}}", "s"),
    ];

    /// <summary>Seed 004 L289: "user engagement and revenue metrics" (application metrics).</summary>
    private List<PanelDef> Business() =>
    [
        new("Active users", $"sum({AppMetrics.ActiveUsers.Name}{Sel()})", "active", "short", stat: true),
        new("Sign-ups per hour", $"sum(increase({AppMetrics.Signups.Name}{Sel()}[1h]))", "sign-ups", "short"),
        new("Engagement events", $"sum by (event) ({Rate(AppMetrics.Engagement.Name, Sel())})", "{{event}}", "ops"),
        new("Revenue per day", $"sum by (currency) (increase({AppMetrics.Revenue.Name}{Sel()}[1d]))", "{{currency}}", "short"),
        new("Payments", $"sum by (status) ({Rate(AppMetrics.Payments.Name, Sel())})", "{{status}}", "ops"),
    ];
}
