using Infra.Providers.Random;

namespace Infra.Components.Core;

/// <summary>
/// Where a secret comes from. Never a literal: either a generated <c>random:RandomPassword</c>
/// (stored encrypted in state) or a stack secret read as <c>${key}</c> by the engine.
/// </summary>
public abstract record SecretSource
{
    /// <summary>A generated password; letters and digits only, so it is safe inside URLs and shells.</summary>
    public static SecretSource Generated(int length = 32) => new GeneratedSecret(length);

    /// <summary>A required stack secret: <c>pulumi config set --secret KEY</c>.</summary>
    public static SecretSource Config(string key) => new ConfigSecret(key, Optional: false);

    /// <summary>A stack secret that may be left unset (empty), e.g. an API key a stand-in never uses.</summary>
    public static SecretSource OptionalConfig(string key) => new ConfigSecret(key, Optional: true);

    /// <summary>Materializes the secret under <paramref name="owner"/> and returns the value to use.</summary>
    public Value Resolve(Construct owner, string name, bool protect)
    {
        switch (this)
        {
            case GeneratedSecret g:
                var pw = owner.Add(name, new RandomPassword
                {
                    Length = g.Length,
                    Special = false,
                    MinLower = 1,
                    MinUpper = 1,
                    MinNumeric = 1,
                });
                pw.Traits.Add(Traits.Stateful);
                if (protect) pw.Options.Protect = true;
                return pw.Outputs.Result;
            case ConfigSecret c:
                var key = owner.Program.DeclareConfig(new ConfigKey(c.Key, ConfigType.String, Secret: true, Default: c.Optional ? new Str("") : null));
                return key.Ref;
            default:
                throw new SynthesisException($"unknown secret source {GetType().Name}");
        }
    }
}

public sealed record GeneratedSecret(int Length) : SecretSource;

public sealed record ConfigSecret(string Key, bool Optional) : SecretSource;
