using System.Globalization;
using System.Text;

namespace Infra.Tests.Schema;

/// <summary>One accessor of a property path: <c>.name</c>, <c>[0]</c> or <c>["key"]</c>.</summary>
internal readonly record struct Accessor(string? Name, int? Index)
{
    public override string ToString() => Index is { } i ? $"[{i}]" : $".{Name}";
}

/// <summary>A <c>${root.a[0]["b"]}</c> reference.</summary>
internal sealed record PropertyPath(string Text, string Root, IReadOnlyList<Accessor> Accessors);

/// <summary>A parsed string: literal text and references.</summary>
internal sealed record Interpolation(IReadOnlyList<object> Parts, string? Error)
{
    /// <summary>Exactly one reference and no text: evaluates to the referenced value with its own type.</summary>
    public PropertyPath? Pure => Error == null && Parts.Count == 1 && Parts[0] is PropertyPath p ? p : null;

    public bool HasReferences => Parts.Any(p => p is PropertyPath);

    public IEnumerable<PropertyPath> References => Parts.OfType<PropertyPath>();
}

/// <summary>Pulumi YAML interpolation rules (ast/interpolation.go, ast/property.go).</summary>
internal static class Expressions
{
    public static Interpolation Parse(string s)
    {
        var parts = new List<object>();
        var text = new StringBuilder();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c != '$' || i + 1 >= s.Length)
            {
                text.Append(c);
                i++;
                continue;
            }
            var next = s[i + 1];
            if (next == '$')
            {
                text.Append('$');
                i += 2;
                continue;
            }
            if (next != '{')
            {
                text.Append('$');
                i++;
                continue;
            }
            var end = FindClose(s, i + 2);
            if (end < 0)
                return new Interpolation(parts, $"unterminated interpolation '${{' at offset {i} in \"{s}\"");
            if (text.Length > 0)
            {
                parts.Add(text.ToString());
                text.Clear();
            }
            var inner = s[(i + 2)..end];
            var path = ParsePath(inner, out var error);
            if (path == null)
                return new Interpolation(parts, $"invalid reference '${{{inner}}}': {error}");
            parts.Add(path);
            i = end + 1;
        }
        if (text.Length > 0) parts.Add(text.ToString());
        return new Interpolation(parts, null);
    }

    private static int FindClose(string s, int start)
    {
        var inQuote = false;
        for (var i = start; i < s.Length; i++)
        {
            var c = s[i];
            if (inQuote)
            {
                if (c == '\\') i++;
                else if (c == '"') inQuote = false;
            }
            else if (c == '"') inQuote = true;
            else if (c == '}') return i;
        }
        return -1;
    }

    internal static PropertyPath? ParsePath(string text, out string error)
    {
        error = "";
        var accessors = new List<Accessor>();
        var i = 0;
        string root;
        if (text.Length == 0)
        {
            error = "empty reference";
            return null;
        }
        if (text[0] == '[')
        {
            var a = ParseBracket(text, ref i, out error);
            if (a is not { Name: { } n }) { error = error.Length > 0 ? error : "the root must be a name"; return null; }
            root = n;
        }
        else
        {
            root = ReadName(text, ref i);
            if (root.Length == 0) { error = "empty root name"; return null; }
        }
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                i++;
                var name = ReadName(text, ref i);
                if (name.Length == 0) { error = "empty property name after '.'"; return null; }
                accessors.Add(new Accessor(name, null));
            }
            else if (text[i] == '[')
            {
                var a = ParseBracket(text, ref i, out error);
                if (a == null) return null;
                accessors.Add(a.Value);
            }
            else
            {
                error = $"unexpected character '{text[i]}'";
                return null;
            }
        }
        return new PropertyPath("${" + text + "}", root, accessors);
    }

    private static string ReadName(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && text[i] != '.' && text[i] != '[') i++;
        return text[start..i];
    }

    private static Accessor? ParseBracket(string text, ref int i, out string error)
    {
        error = "";
        i++; // '['
        if (i < text.Length && text[i] == '"')
        {
            var sb = new StringBuilder();
            i++;
            while (i < text.Length && text[i] != '"')
            {
                if (text[i] == '\\' && i + 1 < text.Length) i++;
                sb.Append(text[i]);
                i++;
            }
            if (i + 1 >= text.Length || text[i + 1] != ']') { error = "unterminated [\"...\"] subscript"; return null; }
            i += 2;
            return new Accessor(sb.ToString(), null);
        }
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        if (i == start || i >= text.Length || text[i] != ']')
        {
            error = "a subscript must be a non-negative integer or a quoted string";
            return null;
        }
        var index = int.Parse(text[start..i], CultureInfo.InvariantCulture);
        i++;
        return new Accessor(null, index);
    }
}
