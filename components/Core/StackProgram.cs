using Infra.Providers;

namespace Infra.Components.Core;

/// <summary>
/// The root of the component tree for one stack: every resource, declared config key, stack output
/// and note for the operator. <see cref="ProgramEmitter"/> turns it into a Pulumi YAML program.
/// </summary>
public sealed class StackProgram : Construct
{
    private readonly List<Resource> _resources = [];
    private readonly Dictionary<string, (Resource Resource, string Path)> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConfigKey> _config = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, Value>> _outputs = [];
    private readonly Dictionary<string, Resource> _providers = new(StringComparer.Ordinal);

    public StackProgram(string project, string stack) : base(null, project)
    {
        Project = project;
        Stack = stack;
    }

    public string Project { get; }
    public string Stack { get; }

    /// <summary>All resources in creation order.</summary>
    public IReadOnlyList<Resource> AllInOrder => _resources;
    public IReadOnlyCollection<ConfigKey> ConfigKeys => _config.Values;
    public IReadOnlyList<KeyValuePair<string, Value>> Outputs => _outputs;

    /// <summary>Things a target cannot do, or chose to do differently, said aloud by <c>plan</c>.</summary>
    public List<string> Notes { get; } = [];

    internal void Register(Resource resource, string path)
    {
        if (_byName.TryGetValue(resource.Name, out var existing))
            throw new SynthesisException(
                $"two resources have the logical name '{resource.Name}': '{existing.Path}' and '{path}'; rename one of the components");
        _byName.Add(resource.Name, (resource, path));
        _resources.Add(resource);
    }

    public bool Contains(Resource resource) =>
        _byName.TryGetValue(resource.Name, out var r) && ReferenceEquals(r.Resource, resource);

    /// <summary>Declares a config key (idempotent for identical declarations).</summary>
    public ConfigKey DeclareConfig(ConfigKey key)
    {
        if (_config.TryGetValue(key.Name, out var existing))
        {
            if (existing != key)
                throw new SynthesisException($"config key '{key.Name}' is declared twice with different shapes");
            return existing;
        }
        if (_byName.ContainsKey(key.Name))
            throw new SynthesisException($"config key '{key.Name}' clashes with a resource of the same name");
        _config.Add(key.Name, key);
        return key;
    }

    public void Export(string name, Value value)
    {
        if (_outputs.Any(o => o.Key == name)) throw new SynthesisException($"stack output '{name}' is exported twice");
        _outputs.Add(new(name, value));
    }

    /// <summary>
    /// The explicit default provider of a package, pinned to the version our schemas validate.
    /// Every resource of that package uses it without naming it.
    /// </summary>
    public Resource DefaultProvider(string package)
    {
        if (_providers.TryGetValue(package, out var p)) return p;
        var version = ProviderVersions.Of(package);
        p = Add($"provider-{package}", ProviderPackages.NewProvider(package));
        p.Options.Version = version;
        _providers.Add(package, p);
        return p;
    }

    /// <summary>
    /// The default provider of a package with inputs (e.g. the kubernetes provider's kubeconfig from secret config);
    /// same pinning as <see cref="DefaultProvider(string)"/>. Must come before any plain call for the package.
    /// </summary>
    public Resource DefaultProvider(string package, ResourceArgs args)
    {
        if (_providers.ContainsKey(package))
            throw new SynthesisException($"the default provider of '{package}' is already declared");
        var p = Add($"provider-{package}", args);
        p.Options.Version = ProviderVersions.Of(package);
        _providers.Add(package, p);
        return p;
    }

    public IReadOnlyCollection<Resource> Providers => _providers.Values;
}
