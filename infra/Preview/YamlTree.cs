using Infra.Components.Core;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Infra.Cli.Preview;

/// <summary>
/// The smallest tree a YAML document reads into for the diff: scalars (text and whether plain), sequences, and
/// mappings as ordered key/value lists, built straight from YamlDotNet's parser events. Only the first document is
/// read. Anchors and aliases are followed; a duplicate key, a non-scalar key or nesting deeper than
/// <see cref="MaxDepth"/> is an error naming the line. The compiler's own programs are read by
/// <see cref="YamlFastReader"/>; anything else by the parser.
/// </summary>
public static class YamlTree
{
    /// <summary>Deeper than any program (the deepest the compiler prints is about 12), far below the stack's limit.</summary>
    public const int MaxDepth = 128;

    public sealed record Scalar(string Value, bool Plain);

    public sealed record Seq(List<object> Items);

    public sealed record Map(List<KeyValuePair<string, object>> Entries)
    {
        /// <summary>The value under <paramref name="key"/> (linear: for the small mappings looked up by key).</summary>
        public object? Get(string key)
        {
            foreach (var (k, v) in Entries)
                if (k == key) return v;
            return null;
        }
    }

    /// <summary>The first document's root (null for an empty stream).</summary>
    public static object? Read(string text, string origin) =>
        YamlFastReader.TryRead(text, out var root) ? root : ReadWithParser(text, origin);

    /// <summary>The same tree through YamlDotNet's parser (any YAML; the errors name the line).</summary>
    public static object? ReadWithParser(string text, string origin)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        if (parser.Accept<StreamEnd>(out _)) return null;
        parser.Consume<DocumentStart>();
        var anchors = new Dictionary<string, object>(StringComparer.Ordinal);
        return Node(parser, anchors, origin, 0);
    }

    private static object Node(IParser parser, Dictionary<string, object> anchors, string origin, int depth)
    {
        if (depth > MaxDepth)
            throw new InputException(origin, "(document)", null, $"nested deeper than {MaxDepth} levels (line {parser.Current?.Start.Line}): not a program this tool reads");
        var ev = parser.Current ?? throw new InputException(origin, "(document)", null, "ends early: a Pulumi YAML program with resources:");
        parser.MoveNext();
        switch (ev)
        {
            case YamlDotNet.Core.Events.Scalar s:
                var scalar = new Scalar(s.Value, s.Style is ScalarStyle.Plain);
                return Anchored(s.Anchor, scalar, anchors);
            case AnchorAlias a:
                return anchors.TryGetValue(a.Value.Value, out var target) ? target
                    : throw new InputException(origin, "(document)", null, $"alias *{a.Value.Value} before its anchor (line {a.Start.Line})");
            case SequenceStart ss:
                var items = new List<object>();
                var seq = Anchored(ss.Anchor, new Seq(items), anchors);
                while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(Node(parser, anchors, origin, depth + 1));
                return seq;
            case MappingStart ms:
                var entries = new List<KeyValuePair<string, object>>();
                var map = Anchored(ms.Anchor, new Map(entries), anchors);
                HashSet<string>? seen = null;
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var at = parser.Current?.Start.Line;
                    if (Node(parser, anchors, origin, depth + 1) is not Scalar key)
                        throw new InputException(origin, "(document)", null, $"a mapping key that is not text (line {at})");
                    if (entries.Count >= 8)
                    {
                        seen ??= [.. entries.Select(e => e.Key)];
                        if (!seen.Add(key.Value)) Duplicate(origin, key.Value, at);
                    }
                    else if (entries.Exists(e => e.Key == key.Value)) Duplicate(origin, key.Value, at);
                    entries.Add(new(key.Value, Node(parser, anchors, origin, depth + 1)));
                }
                return map;
            default:
                throw new InputException(origin, "(document)", null, $"unexpected {ev.GetType().Name} (line {ev.Start.Line})");
        }
    }

    private static void Duplicate(string origin, string key, long? line) =>
        throw new InputException(origin, ErrorText.Escape(key), null, $"duplicate key (line {line}): every key of a mapping appears once");

    private static T Anchored<T>(AnchorName anchor, T node, Dictionary<string, object> anchors) where T : notnull
    {
        if (!anchor.IsEmpty) anchors[anchor.Value] = node;
        return node;
    }
}
