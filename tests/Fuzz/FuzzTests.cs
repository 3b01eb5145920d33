using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Infra.Components.Core;
using Infra.Components.Workloads;
using Infra.Stacks.Composition;
using Infra.Stacks.Model;
using Infra.Tests.Programs;
using Infra.Tests.Schema;

namespace Infra.Tests.Fuzz;

/// <summary>
/// Property tests over generated system definitions and stack files, hostile strings included: synthesis either
/// yields a program that passes the schema validator and the policies, or fails with one clear error; never an
/// unhandled exception, never output on failure, never a different result for the same input.
/// </summary>
public class FuzzTests
{
    private const int Cases = 1000;
    private static readonly SchemaValidator Validator = new(ProviderSchemas.Shared);

    public static readonly string[] Hostile =
    [
        "${", "$", "$$", "${x.y}", "\"", "'", "\n", "\r\n", "ünïcødé", "🚀", "a: b", "- x", "# c", "{}", "[]", "null", "true", "014",
        "1.20", "", " ", "\t", "..", "/", "\\", "@sha256:", "UPPER", "web", "api", "db", "x--y", "-lead", "trail-", new string('a', 70),
        "api:latest", "ghcr.io/acme/api:1.0.0", "Ghcr.io/Acme/API", "postgres", "redis", "monitoring",
    ];

    /// <summary>Mostly valid names (so many systems synthesize), sometimes hostile ones.</summary>
    private static Gen<string> Name =>
        Gen.Frequency((1, Gen.Elements(Hostile)), (9, Gen.Elements("api", "web", "worker", "svc-a", "svc-b", "ml", "x1")),
            (30, Gen.Choose(1, 40).Select(n => "s" + n)));

    private static int _synthesized, _refused;

    private static Gen<string> AnyText => Gen.OneOf(Gen.Elements(Hostile), Gen.Elements("plain", "ok", "/health", "/api/v1/health", "value with spaces"));

    private sealed record ServiceSpec(string Name, int Port, int? Publish, string Health, string EnvName, string EnvValue, bool Secret,
        string Reference, int? Replicas, string? FileContent, string? Image);

    private static Gen<ServiceSpec> Service =>
        from name in Name
        from port in Gen.Frequency((1, Gen.Choose(-5, 70000)), (9, Gen.Choose(1024, 9999)))
        from publish in Gen.Frequency((6, Gen.Constant<int?>(null)), (1, Gen.Choose(0, 70000).Select(p => (int?)p)), (2, Gen.Elements<int?>(80, 3000, 8080)))
        from health in Gen.Frequency((8, Gen.Elements("/health", "/", "/api/v1/health")), (2, AnyText))
        from envName in Gen.Frequency((60, Gen.Elements("MODE", "LOG_LEVEL", "FEATURE_X", "REGION")), (6, Gen.Elements("API_TOKEN", "DB_PASSWORD")), (1, Gen.Elements("9BAD", "A-B")), (1, Gen.Elements(Hostile)))
        from envValue in AnyText
        from secret in Gen.Elements(true, false)
        from reference in Gen.Frequency((12, Gen.Constant("")), (1, Name))
        from replicas in Gen.Frequency((20, Gen.Constant<int?>(null)), (8, Gen.Choose(1, 4).Select(r => (int?)r)), (1, Gen.Choose(-1, 0).Select(r => (int?)r)))
        from file in Gen.OneOf(Gen.Constant<string?>(null), AnyText.Select(t => (string?)t))
        from image in Gen.Frequency((5, Gen.Constant<string?>(null)), (1, Gen.Elements<string?>(Hostile)), (3, Gen.Elements<string?>("ghcr.io/acme/x:1.2.3", "nginx:latest", "busybox", "registry.local:5000/team/app@sha256:" + new string('a', 64))))
        select new ServiceSpec(name, port, publish, health, envName, envValue, secret, reference, replicas, file, image);

