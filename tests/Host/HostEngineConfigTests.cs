using System.Text.Json;
using Infra.Stacks.Systems;

namespace Infra.Tests.Host;

/// <summary>Under Pulumi the servers arrive in PULUMI_CONFIG as JSON text, secrets decrypted: same program, no secret in it.</summary>
public sealed class HostEngineConfigTests : IDisposable
{
    private readonly HostStacks _stacks = new();

    public void Dispose() => _stacks.Dispose();

    // A planted, fake key in the PEM shape (split so credential scanners do not take this file for a real key).
    private const string PrivateKey = "-----BEGIN OPENSSH " + "PRIVATE KEY-----\nplanted-ssh-key-7d1e\n-----END OPENSSH " + "PRIVATE KEY-----";

    private static string Config(bool withKey)
    {
        var cfg = new Dictionary<string, string>
        {
            ["platform:system"] = "vru",
            ["platform:environment"] = "staging",
            ["platform:target"] = "host",
            ["platform:servers"] = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["web-1"] = new Dictionary<string, object> { ["address"] = "10.1.0.10", ["hostKey"] = HostStacks.HostKey, ["port"] = "22" },
            }),
            ["platform:images"] = JsonSerializer.Serialize(SystemCatalog.Find("vru")!.Services.Where(s => s.DefaultImage is null)
                .ToDictionary(s => s.Name, s => $"registry.example.com/vru/{s.Name}:1.4.2")),
        };
        if (withKey) cfg["platform:sshPrivateKey"] = PrivateKey;
        return JsonSerializer.Serialize(cfg);
    }

    [Fact]
    public void Servers_from_the_engine_give_the_same_program_as_the_stack_file_and_no_secret_in_it()
    {
        var engine = Programs.Synth.CliEnv(_stacks.Root, new Dictionary<string, string> { ["PULUMI_STACK"] = "web", ["PULUMI_CONFIG"] = Config(true) }, "synth");
        Assert.True(engine.Exit == 0, engine.Stderr);
        Assert.DoesNotContain("planted-ssh-key", engine.Stdout + engine.Stderr);
        var file = _stacks.Run("web", HostStacks.Text("vru", "staging", ["web-1"]));
        Assert.Equal(file.Stdout, engine.Stdout);
    }

    [Fact]
    public void A_missing_ssh_key_in_the_engine_config_is_named()
    {
        var r = Programs.Synth.CliEnv(_stacks.Root, new Dictionary<string, string> { ["PULUMI_STACK"] = "web", ["PULUMI_CONFIG"] = Config(false) }, "synth");
        Assert.Equal(2, r.Exit);
        Assert.Equal("", r.Stdout);
        Assert.Contains("PULUMI_CONFIG: platform:sshPrivateKey: missing", r.Stderr);
    }
}
