namespace Infra.Components.Core;

/// <summary>
/// Ordered property bag; null values are skipped so optional inputs stay absent. It stores the inputs of every
/// resource; written by hand it is the escape hatch for a type with no generated binding (<see cref="Construct.AddUntyped"/>)
/// or a field the vendored schema lacks (<see cref="InputObject.Extra"/>).
/// </summary>
public sealed class Props : IEnumerable<KeyValuePair<string, Value>>
{
    private readonly List<KeyValuePair<string, Value>> _entries = [];
    private MapValue? _map; // ToMap's snapshot until the next change

    public Props Set(string key, Value? value)
    {
        if (value is null) return this;
        _map = null;
        var i = IndexOf(key);
        if (i >= 0) _entries[i] = new(key, value);
        else _entries.Add(new(key, value));
        return this;
    }

    public Props Set(string key, string? text) => text is null ? this : Set(key, (Value)text);
    public Props Set(string key, int? number) => number is null ? this : Set(key, (Value)number.Value);
    public Props Set(string key, bool? flag) => flag is null ? this : Set(key, (Value)flag.Value);

    /// <summary>Sets a list only when it has items.</summary>
    public Props SetList(string key, IEnumerable<Value> items)
    {
        var list = items as IReadOnlyList<Value> ?? [.. items];
        return list.Count == 0 ? this : Set(key, new ListValue(list));
    }

    public Props Remove(string key)
    {
        _map = null;
        _entries.RemoveAll(e => e.Key == key);
        return this;
    }

    public Value? Get(string key) => IndexOf(key) is var i and >= 0 ? _entries[i].Value : null;

    private int IndexOf(string key)
    {
        for (var i = 0; i < _entries.Count; i++)
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal)) return i;
        return -1;
    }

    /// <summary>Collection-initializer support: <c>new Props { ["name"] = "x" }</c>.</summary>
    public Value? this[string key] { get => Get(key); set => Set(key, value); }

    public int Count => _entries.Count;

    /// <summary>An immutable snapshot of the entries (the same instance until the bag changes).</summary>
    public MapValue ToMap() => _map ??= new([.. _entries]);

    public static implicit operator Value(Props props) => props.ToMap();

    public IEnumerator<KeyValuePair<string, Value>> GetEnumerator() => _entries.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
