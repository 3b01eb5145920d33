using Infra.Tests.Programs;
using Infra.Tests.Schema;

namespace Infra.Tests.Host;

/// <summary>The host target: every seed system × environment synthesizes, passes the provider schemas and the policies.</summary>
public sealed class HostProgramTests : IDisposable
{
    private static readonly SchemaValidator Validator = new(ProviderSchemas.Shared);
    private readonly HostStacks _stacks = new();

    public void Dispose() => _stacks.Dispose();

    [Theory]
    [MemberData(nameof(HostStacks.AllCombinations), MemberType = typeof(HostStacks))]
    public void One_server_program_passes_the_schemas_and_policies(string system, string env)
    {
        var r = _stacks.Run("one", HostStacks.Text(system, env, ["web-1"]));
        Assert.True(r.Exit == 0, r.Stderr);
        var errors = Validator.Validate(r.Stdout);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
        Assert.Contains("type: pulumi:providers:docker", r.Stdout);
        Assert.Contains("host: ssh://root@10.1.0.10:22", r.Stdout);
        Assert.DoesNotContain("provider-docker:", r.Stdout); // no local default Docker provider beside the SSH one
        var plan = _stacks.Run("one", HostStacks.Text(system, env, ["web-1"]), "plan");
        Assert.True(plan.Exit == 0, plan.Stderr);
        Assert.Contains("0 blocking", plan.Stdout);
    }

    [Theory]
    [MemberData(nameof(HostStacks.AllCombinations), MemberType = typeof(HostStacks))]
    public void Three_server_program_passes_the_schemas_and_policies(string system, string env)
    {
        var r = _stacks.Run("many", HostStacks.Text(system, env, ["node-a", "node-b", "node-c"]));
        Assert.True(r.Exit == 0, r.Stderr);
        var errors = Validator.Validate(r.Stdout);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
        foreach (var n in new[] { "node-a", "node-b", "node-c" })
        {
            Assert.Contains($"{system}-{n}-server-docker:", r.Stdout);
            Assert.Contains($"\n    {n}:\n", r.Stdout[r.Stdout.IndexOf("\noutputs:", StringComparison.Ordinal)..]);
        }
    }

    [Theory]
    [MemberData(nameof(HostStacks.AllCombinations), MemberType = typeof(HostStacks))]
    public void Host_program_is_deterministic(string system, string env)
    {
        var text = HostStacks.Text(system, env, ["web-1"]);
        Assert.Equal(_stacks.Run("d", text).Stdout, _stacks.Run("d", text).Stdout);
    }

    [Fact]
    public void Every_docker_resource_goes_through_the_ssh_provider_and_data_is_bound_under_opt()
    {
        var r = _stacks.Run("vru", HostStacks.Text("vru", "staging", ["web-1"]));
        Assert.Equal(0, r.Exit);
        var program = Resources(r.Stdout);
        foreach (var (name, res) in program.Where(p => ((string)p.Value["type"]).StartsWith("docker:", StringComparison.Ordinal)))
            Assert.Equal("${vru-server-docker}", Option(res, "provider"));
        foreach (var (name, res) in program.Where(p => (string)p.Value["type"] == "docker:index/volume:Volume"))
        {
            var opts = (Dictionary<object, object>)((Dictionary<object, object>)res["properties"])["driverOpts"];
            Assert.Equal("bind", opts["o"]);
            Assert.StartsWith("/opt/vru/data/", (string)opts["device"]);
        }
        // Bootstrap before the provider; verify after every container.
        var provider = program["vru-server-docker"];
        Assert.Contains("${vru-server-bootstrap-docker}", DependsOn(provider));
        Assert.Contains("${vru-server-firewall}", DependsOn(provider));
        var containers = program.Where(p => (string)p.Value["type"] == "docker:index/container:Container").Select(p => "${" + p.Key + "}").ToList();
        Assert.NotEmpty(containers);
        Assert.Equal(containers.Order(), DependsOn(program["vru-server-verify"]).Where(d => containers.Contains(d)).Order());
    }

