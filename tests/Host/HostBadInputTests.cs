namespace Infra.Tests.Host;

/// <summary>Bad host input: one clear error (file, key, what is allowed), exit 2, nothing on stdout.</summary>
public sealed class HostBadInputTests : IDisposable
{
    private readonly HostStacks _stacks = new();

    public void Dispose() => _stacks.Dispose();

    private static string Server(string body, string extra = "") =>
        "config:\n  platform:system: vru\n  platform:environment: dev\n  platform:target: host\n  platform:servers:\n    web-1:\n" + body + extra + HostStacks.Secret("sshPrivateKey");

    private static string Existing(string extra = "") => $"      address: 10.1.0.10\n      hostKey: {HostStacks.HostKey}\n" + extra;

    private void AssertRejected(string text, params string[] mustMention)
    {
        var r = _stacks.Run("bad", text);
        Assert.Equal("", r.Stdout);
        Assert.Equal(2, r.Exit);
        var lines = r.Stderr.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("error: Pulumi.bad.yaml: ", lines[0]);
        foreach (var m in mustMention) Assert.Contains(m, r.Stderr);
    }

    [Theory]
    [InlineData("300.1.2.3")]
    [InlineData("10.1.2")]
    [InlineData("bad host!")]
    [InlineData("-leading.example.com")]
    [InlineData("ssh://10.0.0.1")]
    [InlineData("user@10.0.0.1")]
    [InlineData("[2001:db8::10]")]
    [InlineData("fe80::1%eth0")]
    public void An_address_that_is_neither_an_IP_nor_a_host_name(string address) =>
        AssertRejected(Server($"      address: \"{address}\"\n      hostKey: {HostStacks.HostKey}\n"),
            "platform:servers.web-1.address", "neither an IP address nor a host name");

    [Theory]
    [InlineData("203.0.113.10")]
    [InlineData("2001:db8::10")]
    [InlineData("app-1.example.com")]
    [InlineData("server1")]
    public void Addresses_that_are_accepted(string address)
    {
        var r = _stacks.Run("ok", Server($"      address: \"{address}\"\n      hostKey: {HostStacks.HostKey}\n"));
        Assert.Equal(0, r.Exit);
        var url = address.Contains(':') ? $"[{address}]" : address;
        Assert.Contains($"ssh://root@{url}:22", r.Stdout);
        Assert.Contains($"http://{url}:8000", r.Stdout);
    }

    [Fact]
    public void A_missing_ssh_private_key() =>
        AssertRejected(Server(Existing()).Replace(HostStacks.Secret("sshPrivateKey"), ""),
            "platform:sshPrivateKey", "missing", "pulumi config set --secret sshPrivateKey");

    [Fact]
    public void A_missing_host_key() =>
        AssertRejected(Server("      address: 10.1.0.10\n"), "platform:servers.web-1.hostKey", "missing", "pinned");

    [Fact]
    public void A_host_key_that_is_not_an_openssh_public_key() =>
        AssertRejected(Server("      address: 10.1.0.10\n      hostKey: \"AAAA not a key; rm -rf /\"\n"), "platform:servers.web-1.hostKey", "OpenSSH public key");

    [Fact]
    public void A_published_port_the_firewall_would_block() =>
        AssertRejected(Server(Existing("      allowPorts: [3000]\n")), "platform:servers.web-1.allowPorts", "publishes port 8000", "would block");

    [Fact]
    public void Two_systems_claiming_one_port_on_one_host() =>
        AssertRejected(Server(Existing("      reservedPorts: [8000]\n")), "platform:servers.web-1.reservedPorts", "'8000'", "two systems cannot claim one port on one host");

    [Fact]
    public void Ssh_on_a_port_the_system_publishes() =>
        AssertRejected(Server(Existing("      port: 8000\n")), "platform:servers.web-1.port", "'8000'", "two cannot claim one port on one host");

    [Fact]
    public void Two_servers_at_one_address_claim_the_same_ports()
    {
        var text = Server(Existing()) + "";
        text = text.Replace("  platform:sshPrivateKey", $"    web-2:\n      address: 10.1.0.10\n      hostKey: {HostStacks.HostKey}\n  platform:sshPrivateKey");
        AssertRejected(text, "platform:servers.web-2.address", "same address", "would claim port");
    }

