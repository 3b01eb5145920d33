using System.Text.RegularExpressions;
using Infra.Components.Configs;
using Infra.Components.Core;
using Infra.Tests.Programs;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Configs;

/// <summary>
/// Seed 004's log retention (L297, L550-554) in the Loki and promtail configs each program ships. Loki is not packaged
/// in Debian (the Debian package named loki is an unrelated genetics tool), so the Loki config is checked against the
/// documented schema of limits_config.retention_stream and the compactor (Loki docs, operations/storage/retention:
/// selector / priority / period entries, retention only with a 24h index period and compactor retention enabled,
/// delete_request_store required from Loki 3.0), and the selectors against what promtail's pipeline really labels:
/// its regex, run here on log lines, decides the labels.
/// </summary>
public class LogRetentionTests
{
    public static IEnumerable<object[]> Combinations => Synth.AllCombinations();

    private static YamlMappingNode Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children.TryGetValue(new YamlScalarNode(key), out var child) ? child
            : throw new Xunit.Sdk.XunitException($"no key '{key}' in {string.Join(".", path)}"));

    private static string Str(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    private static IReadOnlyList<string> Keys(YamlNode node) => [.. ((YamlMappingNode)node).Children.Keys.Select(k => ((YamlScalarNode)k).Value!)];

    /// <summary>The retention rules of a shipped Loki config: selector to period.</summary>
    private static Dictionary<string, string> StreamRetention(YamlNode loki) =>
        ((YamlSequenceNode)At(loki, "limits_config", "retention_stream")).Children.ToDictionary(r => Str(r, "selector"), r => Str(r, "period"));

    /// <summary>The uploads of a program with monitoring; null (after checking it ships no Loki or promtail config) without.</summary>
    private static Dictionary<string, string>? LogConfigs(string system, string env)
    {
        var files = SeedSystemConfigTests.Files(system, env);
        if (Infra.Stacks.Systems.SystemCatalog.Find(system)!.Monitoring is not null) return files;
        Assert.DoesNotContain("/etc/loki/config.yaml", files.Keys);
        Assert.DoesNotContain("/etc/promtail/config.yml", files.Keys);
        return null;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Loki_keeps_audit_and_security_streams_90_days_and_compliance_streams_7_years(string system, string env)
    {
        if (LogConfigs(system, env) is not { } files) return;
        var loki = Yaml(files["/etc/loki/config.yaml"]);
        Assert.Equal(["auth_enabled", "server", "common", "schema_config", "limits_config", "compactor", "analytics"], Keys(loki));
        Assert.Equal(["retention_period", "retention_stream"], Keys(At(loki, "limits_config")));
        // The system's own retention for everything else (30 days unless the system says otherwise, 003-17).
        Assert.Matches("^[0-9]+h$", Str(loki, "limits_config", "retention_period"));
        foreach (var rule in ((YamlSequenceNode)At(loki, "limits_config", "retention_stream")).Children)
        {
            Assert.Equal(["selector", "priority", "period"], Keys(rule));
            Assert.Matches("^[1-9][0-9]*$", Str(rule, "priority"));
        }
        Assert.Equal(new Dictionary<string, string>
        {
            ["{log_class=\"audit\"}"] = "2160h",
            ["{log_class=\"security\"}"] = "2160h",
            ["{log_class=\"compliance\"}"] = "61320h",
        }, StreamRetention(loki));
        // Per-stream retention is applied by the compactor, on a 24h index period, with a delete request store.
        Assert.Equal("true", Str(loki, "compactor", "retention_enabled"));
        Assert.Equal("filesystem", Str(loki, "compactor", "delete_request_store"));
        Assert.All(((YamlSequenceNode)At(loki, "schema_config", "configs")).Children, c => Assert.Equal("24h", Str(c, "index", "period")));
    }

    /// <summary>The labels promtail's pipeline gives one container log line (as Docker's json-file driver writes it).</summary>
    private static IList<YamlNode> Items(YamlNode node, params string[] path) => ((YamlSequenceNode)At(node, path)).Children;

    /// <summary>promtail's one scrape job (every container log of the host).</summary>
    private static YamlNode Job(YamlNode promtail) => Items(promtail, "scrape_configs").Single();

    private static Dictionary<string, string> PromtailLabels(YamlNode promtail, string appLine)
    {
        var stages = Items(Job(promtail), "pipeline_stages").Cast<YamlMappingNode>().ToList();
        var labels = new Dictionary<string, string>();
        var extracted = new Dictionary<string, string>();
        string? line = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["log"] = appLine + "\n", ["stream"] = "stdout", ["time"] = "2026-01-01T00:00:00Z" });
        foreach (var stage in stages)
        {
            var kind = Keys(stage).Single();
            switch (kind)
            {
                case "docker": // unwraps the json-file record: the line becomes what the application wrote
                    line = System.Text.Json.JsonDocument.Parse(line!).RootElement.GetProperty("log").GetString()!.TrimEnd('\n');
                    break;
                case "regex": // Go RE2 named groups (?P<name>...) are .NET's (?<name>...)
                    var m = Regex.Match(line!, Str(stage, "regex", "expression").Replace("(?P<", "(?<", StringComparison.Ordinal));
                    if (m.Success)
                        foreach (var g in m.Groups.Cast<Group>().Where(g => g.Success && !int.TryParse(g.Name, out _))) extracted[g.Name] = g.Value;
                    break;
                case "labels":
                    foreach (var name in Keys(At(stage, "labels")))
                        if (extracted.TryGetValue(name, out var v)) labels[name] = v;
                    break;
                default:
                    throw new Xunit.Sdk.XunitException($"stage {kind} is not modelled by this test");
            }
        }
        return labels;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Loki_retention_selectors_match_the_labels_promtail_sets(string system, string env)
    {
        if (LogConfigs(system, env) is not { } files) return;
        var promtail = Yaml(files["/etc/promtail/config.yml"]);
        var selectors = StreamRetention(Yaml(files["/etc/loki/config.yaml"])).Keys.ToList();
        Assert.NotEmpty(selectors);
        foreach (var selector in selectors)
        {
            var m = Regex.Match(selector, "^\\{([a-z_]+)=\"([a-z]+)\"\\}$");
            Assert.True(m.Success, $"selector {selector} is not one equality matcher");
            var (label, value) = (m.Groups[1].Value, m.Groups[2].Value);
            // An application line with the class gets the label the selector matches, with compact or spaced JSON.
            Assert.Equal(value, PromtailLabels(promtail, $"{{\"level\":\"info\",\"{label}\":\"{value}\",\"msg\":\"user 42 signed in\"}}").GetValueOrDefault(label));
            Assert.Equal(value, PromtailLabels(promtail, $"{{\"{label}\": \"{value}\"}}").GetValueOrDefault(label));
        }
        // Lines without a class, or with another value, stay unlabelled (default retention, no label explosion).
        Assert.Empty(PromtailLabels(promtail, "{\"level\":\"info\",\"msg\":\"GET /health 200\"}"));
        Assert.Empty(PromtailLabels(promtail, "{\"log_class\":\"debug\"}"));
        Assert.Empty(PromtailLabels(promtail, "plain text mentioning log_class audit"));
        // Every value the collector can set has a retention rule.
        var expression = Str(Items(Job(promtail), "pipeline_stages").Single(s => Keys(s).Single() == "regex"), "regex", "expression");
        var values = Regex.Match(expression, @"\(\?P<log_class>([a-z|]+)\)").Groups[1].Value.Split('|');
        Assert.Equal(values.Select(v => $"{{log_class=\"{v}\"}}").Order(StringComparer.Ordinal), selectors.Order(StringComparer.Ordinal));
        // The system label the dashboards' log panels select is set on every line.
        Assert.Equal(system, Str(Items(Job(promtail), "static_configs").Single(), "labels", "system"));
    }

    [Fact]
    public void Bad_stream_retention_is_refused_with_the_rule_named()
    {
        var e = Assert.Throws<ConfigException>(() => LokiConfig.Render(new LokiSpec { StreamRetention = [new("log_class", "audit", 0)] }));
        Assert.Contains("{log_class=\"audit\"}", e.Message);
        e = Assert.Throws<ConfigException>(() => LokiConfig.Render(new LokiSpec { StreamRetention = [new("log_class", "audit", 90), new("log_class", "audit", 30)] }));
        Assert.Contains("given twice", e.Message);
        Assert.DoesNotContain("retention_stream", LokiConfig.Render(new LokiSpec { StreamRetention = [] }));
    }
}
