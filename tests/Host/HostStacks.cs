using Infra.Stacks.Systems;

namespace Infra.Tests.Host;

/// <summary>Stack files for the host target, written into a temporary root (secrets as opaque `secure:` values the compiler never reads).</summary>
public sealed class HostStacks : IDisposable
{
    public const string HostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9yB2kB6l0nJm8wq3dYxUOn0Fh2tN7vV1bq9cX4a7Zp";

    public string Root { get; } = Directory.CreateTempSubdirectory("infra-host-").FullName;

    public void Dispose() => Directory.Delete(Root, recursive: true);

    public static string Secret(string key) => $"  platform:{key}:\n    secure: v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";

    /// <summary>One existing server per name in <paramref name="servers"/>; images for every service outside dev.</summary>
    public static string Text(string system, string env, string[] servers, string serverExtra = "", bool sshKey = true, bool systemSecrets = true)
    {
        var sb = new System.Text.StringBuilder("config:\n");
        sb.Append($"  platform:system: {system}\n  platform:environment: {env}\n  platform:target: host\n  platform:servers:\n");
        for (var i = 0; i < servers.Length; i++)
            sb.Append($"    {servers[i]}:\n      address: 10.1.0.{i + 10}\n      hostKey: {HostKey}\n{serverExtra}");
        if (env != "dev")
        {
            sb.Append("  platform:images:\n");
            foreach (var svc in SystemCatalog.Find(system)!.Services.Where(s => s.DefaultImage is null))
                sb.Append($"    {svc.Name}: registry.example.com/{system}/{svc.Name}:1.4.2\n");
        }
        if (sshKey) sb.Append(Secret("sshPrivateKey"));
        // An external managed database (ConsensusNet in prod): its URL is a secret the stack must set.
        if (SystemCatalog.Find(system)!.Database is { } db && db.IsExternalIn(env)) sb.Append(Secret(db.ExternalUrlConfig!));
        if (systemSecrets && servers.Length > 1)
            foreach (var key in SystemCatalog.Find(system)!.Services.SelectMany(s => s.SecretEnvironment).Select(e => e.Value).OfType<Infra.Components.Core.ConfigSecret>().Select(c => c.Key).Distinct())
                foreach (var s in servers) sb.Append(Secret($"{key}-{s}"));
        return sb.ToString();
    }

    public Programs.Synth.Result Run(string stack, string text, string command = "synth")
    {
        File.WriteAllText(Path.Combine(Root, $"Pulumi.{stack}.yaml"), text);
        return Programs.Synth.CliIn(Root, command, "--stack", stack);
    }

    /// <summary>Every seed system × environment.</summary>
    public static IEnumerable<object[]> AllCombinations() => Programs.Synth.AllCombinations();
}
