namespace Infra.Components.Core;

/// <summary>
/// A typed input of a generated resource or object type: a literal <typeparamref name="T"/>, a typed
/// <see cref="Output{T}"/> of another resource, or an expression (<see cref="ConfigRef"/>, an interpolation
/// from <see cref="Value.Format"/>, a builtin call). A literal of the wrong kind (text where a number is
/// wanted) is refused when the input is made, naming what was given.
/// </summary>
public readonly struct Input<T>
{
    private Input(Value value) => Value = value;

    /// <summary>What the emitter writes.</summary>
    public Value Value { get; }

    public static implicit operator Input<T>(T literal) => new(InputValues.FromLiteral(literal));
    public static implicit operator Input<T>(Output<T> output) => new(output);

    /// <summary>An expression (config reference, interpolation, builtin call) or a literal of the right kind.</summary>
    public static implicit operator Input<T>(Value value) => new(InputValues.Check<T>(value));

    public override string ToString() => Value.ToString();
}

/// <summary>Helpers for inputs whose source may be absent.</summary>
public static class Input
{
    /// <summary>Text that may be null: the property stays unset when it is (a null literal is refused, see <see cref="Input{T}"/>).</summary>
    public static Input<string>? Optional(string? text) => text is null ? null : new Input<string>?(text);
}

/// <summary>A schema enum or other value with a fixed wire form (generated enum types implement it).</summary>
public interface IWireValue
{
    Value ToWire();
}

/// <summary>The typed outputs of a generated resource type, read off a <see cref="Resource"/>.</summary>
public interface IOutputsOf<TSelf> where TSelf : IOutputsOf<TSelf>
{
    static abstract TSelf Of(Resource resource);
}

internal static class InputValues
{
    public static Value FromLiteral<T>(T literal) => literal switch
    {
        null => throw new SynthesisException($"a null literal was given for an input of type {typeof(T).Name}; leave the property unset instead"),
        Value v => v,
        string s => new Str(s),
        bool b => new Bool(b),
        int i => new Num(i),
        long l => new Num(l),
        double d => new Num(d),
        IWireValue w => w.ToWire(),
        InputObject o => o.ToValue(),
        _ => throw new SynthesisException($"a literal of type {literal.GetType().Name} cannot be an input of type {typeof(T).Name}"),
    };

    /// <summary>Literals must match the declared kind; expressions are checked by the engine against the schema.</summary>
    public static Value Check<T>(Value value)
    {
        var ok = value switch
        {
            Str => typeof(T) == typeof(string) || typeof(IWireValue).IsAssignableFrom(typeof(T)) || typeof(T) == typeof(object),
            Num => typeof(T) == typeof(double) || typeof(T) == typeof(int) || typeof(T) == typeof(long) || typeof(T) == typeof(object),
            Bool => typeof(T) == typeof(bool) || typeof(T) == typeof(object),
            _ => true,
        };
        return ok ? value : throw new SynthesisException($"a {Describe(value)} literal cannot be an input of type {typeof(T).Name}");
    }

    private static string Describe(Value v) => v switch { Str => "text", Num => "number", Bool => "boolean", _ => v.GetType().Name };
}

/// <summary>
/// Base of every generated object type (resource inputs and nested input types). Properties are recorded in
/// the order they are set, so an object initializer decides the order of keys in the program.
/// </summary>
public abstract class InputObject
{
    private readonly Props _props = new();

    /// <summary>
    /// Escape hatch for a property the vendored schema lacks: <c>args.Extra.Set("newField", value)</c>.
    /// Anything set here is still checked by the schema validator in tests; prefer adding the field to the schema.
    /// </summary>
    public Props Extra => _props;

    public Value ToValue() => _props.ToMap();
    internal Props ToProps() => _props;

    protected void Set<T>(string key, Input<T>? value) => _props.Set(key, value?.Value);

    protected void Set<T>(string key, Input<T> value) => _props.Set(key, value.Value);

    protected void Set(string key, InputObject? value) => _props.Set(key, value?.ToValue());

    /// <summary>Lists are emitted only when they have items (an empty list and an absent one mean the same to providers).</summary>
    protected void Set<T>(string key, IReadOnlyList<Input<T>>? items)
    {
        if (items is null) return;
        if (items.Count == 0) { _props.Remove(key); return; }
        var values = new Value[items.Count];
        for (var i = 0; i < values.Length; i++) values[i] = items[i].Value;
        _props.Set(key, new ListValue(values));
    }

    protected void SetObjects<T>(string key, IReadOnlyList<T>? items) where T : InputObject
    {
        if (items is null) return;
        if (items.Count == 0) { _props.Remove(key); return; }
        var values = new Value[items.Count];
        for (var i = 0; i < values.Length; i++) values[i] = items[i].ToValue();
        _props.Set(key, new ListValue(values));
    }

    /// <summary>Maps keep the order they were built in.</summary>
    protected void Set<T>(string key, IReadOnlyDictionary<string, Input<T>>? map)
    {
        if (map is null) return;
        _props.Set(key, new MapValue([.. map.Select(e => new KeyValuePair<string, Value>(e.Key, e.Value.Value))]));
    }

    protected void SetObjects<T>(string key, IReadOnlyDictionary<string, T>? map) where T : InputObject
    {
        if (map is null) return;
        _props.Set(key, new MapValue([.. map.Select(e => new KeyValuePair<string, Value>(e.Key, e.Value.ToValue()))]));
    }

    /// <summary>An untyped value (the schema says <c>Any</c>, an asset or archive, or a union).</summary>
    protected void SetAny(string key, Value? value) => _props.Set(key, value);
}

/// <summary>The inputs of one generated resource type, with its type token.</summary>
public abstract class ResourceArgs : InputObject
{
    /// <summary>Canonical type token, e.g. <c>docker:index/container:Container</c>.</summary>
    public abstract string Token { get; }

    /// <summary>The resource these inputs make, typed by the generated outputs.</summary>
    internal abstract Resource NewResource(Construct owner, string name);
}

/// <summary>A generated resource type whose typed outputs are <typeparamref name="TOutputs"/>.</summary>
public abstract class ResourceArgs<TOutputs> : ResourceArgs where TOutputs : IOutputsOf<TOutputs>
{
    internal sealed override Resource NewResource(Construct owner, string name) => new Resource<TOutputs>(owner, name, Token, ToProps());
}

/// <summary>A resource made from generated args: the resource plus its typed outputs.</summary>
public sealed class Resource<TOutputs> : Resource where TOutputs : IOutputsOf<TOutputs>
{
    internal Resource(Construct owner, string name, string type, Props properties) : base(owner, name, type, properties)
    {
    }

    public TOutputs Outputs => TOutputs.Of(this);
}
