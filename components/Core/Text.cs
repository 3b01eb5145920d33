namespace Infra.Components.Core;

/// <summary>
/// Small character-class checks used on the compiler's hot path instead of regular expressions
/// (loading the regex engine alone costs more start-up time than the rest of a small compile).
/// </summary>
public static class Text
{
    public static bool IsLowerAlnum(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';

    /// <summary>All characters satisfy <paramref name="ok"/>.</summary>
    public static bool All(ReadOnlySpan<char> s, Func<char, bool> ok)
    {
        foreach (var c in s) if (!ok(c)) return false;
        return true;
    }

    /// <summary>A duration such as <c>15s</c>, <c>500ms</c>, <c>2h</c> (Prometheus/Go style, one unit).</summary>
    public static bool IsSimpleDuration(string value)
    {
        var i = 0;
        while (i < value.Length && char.IsAsciiDigit(value[i])) i++;
        return i > 0 && value[i..] is "ms" or "s" or "m" or "h" or "d" or "w" or "y";
    }
}
