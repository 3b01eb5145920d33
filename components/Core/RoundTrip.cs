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

    public static void Verify(string text, YNode expected)
    {
        YNode actual;
        try { actual = Parse(text); }
        catch (YamlException e) { throw new SynthesisException($"emitted program does not parse as YAML: {e.Message}"); }
        var diff = FirstDifference(expected, actual, "");
        if (diff is not null) throw new SynthesisException($"emitted program does not read back as intended at {diff}");
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

    private static string? FirstDifference(YNode expected, YNode actual, string path)
    {
        switch (expected, actual)
        {
            case (YScalar e, YScalar a):
                if (e.Text != a.Text) return $"{path}: expected text {Show(e.Text)} but read {Show(a.Text)}";
                if (e.Kind != a.Kind) return $"{path}: expected a {e.Kind} but read a {a.Kind} ({Show(a.Text)})";
                return null;
            case (YMap e, YMap a):
                if (e.Entries.Count != a.Entries.Count) return $"{path}: expected {e.Entries.Count} keys but read {a.Entries.Count}";
                for (var i = 0; i < e.Entries.Count; i++)
                {
                    if (e.Entries[i].Key != a.Entries[i].Key) return $"{path}: expected key {Show(e.Entries[i].Key)} but read {Show(a.Entries[i].Key)}";
                    var d = FirstDifference(e.Entries[i].Value, a.Entries[i].Value, path + "." + e.Entries[i].Key);
                    if (d is not null) return d;
                }
                return null;
            case (YSeq e, YSeq a):
                if (e.Items.Count != a.Items.Count) return $"{path}: expected {e.Items.Count} items but read {a.Items.Count}";
                for (var i = 0; i < e.Items.Count; i++)
                {
                    var d = FirstDifference(e.Items[i], a.Items[i], $"{path}[{i}]");
                    if (d is not null) return d;
                }
                return null;
            default:
                return $"{path}: expected a {expected.GetType().Name} but read a {actual.GetType().Name}";
        }
    }

    private static string Show(string s) => "\"" + (s.Length > 60 ? s[..57] + "..." : s).Replace("\n", "\\n") + "\"";
}
