using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Programs;

/// <summary>
/// Seed rows 002-06, 002-07, 004-21 (registry logins, the external database), 001-35 (the migration one-shot) and
/// 003-20 (the models volume), read from the synthesized Docker programs, plus the stack-file errors they add.
/// </summary>
public sealed class DeployWiringTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("infra-deploy-wiring-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ProgramView Synthesize(string system, string env, params (string Service, string Image)[] images)
    {
        var args = new List<string> { "synth", "--system", system, "--env", env };
        foreach (var (svc, image) in images) args.AddRange(["--image", $"{svc}={image}"]);
        var r = Synth.Cli([.. args]);
        Assert.True(r.Exit == 0, r.Stderr);
        return new ProgramView(system, r.Stdout);
    }

    private static YamlMappingNode Root(ProgramView p)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(p.Text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>The program's config declaration of a key (secret, default), or null when it declares none.</summary>
    private static (bool Secret, bool HasDefault)? ConfigOf(ProgramView p, string key) =>
        Root(p).Children.TryGetValue(new YamlScalarNode("config"), out var c) && ((YamlMappingNode)c).Children.TryGetValue(new YamlScalarNode(key), out var k)
            ? (((YamlMappingNode)k).Children.TryGetValue(new YamlScalarNode("secret"), out var s) && ((YamlScalarNode)s).Value == "true",
               ((YamlMappingNode)k).Children.ContainsKey(new YamlScalarNode("default")))
            : null;

    /// <summary>The registryAuth entries of the default docker provider: (address, username, password) as written.</summary>
    private static IReadOnlyList<(string Address, string Username, string Password)> RegistryAuth(ProgramView p) =>
        p.Has("provider-docker") && ((YamlMappingNode)((YamlMappingNode)Root(p)["resources"])["provider-docker"]).Children.TryGetValue(new YamlScalarNode("properties"), out var props)
        && ((YamlMappingNode)props).Children.TryGetValue(new YamlScalarNode("registryAuth"), out var ra)
            ? [.. ((YamlSequenceNode)ra).Children.Cast<YamlMappingNode>().Select(m =>
                (((YamlScalarNode)m["address"]).Value!, ((YamlScalarNode)m["username"]).Value!, ((YamlScalarNode)m["password"]).Value!))]
            : [];

    private Synth.Result Write(string stack, string yaml)
    {
        File.WriteAllText(Path.Combine(_root, $"Pulumi.{stack}.yaml"), yaml);
        return Synth.CliIn(_root, "synth", "--stack", stack);
    }

    private static void AssertRejected(Synth.Result r, params string[] mustMention)
    {
        Assert.Equal("", r.Stdout);
        Assert.Equal(2, r.Exit);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        foreach (var m in mustMention) Assert.Contains(m, r.Stderr);
    }

    private const string Secure = "{secure: AAABAHZhbHVlLW5vdC1yZWFk}";

    private static string ConsensusnetProd(string images, string extra) =>
        "config:\n  platform:system: consensusnet\n  platform:environment: prod\n  platform:images:\n" + images + extra;

    private const string ExampleImages =
        "    api: registry.example.com/cn/api:1.0.0\n    agent: registry.example.com/cn/agent:1.0.0\n    frontend: registry.example.com/cn/frontend:1.0.0\n";

    // ---- 002-07: the external managed database ------------------------------------------------------------------

    [Fact] // 002-07
    public void Consensusnet_prod_reaches_the_managed_database_through_the_secret_url_only()
    {
        var prod = ProgramView.Of("consensusnet", "prod");
        // No PostgreSQL container, volume, password, backup sidecar or exporter in prod.
        Assert.DoesNotContain(prod.Names, n => n.StartsWith("consensusnet-db", StringComparison.Ordinal) || n.StartsWith("consensusnet-backup", StringComparison.Ordinal));
        Assert.DoesNotContain(prod.Names, n => n.Contains("postgres-exporter", StringComparison.Ordinal));
        Assert.DoesNotContain(prod.Names, n => prod.Type(n) == "docker:index/container:Container" && prod.Str(n, "image")?.Contains("postgres", StringComparison.Ordinal) == true);
        Assert.Equal((true, false), ConfigOf(prod, "databaseUrl"));
        // Every service that references the database gets exactly the secret, and waits for no database container.
        foreach (var svc in new[] { "api", "agent" })
            foreach (var c in prod.Replicas(svc))
            {
                Assert.Equal("${databaseUrl}", prod.Env(c, "DATABASE_URL"));
                Assert.DoesNotContain(prod.DependsOn(c), d => d.Contains("-db", StringComparison.Ordinal));
            }
        Assert.Null(prod.Env(prod.Replicas("frontend")[0], "DATABASE_URL"));

        // Staging (and dev) still run their own PostgreSQL, backed up, and never read databaseUrl.
        var staging = ProgramView.Of("consensusnet", "staging");
        Assert.True(staging.Has("consensusnet-db"));
        Assert.Contains(staging.Names, n => n.StartsWith("consensusnet-backup", StringComparison.Ordinal));
        Assert.Null(ConfigOf(staging, "databaseUrl"));
        Assert.StartsWith("postgresql://consensus:${", staging.Env(staging.Replicas("api")[0], "DATABASE_URL"));
    }

    [Fact] // 002-07: a stack file that does not set the URL, or sets it in plain text, is refused naming the file and key
    public void Consensusnet_prod_stack_must_set_the_database_url_as_a_secret()
    {
        AssertRejected(Write("cn-prod", ConsensusnetProd(ExampleImages, "")), "Pulumi.cn-prod.yaml", "platform:databaseUrl", "missing", "sslmode=require");
        AssertRejected(Write("cn-prod", ConsensusnetProd(ExampleImages, "  platform:databaseUrl: postgresql://u:p@h/db\n")), "Pulumi.cn-prod.yaml", "platform:databaseUrl", "must be a secret");
        Assert.DoesNotContain("u:p@h", Write("cn-prod", ConsensusnetProd(ExampleImages, "  platform:databaseUrl: postgresql://u:p@h/db\n")).Stderr);
        var ok = Write("cn-prod", ConsensusnetProd(ExampleImages, $"  platform:databaseUrl: {Secure}\n"));
        Assert.True(ok.Exit == 0, ok.Stderr);
        Assert.Contains("DATABASE_URL=${databaseUrl}", ok.Stdout);
        // The key belongs to ConsensusNet only.
        AssertRejected(Write("pl-prod", "config:\n  platform:system: pliers\n  platform:environment: dev\n  platform:databaseUrl: " + Secure + "\n"), "platform:databaseUrl", "unknown key");
    }

    // ---- 002-06 / 004-21: registry logins -------------------------------------------------------------------------

    [Fact] // 002-06
    public void Consensusnet_pulls_from_ghcr_with_the_github_token_outside_dev()
    {
        (string, string)[] ghcr = [("api", "ghcr.io/hretheum/consensus.net/api:1.0.0"), ("agent", "ghcr.io/hretheum/consensus.net/agent:1.0.0"), ("frontend", "ghcr.io/hretheum/consensus.net/frontend:1.0.0")];
        foreach (var env in new[] { "staging", "prod" })
        {
            var p = Synthesize("consensusnet", env, ghcr);
            Assert.Equal([("ghcr.io", "${githubUser}", "${githubToken}")], RegistryAuth(p));
            Assert.Equal((true, false), ConfigOf(p, "githubToken"));
            Assert.Equal((false, false), ConfigOf(p, "githubUser"));
            // Every app image is a RemoteImage pulled through that (default) provider: none names another provider.
            var pulls = p.Names.Where(n => p.Type(n) == "docker:index/remoteImage:RemoteImage" && p.Str(n, "name")!.StartsWith("ghcr.io/", StringComparison.Ordinal)).ToList();
            Assert.Equal(3, pulls.Count);
            Assert.DoesNotContain("provider:", string.Join("\n", p.Text.Split('\n').Where(l => l.TrimStart().StartsWith("provider:", StringComparison.Ordinal))));
            Assert.DoesNotContain("ghp_", p.Text);
        }
        // Images from elsewhere need no login; dev has none.
        Assert.Empty(RegistryAuth(ProgramView.Of("consensusnet", "prod")));
        Assert.Null(ConfigOf(ProgramView.Of("consensusnet", "prod"), "githubToken"));
        Assert.Empty(RegistryAuth(Synthesize("consensusnet", "dev", ghcr)));
    }

    [Fact] // 002-06: a stack pulling from ghcr.io without the token (or the user) is refused naming the file and key
    public void Consensusnet_ghcr_stack_must_set_the_token_and_user()
    {
        const string images = "    api: ghcr.io/hretheum/consensus.net/api:1.0.0\n    agent: registry.example.com/cn/agent:1.0.0\n    frontend: registry.example.com/cn/frontend:1.0.0\n";
        var db = $"  platform:databaseUrl: {Secure}\n";
        AssertRejected(Write("cn-prod", ConsensusnetProd(images, db + "  platform:githubUser: hretheum\n")), "Pulumi.cn-prod.yaml", "platform:githubToken", "ghcr.io", "--secret githubToken");
        AssertRejected(Write("cn-prod", ConsensusnetProd(images, db + $"  platform:githubToken: {Secure}\n")), "Pulumi.cn-prod.yaml", "platform:githubUser");
        AssertRejected(Write("cn-prod", ConsensusnetProd(images, db + "  platform:githubUser: hretheum\n  platform:githubToken: ghp_plaintext\n")), "platform:githubToken", "must be a secret");
        var ok = Write("cn-prod", ConsensusnetProd(images, db + $"  platform:githubUser: hretheum\n  platform:githubToken: {Secure}\n"));
        Assert.True(ok.Exit == 0, ok.Stderr);
        Assert.Equal([("ghcr.io", "${githubUser}", "${githubToken}")], RegistryAuth(new ProgramView("consensusnet", ok.Stdout)));
    }

    [Fact] // 002-06 on the host target: the login goes on each server's docker provider, which the pulls go through
    public void Host_target_servers_pull_from_ghcr_with_the_github_token()
    {
        var text = Infra.Tests.Host.HostStacks.Text("consensusnet", "staging", ["web-1", "web-2"]).Replace("registry.example.com/consensusnet/", "ghcr.io/hretheum/consensus.net/")
                   + "  platform:githubUser: hretheum\n" + Infra.Tests.Host.HostStacks.Secret("githubToken");
        var r = Write("cn-host", text);
        Assert.True(r.Exit == 0, r.Stderr);
        var resources = (YamlMappingNode)Root(new ProgramView("consensusnet", r.Stdout))["resources"];
        var providers = resources.Children.Where(kv => ((YamlScalarNode)((YamlMappingNode)kv.Value)["type"]).Value == "pulumi:providers:docker").ToList();
        Assert.Equal(2, providers.Count); // one per server; no default docker provider is left for the pulls
        foreach (var (_, provider) in providers)
        {
            var auth = ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)provider)["properties"])["registryAuth"]).Children.Cast<YamlMappingNode>().Single();
            Assert.Equal(("ghcr.io", "${githubUser}", "${githubToken}"), (((YamlScalarNode)auth["address"]).Value, ((YamlScalarNode)auth["username"]).Value, ((YamlScalarNode)auth["password"]).Value));
        }
        // Without the token the stack is refused, naming the file and key.
        AssertRejected(Write("cn-host", text.Replace(Infra.Tests.Host.HostStacks.Secret("githubToken"), "")), "Pulumi.cn-host.yaml", "platform:githubToken");
    }

    [Fact] // 004-21
    public void Normaldance_logs_in_to_ecr_and_ghcr_for_the_registries_its_images_name()
    {
        const string ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
        (string, string)[] images =
        [
            ("solana-rpc-proxy", $"{ecr}/normaldance/solana-rpc-proxy:1.0.0"), ("api", $"{ecr}/normaldance/api:1.0.0"),
            ("worker", $"{ecr}/normaldance/worker:1.0.0"), ("frontend", "ghcr.io/normaldance/frontend:1.0.0"),
        ];
        foreach (var env in new[] { "staging", "prod" })
        {
            var p = Synthesize("normaldance", env, images);
            Assert.Equal([(ecr, "AWS", "${ecrPassword}"), ("ghcr.io", "${githubUser}", "${githubToken}")], RegistryAuth(p));
            Assert.Equal((true, false), ConfigOf(p, "ecrPassword"));
            // ipfs/kubo comes from Docker Hub: no login for it.
            Assert.DoesNotContain(RegistryAuth(p), a => a.Address == "docker.io");
        }
        // Only the registries in use: all from ECR means no GHCR credentials are asked for.
        var ecrOnly = Synthesize("normaldance", "prod", [.. images.Select(i => (i.Item1, i.Item1 == "frontend" ? $"{ecr}/normaldance/frontend:1.0.0" : i.Item2))]);
        Assert.Equal([(ecr, "AWS", "${ecrPassword}")], RegistryAuth(ecrOnly));
        Assert.Null(ConfigOf(ecrOnly, "githubToken"));
        // A stack file without the ECR token is told how to get one.
        var stack = "config:\n  platform:system: normaldance\n  platform:environment: staging\n  platform:target: docker\n  platform:images:\n" +
                    string.Concat(images.Select(i => $"    {i.Item1}: {i.Item2}\n")) + $"  platform:githubUser: nd\n  platform:githubToken: {Secure}\n";
        AssertRejected(Write("nd-staging", stack), "Pulumi.nd-staging.yaml", "platform:ecrPassword", "aws ecr get-login-password");
    }

    // ---- 001-35: migrations --------------------------------------------------------------------------------------

    [Fact] // 001-35
    public void Pliers_migrates_once_after_the_database_and_before_every_service_that_uses_it()
    {
        foreach (var env in new[] { "staging", "prod" })
        {
            var p = ProgramView.Of("pliers", env);
            const string m = "pliers-api-migrate";
            Assert.Equal(["npm", "run", "migrate:up"], p.List(m, "command"));
            Assert.Equal("${pliers-api-image.imageId}", p.Str(m, "image"));
            Assert.Equal(("true", "false", "no"), (p.Str(m, "attach"), p.Str(m, "mustRun"), p.Str(m, "restart")));
            var api = p.Replicas("api");
            Assert.NotEmpty(api);
            // The api's own environment (DATABASE_URL, REDIS_URL, JWT_SECRET...) and user, on the api's networks.
            Assert.Equal(p.Envs(api[0]), p.Envs(m));
            Assert.Equal(p.Str(api[0], "user"), p.Str(m, "user"));
            Assert.Equal(p.Networks(api[0]), p.Networks(m));
            // After the database is healthy (postgres has wait: true), before every api replica.
            Assert.Contains("${pliers-postgres}", p.DependsOn(m));
            Assert.Equal("true", p.Str("pliers-postgres", "wait"));
            foreach (var c in api)
            {
                Assert.Contains("${" + m + "}", p.DependsOn(c));
            }
            // Services that do not use the database do not wait for it.
            Assert.DoesNotContain("${" + m + "}", p.DependsOn(p.Replicas("web")[0]));
            Assert.Equal(["ALL"], ((YamlSequenceNode)((YamlMappingNode)p.Props(m)["capabilities"])["drops"]).Children.Select(x => ((YamlScalarNode)x).Value));
        }
        // Dev: the api is a stand-in, so its migration says it has nothing to run, and exits 0.
        var dev = ProgramView.Of("pliers", "dev");
        Assert.Equal("sh", dev.List("pliers-api-migrate", "command")[0]);
        Assert.Contains("no migrations run", dev.List("pliers-api-migrate", "command")[2]);
        Assert.Contains("${pliers-api-migrate}", dev.DependsOn(dev.Replicas("api")[0]));
    }

    // ---- 003-20: the models volume ---------------------------------------------------------------------------------

    [Fact] // 003-20
    public void Vru_ml_engine_reads_its_models_from_a_read_only_volume()
    {
        foreach (var env in Synth.Environments)
        {
            var p = ProgramView.Of("vru", env);
            const string volume = "vru-ml-engine-models";
            Assert.Equal("docker:index/volume:Volume", p.Type(volume));
            Assert.Equal(env != "dev", p.Protected(volume));
            var replicas = p.Replicas("ml-engine");
            Assert.Equal(env switch { "dev" => 1, "staging" => 2, _ => 3 }, replicas.Count);
            foreach (var c in replicas)
            {
                var mount = ((YamlSequenceNode)p.Props(c)["volumes"]).Children.Cast<YamlMappingNode>()
                    .Single(v => ((YamlScalarNode)v["containerPath"]).Value == "/app/models");
                Assert.Equal("${" + volume + ".name}", ((YamlScalarNode)mount["volumeName"]).Value);
                Assert.Equal("true", ((YamlScalarNode)mount["readOnly"]).Value);
            }
            // Chowned once, before the first replica (the others only read it).
            Assert.Contains(p.DependsOn(replicas[0]), d => d.StartsWith("${vru-ml-engine-volume-init", StringComparison.Ordinal));
            // The volume is given to the ml-engine's user (who loads the models) by the volume-init one-shot.
            var init = p.Names.Single(n => n.StartsWith("vru-ml-engine-volume-init-", StringComparison.Ordinal) && p.Type(n) == "docker:index/container:Container");
            Assert.Equal(["chown", p.Str(replicas[0], "user")!, "/app/models"], p.List(init, "command"));
            Assert.Contains("models_dir: /app/models", p.Uploads(replicas[0]).Single(u => u.File == "/app/config/ml_config.yaml").Content);
        }
    }
}