    [Fact]
    public void Each_of_several_servers_has_its_own_validator_keys_and_the_same_images()
    {
        var r = _stacks.Run("pinai", HostStacks.Text("pinai", "prod", ["node-a", "node-b"]));
        Assert.True(r.Exit == 0, r.Stderr);
        foreach (var n in new[] { "node-a", "node-b" })
            for (var i = 1; i <= 3; i++) Assert.Contains($"${{validatorKey{i}-{n}}}", r.Stdout);
        Assert.DoesNotContain("${validatorKey1}", r.Stdout);
        var program = Resources(r.Stdout);
        var images = program.Where(p => (string)p.Value["type"] == "docker:index/remoteImage:RemoteImage")
            .Select(p => (Key: p.Key, Name: (string)((Dictionary<object, object>)p.Value["properties"])["name"])).ToList();
        // Every server pulls the same images (the system's own and the platform's: proxy, monitoring, volume init).
        List<string> On(string node) => [.. images.Where(i => i.Key.Contains(node, StringComparison.Ordinal)).Select(i => i.Name).Order(StringComparer.Ordinal)];
        Assert.True(On("node-a").Distinct().Count() >= 5, string.Join(", ", On("node-a")));
        Assert.Equal(On("node-a"), On("node-b"));
        Assert.Equal(images.Count, On("node-a").Count + On("node-b").Count);
    }

    [Fact]
    public void Outputs_list_every_service_url_and_the_operations()
    {
        var r = _stacks.Run("vru", HostStacks.Text("vru", "prod", ["web-1"]));
        Assert.Equal(0, r.Exit);
        var outputs = Outputs(r.Stdout);
        var server = (Dictionary<object, object>)((Dictionary<object, object>)outputs["servers"])["web-1"];
        Assert.Equal("10.1.0.10", server["address"]);
        var urls = (Dictionary<object, object>)server["urls"];
        Assert.Contains("https://10.1.0.10:443", urls.Values.Cast<string>());
        Assert.Contains("http://10.1.0.10:80", urls.Values.Cast<string>());
        foreach (var op in new[] { "status", "logs", "backup", "restore", "firewall" }) Assert.True(server.ContainsKey(op), op);
        Assert.Contains("/opt/vru/config/backup.sh manual", (string)server["backup"]);
        Assert.Equal("${vru-monitoring-grafana-admin-password.result}", outputs["grafanaAdminPassword"]);
    }

    [Fact]
    public void Backups_are_daily_in_staging_and_hourly_in_prod()
    {
        var staging = _stacks.Run("s", HostStacks.Text("vru", "staging", ["web-1"]));
        var prod = _stacks.Run("p", HostStacks.Text("vru", "prod", ["web-1"]));
        Assert.Contains("15 2 * * * root /opt/vru/config/backup.sh daily", staging.Stdout);
        Assert.DoesNotContain("backup.sh hourly >>", staging.Stdout);
        Assert.Contains("5 * * * * root /opt/vru/config/backup.sh hourly", prod.Stdout);
        Assert.Contains("15 2 * * * root /opt/vru/config/backup.sh daily", prod.Stdout);
    }

    [Fact]
    public void Secrets_reach_commands_only_through_the_environment()
    {
        var r = _stacks.Run("vru", HostStacks.Text("vru", "prod", ["web-1"]));
        Assert.Equal(0, r.Exit);
        foreach (var (name, res) in Resources(r.Stdout).Where(p => ((string)p.Value["type"]).StartsWith("command:", StringComparison.Ordinal)))
        {
            var props = (Dictionary<object, object>)res["properties"];
            foreach (var field in new[] { "create", "update", "delete" })
                if (props.TryGetValue(field, out var text)) Assert.DoesNotContain("${", ((string)text).Replace("$${", "", StringComparison.Ordinal));
        }
        Assert.Contains("SSH_PRIVATE_KEY: \"${sshPrivateKey}\"", r.Stdout);
    }

