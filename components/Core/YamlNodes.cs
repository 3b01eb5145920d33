using System.Text.RegularExpressions;

namespace Infra.Components.Core;

/// <summary>The YAML document shape the emitter writes and the round-trip check reads back.</summary>
public abstract record YNode;

public sealed record YMap(IReadOnlyList<KeyValuePair<string, YNode>> Entries) : YNode
{
    public bool Equals(YMap? other) => other is not null && Entries.Count == other.Entries.Count &&
        Entries.Zip(other.Entries).All(p => p.First.Key == p.Second.Key && p.First.Value.Equals(p.Second.Value));
    public override int GetHashCode() => Entries.Count;
}

public sealed record YSeq(IReadOnlyList<YNode> Items) : YNode
{
    public bool Equals(YSeq? other) => other is not null && Items.SequenceEqual(other.Items);
    public override int GetHashCode() => Items.Count;
}

public enum ScalarKind { String, Number, Bool, Null }

/// <summary>A scalar as the Pulumi YAML host will read it: its text and whether it is a string or a typed literal.</summary>
public sealed record YScalar(string Text, ScalarKind Kind) : YNode
{
    public static YScalar String(string text) => new(text, ScalarKind.String);
}

/// <summary>YAML 1.1/1.2 core-schema resolution of plain scalars (what the Go YAML parser does).</summary>
public static partial class YamlScalars
{
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$|^0x[0-9a-fA-F_]+$|^0o?[0-7_]+$|^0b[01_]+$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$|^[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")]
    private static partial Regex NumberLike();

    [GeneratedRegex(@"^[A-Za-z_/][A-Za-z0-9_./@+:-]*(?<!:)$")]
    private static partial Regex SafePlain();

    private static readonly HashSet<string> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", "nan", "inf",
    };

    /// <summary>How a plain (unquoted) scalar would be typed by a YAML reader.</summary>
    public static ScalarKind ResolvePlain(string text)
    {
        if (text.Length == 0 || text == "~" || text.Equals("null", StringComparison.OrdinalIgnoreCase)) return ScalarKind.Null;
        if (Words.Contains(text)) return ScalarKind.Bool;
        return NumberLike().IsMatch(text) ? ScalarKind.Number : ScalarKind.String;
    }

    /// <summary>True when the text can be written unquoted and still read back as the same string.</summary>
    public static bool IsSafePlain(string text) =>
        text.Length is > 0 and <= 120 && SafePlain().IsMatch(text) && !Words.Contains(text) && ResolvePlain(text) == ScalarKind.String;
}
