using System.Text;
using Infra.Components.Configs;
using Infra.Tests.Configs.Support;

namespace Infra.Tests.Configs;

public class PrometheusConfigTests
{
    private static TempDir WriteConfigAndRules()
    {
        var dir = new TempDir("prom-");
        dir.File("prometheus.yml", PrometheusConfig.Render(SampleSystem.Prometheus()));
        dir.File(SampleSystem.AlertsFile, PrometheusAlertRules.Render(SampleSystem.Alerts()));
        return dir;
    }

    [Fact]
    public void Promtool_check_config_accepts_config_and_referenced_rules()
    {
        using var dir = WriteConfigAndRules();
        var r = Proc.Run(Tools.Promtool, ["check", "config", Path.Combine(dir.Path, "prometheus.yml")]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("SUCCESS", r.Output);
        Assert.Contains("7 rules found", r.Output);
    }

    [Fact]
    public void Promtool_check_rules_accepts_alert_rules()
    {
        using var dir = WriteConfigAndRules();
        var r = Proc.Run(Tools.Promtool, ["check", "rules", Path.Combine(dir.Path, SampleSystem.AlertsFile)]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("SUCCESS: 7 rules found", r.Output);
    }

    [Fact]
    public void Config_has_a_job_per_service_and_exporter()
    {
        var text = PrometheusConfig.Render(SampleSystem.Prometheus());
        foreach (var job in new[] { "ai", "api", "node", "postgres-exporter", "redis-exporter" })
            Assert.Contains($"  - job_name: '{job}'", text);
        Assert.Contains("metrics_path: '/internal/metrics'", text);
        Assert.True(text.IndexOf("'ai'", StringComparison.Ordinal) < text.IndexOf("'api'", StringComparison.Ordinal), "jobs are sorted");
    }

    /// <summary>
    /// Generated promtool unit tests: every seed 004 alert fires at its threshold and not below.
    /// Series are sampled every minute for 30 minutes; alerts are checked at 25 m (after every <c>for</c>).
    /// </summary>
    [Fact]
    public void Promtool_test_rules_proves_every_alert_threshold()
    {
        using var dir = WriteConfigAndRules();
        var tests = new StringBuilder();
        tests.Append("rule_files:\n  - ").Append(SampleSystem.AlertsFile).Append('\n');
        tests.Append("evaluation_interval: 1m\n");
        tests.Append("tests:\n");

        const string sys = SampleSystem.Name;
        string Job(string severity, string job) => $"{{severity: {severity}, system: {sys}, job: {job}}}";

        // error rate: errors per minute out of 100 requests per minute
        void ErrorCase(int errorsPer100x10, string? critical, string? warning)
        {
            var errors = errorsPer100x10; // per 1000 requests
            tests.Append("  - interval: 1m\n    input_series:\n");
            tests.Append($"      - series: 'http_requests_total{{job=\"api\",instance=\"api-1:3000\",status=\"500\"}}'\n        values: '0+{errors}x30'\n");
            tests.Append($"      - series: 'http_requests_total{{job=\"api\",instance=\"api-1:3000\",status=\"200\"}}'\n        values: '0+{1000 - errors}x30'\n");
            tests.Append("    alert_rule_test:\n");
            Alert(PrometheusAlertRules.HighErrorRate, critical is null ? null : (Job("critical", "api"), $"api error rate is {critical} (> 5%)"));
            Alert(PrometheusAlertRules.ModerateErrorRate, warning is null ? null : (Job("warning", "api"), $"api error rate is {warning} (> 1%)"));
        }

        void LatencyCase(int millis, string? critical, string? warning)
        {
            tests.Append("  - interval: 1m\n    input_series:\n");
            tests.Append($"      - series: 'db_query_duration_seconds_sum{{job=\"api\",instance=\"api-1:3000\"}}'\n        values: '0+{millis}x30'\n");
            tests.Append("      - series: 'db_query_duration_seconds_count{job=\"api\",instance=\"api-1:3000\"}'\n        values: '0+1000x30'\n");
            tests.Append("    alert_rule_test:\n");
            Alert(PrometheusAlertRules.HighDbLatency, critical is null ? null : (Job("critical", "api"), $"api mean DB query latency is {critical} (> 1s)"));
            Alert(PrometheusAlertRules.ModerateDbLatency, warning is null ? null : (Job("warning", "api"), $"api mean DB query latency is {warning} (> 500ms)"));
        }

        void DiskCase(int freePercent, bool critical, bool warning)
        {
            const string fs = "instance=\"node-1\",job=\"node\",mountpoint=\"/data\",fstype=\"ext4\"";
            const string labels = "{severity: SEV, system: " + sys + ", instance: node-1, job: node, mountpoint: /data, fstype: ext4}";
            tests.Append("  - interval: 1m\n    input_series:\n");
            tests.Append($"      - series: 'node_filesystem_avail_bytes{{{fs}}}'\n        values: '{freePercent}x30'\n");
            tests.Append($"      - series: 'node_filesystem_size_bytes{{{fs}}}'\n        values: '100x30'\n");
            // a tmpfs that is full must be ignored
            tests.Append("      - series: 'node_filesystem_avail_bytes{instance=\"node-1\",job=\"node\",mountpoint=\"/run\",fstype=\"tmpfs\"}'\n        values: '0x30'\n");
            tests.Append("      - series: 'node_filesystem_size_bytes{instance=\"node-1\",job=\"node\",mountpoint=\"/run\",fstype=\"tmpfs\"}'\n        values: '100x30'\n");
            tests.Append("    alert_rule_test:\n");
            Alert(PrometheusAlertRules.LowDiskSpace, critical ? (labels.Replace("SEV", "critical"), $"node-1 /data has {freePercent}% free (< 10%)") : null);
            Alert(PrometheusAlertRules.HighDiskUsage, warning ? (labels.Replace("SEV", "warning"), $"node-1 /data is {100 - freePercent}% used (> 80%)") : null);
        }

        void Alert(string name, (string Labels, string Summary)? expected, string evalTime = "25m")
        {
            tests.Append($"      - eval_time: {evalTime}\n        alertname: {name}\n        exp_alerts:");
            if (expected is { } e)
                tests.Append($"\n          - exp_labels: {e.Labels}\n            exp_annotations:\n              summary: '{e.Summary}'\n");
            else
                tests.Append(" []\n");
        }

        ErrorCase(60, "6%", "6%");    // 6 %: critical and warning
        ErrorCase(40, null, "4%");    // 4 %: warning only
        ErrorCase(20, null, "2%");    // 2 %: warning
        ErrorCase(5, null, null);     // 0.5 %: nothing
        LatencyCase(1200, "1.2s", "1.2s"); // 1.2 s
        LatencyCase(600, null, "600ms");   // 0.6 s: warning only
        LatencyCase(400, null, null);      // 0.4 s: nothing
        DiskCase(9, true, true);     // 9 % free: critical (and 91 % used warning)
        DiskCase(11, false, true);   // 11 % free: not critical, 89 % used warning
        DiskCase(15, false, true);   // 85 % used: warning
        DiskCase(25, false, false);  // 75 % used: nothing

        // service down: pending before its 1m 'for', firing after; an up target never fires
        tests.Append("  - interval: 1m\n    input_series:\n");
        tests.Append("      - series: 'up{job=\"api\",instance=\"api-1:3000\"}'\n        values: '0x10'\n");
        tests.Append("      - series: 'up{job=\"api\",instance=\"api-2:3000\"}'\n        values: '1x10'\n");
        tests.Append("    alert_rule_test:\n");
        Alert(PrometheusAlertRules.ServiceDown, null, "30s");
        Alert(PrometheusAlertRules.ServiceDown,
            ($"{{severity: critical, system: {sys}, job: api, instance: 'api-1:3000'}}", "api target api-1:3000 is down"), "2m");

        var testFile = dir.File("alerts.test.yml", tests.ToString());
        var r = Proc.Run(Tools.Promtool, ["test", "rules", testFile]);
        Assert.True(r.ExitCode == 0, r + "\n--- test file ---\n" + tests);
        Assert.Contains("SUCCESS", r.Output);
    }

    [Fact]
    public void Rules_carry_seed_004_thresholds_and_severities()
    {
        var rules = PrometheusAlertRules.Rules(SampleSystem.Alerts()).ToDictionary(r => r.Name);
        Assert.EndsWith("> 0.05", rules[PrometheusAlertRules.HighErrorRate].Expr);
        Assert.EndsWith("> 0.01", rules[PrometheusAlertRules.ModerateErrorRate].Expr);
        Assert.EndsWith("> 1", rules[PrometheusAlertRules.HighDbLatency].Expr);
        Assert.EndsWith("> 0.5", rules[PrometheusAlertRules.ModerateDbLatency].Expr);
        Assert.EndsWith("< 0.1", rules[PrometheusAlertRules.LowDiskSpace].Expr);
        Assert.EndsWith("> 0.8", rules[PrometheusAlertRules.HighDiskUsage].Expr);
        Assert.Equal("up == 0", rules[PrometheusAlertRules.ServiceDown].Expr);
        Assert.All(new[] { PrometheusAlertRules.HighErrorRate, PrometheusAlertRules.HighDbLatency, PrometheusAlertRules.LowDiskSpace, PrometheusAlertRules.ServiceDown },
            n => Assert.Equal("critical", rules[n].Severity));
        Assert.All(new[] { PrometheusAlertRules.ModerateErrorRate, PrometheusAlertRules.ModerateDbLatency, PrometheusAlertRules.HighDiskUsage },
            n => Assert.Equal("warning", rules[n].Severity));
    }
}
