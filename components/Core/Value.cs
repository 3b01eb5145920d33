using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Infra.Components.Core;

/// <summary>
/// A property value in a Pulumi YAML program: a literal, a collection, or an expression
/// (a reference to another resource's output, a config key, an interpolation or a builtin call).
/// Literal text is escaped by the emitter, so a literal can never turn into an expression.
/// </summary>
public abstract record Value
{
    public static implicit operator Value(string text) => new Str(text);
    public static implicit operator Value(int number) => new Num(number);
    public static implicit operator Value(long number) => new Num(number);
    public static implicit operator Value(double number) => new Num(number);
    public static implicit operator Value(bool flag) => new Bool(flag);

    public static Value List(IEnumerable<Value> items) => new ListValue([.. items]);
    public static Value List(params Value[] items) => new ListValue(items);
    public static Value Strings(IEnumerable<string> items) => new ListValue([.. items.Select(s => (Value)s)]);

    /// <summary>Builds an interpolated string: <c>Value.Format($"redis://:{password}@{host}:6379")</c>.</summary>
    public static Value Format(FormatHandler handler) => handler.Build();

    /// <summary>Every expression inside this value, depth first (used for graph edges and validation).</summary>
    public IEnumerable<Value> Walk()
    {
        if (this is not (ListValue or MapValue or Interpolation or FnCall))
        {
            yield return this; // a leaf: no stack
            yield break;
        }
        var stack = new Stack<Value>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var v = stack.Pop();
            yield return v;
            switch (v)
            {
                case ListValue l: for (var i = l.Items.Count - 1; i >= 0; i--) stack.Push(l.Items[i]); break;
                case MapValue m: for (var i = m.Entries.Count - 1; i >= 0; i--) stack.Push(m.Entries[i].Value); break;
                case Interpolation s: for (var i = s.Parts.Count - 1; i >= 0; i--) stack.Push(s.Parts[i]); break;
                case FnCall f: stack.Push(f.Argument); break;
            }
        }
    }

    /// <summary>True when the value carries a secret (a secret config key or a secret output).</summary>
    public bool IsSecret => Walk().Any(v => v is ConfigRef { Key.Secret: true } or OutputRef { Secret: true } or FnCall { Name: "secret" });
}

public sealed record Str(string Text) : Value;

public sealed record Num(double Number) : Value
{
    public string Render() => Number.ToString("R", CultureInfo.InvariantCulture);
}

public sealed record Bool(bool Flag) : Value;

public sealed record ListValue(IReadOnlyList<Value> Items) : Value;

/// <summary>An ordered map; key order is emission order.</summary>
public sealed record MapValue(IReadOnlyList<KeyValuePair<string, Value>> Entries) : Value
{
    public Value? this[string key]
    {
        get
        {
            for (var i = 0; i < Entries.Count; i++)
                if (string.Equals(Entries[i].Key, key, StringComparison.Ordinal)) return Entries[i].Value;
            return null;
        }
    }
}

/// <summary><c>${resource.path}</c> (or <c>${resource}</c> when Path is empty).</summary>
public sealed record OutputRef(Resource Resource, string Path, bool Secret = false) : Value;

/// <summary><c>${key}</c> for a config key the program declares.</summary>
public sealed record ConfigRef(ConfigKey Key) : Value;

/// <summary>Text with embedded expressions; literal parts are Str.</summary>
public sealed record Interpolation(IReadOnlyList<Value> Parts) : Value;

/// <summary>A Pulumi YAML builtin: <c>fn::Name: Argument</c>.</summary>
public sealed record FnCall(string Name, Value Argument) : Value;

/// <summary>A typed output of a resource, e.g. <c>Output&lt;string&gt;</c> for a network's name.</summary>
public readonly record struct Output<T>(Resource Resource, string Path, bool Secret = false)
{
    public static implicit operator Value(Output<T> o) => new OutputRef(o.Resource, o.Path, o.Secret);
    public Value AsValue() => this;
}

[InterpolatedStringHandler]
public ref struct FormatHandler
{
    private readonly List<Value> _parts;
    private StringBuilder? _text;

    public FormatHandler(int literalLength, int formattedCount)
    {
        _parts = new List<Value>(formattedCount * 2 + 1);
        _text = null;
    }

    public void AppendLiteral(string s) => (_text ??= new StringBuilder()).Append(s);

    public void AppendFormatted<T>(T value)
    {
        switch (value)
        {
            case Value v when v is Str str: AppendLiteral(str.Text); break;
            case Value v when v is Num num: AppendLiteral(num.Render()); break;
            case Value v when v is Interpolation inner:
                foreach (var p in inner.Parts) AppendFormatted(p);
                break;
            case Value v: Flush(); _parts.Add(v); break;
            case IFormattable f: AppendLiteral(f.ToString(null, CultureInfo.InvariantCulture)); break;
            default: AppendLiteral(value?.ToString() ?? ""); break;
        }
    }

    public void AppendFormatted<T>(Output<T> output)
    {
        Flush();
        _parts.Add(output.AsValue());
    }

    private void Flush()
    {
        if (_text is { Length: > 0 }) _parts.Add(new Str(_text.ToString()));
        _text = null;
    }

    public Value Build()
    {
        Flush();
        return _parts.Count switch
        {
            0 => new Str(""),
            1 when _parts[0] is Str s => s,
            _ => new Interpolation(_parts),
        };
    }
}
