
namespace Infra.Components.Core;

/// <summary>The YAML document shape the emitter writes and the round-trip check reads back.</summary>
public abstract record YNode;

public sealed record YMap(IReadOnlyList<KeyValuePair<string, YNode>> Entries) : YNode;

public sealed record YSeq(IReadOnlyList<YNode> Items) : YNode;

public enum ScalarKind { String, Number, Bool, Null }

/// <summary>A scalar as the Pulumi YAML host will read it: its text and whether it is a string or a typed literal.</summary>
public sealed record YScalar(string Text, ScalarKind Kind) : YNode
{
    public static YScalar String(string text) => new(text, ScalarKind.String);
}

/// <summary>YAML 1.1/1.2 core-schema resolution of plain scalars (what the Go YAML parser does).</summary>
public static class YamlScalars
{
    /// <summary>
    /// Anything a YAML 1.1 or 1.2 reader might take for a number: it starts like one (a digit, or a sign or dot
    /// followed by a digit) or is a special float. Deliberately broad: a false positive only adds quotes.
    /// </summary>
    private static bool NumberLike(string text)
    {
        var t = text.AsSpan();
        if (t.Length > 0 && (t[0] == '-' || t[0] == '+')) t = t[1..];
        if (t.Length == 0) return false;
        if (char.IsAsciiDigit(t[0])) return true;
        if (t[0] == '.' && t.Length > 1 && (char.IsAsciiDigit(t[1]) || t[1..] is "inf" or "Inf" or "INF" or "nan" or "NaN" or "NAN")) return true;
        return false;
    }

    /// <summary>Letters, digits and <c>_ . / @ + : -</c>, starting with a letter, '_' or '/', not ending in ':'.</summary>
    private static bool SafePlain(string text)
    {
        if (text.Length == 0 || text[^1] == ':') return false;
        var first = text[0];
        if (!(char.IsAsciiLetter(first) || first is '_' or '/')) return false;
        foreach (var c in text)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '@' or '+' or ':' or '-')) return false;
        return true;
    }

    private static readonly HashSet<string> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", "nan", "inf",
    };

    /// <summary>How a plain (unquoted) scalar would be typed by a YAML reader.</summary>
    public static ScalarKind ResolvePlain(string text)
    {
        if (text.Length == 0 || text == "~" || text.Equals("null", StringComparison.OrdinalIgnoreCase)) return ScalarKind.Null;
        if (Words.Contains(text)) return ScalarKind.Bool;
        return NumberLike(text) ? ScalarKind.Number : ScalarKind.String;
    }

    /// <summary>True when the text can be written unquoted and still read back as the same string.</summary>
    public static bool IsSafePlain(string text) =>
        text.Length is > 0 and <= 120 && SafePlain(text) && !Words.Contains(text) && ResolvePlain(text) == ScalarKind.String;
}
