namespace Infra.Cli.Preview;

/// <summary>
/// Which input changes make the provider replace a resource instead of updating it in place. There is no provider
/// here to ask (the engine asks it during <c>pulumi preview</c>), so this is a small table per type, read from the
/// providers' behaviour: the docker provider (bridged from kreuzwerker/docker) updates a container in place only
/// for its restart policy and resource limits and recreates it for anything else; networks, volumes and random
/// passwords have no in-place update at all. The diff therefore says "may replace", never "replaces".
/// A resource's own <c>replaceOnChanges</c> option adds to the table.
/// </summary>
public static class ReplacementRules
{
    /// <summary>Types whose every input forces a replacement.</summary>
    private static readonly HashSet<string> AllInputs = new(StringComparer.Ordinal)
    {
        "docker:index/network:Network",
        "docker:index/volume:Volume",
        "random:index/randomPassword:RandomPassword",
        "random:index/randomString:RandomString",
    };

    /// <summary>Types that update in place except for the listed inputs.</summary>
    private static readonly Dictionary<string, string[]> Listed = new(StringComparer.Ordinal)
    {
        ["docker:index/remoteImage:RemoteImage"] = ["name", "build", "platform", "pullTriggers", "triggers"],
        ["docker:index/image:Image"] = ["imageName", "build", "registry"],
    };

    /// <summary>Types that replace for every input except the listed ones (updated in place).</summary>
    private static readonly Dictionary<string, string[]> InPlaceOnly = new(StringComparer.Ordinal)
    {
        ["docker:index/container:Container"] =
        [
            "restart", "maxRetryCount", "cpuShares", "cpuSet", "memory", "memorySwap",
            // provider-side behaviour, not container configuration
            "mustRun", "wait", "waitTimeout", "destroyGraceSeconds", "start", "attach", "logs", "rm",
        ],
    };

    /// <summary>True when a change of top-level input <paramref name="property"/> may replace a resource of <paramref name="type"/>.</summary>
    public static bool ForcesReplacement(string type, string property, IReadOnlyCollection<string> replaceOnChanges)
    {
        if (replaceOnChanges.Contains("*") || replaceOnChanges.Contains(property)) return true;
        if (type.StartsWith("pulumi:providers:", StringComparison.Ordinal)) return false;
        if (AllInputs.Contains(type)) return true;
        if (Listed.TryGetValue(type, out var listed)) return listed.Contains(property);
        if (InPlaceOnly.TryGetValue(type, out var inPlace)) return !inPlace.Contains(property);
        return false;
    }

    /// <summary>The table as the README documents it (kept next to the code so the two cannot drift).</summary>
    public static IEnumerable<(string Type, string Rule)> Describe()
    {
        foreach (var (t, inPlace) in InPlaceOnly) yield return (t, "any input except " + string.Join(", ", inPlace) + " (updated in place)");
        foreach (var (t, listed) in Listed) yield return (t, string.Join(", ", listed));
        foreach (var t in AllInputs) yield return (t, "any input");
        yield return ("pulumi:providers:*", "none (a provider's version or config is updated in place)");
    }
}
