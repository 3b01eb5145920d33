using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Infra.Components.Core;

/// <summary>
/// Writes a <see cref="StackProgram"/> as a Pulumi YAML program: deterministic (same graph, same bytes),
/// no anchors or aliases, every literal <c>$</c> doubled, every scalar that could be misread quoted.
/// The text is parsed back and compared with what was meant before it is returned.
/// </summary>
public static class ProgramEmitter
{
    public static string Emit(StackProgram program) => Encoding.UTF8.GetString(EmitUtf8(program));

    /// <summary>The program as UTF-8 bytes, verified by reading them back.</summary>
    public static byte[] EmitUtf8(StackProgram program) => EmitUtf8Segment(program).ToArray();

    /// <summary>
    /// The program as UTF-8 bytes (a view of the output buffer, no copy), verified by reading them back. The
    /// document is streamed resource by resource: each resource's node tree is built when it is written and
    /// again when its text is read back, so no tree of the whole program is ever held (memory is the model plus
    /// the text, and short-lived garbage).
    /// </summary>
    public static ArraySegment<byte> EmitUtf8Segment(StackProgram program)
    {
        IReadOnlyList<Resource> ordered;
        using (Phases.Time("validation")) ordered = ProgramGraph.Validate(program);
        var parts = new DocumentParts(program, ordered);
        // The read-back check parses the text on a second thread while it is being written (the two take about
        // the same time): the writer never waits for it, and it sees the end once the writer completes the buffer.
        var buffer = new GrowingBuffer(4096 + ordered.Count * 768); // ~700 bytes a resource: one block
        var verify = Task.Factory.StartNew(() =>
        {
            using (Phases.Time("round-trip verify")) RoundTrip.Verify(buffer.OpenReader(), parts);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            using (Phases.Time("emit"))
            using (var writer = new StreamWriter(buffer.OpenWriter(), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" })
            {
                var emitter = new Emitter(writer, 2, int.MaxValue, false);
                emitter.Emit(new StreamStart());
                emitter.Emit(new DocumentStart(null, null, true));
                parts.Write(new EmitterSink(emitter));
                emitter.Emit(new DocumentEnd(true));
                emitter.Emit(new StreamEnd());
            }
        }
        finally
        {
            buffer.Complete();
        }
        using (Phases.Time("verify wait")) verify.GetAwaiter().GetResult(); // the check's own exception, not an AggregateException
        return buffer.Content();
    }

    /// <summary>
    /// The top-level document, in order: name, config, resources (one entry per resource, its node built on demand),
    /// outputs. Written by the emitter and replayed by the round-trip check; the same nodes as <see cref="BuildDocument"/>.
    /// </summary>
    internal sealed class DocumentParts(StackProgram program, IReadOnlyList<Resource> ordered)
    {
        private readonly HashSet<Resource> _defaults = program.Providers.ToHashSet();

        public void Write(IDocumentSink sink)
        {
            sink.BeginMap(null, empty: false);
            sink.Entry("name", YScalar.String(program.Project));
            if (ConfigNode(program) is { } config) sink.Entry("config", config);
            sink.BeginMap("resources", ordered.Count == 0);
            foreach (var r in ordered) sink.Entry(r.Name, ResourceNode(r, _defaults.Contains(r)));
            sink.EndMap();
            if (OutputsNode(program) is { } outputs) sink.Entry("outputs", outputs);
            sink.EndMap();
        }
    }

    /// <summary>Receives the document's top-level structure; entries below it arrive as whole (small) node trees.</summary>
    internal interface IDocumentSink
    {
        void BeginMap(string? key, bool empty);
        void Entry(string key, YNode value);
        void EndMap();
    }

    private sealed class EmitterSink(IEmitter emitter) : IDocumentSink
    {
        public void BeginMap(string? key, bool empty)
        {
            if (key is not null) WriteKey(emitter, key);
            emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, empty ? MappingStyle.Flow : MappingStyle.Block));
        }

        public void Entry(string key, YNode value)
        {
            WriteKey(emitter, key);
            WriteNode(emitter, value);
        }

        public void EndMap() => emitter.Emit(new MappingEnd());
    }

    /// <summary>The program as a node tree (what the text must read back as).</summary>
    public static YMap BuildDocument(StackProgram program, IReadOnlyList<Resource> ordered)
    {
        var top = new List<KeyValuePair<string, YNode>> { new("name", YScalar.String(program.Project)) };
        if (ConfigNode(program) is { } config) top.Add(new("config", config));
        var defaults = program.Providers.ToHashSet();
        var resources = new List<KeyValuePair<string, YNode>>(ordered.Count);
        foreach (var r in ordered) resources.Add(new(r.Name, ResourceNode(r, defaults.Contains(r))));
        top.Add(new("resources", new YMap(resources)));
        if (OutputsNode(program) is { } outputs) top.Add(new("outputs", outputs));
        return new YMap(top);
    }

    private static YMap? ConfigNode(StackProgram program)
    {
        if (program.ConfigKeys.Count == 0) return null;
        var cfg = new List<KeyValuePair<string, YNode>>();
        foreach (var key in program.ConfigKeys.OrderBy(k => k.Name, StringComparer.Ordinal))
        {
            var decl = new List<KeyValuePair<string, YNode>> { new("type", YScalar.String(TypeName(key.Type))) };
            if (key.Secret) decl.Add(new("secret", new YScalar("true", ScalarKind.Bool)));
            if (key.Default is not null) decl.Add(new("default", Convert(key.Default)));
            cfg.Add(new(key.Name, new YMap(decl)));
        }
        return new YMap(cfg);
    }

    private static YMap? OutputsNode(StackProgram program) =>
        program.Outputs.Count == 0 ? null : new YMap([.. program.Outputs.Select(o => new KeyValuePair<string, YNode>(o.Key, Convert(o.Value)))]);

    private static string TypeName(ConfigType t) => t switch
    {
        ConfigType.String => "string",
        ConfigType.Integer => "integer",
        ConfigType.Boolean => "boolean",
        ConfigType.Number => "number",
        _ => "object",
    };

    private static YNode ResourceNode(Resource r, bool isDefaultProvider)
    {
        var entries = new List<KeyValuePair<string, YNode>> { new("type", YScalar.String(r.Type)) };
        if (isDefaultProvider) entries.Add(new("defaultProvider", new YScalar("true", ScalarKind.Bool)));
        if (r.Properties.Count > 0) entries.Add(new("properties", Convert(r.Properties.ToMap())));
        var opts = OptionsNode(r.Options);
        if (opts.Entries.Count > 0) entries.Add(new("options", opts));
        return new YMap(entries);
    }

    private static YMap OptionsNode(ResourceOptions o)
    {
        var e = new List<KeyValuePair<string, YNode>>();
        static YScalar B(bool b) => new(b ? "true" : "false", ScalarKind.Bool);
        static YSeq L(IEnumerable<string> items) => new([.. items.Select(YScalar.String)]);
        if (o.Protect is { } protect) e.Add(new("protect", B(protect)));
        if (o.RetainOnDelete is { } retain) e.Add(new("retainOnDelete", B(retain)));
        if (o.DeleteBeforeReplace is { } dbr) e.Add(new("deleteBeforeReplace", B(dbr)));
        if (o.DependsOn.Count > 0) e.Add(new("dependsOn", L(o.DependsOn.Select(d => "${" + d.Name + "}"))));
        if (o.Provider is { } p) e.Add(new("provider", YScalar.String("${" + p.Name + "}")));
        if (o.IgnoreChanges.Count > 0) e.Add(new("ignoreChanges", L(o.IgnoreChanges)));
        if (o.ReplaceOnChanges.Count > 0) e.Add(new("replaceOnChanges", L(o.ReplaceOnChanges)));
        if (o.AdditionalSecretOutputs.Count > 0) e.Add(new("additionalSecretOutputs", L(o.AdditionalSecretOutputs)));
        if (o.Aliases.Count > 0) e.Add(new("aliases", L(o.Aliases)));
        if (o.CustomTimeouts is { } ct)
        {
            var t = new List<KeyValuePair<string, YNode>>();
            if (ct.Create is not null) t.Add(new("create", YScalar.String(ct.Create)));
            if (ct.Update is not null) t.Add(new("update", YScalar.String(ct.Update)));
            if (ct.Delete is not null) t.Add(new("delete", YScalar.String(ct.Delete)));
            e.Add(new("customTimeouts", new YMap(t)));
        }
        if (o.Version is not null) e.Add(new("version", YScalar.String(o.Version)));
        return new YMap(e);
    }

    /// <summary>Converts a value to the node the host must read; literal text has every <c>$</c> doubled.</summary>
    public static YNode Convert(Value value) => value switch
    {
        Str s => YScalar.String(Escape(s.Text)),
        Num n => new YScalar(RenderNumber(n.Number), ScalarKind.Number),
        Bool b => new YScalar(b.Flag ? "true" : "false", ScalarKind.Bool),
        ListValue l => new YSeq([.. l.Items.Select(Convert)]),
        MapValue m => new YMap([.. m.Entries.Select(e => new KeyValuePair<string, YNode>(e.Key, Convert(e.Value)))]),
        OutputRef o => YScalar.String("${" + o.Resource.Name + (o.Path.Length == 0 ? "" : (o.Path[0] == '[' ? "" : ".") + o.Path) + "}"),
        ConfigRef c => YScalar.String("${" + c.Key.Name + "}"),
        Interpolation i => YScalar.String(string.Concat(i.Parts.Select(InterpolationPart))),
        FnCall f => new YMap([new("fn::" + f.Name, Convert(f.Argument))]),
        _ => throw new SynthesisException($"cannot emit value of kind {value.GetType().Name}"),
    };

    private static string InterpolationPart(Value part) => part switch
    {
        Str s => Escape(s.Text),
        Num n => RenderNumber(n.Number),
        Bool b => b.Flag ? "true" : "false",
        OutputRef or ConfigRef => ((YScalar)Convert(part)).Text,
        _ => throw new SynthesisException($"a {part.GetType().Name} cannot be part of an interpolated string"),
    };

    /// <summary>Doubles every <c>$</c>: the YAML host reads <c>$$</c> as <c>$</c> and <c>${</c> as an expression.</summary>
    public static string Escape(string literal) => literal.Contains('$') ? literal.Replace("$", "$$") : literal;

    public static string RenderNumber(double d) =>
        d == Math.Floor(d) && Math.Abs(d) < 1e15 ? ((long)d).ToString(CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);

    public static string Write(YNode doc) => Encoding.UTF8.GetString(WriteUtf8(doc));

    public static byte[] WriteUtf8(YNode doc)
    {
        // Pre-size for the usual ~700 bytes a resource, so a large program does not grow the buffer by doubling.
        var resources = doc is YMap top && top.Entries.FirstOrDefault(e => e.Key == "resources").Value is YMap r ? r.Entries.Count : 0;
        var stream = new MemoryStream(4096 + resources * 768);
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" })
        {
            var emitter = new Emitter(writer, 2, int.MaxValue, false);
            emitter.Emit(new StreamStart());
            emitter.Emit(new DocumentStart(null, null, true));
            WriteNode(emitter, doc);
            emitter.Emit(new DocumentEnd(true));
            emitter.Emit(new StreamEnd());
        }
        return stream.ToArray();
    }

    private static void WriteNode(IEmitter emitter, YNode node)
    {
        switch (node)
        {
            case YMap m:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, m.Entries.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (k, v) in m.Entries)
                {
                    WriteKey(emitter, k);
                    WriteNode(emitter, v);
                }
                emitter.Emit(new MappingEnd());
                break;
            case YSeq s:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, s.Items.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in s.Items) WriteNode(emitter, item);
                emitter.Emit(new SequenceEnd());
                break;
            case YScalar sc:
                WriteScalar(emitter, sc);
                break;
        }
    }

    private static void WriteScalar(IEmitter emitter, YScalar s) => WriteScalar(emitter, s.Text, s.Kind);

    /// <summary>A mapping key: a string scalar (no node allocated for it).</summary>
    private static void WriteKey(IEmitter emitter, string key) => WriteScalar(emitter, key, ScalarKind.String);

    private static void WriteScalar(IEmitter emitter, string text, ScalarKind kind)
    {
        ScalarStyle style;
        if (kind != ScalarKind.String) style = ScalarStyle.Plain;
        else if (text.Contains('\n') && IsBlockFriendly(text)) style = ScalarStyle.Literal;
        else style = YamlScalars.IsSafePlain(text) ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted;
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, style, style == ScalarStyle.Plain, style != ScalarStyle.Plain));
    }

    /// <summary>Literal blocks cannot carry trailing spaces, tabs at line starts, or control characters faithfully.</summary>
    private static bool IsBlockFriendly(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Length > 0 && (line[^1] == ' ' || line[^1] == '\t')) return false;
            foreach (var ch in line)
                if (ch == '\r' || ch == '\t' || char.IsControl(ch) || ch == '\uFEFF' || char.IsSurrogate(ch)) return false;
        }
        return !text.StartsWith(' ') && !text.StartsWith('\n');
    }
}
