using System.Text.RegularExpressions;
using Infra.Components.Core;
using Infra.Stacks.Composition;
using Infra.Stacks.Systems;
using Infra.Tests.Configs.Support;
using Infra.Tests.Programs;

namespace Infra.Tests.Configs;

/// <summary>
/// The configs each seed system actually ships (the uploads in its synthesized program, every environment) checked
/// by the real tools: nginx -t for nginx proxies, promtool for Prometheus configs and alert rules. Only file
/// locations are rewritten into a temp folder (certificates, rule files); the directives are tested as generated.
/// PostgreSQL and Redis configs depend only on the environment's size class; PostgresConfigTests and
/// RedisConfigTests start the real servers with each of them.
/// </summary>
public class SeedSystemConfigTests
{
    public static IEnumerable<object[]> Combinations => Synth.AllCombinations();

    internal static Dictionary<string, string> Files(string system, string env)
    {
        var args = Synth.Args(system, env);
        var images = new Dictionary<string, ImageSetting>();
        for (var i = 0; i < args.Length - 1; i++)
            if (args[i] == "--image") images[args[i + 1].Split('=')[0]] = new ImageSetting(args[i + 1].Split('=', 2)[1]);
        var settings = StackSettings.Create("t", system, env, "docker", images, new Dictionary<string, int>(), new Dictionary<string, int>(), false, "test");
        var files = new Dictionary<string, string>();
        foreach (var r in Synthesizer.Compose(settings).AllInOrder)
            if (r.Properties.Get("uploads") is ListValue uploads)
                foreach (var u in uploads.Items.OfType<MapValue>())
                    if (u["content"] is Str content) files[((Str)u["file"]!).Text] = content.Text;
        return files;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Nginx_configs_pass_nginx_t(string system, string env)
    {
        var files = Files(system, env);
        if (!files.TryGetValue("/etc/nginx/nginx.conf", out var config))
        {
            Assert.NotEqual("nginx", SystemCatalog.Find(system)!.Proxy?.Kind.ToString().ToLowerInvariant());
            return;
        }
        using var dir = new TempDir("seed-nginx-");
        if (config.Contains("/etc/nginx/tls/", StringComparison.Ordinal))
        {
            var tls = dir.Sub("tls");
            Proc.RunOk(Tools.Openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                "-keyout", Path.Combine(tls, "tls.key"), "-out", Path.Combine(tls, "tls.crt")]);
            config = config.Replace("/etc/nginx/tls/", tls + "/", StringComparison.Ordinal);
        }
        var hostsNames = Regex.Matches(config, @"server ([a-z0-9-]+):\d+").Select(m => m.Groups[1].Value).Distinct();
        var hosts = dir.File("hosts", "127.0.0.1 localhost " + string.Join(' ', hostsNames) + "\n");
        var conf = dir.File("nginx.conf", config);
        var cmd = "mount --bind \"$1\" /etc/hosts && exec \"$2\" -t -e \"$4/startup-error.log\" -c \"$3\" -p \"$4\"";
        var r = Proc.Run(Tools.Unshare, ["--mount", "sh", "-c", cmd, "sh", hosts, Tools.Nginx, conf, dir.Path]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("test is successful", r.Stderr);
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Prometheus_configs_and_rules_pass_promtool(string system, string env)
    {
        var files = Files(system, env);
        if (!files.TryGetValue("/etc/prometheus/prometheus.yml", out var config))
        {
            Assert.Null(SystemCatalog.Find(system)!.Monitoring);
            return;
        }
        using var dir = new TempDir("seed-prom-");
        var rulesDir = dir.Sub("rules");
        if (files.TryGetValue("/etc/prometheus/rules/alerts.yml", out var rules))
        {
            File.WriteAllText(Path.Combine(rulesDir, "alerts.yml"), rules);
            config = config.Replace("/etc/prometheus/rules/", rulesDir + "/", StringComparison.Ordinal);
            var check = Proc.Run(Tools.Promtool, ["check", "rules", Path.Combine(rulesDir, "alerts.yml")]);
            Assert.True(check.ExitCode == 0, check.ToString());
        }
        else Assert.Equal("dev", env); // alert rules from the Enhanced monitoring level up
        var path = dir.File("prometheus.yml", config);
        var r = Proc.Run(Tools.Promtool, ["check", "config", path]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("SUCCESS", r.Output);
    }
}
