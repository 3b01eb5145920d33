using Infra.Components.Core;

namespace Infra.Components.Policies;

/// <summary>
/// A rule on one property of one resource type: the value must satisfy a check (e.g. <c>storageEncrypted: true</c>).
/// Most cloud-resource rules are this shape; each is one line in <see cref="PolicyCatalog"/>.
/// </summary>
public sealed class PropertyRule(
    string id, string title, string rationale, Severity severity, string token, string path,
    Func<Value?, bool> ok, string fix, Func<string, Enforcement>? enforcement = null, Func<Resource, bool>? appliesTo = null) : PolicyRule
{
    public override string Id => id;
    public override string Title => title;
    public override string Rationale => rationale;
    public override Severity Severity => severity;
    public string Token => token;
    public string Path => path;

    public override Enforcement For(string environment) => enforcement?.Invoke(environment) ?? base.For(environment);

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var r in context.OfType(token))
        {
            if (appliesTo is not null && !appliesTo(r)) continue;
            var value = Prop.Get(r, path);
            if (!ok(value)) yield return new Violation(r, path, $"{title}: {path} is {Prop.Show(value)}", fix);
        }
    }

    public static bool IsTrue(Value? v) => v is Bool { Flag: true };
    public static bool IsFalseOrUnset(Value? v) => v is null or Bool { Flag: false };
}

/// <summary>Reading literal values out of a resource's inputs.</summary>
public static class Prop
{
    /// <summary>Follows a dotted path through nested maps; list indexes are not needed by the rules.</summary>
    public static Value? Get(Resource r, string path)
    {
        Value? v = r.Properties.ToMap();
        foreach (var part in path.Split('.'))
            v = v is MapValue m ? m[part] : null;
        return v;
    }

    public static IEnumerable<MapValue> Maps(Value? list) => list is ListValue l ? l.Items.OfType<MapValue>() : [];

    public static string? Text(Value? v) => v is Str s ? s.Text : null;

    public static double? Number(Value? v) => v is Num n ? n.Number : null;

    public static string Show(Value? v) => v switch
    {
        null => "not set",
        Str s => $"'{s.Text}'",
        Num n => n.Render(),
        Bool b => b.Flag ? "true" : "false",
        _ => "an expression",
    };

    /// <summary>Words of an identifier: <c>masterPassword</c>, <c>API_KEY</c>, <c>tls-private-key</c>.</summary>
    public static IReadOnlyList<string> Words(string name)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsAsciiLetterOrDigit(c)) { Flush(); continue; }
            if (char.IsAsciiLetterUpper(c) && i > 0 && char.IsAsciiLetterLower(name[i - 1])) Flush();
            current.Append(char.ToLowerInvariant(c));
        }
        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0) words.Add(current.ToString());
            current.Clear();
        }
    }

    private static readonly HashSet<string> SecretWords = ["password", "passwd", "pwd", "secret", "secrets", "token", "credential", "credentials", "apikey", "passphrase"];

    /// <summary>Whether a property or variable name says it holds a secret (password, token, key, private key, credentials…).</summary>
    public static bool LooksSecret(string name) => s_looksSecret.GetOrAdd(name, ComputeLooksSecret);

    // Property and variable names repeat across every resource: split each into words once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> s_looksSecret = new(StringComparer.Ordinal);

    private static bool ComputeLooksSecret(string name)
    {
        var w = Words(name);
        if (w.Count == 0) return false;
        if (w.Any(SecretWords.Contains)) return true;
        if (w[^1] is "key" or "auth") return true; // API_KEY, VALIDATOR_KEY, REDISCLI_AUTH, privateKey
        return w.Contains("private") && w.Contains("key");
    }
}
