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
        : base($"{file}: {key}{(value is null ? "" : $" = {Quote(value)}")}: {allowed}")
    {
        File = file;
        Key = key;
    }

    public string File { get; }
    public string Key { get; }

    private static string Quote(string value)
    {
        var shown = value.Length > 80 ? value[..77] + "..." : value;
        return "'" + shown.Replace("\n", "\\n").Replace("\r", "\\r") + "'";
    }
}
