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
        var found = new List<Violation>();
        var walker = new LeafWalker();
        foreach (var r in context.Program.AllInOrder)
        {
            walker.Walk(r.Properties.ToMap(), (value, name) =>
            {
                // A property named just "key" names an entry (a node taint's key, a secretKeyRef/configMapKeyRef key), it never holds one.
                // Likewise secretName (an Ingress's TLS Secret, a volume's Secret): the name of an object, not its content.
                if (name is "key" or "secretName") return;
                if (IsLiteralText(value) && Prop.LooksSecret(name))
                    found.Add(new Violation(r, walker.Path, $"'{name}' holds a literal value", "use SecretSource.Generated() or SecretSource.Config(key) (pulumi config set --secret)"));
            });
            if (r.Properties.Get("envs") is ListValue envs)
                for (var i = 0; i < envs.Items.Count; i++)
                    if (EnvEntry(envs.Items[i]) is { } e && Prop.LooksSecret(e.Name) && e.LiteralValue is { Length: > 0 })
                        found.Add(new Violation(r, $"envs[{i}]", $"environment variable '{e.Name}' holds a literal value", "pass it with WithSecret(name, SecretSource...) instead of WithEnv"));
        }
        return found;
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
        var found = new List<Violation>();
        var walker = new LeafWalker();
        foreach (var r in context.Program.AllInOrder)
            walker.Walk(r.Properties.ToMap(), (value, _) =>
            {
                foreach (var text in LiteralParts(value))
                    if (HasLiteralPassword(text))
                    {
                        found.Add(new Violation(r, walker.Path, "a connection string carries a literal password", "build it with Value.Format($\"...{password}@...\") from a secret"));
                        break;
                    }
            });
        return found;
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
        var found = new List<Violation>();
        var walker = new LeafWalker();
        foreach (var r in context.Program.AllInOrder)
            walker.Walk(r.Properties.ToMap(), (value, name) =>
            {
                if (value is Str or Num or Bool or OutputRef) return; // no config read in it
                var plain = value.Walk().OfType<ConfigRef>().FirstOrDefault(c => !c.Key.Secret);
                if (plain is not null && (Prop.LooksSecret(name) || (name.StartsWith("envs[", StringComparison.Ordinal) && NoLiteralSecrets.EnvEntry(value) is { } e && Prop.LooksSecret(e.Name))))
                    found.Add(new Violation(r, walker.Path, $"reads config key '{plain.Key.Name}', which is not declared secret", $"declare '{plain.Key.Name}' with Secret: true (and set it with pulumi config set --secret)"));
            });
        return found;
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

/// <summary>
/// Every leaf (non-collection value) of a resource's inputs, depth first, with its property name: the last segment
/// of its path (<c>image</c>, <c>envs[3]</c>). The dotted path (<c>healthcheck.tests[0]</c>) is built only when a rule
/// asks for it (<see cref="Path"/>, for a violation), so a walk allocates next to nothing.
/// </summary>
internal sealed class LeafWalker
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, int), string> s_itemNames = new();
    private readonly List<(string? Key, int Index)> _at = [];
    private Action<Value, string>? _visit;

    public void Walk(MapValue root, Action<Value, string> visit)
    {
        _visit = visit;
        _at.Clear();
        Visit(root, "");
    }

    private void Visit(Value v, string name)
    {
        switch (v)
        {
            case MapValue m:
                foreach (var (k, child) in m.Entries)
                {
                    _at.Add((k, -1));
                    Visit(child, k.LastIndexOf('.') is var dot and >= 0 ? k[(dot + 1)..] : k);
                    _at.RemoveAt(_at.Count - 1);
                }
                break;
            case ListValue l:
                for (var i = 0; i < l.Items.Count; i++)
                {
                    _at.Add((null, i));
                    Visit(l.Items[i], s_itemNames.GetOrAdd((name, i), static k => k.Item1 + "[" + k.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]"));
                    _at.RemoveAt(_at.Count - 1);
                }
                break;
            default:
                _visit!(v, name);
                break;
        }
    }

    /// <summary>The current leaf's path: keys joined with '.', list indexes as [i].</summary>
    public string Path
    {
        get
        {
            var sb = new System.Text.StringBuilder();
            foreach (var (key, index) in _at)
            {
                if (key is null) sb.Append('[').Append(index.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(']');
                else if (sb.Length == 0) sb.Append(key);
                else sb.Append('.').Append(key);
            }
            return sb.ToString();
        }
    }
}
