using Infra.Components.Core;

namespace Infra.Components.Policies;

/// <summary>SEC-001: no literal value where a property or environment variable is a secret.</summary>
public sealed class NoLiteralSecrets : PolicyRule
{
    public override string Id => "SEC-001";
    public override string Title => "no literal secrets";
    public override string Rationale => "A literal secret ends up in the program text, the state, logs and snapshots; secrets come from secret config or random resources.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var r in context.Program.AllInOrder)
        {
            foreach (var (path, value) in Walk(r.Properties.ToMap(), ""))
            {
                var name = path[(path.LastIndexOf('.') + 1)..];
                if (Prop.LooksSecret(name) && IsLiteralText(value))
                    yield return new Violation(r, path, $"'{name}' holds a literal value", "use SecretSource.Generated() or SecretSource.Config(key) (pulumi config set --secret)");
            }
            if (r.Properties.Get("envs") is ListValue envs)
                for (var i = 0; i < envs.Items.Count; i++)
                    if (EnvEntry(envs.Items[i]) is { } e && Prop.LooksSecret(e.Name) && e.LiteralValue is { Length: > 0 })
                        yield return new Violation(r, $"envs[{i}]", $"environment variable '{e.Name}' holds a literal value", "pass it with WithSecret(name, SecretSource...) instead of WithEnv");
        }
    }

    internal static bool IsLiteralText(Value v) => v is Str { Text.Length: > 0 } || (v is Interpolation i && i.Parts.All(p => p is Str));

    /// <summary>A docker env entry "NAME=value": its name and, when the value has no expression, the literal value.</summary>
    internal static (string Name, string? LiteralValue)? EnvEntry(Value v)
    {
        var first = v switch { Str s => s.Text, Interpolation i when i.Parts.Count > 0 && i.Parts[0] is Str s0 => s0.Text, _ => null };
        var eq = first?.IndexOf('=') ?? -1;
        if (first is null || eq < 1) return null;
        var literal = v is Str str ? str.Text[(eq + 1)..] : null;
        return (first[..eq], literal);
    }

    /// <summary>Every leaf (non-collection value) below <paramref name="v"/> with its property path, depth first.</summary>
    internal static List<(string Path, Value Value)> Walk(Value v, string path)
    {
        var leaves = new List<(string, Value)>();
        Collect(v, path, leaves);
        return leaves;
    }

    private static void Collect(Value v, string path, List<(string, Value)> leaves)
    {
        switch (v)
        {
            case MapValue m:
                foreach (var (k, child) in m.Entries) Collect(child, path.Length == 0 ? k : path + "." + k, leaves);
                break;
            case ListValue l:
                for (var i = 0; i < l.Items.Count; i++) Collect(l.Items[i], path + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]", leaves);
                break;
            default:
                leaves.Add((path, v));
                break;
        }
    }
}

/// <summary>SEC-002: no credentials written into a connection string.</summary>
public sealed class NoCredentialsInUrls : PolicyRule
{
    public override string Id => "SEC-002";
    public override string Title => "no credentials in literal connection strings";
    public override string Rationale => "postgresql://user:pass@host written as text leaks the password exactly like a literal secret.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var r in context.Program.AllInOrder)
            foreach (var (path, value) in NoLiteralSecrets.Walk(r.Properties.ToMap(), ""))
                foreach (var text in LiteralParts(value))
                    if (HasLiteralPassword(text))
                    {
                        yield return new Violation(r, path, "a connection string carries a literal password", "build it with Value.Format($\"...{password}@...\") from a secret");
                        break;
                    }
    }

    private static IEnumerable<string> LiteralParts(Value v) => v switch
    {
        Str s => [s.Text],
        Interpolation i => i.Parts.OfType<Str>().Select(s => s.Text),
        _ => [],
    };

    /// <summary><c>scheme://user:password@</c> inside one literal piece of text (so the password is not an expression).</summary>
    internal static bool HasLiteralPassword(string text)
    {
        for (var start = text.IndexOf("://", StringComparison.Ordinal); start >= 0; start = text.IndexOf("://", start + 3, StringComparison.Ordinal))
        {
            var rest = text.AsSpan(start + 3);
            var end = rest.IndexOfAny('/', ' ', '\n');
            if (end >= 0) rest = rest[..end];
            var at = rest.LastIndexOf('@');
            if (at < 0) continue;
            var colon = rest[..at].IndexOf(':');
            if (colon >= 0 && colon < at - 1) return true;
        }
        return false;
    }
}

/// <summary>SEC-003: a secret-looking input read from config must read a secret config key.</summary>
public sealed class SecretConfigIsSecret : PolicyRule
{
    public override string Id => "SEC-003";
    public override string Title => "secret inputs come from secret config";
    public override string Rationale => "Plain config is stored and shown in clear text; a secret-looking value must be set with --secret.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var r in context.Program.AllInOrder)
        {
            foreach (var (path, value) in NoLiteralSecrets.Walk(r.Properties.ToMap(), ""))
            {
                var name = path[(path.LastIndexOf('.') + 1)..];
                if (value is Str or Num or Bool or OutputRef) continue; // no config read in it
                var plain = value.Walk().OfType<ConfigRef>().FirstOrDefault(c => !c.Key.Secret);
                if (plain is not null && (Prop.LooksSecret(name) || (name.StartsWith("envs[", StringComparison.Ordinal) && NoLiteralSecrets.EnvEntry(value) is { } e && Prop.LooksSecret(e.Name))))
                    yield return new Violation(r, path, $"reads config key '{plain.Key.Name}', which is not declared secret", $"declare '{plain.Key.Name}' with Secret: true (and set it with pulumi config set --secret)");
            }
        }
    }
}

/// <summary>SEC-004: generated passwords are long enough.</summary>
public sealed class StrongGeneratedPasswords : PolicyRule
{
    public override string Id => "SEC-004";
    public override string Title => "generated passwords of 16+ characters";
    public override string Rationale => "Short random passwords fall to offline guessing once a hash or a dump leaks.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var r in context.OfType("random:index/randomPassword:RandomPassword"))
            if (Prop.Number(r.Properties.Get("length")) is not { } n || n < 16)
                yield return new Violation(r, "length", $"length is {Prop.Show(r.Properties.Get("length"))}", "use SecretSource.Generated(32)");
    }
}

/// <summary>SEC-005: outputs that carry secret inputs are marked secret even where the provider does not.</summary>
public sealed class SecretOutputsMarked : PolicyRule
{
    private static readonly string[] Carriers = ["envs", "uploads", "command"];

    public override string Id => "SEC-005";
    public override string Title => "secret-carrying outputs marked secret";
    public override string Rationale => "The docker provider does not mark envs/uploads secret; additionalSecretOutputs keeps them encrypted in state and hidden in diffs.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var r in context.Containers)
            foreach (var p in Carriers)
                if (r.Properties.Get(p) is { IsSecret: true } && !r.Options.AdditionalSecretOutputs.Contains(p))
                    yield return new Violation(r, p, $"'{p}' carries a secret but is not in additionalSecretOutputs", $"add \"{p}\" to options.additionalSecretOutputs (DockerService does this)");
    }
}
