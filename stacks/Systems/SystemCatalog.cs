using Infra.Stacks.Model;

namespace Infra.Stacks.Systems;

/// <summary>The systems this program can deploy. Each call builds a fresh definition.</summary>
public static class SystemCatalog
{
    private static readonly (string Name, Func<SystemDefinition> Define)[] Entries =
    [
        (PinaiSubnet.Name, PinaiSubnet.Define),
        (Pliers.Name, Pliers.Define),
        (ConsensusNet.Name, ConsensusNet.Define),
        (VruPlatform.Name, VruPlatform.Define),
        (NormalDance.Name, NormalDance.Define),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. Entries.Select(e => e.Name)];

    public static SystemDefinition? Find(string name) => Entries.FirstOrDefault(e => e.Name == name).Define?.Invoke();
}
