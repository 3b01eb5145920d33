using System.Globalization;
using System.Text;

namespace Infra.Components.Core;

/// <summary>A program that cannot be synthesized: a cycle, a dangling reference, a bad name.</summary>
public class SynthesisException(string message) : Exception(message);

/// <summary>
/// A config generator (nginx, Prometheus, Redis...) refusing its input. Its message is our own text, so the CLI
/// may print it; an <see cref="ArgumentException"/> from the framework is never printed (its text may be a bare
/// resource key in the trimmed build).
/// </summary>
public sealed class ConfigException(string message) : ArgumentException(message);

/// <summary>
/// Bad user input: names the file, the key, the bad value and what is allowed.
/// The CLI prints <see cref="Exception.Message"/> as one line on stderr and exits 2.
/// </summary>
public sealed class InputException : SynthesisException
{
    public InputException(string file, string key, string? value, string allowed)
        : base($"{ErrorText.Escape(Shorten(file, 200))}: {ErrorText.Escape(Shorten(key, 200))}{(value is null ? "" : $" = {Quote(value)}")}: {ErrorText.Escape(Shorten(allowed, 1500))}")
    {
        File = file;
        Key = key;
    }

    public string File { get; }
    public string Key { get; }

    private static string Quote(string value) => "'" + ErrorText.Escape(Shorten(value, 80)) + "'";

    /// <summary>Input quoted in an error is cut to a readable length (a hostile key or value may be a megabyte).</summary>
    private static string Shorten(string text, int max) => text.Length > max ? text[..(max - 3)] + "..." : text;
}

/// <summary>
/// The one place error text is made safe for a terminal: control characters (C0, DEL, C1), line and paragraph
/// separators, bidirectional and zero-width format characters (U+202E, U+200B, U+FEFF...) and lone surrogates
/// are shown escaped (<c>\u202E</c>), so input can neither break the one-line error nor reorder what it shows.
/// Escaping is idempotent: its output is printable ASCII where it changed anything.
/// </summary>
public static class ErrorText
{
    public static bool NeedsEscape(string text, int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c)) return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        if (char.IsLowSurrogate(c)) return i == 0 || !char.IsHighSurrogate(text[i - 1]);
        if (c < 0x80) return c < 0x20 || c == 0x7f;
        return char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse;
    }

    /// <summary>The text on one line with every unsafe character escaped.</summary>
    public static string Escape(string text) => Escape(text, keepNewlines: false);

    /// <summary>
    /// As <see cref="Escape(string)"/>; with <paramref name="keepNewlines"/> a multi-line report (the policy
    /// violations list) keeps its line breaks and every line is escaped.
    /// </summary>
    public static string Escape(string text, bool keepNewlines)
    {
        var i = 0;
        while (i < text.Length && !NeedsEscape(text, i)) i++;
        if (i == text.Length) return text;
        var sb = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(text, i)) sb.Append(c);
            else if (c == '\n') sb.Append(keepNewlines ? "\n" : "\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c == '\t') sb.Append("\\t");
            else sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
