namespace Infra.Components.Core;

/// <summary>
/// A node of the component tree (CDK-style). Resources created by a component get logical names
/// from the component path, so the flat Pulumi YAML program still carries the tree.
/// </summary>
public abstract class Construct
{
    private readonly List<Construct> _children = [];
    private readonly List<Resource> _resources = [];

    protected Construct(Construct? parent, string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new SynthesisException($"a component under '{parent?.Path ?? "(root)"}' has an empty name");
        Name = name;
        Parent = parent;
        Program = parent?.Program ?? (this as StackProgram ?? throw new SynthesisException("only a StackProgram can be a root component"));
        parent?._children.Add(this);
    }

    public string Name { get; }
    public Construct? Parent { get; }
    public StackProgram Program { get; }
    public IReadOnlyList<Construct> Children => _children;
    public IReadOnlyList<Resource> Resources => _resources;

    /// <summary>Path from the root, e.g. <c>pliers/api</c> (the root program is not part of it).</summary>
    public string Path => Parent is null ? "" : Parent.Parent is null ? Name : Parent.Path + "/" + Name;

    /// <summary>A short description of the component kind, shown by plan.</summary>
    public virtual string Kind => GetType().Name;

    private IEnumerable<string> Segments() => Parent is null ? [] : Parent.Segments().Append(Name);

    /// <summary>
    /// Creates a resource of a generated type, named after this component's path plus <paramref name="localName"/>
    /// (none: the component's own name). The args' properties are emitted in the order they were set.
    /// </summary>
    public Resource<TOutputs> Add<TOutputs>(string? localName, ResourceArgs<TOutputs> args) where TOutputs : IOutputsOf<TOutputs> =>
        (Resource<TOutputs>)Add(localName, (ResourceArgs)args);

    /// <summary>Creates a resource of a generated type chosen at run time (e.g. a package's provider); same naming as above.</summary>
    public Resource Add(string? localName, ResourceArgs args) => Register(args.NewResource(this, LogicalName(localName)), localName);

    /// <summary>
    /// Escape hatch: a resource of a type with no generated binding (a token outside the curated lists), from an
    /// untyped property bag. The schema validator in the tests still checks it; prefer adding the type to the list.
    /// </summary>
    public Resource AddUntyped(string? localName, string type, Props properties) =>
        Register(new UntypedResource(this, LogicalName(localName), type, properties), localName);

    private string LogicalName(string? localName) => Names.Logical(localName is null ? Segments() : Segments().Append(localName));

    private TResource Register<TResource>(TResource resource, string? localName) where TResource : Resource
    {
        Program.Register(resource, Path + (localName is null ? "" : "/" + localName));
        _resources.Add(resource);
        return resource;
    }

    /// <summary>This component's resources and all its descendants', in creation order per component.</summary>
    public IEnumerable<Resource> AllResources() => _resources.Concat(_children.SelectMany(c => c.AllResources()));
}

/// <summary>A plain grouping node.</summary>
public sealed class ComponentGroup(Construct parent, string name, string kind = "Group") : Construct(parent, name)
{
    public override string Kind => kind;
}

public static class FluentExtensions
{
    /// <summary>Runs <paramref name="action"/> on the value and returns it (for post-construction touches).</summary>
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
