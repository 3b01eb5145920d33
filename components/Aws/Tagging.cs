using Infra.Components.Core;

namespace Infra.Components.Aws;

/// <summary>Tags every AWS resource of a stack carries (set once as the provider's default tags), and Name tags.</summary>
public static class Tagging
{
    public static IReadOnlyDictionary<string, Input<string>> Name(string name) => new Dictionary<string, Input<string>> { ["Name"] = name };

    public static IReadOnlyDictionary<string, Input<string>> With(string name, params (string Key, string Value)[] extra)
    {
        var d = new Dictionary<string, Input<string>> { ["Name"] = name };
        foreach (var (k, v) in extra) d[k] = v;
        return d;
    }
}
