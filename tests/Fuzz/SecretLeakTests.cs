using Infra.Tests.Programs;

namespace Infra.Tests.Fuzz;

/// <summary>
/// Known secret values planted in stack config (as Pulumi secrets, as mistaken plain values, and in the decrypted
/// PULUMI_CONFIG the host hands the compiler) never appear in a program, plan output, log line or snapshot.
/// </summary>
public sealed class SecretLeakTests : IDisposable
{
    private const string PlantedPlain = "PLANTED-plaintext-7f3a9c";
    private const string PlantedCipher = "v1:PLANTEDcipherTEXT0123456789abcdef";
    private const string PlantedDecrypted = "PLANTED-decrypted-e41b22";
    private readonly string _root = Directory.CreateTempSubdirectory("infra-leak-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly string[] Planted = [PlantedPlain, PlantedCipher, PlantedDecrypted];

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Planted_secrets_appear_nowhere(string env)
    {
        var images = env == "dev" ? "" : "  platform:images:\n    api: ghcr.io/pliers/api:1.4.2\n    ai-service: ghcr.io/pliers/ai-service:1.4.2\n    web: ghcr.io/pliers/web:1.4.2\n";
        File.WriteAllText(Path.Combine(_root, $"Pulumi.{env}.yaml"),
            "config:\n  platform:system: pliers\n" + images +
            $"  platform:openaiApiKey:\n    secure: {PlantedCipher}\n" +
            $"  platform:anthropicApiKey: {PlantedPlain}\n" +
            $"  platform:tlsPrivateKey:\n    secure: {PlantedCipher}\n");
        var hostEnv = new Dictionary<string, string>
        {
            ["PULUMI_STACK"] = env,
            ["PULUMI_CONFIG"] = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["platform:system"] = "pliers",
                ["platform:environment"] = env,
                ["platform:images"] = "{\"api\":\"ghcr.io/pliers/api:1.4.2\",\"ai-service\":\"ghcr.io/pliers/ai-service:1.4.2\",\"web\":\"ghcr.io/pliers/web:1.4.2\"}",
                ["platform:openaiApiKey"] = PlantedDecrypted,
                ["platform:tlsPrivateKey"] = PlantedDecrypted,
                ["aws:secretKey"] = PlantedDecrypted,
            }),
        };
        // Outside the host (no PULUMI_CONFIG) the stack file is read, and the program cache is used.
        var fileEnv = new Dictionary<string, string> { ["PULUMI_STACK"] = env };
        var outputs = new[]
        {
            Synth.CliEnv(_root, hostEnv, "synth"),
            Synth.CliEnv(_root, hostEnv, "plan"),
        };
        foreach (var r in outputs)
        {
            Assert.Equal(0, r.Exit);
            foreach (var p in Planted)
            {
                Assert.DoesNotContain(p, r.Stdout);
                Assert.DoesNotContain(p, r.Stderr);
            }
        }
        // The secret is still wired in, by reference, for the engine to resolve.
        Assert.Contains("${openaiApiKey}", outputs[0].Stdout);
    }

    [Fact]
    public void Snapshots_and_fixtures_hold_no_secret_material()
    {
        var root = Synth.RepoRoot();
        var files = Directory.GetFiles(Path.Combine(root, "tests"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => f.EndsWith(".snap") || f.Contains($"{Path.DirectorySeparatorChar}snapshots{Path.DirectorySeparatorChar}"))
            .Concat(Directory.GetFiles(root, "Pulumi*.yaml"));
        foreach (var f in files)
        {
            var text = File.ReadAllText(f);
            Assert.DoesNotContain("-----BEGIN", text);
            Assert.DoesNotMatch(@"(?m)^\s*secure:|[{,]\s*secure:", text); // an encrypted stack value, not Traefik's "websecure:"
            Assert.DoesNotMatch(@"(?i)(?<![a-z])(password|secret|token)\s*[=:]\s*[""']?[A-Za-z0-9+/]{12,}", text.Replace("${", "<ref>"));
        }
    }
}