    [Fact]
    public void The_example_stacks_synthesize_once_their_secrets_are_set()
    {
        var repo = Synth.RepoRoot();
        File.Copy(Path.Combine(repo, "Pulumi.yaml"), Path.Combine(_stacks.Root, "Pulumi.yaml"));
        var vru = File.ReadAllText(Path.Combine(repo, "Pulumi.vru-staging.yaml")) + HostStacks.Secret("sshPrivateKey");
        var pinai = File.ReadAllText(Path.Combine(repo, "Pulumi.pinai-prod.yaml")) + HostStacks.Secret("sshPrivateKey");
        foreach (var s in new[] { "pinai-a", "pinai-b", "pinai-c" })
            for (var i = 1; i <= 3; i++) pinai += HostStacks.Secret($"validatorKey{i}-{s}");
        foreach (var (stack, text) in new[] { ("vru-staging", vru), ("pinai-prod", pinai) })
        {
            var r = _stacks.Run(stack, text);
            Assert.True(r.Exit == 0, r.Stderr);
            Assert.Empty(Validator.Validate(r.Stdout));
            Assert.Contains("0 blocking", _stacks.Run(stack, text, "plan").Stdout);
        }
        // Without the SSH key secret, the shipped file says what to set.
        var bare = Synth.CliIn(repo, "synth", "--stack", "vru-staging");
        Assert.Equal(2, bare.Exit);
        Assert.Contains("platform:sshPrivateKey", bare.Stderr);
    }

    internal static Dictionary<string, Dictionary<object, object>> Resources(string program) =>
        ((Dictionary<object, object>)Load(program)["resources"]).ToDictionary(e => (string)e.Key, e => (Dictionary<object, object>)e.Value);

    internal static Dictionary<object, object> Outputs(string program) => (Dictionary<object, object>)Load(program)["outputs"];

    private static Dictionary<object, object> Load(string program) =>
        new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(program);

    private static object? Option(Dictionary<object, object> res, string key) =>
        res.TryGetValue("options", out var o) && ((Dictionary<object, object>)o).TryGetValue(key, out var v) ? v : null;

    private static List<string> DependsOn(Dictionary<object, object> res) =>
        Option(res, "dependsOn") is List<object> l ? [.. l.Cast<string>()] : [];
}

/// <summary>A server created on AWS: instance, elastic IP, security group as firewall, key pair, cloud-init with the pinned host key.</summary>
public sealed class HostAwsProgramTests : IDisposable
{
    private readonly HostStacks _stacks = new();

    public void Dispose() => _stacks.Dispose();

    private static string Text(string env) =>
        HostStacks.Text("vru", env, ["web-1"]).Replace(
            $"      address: 10.1.0.10\n      hostKey: {HostStacks.HostKey}\n",
            $"      user: admin\n      aws:\n        instanceType: t3.large\n        ami: ami-0123456789abcdef0\n        region: eu-west-1\n        sshCidr: 203.0.113.7/32\n        publicKey: {HostStacks.HostKey}\n        hostKey: {HostStacks.HostKey}\n")
        + HostStacks.Secret("hostPrivateKey-web-1");

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Aws_server_program_passes_the_schemas_and_policies(string env)
    {
        var r = _stacks.Run("aws", Text(env));
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Empty(new SchemaValidator(ProviderSchemas.Shared).Validate(r.Stdout));
        var resources = HostProgramTests.Resources(r.Stdout);
        Assert.Equal("aws:ec2/instance:Instance", resources["vru-server-instance"]["type"]);
        Assert.Equal("aws:ec2/eip:Eip", resources["vru-server-address"]["type"]);
        Assert.Equal("aws:ec2/securityGroup:SecurityGroup", resources["vru-server-firewall-rules"]["type"]);
        Assert.Contains("host: \"${vru-server-address.publicIp}\"", r.Stdout);
        Assert.Contains("fn::toBase64: \"${hostPrivateKey-web-1}\"", r.Stdout);
        Assert.Contains("sudo -n sh -c", r.Stdout); // admin is not root: every command runs through sudo
        Assert.Contains("useradd -u 1000 -g 1000 -M -d /opt/vru -s /usr/sbin/nologin vru", r.Stdout); // before the AMI's default user takes UID 1000
        var ingress = (List<object>)((Dictionary<object, object>)resources["vru-server-firewall-rules"]["properties"])["ingress"];
        var ssh = (Dictionary<object, object>)ingress[0];
        Assert.Equal("203.0.113.7/32", ((List<object>)ssh["cidrBlocks"]).Single());
        Assert.Contains("0 blocking", _stacks.Run("aws", Text(env), "plan").Stdout);
    }
}
