namespace Infra.Components.Core;

/// <summary>
/// Provider plugin versions the program pins. They match the schemas vendored in schemas/ that every
/// synthesized program is validated against (see that folder's README for each file's source).
/// </summary>
public static class ProviderVersions
{
    private static readonly Dictionary<string, string> Pinned = new(StringComparer.Ordinal)
    {
        ["aws"] = "7.48.0",
        ["command"] = "1.2.1",
        ["docker"] = "5.2.0",
        ["random"] = "4.21.2",
        ["kubernetes"] = "4.34.2",
    };

    /// <summary>Every package the project can emit today: the plugin-discovery program names all of them.</summary>
    public static IReadOnlyCollection<string> Packages => Pinned.Keys;

    public static string Of(string package) =>
        Pinned.TryGetValue(package, out var v) ? v : throw new SynthesisException($"no pinned version for provider package '{package}'");
}
