using System.Globalization;
using System.Text;

namespace Infra.Cli.Preview;

/// <summary>
/// A property value as the diff sees it, from either side: the deployed state (JSON) or the program (resolved as far
/// as the state allows). A secret keeps its plaintext only when the state was exported with it (for comparison),
/// and it is never rendered.
/// </summary>
public abstract record DV
{
    public static readonly DV Null = new DNull();
}

public sealed record DStr(string Text) : DV;
public sealed record DNum(double Number) : DV;
public sealed record DBool(bool Flag) : DV;
public sealed record DNull : DV;
public sealed record DList(IReadOnlyList<DV> Items) : DV;

/// <summary>An object; key order is kept for display, lookups go through <see cref="Get"/>.</summary>
public sealed record DMap(IReadOnlyList<KeyValuePair<string, DV>> Entries) : DV
{
    private Dictionary<string, DV>? _index;

    public DV? Get(string key)
    {
        if (Entries.Count < 8)
        {
            foreach (var e in Entries) if (e.Key == key) return e.Value;
            return null;
        }
        if (_index is null)
        {
            var index = new Dictionary<string, DV>(Entries.Count, StringComparer.Ordinal);
            foreach (var e in Entries) index[e.Key] = e.Value;
            _index = index;
        }
        return _index.GetValueOrDefault(key);
    }
}

/// <summary>A secret: from the state (encrypted, or plaintext in a <c>--show-secrets</c> export) or from the program.</summary>
public sealed record DSecret(DV? Plain) : DV;

/// <summary>A value only known after deployment (an expression whose inputs change or are not in the state).</summary>
public sealed record DComputed(string Expression, bool Secret) : DV;

/// <summary>An asset, archive or resource reference in the state: compared by its text, shown by kind.</summary>
public sealed record DOpaque(string Kind, string Identity) : DV;

public static class DValues
{
    /// <summary>
    /// Structural equality. Two secrets without plaintext cannot be compared offline and count as equal when the
    /// program side resolved without unknowns (the engine decrypts and compares; the README says so).
    /// </summary>
    public static bool Same(DV a, DV b)
    {
        switch (a, b)
        {
            case (DComputed, _) or (_, DComputed): return false;
            case (DSecret sa, DSecret sb): return sa.Plain is null || sb.Plain is null || Same(sa.Plain, sb.Plain);
            // A value encrypted whole on one side (the engine may store a list with a secret element as one secret)
            // against a value with secret parts on the other: not comparable offline, assumed equal.
            case (DSecret { Plain: null }, _) when ContainsSecret(b) && !ContainsComputed(b): return true;
            case (_, DSecret { Plain: null }) when ContainsSecret(a) && !ContainsComputed(a): return true;
            case (DSecret { Plain: { } p }, _): return Same(p, b);
            case (_, DSecret { Plain: { } q }): return Same(a, q);
            case (DSecret, _) or (_, DSecret): return false;
            case (DStr x, DStr y): return x.Text == y.Text;
            case (DNum x, DNum y): return x.Number.Equals(y.Number);
            case (DBool x, DBool y): return x.Flag == y.Flag;
            case (DNull, DNull): return true;
            case (DOpaque x, DOpaque y): return x.Identity == y.Identity;
            case (DList x, DList y):
                if (x.Items.Count != y.Items.Count) return false;
                for (var i = 0; i < x.Items.Count; i++) if (!Same(x.Items[i], y.Items[i])) return false;
                return true;
            case (DMap x, DMap y):
                foreach (var e in x.Entries)
                    if (y.Get(e.Key) is not { } other ? e.Value is not DNull : !Same(e.Value, other)) return false;
                foreach (var e in y.Entries)
                    if (x.Get(e.Key) is null && e.Value is not DNull) return false;
                return true;
            default: return false;
        }
    }

    public static bool ContainsComputed(DV v) => v switch
    {
        DComputed => true,
        DSecret { Plain: { } p } => ContainsComputed(p),
        DList l => l.Items.Any(ContainsComputed),
        DMap m => m.Entries.Any(e => ContainsComputed(e.Value)),
        _ => false,
    };

    public static bool ContainsSecret(DV v) => v switch
    {
        DSecret => true,
        DComputed c => c.Secret,
        DList l => l.Items.Any(ContainsSecret),
        DMap m => m.Entries.Any(e => ContainsSecret(e.Value)),
        _ => false,
    };

    public const string SecretMask = "[secret]";
    public const string ComputedMark = "(computed)";
    public const string Absent = "(none)";

    /// <summary>One line for a human: secrets masked, long or multi-line text summarized, nesting bounded.</summary>
    public static string Render(DV? v, int budget = 120)
    {
        if (v is null) return Absent;
        var sb = new StringBuilder();
        Write(sb, v, budget, 0);
        return sb.Length > budget ? sb.ToString(0, budget - 1) + "…" : sb.ToString();
    }

    private static void Write(StringBuilder sb, DV v, int budget, int depth)
    {
        if (sb.Length > budget) return;
        switch (v)
        {
            case DSecret: sb.Append(SecretMask); break;
            case DComputed c: sb.Append(c.Secret ? SecretMask : ComputedMark); break;
            case DNull: sb.Append("null"); break;
            case DBool b: sb.Append(b.Flag ? "true" : "false"); break;
            case DNum n: sb.Append(Number(n.Number)); break;
            case DOpaque o: sb.Append('(').Append(o.Kind).Append(')'); break;
            case DStr s: sb.Append(Text(s.Text)); break;
            case DList l:
                if (depth > 3) { sb.Append("[…]"); break; }
                sb.Append('[');
                for (var i = 0; i < l.Items.Count && sb.Length <= budget; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Write(sb, l.Items[i], budget, depth + 1);
                }
                sb.Append(']');
                break;
            case DMap m:
                if (depth > 3) { sb.Append("{…}"); break; }
                sb.Append('{');
                for (var i = 0; i < m.Entries.Count && sb.Length <= budget; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append(m.Entries[i].Key).Append(": ");
                    Write(sb, m.Entries[i].Value, budget, depth + 1);
                }
                sb.Append('}');
                break;
        }
    }

    public static string Number(double d) =>
        d == Math.Floor(d) && Math.Abs(d) < 1e15 ? ((long)d).ToString(CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Short text quoted; multi-line or long text (a generated config file) as its first line and its size.</summary>
    private static string Text(string text)
    {
        var lines = text.Count(c => c == '\n');
        if (lines == 0 && text.Length <= 60) return Quote(text);
        var first = text.Split('\n')[0];
        if (first.Length > 40) first = first[..40];
        return Quote(first + "…") + $" ({text.Length} chars{(lines > 0 ? $", {lines + (text.EndsWith('\n') ? 0 : 1)} lines" : "")})";
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (c < 0x20 || c == 0x7f || char.IsSurrogate(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
