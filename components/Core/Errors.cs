namespace Infra.Components.Core;

/// <summary>A program that cannot be synthesized: a cycle, a dangling reference, a bad name.</summary>
public class SynthesisException(string message) : Exception(message);

/// <summary>
/// Bad user input: names the file, the key, the bad value and what is allowed.
/// The CLI prints <see cref="Exception.Message"/> as one line on stderr and exits 2.
/// </summary>
public sealed class InputException : SynthesisException
{
    public InputException(string file, string key, string? value, string allowed)
        : base($"{OneLine(file)}: {OneLine(key)}{(value is null ? "" : $" = {Quote(value)}")}: {OneLine(allowed)}")
    {
        File = file;
        Key = key;
    }

    public string File { get; }
    public string Key { get; }

    private static string Quote(string value) => "'" + OneLine(value.Length > 80 ? value[..77] + "..." : value) + "'";

    /// <summary>Control characters shown escaped, so the error stays one line whatever the input held.</summary>
    private static string OneLine(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
            sb.Append(c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ when char.IsControl(c) => $"\\u{(int)c:x4}", _ => c.ToString() });
        return sb.ToString();
    }
}
