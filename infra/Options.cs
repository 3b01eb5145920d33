using Infra.Components.Core;

namespace Infra.Cli;

/// <summary>Command-line options: <c>--name value</c> pairs; repeatable ones collect every value.</summary>
public sealed class Options
{
    private static readonly HashSet<string> Known = ["stack", "system", "env", "target", "image", "replicas", "port", "root", "runs", "sizes", "generated", "tls", "state", "format", "max-chars", "from", "to", "dry-run", "host", "acme-email"];
    /// <summary>Options that take no value (<c>--dry-run</c>).</summary>
    private static readonly HashSet<string> Flags = ["dry-run"];
    private static readonly HashSet<string> Repeatable = ["image", "replicas", "port"];
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
                throw new InputException("command line", a, null, "options start with -- (see infra --help)");
            var eq = a.IndexOf('=');
            var name = eq > 0 ? a[2..eq] : a[2..];
            if (!Known.Contains(name))
                throw new InputException("command line", "--" + name, null, "unknown option; known: " + string.Join(", ", Known.Order().Select(k => "--" + k)));
            string value;
            if (Flags.Contains(name))
            {
                if (eq > 0) throw new InputException("command line", "--" + name, null, "takes no value");
                value = "true";
            }
            else if (eq > 0) value = a[(eq + 1)..];
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
            else throw new InputException("command line", "--" + name, null, "needs a value");
            if (value.Length == 0) throw new InputException("command line", "--" + name, null, "needs a value; it is empty");
            if (!o._values.TryGetValue(name, out var list)) o._values[name] = list = [];
            if (list.Count > 0 && !Repeatable.Contains(name))
                throw new InputException("command line", "--" + name, value, "given twice; it takes one value");
            list.Add(value);
        }
        return o;
    }

    public string? Get(string name) => _values.TryGetValue(name, out var l) ? l[0] : null;
    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var l) ? l : [];
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary><c>--image api=ghcr.io/x/api:1</c> style pairs.</summary>
    public IReadOnlyDictionary<string, string> Pairs(string name)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in All(name))
        {
            var eq = v.IndexOf('=');
            if (eq <= 0 || eq == v.Length - 1) throw new InputException("command line", "--" + name, v, "takes SERVICE=VALUE");
            if (!d.TryAdd(v[..eq], v[(eq + 1)..])) throw new InputException("command line", "--" + name, v, $"'{v[..eq]}' is given twice");
        }
        return d;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        var v = Get(name);
        if (v is null) return fallback;
        return int.TryParse(v, out var n) && n >= min && n <= max ? n : throw new InputException("command line", "--" + name, v, $"a whole number from {min} to {max}");
    }
}