    [Theory]
    [InlineData("/srv/vru")]
    [InlineData("/opt/vru")]
    [InlineData("/opt/vru/../etc")]
    [InlineData("/opt/vru-other/data")]
    [InlineData("opt/vru/data")]
    public void A_data_path_outside_opt_system(string path) =>
        AssertRejected(Server(Existing($"      dataPath: \"{path}\"\n")), "platform:servers.web-1.dataPath", "data lives under /opt/vru");

    [Fact]
    public void A_data_path_under_opt_system_is_accepted() =>
        Assert.Equal(0, _stacks.Run("ok", Server(Existing("      dataPath: /opt/vru/volumes\n"))).Exit);

    [Fact]
    public void A_secret_that_would_end_up_in_command_text() =>
        AssertRejected(Server(Existing("      user:\n        secure: v1:AAAAAAAAAAAAAAAA\n")), "platform:servers.web-1.user", "must not be a secret", "command text", "environment");

    [Fact]
    public void A_user_that_is_not_a_posix_name() =>
        AssertRejected(Server(Existing("      user: \"root; reboot\"\n")), "platform:servers.web-1.user", "POSIX user name");

    [Fact]
    public void An_unknown_server_key() =>
        AssertRejected(Server(Existing("      adress: 10.0.0.1\n")), "platform:servers.web-1.adress", "unknown key");

    [Fact]
    public void No_servers_for_the_host_target() =>
        AssertRejected("config:\n  platform:system: vru\n  platform:environment: dev\n  platform:target: host\n" + HostStacks.Secret("sshPrivateKey"),
            "platform:servers", "missing");

    [Fact]
    public void The_host_target_from_the_command_line_needs_servers()
    {
        var r = Programs.Synth.Cli("synth", "--system", "vru", "--env", "dev", "--target", "host");
        Assert.Equal("", r.Stdout);
        Assert.Equal(2, r.Exit);
        Assert.Contains("command line: platform:servers: missing", r.Stderr);
    }

    [Fact]
    public void Servers_without_the_host_target() =>
        AssertRejected(Server(Existing()).Replace("  platform:target: host\n", ""), "platform:servers", "servers are for the host target", "platform:target: host");

    [Fact]
    public void An_aws_server_with_ssh_open_to_the_world() =>
        AssertRejected(Server($"      aws:\n        instanceType: t3.large\n        ami: ami-0123456789abcdef0\n        sshCidr: 0.0.0.0/0\n        publicKey: {HostStacks.HostKey}\n        hostKey: {HostStacks.HostKey}\n"),
            "platform:servers.web-1.aws.sshCidr", "never open to the world");

    [Fact]
    public void An_aws_server_without_its_host_private_key() =>
        AssertRejected(Server($"      aws:\n        instanceType: t3.large\n        ami: ami-0123456789abcdef0\n        sshCidr: 203.0.113.7/32\n        publicKey: {HostStacks.HostKey}\n        hostKey: {HostStacks.HostKey}\n"),
            "platform:hostPrivateKey-web-1", "missing");

    [Fact]
    public void A_secret_in_a_command_text_is_refused_when_the_program_is_built()
    {
        var program = new Infra.Components.Core.StackProgram("platform", "t");
        var key = program.DeclareConfig(new Infra.Components.Core.ConfigKey("k", Infra.Components.Core.ConfigType.String, Secret: true));
        var host = new Infra.Components.Host.HostMachine(program, "h", new Infra.Components.Host.HostMachineArgs
        {
            Address = "10.0.0.1", User = "root", HostKey = HostStacks.HostKey, PrivateKey = key.Ref,
        });
        var cmd = program.Add("leak", new Infra.Providers.Command.Remote.Command
        {
            Connection = host.Connection(),
            Create = Infra.Components.Core.Value.Format($"echo {key.Ref}"),
        });
        var e = Assert.Throws<Infra.Components.Core.SynthesisException>(() => Infra.Components.Host.HostCommands.RefuseSecretText(cmd));
        Assert.Contains("secrets reach commands only through 'environment'", e.Message);
    }
}
