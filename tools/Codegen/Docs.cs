using System.Text;
using System.Text.RegularExpressions;

namespace Infra.Codegen;

/// <summary>The first sentence of a schema description, as plain text safe inside an XML doc comment or a C# string.</summary>
public static partial class Docs
{
    public static string FirstSentence(string? description, int max = 160)
    {
        if (string.IsNullOrWhiteSpace(description)) return "";
        var text = Comments().Replace(description, "");
        text = Tags().Replace(text, "");
        text = text.Replace("`", "").Replace("**", "");
        text = Spaces().Replace(text, " ").Trim();
        var end = text.IndexOf(". ", StringComparison.Ordinal);
        if (end >= 0) text = text[..(end + 1)];
        if (text.Length > max) text = text[..max].TrimEnd() + "...";
        return text;
    }

    public static string Xml(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
            sb.Append(ch switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", _ => ch.ToString() });
        return sb.ToString();
    }

    /// <summary>A C# regular string literal (quotes included).</summary>
    public static string Literal(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var ch in text)
            sb.Append(ch switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(ch) => $"\\u{(int)ch:x4}",
                _ => ch.ToString(),
            });
        return sb.Append('"').ToString();
    }

    [GeneratedRegex("<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