    private sealed record SystemSpec(string Name, ServiceSpec[] Services, bool Database, bool Cache, bool Proxy, bool Monitoring, string Env, bool Tls)
    {
        public override string ToString() => $"{Name}/{Env}: {string.Join("; ", Services.Select(s => s.ToString()))} db={Database} cache={Cache} proxy={Proxy} mon={Monitoring} tls={Tls}";
    }

    private static Gen<SystemSpec> System =>
        from name in Name
        from services in Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Service, n)).Select(a => a.DistinctBy(x => x.Name).ToArray())
        from db in Gen.Elements(true, false)
        from cache in Gen.Elements(true, false)
        from proxy in Gen.Elements(true, false)
        from mon in Gen.Elements(true, false)
        from env in Gen.Elements("dev", "dev", "staging", "prod", "qa")
        from tls in Gen.Elements(true, false)
        select new SystemSpec(name, services, db, cache, proxy, mon, env, tls);

    private static (SystemDefinition, StackSettings) Build(SystemSpec spec)
    {
        var b = new SystemBuilder(spec.Name, "fuzzed", "fuzz", "fuzz.cs");
        var net = b.AddNetwork("backend");
        DatabaseRef? db = spec.Database ? b.AddPostgres("postgres", "app", "app", networks: net) : null;
        CacheRef? cache = spec.Cache ? b.AddRedis("redis", networks: net) : null;
        var built = new List<ServiceBuilder>();
        foreach (var s in spec.Services)
        {
            var svc = b.AddService(s.Name).WithHttp(s.Port, s.Health.StartsWith('/') ? s.Health : null, s.Publish).OnNetworks(net);
            if (s.Secret) svc.WithSecret(s.EnvName, SecretSource.Generated(24)); else svc.WithEnv(s.EnvName, s.EnvValue);
            if (s.Reference.Length > 0) svc.WithReference(s.Reference);
            if (db is not null) svc.WithReference(db);
            if (cache is not null) svc.WithReference(cache);
            if (s.Replicas is { } r) svc.WithReplicas(r);
            if (s.FileContent is { } f) svc.WithConfigFile("/app/config/" + (s.Name.Length > 0 ? "app" : "x") + ".yaml", f);
            built.Add(svc);
        }
        if (spec.Proxy) b.AddReverseProxy("proxy", Infra.Components.Docker.ProxyKind.Nginx, [("/", built[0])]);
        if (spec.Monitoring) b.AddMonitoring(3901, net);
        var images = spec.Services.Where(s => s.Image is not null).GroupBy(s => s.Name).ToDictionary(g => g.Key, g => new ImageSetting(g.First().Image!));
        StackSettings settings;
        try
        {
            settings = StackSettings.Create("fuzz", "pliers", spec.Env, "docker", images, new Dictionary<string, int>(), new Dictionary<string, int>(), spec.Tls, "Pulumi.fuzz.yaml");
        }
        catch (InputException)
        {
            // Bad environment or image names are refused at the settings layer: fall back to settings that pass it.
            settings = StackSettings.Create("fuzz", "pliers", "dev", "docker", new Dictionary<string, ImageSetting>(), new Dictionary<string, int>(), new Dictionary<string, int>(), spec.Tls, "Pulumi.fuzz.yaml");
        }
        return (b.Build(), settings with { System = spec.Name });
    }

    /// <summary>Synthesis outcome: the program, or the clear error; anything else escapes and fails the property.</summary>
    private static (string? Program, string? Error) Synthesize(SystemSpec spec)
    {
        try
        {
            var (def, settings) = Build(spec);
            return (Synthesizer.Synthesize(settings, def), null);
        }
        catch (SynthesisException e)
        {
            return (null, e.Message);
        }
    }

    private static bool Holds(SystemSpec spec)
    {
        var first = Synthesize(spec);
        var second = Synthesize(spec);
        if (first != second) throw new Exception($"two runs differ for {spec}");
        if (first.Program is { } program)
        {
            Interlocked.Increment(ref _synthesized);
            var errors = Validator.Validate(program);
            if (errors.Count > 0) throw new Exception($"schema errors for {spec}:\n{string.Join("\n", errors.Take(5))}");
            return program.Length > 0;
        }
        Interlocked.Increment(ref _refused);
        var error = first.Error!;
        if (string.IsNullOrWhiteSpace(error)) throw new Exception($"empty error for {spec}");
        // One clear error: input errors are one line; policy failures list one violation per line after a header.
        if (!error.Contains("mandatory polic") && error.Contains('\n')) throw new Exception($"multi-line error for {spec}: {error}");
        return true;
    }

    [Fact]
    public void Generated_systems_synthesize_validly_or_fail_with_one_clear_error()
    {
        Prop.ForAll(Arb.From(System), spec => Holds(spec)).Check(Config.QuickThrowOnFailure.WithMaxTest(Cases));
        // The property means something only if both outcomes are exercised, many times.
        Assert.True(_synthesized >= Cases / 5, $"only {_synthesized} of {Cases} generated systems synthesized");
        Assert.True(_refused >= Cases / 10, $"only {_refused} of {Cases} generated systems were refused");
    }

    private static Gen<string> StackFile =>
        from system in Gen.Frequency((6, Gen.Elements("pliers", "vru", "pinai", "consensusnet", "normaldance")), (1, Gen.Elements(Hostile)))
        from env in Gen.Frequency((6, Gen.Constant("dev")), (2, Gen.Elements("staging", "prod")), (1, Gen.Elements(Hostile)))
        from replicaService in Gen.Frequency((4, Gen.Elements("api", "web", "registry", "frontend")), (1, Gen.Elements(Hostile)))
        from replicas in Gen.Frequency((4, Gen.Choose(-2, 5).Select(n => n.ToString(global::System.Globalization.CultureInfo.InvariantCulture))), (1, Gen.Elements(Hostile)))
        from image in Gen.Frequency((2, Gen.Elements("ghcr.io/acme/api:1.2.3", "nginx:1.27")), (1, Gen.Elements(Hostile)))
        from port in Gen.Choose(-1, 70000)
        from shape in Gen.Choose(0, 6)
        select shape switch
        {
            0 => $"config:\n  platform:system: {Quote(system)}\n  platform:environment: {Quote(env)}\n",
            1 => $"config:\n  platform:system: {Quote(system)}\n  platform:replicas:\n    {Quote(replicaService)}: {Quote(replicas)}\n",
            2 => $"config:\n  platform:system: {Quote(system)}\n  platform:images:\n    {Quote(replicaService)}: {Quote(image)}\n",
            3 => $"config:\n  platform:system: {Quote(system)}\n  platform:ports:\n    {Quote(replicaService)}: {port}\n",
            4 => $"config:\n  platform:system: {system}\n  platform:environment: {env}\n",
            5 => $"config: {env}\n",
            _ => system + "\n" + env,
        };

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t") + "\"";

    [Fact]
    public void Generated_stack_files_synthesize_or_fail_with_empty_stdout()
    {
        var root = Directory.CreateTempSubdirectory("infra-fuzz-").FullName;
        var ok = 0;
        try
        {
            Prop.ForAll(Arb.From(StackFile), text =>
            {
                File.WriteAllText(Path.Combine(root, "Pulumi.fuzz.yaml"), text, new UTF8Encoding(false));
                var a = Synth.CliIn(root, "synth", "--stack", "fuzz");
                var b = Synth.CliIn(root, "synth", "--stack", "fuzz");
                if (a != b) throw new Exception($"two runs differ for:\n{text}");
                if (a.Exit == 0)
                {
                    if (a.Stdout.Length == 0 || a.Stderr.Length != 0) throw new Exception($"success without a program for:\n{text}");
                    var errors = Validator.Validate(a.Stdout);
                    if (errors.Count > 0) throw new Exception($"schema errors for:\n{text}\n{errors[0]}");
                    ok++;
                }
                else
                {
                    if (a.Stdout.Length != 0) throw new Exception($"stdout on failure for:\n{text}");
                    if (!a.Stderr.StartsWith("error: ", StringComparison.Ordinal) || !a.Stderr.Contains("Pulumi.fuzz.yaml") && !a.Stderr.Contains("polic"))
                        throw new Exception($"unclear error for:\n{text}\n{a.Stderr}");
                }
                return true;
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(Cases));
            Assert.True(ok >= Cases / 20, $"only {ok} of {Cases} generated stack files synthesized");
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    // --- hostile stack files and engine config (issue 8, "Hardening") ---------------------------------------

    private const int HostileCases = 300;

    private static readonly string[] HostileChars = ["\u202E", "\u2066", "\u200B", "\uFEFF", "\u2028", "\u2029", "\u0085", "\u009B", "\u001B", "\u007F", "\u0000", "\t", "\r", "\n", "\uD800", "🚀", "ü"];

    private static Gen<string> HostileScalar =>
        Gen.Frequency(
            (4, Gen.Elements("pliers", "vru", "dev", "prod", "api", "web", "3", "100", "101", "0", "-1", "2147483647", "2147483648", "99999999999999999999",
                "1e308", "-0", "0x10", "1_000", "NaN", ".inf", "~", "", "latest", "api:latest-1", "ghcr.io/acme/api:1.2.3", "../..", "/", "https://x/y.git")),
            (2, Gen.ArrayOf(Gen.Elements(HostileChars), 1).Select(a => "x" + string.Concat(a) + "y")),
            (1, Gen.Elements(1_000, 100_000, 1_000_000, Limits.MaxConfigBytes + 1).Select(n => new string('a', n))));

    private static Gen<string> HostileKey =>
        Gen.Frequency(
            (6, Gen.Elements("platform:system", "platform:environment", "platform:replicas", "platform:ports", "platform:images", "platform:tls", "platform:target")),
            (2, Gen.Elements("platform:replica", "platform:sytem", "platform:Images", "platform:openaiApiKey", "platform:x", "aws:region", "platform:" + Synthesizer.DiscoveryGuardKey)),
            (1, HostileScalar.Select(k => "platform:" + k)));

    private static string Nested(int depth, bool flow) =>
        flow ? new string('[', depth) + new string(']', depth)
             : string.Concat(Enumerable.Range(0, depth).Select(i => "\n" + new string(' ', 4 + 2 * i) + "- "));

    /// <summary>A hostile value: a scalar, a mapping of hostile entries, or deep nesting.</summary>
    private static Gen<string> HostileValue =>
        Gen.Frequency(
            (5, HostileScalar.Select(Quote)),
            (3, Gen.Zip(Gen.Elements("api", "web", "ai-service", "validator-1", "x\u202E"), HostileScalar).Select(t => "{" + Quote(t.Item1) + ": " + Quote(t.Item2) + "}")),
            (2, Gen.Zip(Gen.Choose(1, 60_000), Gen.Elements(true, false)).Select(t => Nested(t.Item2 ? t.Item1 : Math.Min(t.Item1, 400), t.Item2) + (t.Item2 ? "" : "x"))));

    private static Gen<(string Key, string Value)[]> HostileEntries =>
        Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(Gen.Zip(HostileKey, HostileValue), n))
            .Select(a => a.DistinctBy(e => e.Item1).Select(e => (e.Item1, e.Item2)).ToArray());

    private static void AssertOneClearOutcome(Synth.Result r, string source, string input, long ms)
    {
        string Show() => input.Length > 300 ? input[..300] + $"... ({input.Length} chars)" : input;
        if (ms > 1000) throw new Exception($"took {ms} ms for:\n{Show()}");
        if (r.Exit == 0)
        {
            if (r.Stdout.Length == 0 || r.Stderr.Length != 0) throw new Exception($"success without a program for:\n{Show()}");
            var errors = Validator.Validate(r.Stdout);
            if (errors.Count > 0) throw new Exception($"schema errors for:\n{Show()}\n{errors[0]}");
            return;
        }
        if (r.Exit is not (1 or 2)) throw new Exception($"exit {r.Exit} for:\n{Show()}\n{r.Stderr}");
        if (r.Stdout.Length != 0) throw new Exception($"stdout on failure for:\n{Show()}");
        if (!r.Stderr.StartsWith("error: ", StringComparison.Ordinal) || !r.Stderr.EndsWith('\n'))
            throw new Exception($"unclear error for:\n{Show()}\n{r.Stderr}");
        var body = r.Stderr[..^1];
        if (r.Exit == 2 && body.Contains('\n')) throw new Exception($"multi-line input error for:\n{Show()}\n{r.Stderr}");
        if (r.Exit == 2 && !body.Contains(source, StringComparison.Ordinal)) throw new Exception($"error does not name {source} for:\n{Show()}\n{r.Stderr}");
        for (var i = 0; i < body.Length; i++)
            if (body[i] != '\n' && ErrorText.NeedsEscape(body, i)) throw new Exception($"raw U+{(int)body[i]:X4} in the error for:\n{Show()}");
        if (body.Length > 4000) throw new Exception($"an error of {body.Length} characters for:\n{Show()}");
    }

    [Fact]
    public void Hostile_stack_files_end_in_a_program_or_one_clear_error_within_a_second()
    {
        var root = Directory.CreateTempSubdirectory("infra-fuzz-hostile-").FullName;
        try
        {
            var path = Path.Combine(root, "Pulumi.dev.yaml");
            File.WriteAllText(path, "config:\n  platform:system: pliers\n");
            Assert.Equal(0, Synth.CliIn(root, "synth", "--stack", "dev").Exit); // warm-up: JIT is not the input's fault
            Prop.ForAll(Arb.From(HostileEntries), entries =>
            {
                var text = "config:\n" + string.Concat(entries.Select(e => $"  {Quote(e.Key)}: {e.Value}\n"));
                File.WriteAllText(path, text, new UTF8Encoding(false));
                var sw = global::System.Diagnostics.Stopwatch.StartNew();
                var r = Synth.CliIn(root, "synth", "--stack", "dev");
                AssertOneClearOutcome(r, "Pulumi.dev.yaml", text, sw.ElapsedMilliseconds);
                return true;
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(HostileCases));
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public void Hostile_engine_config_ends_in_a_program_or_one_clear_error_within_a_second()
    {
        var root = Directory.CreateTempSubdirectory("infra-fuzz-engine-").FullName;
        try
        {
            Prop.ForAll(Arb.From(HostileEntries), entries =>
            {
                // The host passes every value as a string; objects and arrays as JSON (which is YAML) text.
                var config = new Dictionary<string, string> { ["platform:system"] = "pliers", ["platform:environment"] = "dev" };
                foreach (var (k, v) in entries) config[k] = v.StartsWith('"') ? Unquote(v) : v;
                var json = global::System.Text.Json.JsonSerializer.Serialize(config);
                var env = new Dictionary<string, string> { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = json };
                var sw = global::System.Diagnostics.Stopwatch.StartNew();
                var r = Synth.CliEnv(root, env, "synth");
                AssertOneClearOutcome(r, "PULUMI_CONFIG", json, sw.ElapsedMilliseconds);
                return true;
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(HostileCases));
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    private static string Unquote(string quoted)
    {
        var node = new YamlDotNet.RepresentationModel.YamlStream();
        try { node.Load(new StringReader("v: " + quoted)); }
        catch (YamlDotNet.Core.YamlException) { return quoted; }
        return ((YamlDotNet.RepresentationModel.YamlMappingNode)node.Documents[0].RootNode).Children.Values.First() is YamlDotNet.RepresentationModel.YamlScalarNode { Value: { } v } ? v : quoted;
    }
}
