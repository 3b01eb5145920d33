using Infra.Components.Core;
using System.Globalization;
using System.Text;

namespace Infra.Components.Configs;

/// <summary>
/// Small helpers shared by the generators: a line writer that always emits <c>\n</c>,
/// invariant number formatting and safe quoting for YAML / nginx / sh.
/// </summary>
internal sealed class ConfigText
{
    private readonly StringBuilder _sb = new();

    public ConfigText Line(string text = "")
    {
        _sb.Append(text).Append('\n');
        return this;
    }

    public ConfigText Lines(params string[] lines)
    {
        foreach (var l in lines) Line(l);
        return this;
    }

    public override string ToString() => _sb.ToString();

    public static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Num(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>YAML single-quoted scalar; rejects line breaks and control characters.</summary>
    public static string Yq(string value)
    {
        RejectControl(value, "YAML value");
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>POSIX sh single-quoted word.</summary>
    public static string Sh(string value)
    {
        RejectControl(value, "shell word");
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Validates a token used bare in nginx/redis/postgres configs (names, host:port, paths).</summary>
    public static string Token(string value, string what)
    {
        if (string.IsNullOrEmpty(value))
            throw new ConfigException($"{what} must not be empty.");
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is ';' or '{' or '}' or '"' or '\'' or '#' or '$' or '\\' or '`')
                throw new ConfigException($"{what} '{value}' contains a character that is not allowed here ('{c}').");
        }
        return value;
    }

    public static void RejectControl(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (char.IsControl(c))
                throw new ConfigException($"{what} must not contain control characters or line breaks: '{value.Replace("\n", "\\n", StringComparison.Ordinal)}'.");
        }
    }
}
