using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Infra.Components.Core;

/// <summary>
/// Reads emitted text back with a YAML parser and checks it is exactly the intended document:
/// one document, no anchors or aliases, every scalar the same text and the same type.
/// </summary>
public static class RoundTrip
{
    public static YNode Parse(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        parser.Consume<DocumentStart>();
        var node = Read(parser);
        parser.Consume<DocumentEnd>();
        if (!parser.Accept<StreamEnd>(out _)) throw new SynthesisException("emitted program has more than one YAML document");
        return node;
    }

    /// <summary>Streams the parser's events against the expected tree (no second tree is built).</summary>
    public static void Verify(string text, YNode expected) => Verify(new StringReader(text), (parser, fail) =>
    {
        if (Compare(parser, expected, "") is { } diff) fail(diff);
    });

    public static void Verify(byte[] utf8, YNode expected) => Verify(new ArraySegment<byte>(utf8), expected);

    public static void Verify(ArraySegment<byte> utf8, YNode expected) => Verify(Reader(utf8), (parser, fail) =>
    {
        if (Compare(parser, expected, "") is { } diff) fail(diff);
    });

    /// <summary>Streams the parser's events against the document as the emitter was given it, resource by resource.</summary>
    internal static void Verify(Stream utf8, ProgramEmitter.DocumentParts expected) =>
        Verify(new StreamReader(utf8, new UTF8Encoding(false, throwOnInvalidBytes: true), false, 1 << 16),
            (parser, fail) => expected.Write(new VerifySink(parser, fail)));

    private static StreamReader Reader(ArraySegment<byte> utf8) =>
        new(new MemoryStream(utf8.Array!, utf8.Offset, utf8.Count, writable: false), new UTF8Encoding(false, throwOnInvalidBytes: true));

    private static void Verify(TextReader reader, Action<IParser, Action<string>> compare)
    {
        try
        {
            var parser = new Parser(reader);
            parser.Consume<StreamStart>();
            parser.Consume<DocumentStart>();
            compare(parser, diff => throw new SynthesisException($"emitted program does not read back as intended at {diff}"));
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _)) throw new SynthesisException("emitted program has more than one YAML document");
        }
        catch (YamlException e) { throw new SynthesisException($"emitted program does not parse as YAML: {e.Message}"); }
    }

    /// <summary>The replayed document against the parser: the same checks and messages as <see cref="Compare"/>.</summary>
    private sealed class VerifySink(IParser parser, Action<string> fail) : ProgramEmitter.IDocumentSink
    {
        private string? _map; // the open top-level or resources mapping's path ("" for the document)

        public void BeginMap(string? key, bool empty)
        {
            var path = key is null ? "" : Key(key);
            if (!parser.TryConsume<MappingStart>(out var ms)) fail($"{path}: expected a mapping");
            else if (!ms.Anchor.IsEmpty) fail($"{path}: an anchor");
            _map = path;
        }

        public void Entry(string key, YNode value)
        {
            var path = Key(key);
            if (Compare(parser, value, path) is { } diff) fail(diff);
        }

        public void EndMap()
        {
            if (!parser.TryConsume<MappingEnd>(out _)) fail($"{_map}: more keys than intended");
            _map = "";
        }

        private string Key(string key)
        {
            var path = _map ?? "";
            if (!parser.TryConsume<Scalar>(out var k)) fail($"{path}: expected key {Show(key)}");
            else if (k.Value != key) fail($"{path}: expected key {Show(key)} but read {Show(k.Value)}");
            return path.Length == 0 ? key : path + "." + key;
        }
    }

    private static string? Compare(IParser parser, YNode expected, string path) => new Comparer(parser, path).Compare(expected);

    /// <summary>
    /// Compares one node tree with the parser's events. The path of the node being compared (for the message) is kept
    /// as segments and turned into text only when something differs: a large program allocates no path strings.
    /// </summary>
    private sealed class Comparer(IParser parser, string root)
    {
        private readonly List<(string? Key, int Index)> _at = [];

        private string Path
        {
            get
            {
                var path = root;
                foreach (var (key, index) in _at)
                    path = key is null ? $"{path}[{index}]" : path.Length == 0 ? key : path + "." + key;
                return path;
            }
        }

        public string? Compare(YNode expected)
        {
            switch (expected)
            {
                case YScalar e:
                    if (!parser.TryConsume<Scalar>(out var s)) return $"{Path}: expected a scalar";
                    if (!s.Anchor.IsEmpty) return $"{Path}: an anchor";
                    if (s.Value != e.Text) return $"{Path}: expected text {Show(e.Text)} but read {Show(s.Value)}";
                    var kind = s.Style == ScalarStyle.Plain ? YamlScalars.ResolvePlain(s.Value) : ScalarKind.String;
                    return kind == e.Kind ? null : $"{Path}: expected a {e.Kind} but read a {kind} ({Show(s.Value)})";
                case YMap m:
                    if (!parser.TryConsume<MappingStart>(out var ms)) return $"{Path}: expected a mapping";
                    if (!ms.Anchor.IsEmpty) return $"{Path}: an anchor";
                    foreach (var (key, value) in m.Entries)
                    {
                        if (!parser.TryConsume<Scalar>(out var k)) return $"{Path}: expected key {Show(key)}";
                        if (k.Value != key) return $"{Path}: expected key {Show(key)} but read {Show(k.Value)}";
                        _at.Add((key, -1));
                        var d = Compare(value);
                        _at.RemoveAt(_at.Count - 1);
                        if (d is not null) return d;
                    }
                    return parser.TryConsume<MappingEnd>(out _) ? null : $"{Path}: more keys than intended";
                case YSeq q:
                    if (!parser.TryConsume<SequenceStart>(out var ss)) return $"{Path}: expected a sequence";
                    if (!ss.Anchor.IsEmpty) return $"{Path}: an anchor";
                    for (var i = 0; i < q.Items.Count; i++)
                    {
                        _at.Add((null, i));
                        var d = Compare(q.Items[i]);
                        _at.RemoveAt(_at.Count - 1);
                        if (d is not null) return d;
                    }
                    return parser.TryConsume<SequenceEnd>(out _) ? null : $"{Path}: more items than intended";
                default:
                    return $"{Path}: unknown node";
            }
        }
    }

    private static YNode Read(IParser parser)
    {
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            if (!scalar.Anchor.IsEmpty) throw new SynthesisException("emitted program contains a YAML anchor");
            var kind = scalar.Style == ScalarStyle.Plain ? YamlScalars.ResolvePlain(scalar.Value) : ScalarKind.String;
            return new YScalar(scalar.Value, kind);
        }
        if (parser.TryConsume<MappingStart>(out var ms))
        {
            if (!ms.Anchor.IsEmpty) throw new SynthesisException("emitted program contains a YAML anchor");
            var entries = new List<KeyValuePair<string, YNode>>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = parser.Consume<Scalar>().Value;
                entries.Add(new(key, Read(parser)));
            }
            return new YMap(entries);
        }
        if (parser.TryConsume<SequenceStart>(out var ss))
        {
            if (!ss.Anchor.IsEmpty) throw new SynthesisException("emitted program contains a YAML anchor");
            var items = new List<YNode>();
            while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(Read(parser));
            return new YSeq(items);
        }
        if (parser.Accept<AnchorAlias>(out _)) throw new SynthesisException("emitted program contains a YAML alias");
        throw new SynthesisException("emitted program has an unexpected YAML event");
    }

    private static string Show(string s) => "\"" + (s.Length > 60 ? s[..57] + "..." : s).Replace("\n", "\\n") + "\"";
}
