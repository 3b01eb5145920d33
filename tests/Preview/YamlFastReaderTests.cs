using FsCheck;
using FsCheck.Fluent;
using Infra.Cli.Preview;
using Infra.Components.Core;
using Infra.Stacks.Systems;
using Infra.Tests.Programs;

namespace Infra.Tests.Preview;

/// <summary>
/// The diff reads programs with <see cref="YamlFastReader"/> and falls back to YamlDotNet's parser: both must give the
/// same tree. Checked on every program the compiler prints (every system × environment × target, and the repository's
/// stack files), on random trees written by the compiler's emitter (hostile text included), and on YAML the fast reader
/// must leave to the parser.
/// </summary>
public class YamlFastReaderTests
{
    /// <summary>Every reviewed program snapshot: each system × environment on Docker, Kubernetes, AWS and hosts.</summary>
    public static IEnumerable<object[]> Snapshots() =>
        Directory.GetFiles(Path.Combine(Synth.RepoRoot(), "tests"), "*.snap", SearchOption.AllDirectories)
            .Where(f => !f.Contains(".received.", StringComparison.Ordinal) && File.ReadAllText(f).StartsWith("name: ", StringComparison.Ordinal))
            .Select(f => new object[] { Path.GetRelativePath(Synth.RepoRoot(), f) });

    [Theory]
    [MemberData(nameof(Snapshots))]
    public void Every_program_snapshot_is_read_fast_into_the_parsers_tree(string snapshot) =>
        AssertFastAndSame(File.ReadAllText(Path.Combine(Synth.RepoRoot(), snapshot)));

    [Fact]
    public void Every_stack_file_program_is_read_fast_into_the_parsers_tree()
    {
        var root = Synth.RepoRoot();
        var stacks = Directory.GetFiles(root, "Pulumi.*.yaml").Select(f => Path.GetFileName(f)["Pulumi.".Length..^".yaml".Length]).ToList();
        Assert.True(stacks.Count >= 10, string.Join(", ", stacks));
        Assert.True(Snapshots().Count() >= 45, "program snapshots: " + Snapshots().Count());
        foreach (var stack in stacks)
        {
            var r = Synth.CliIn(root, "synth", "--stack", stack);
            if (r.Exit != 0) continue;   // stacks that need secret config in the engine (staging on Kubernetes) are covered above
            AssertFastAndSame(r.Stdout);
        }
        AssertFastAndSame(Synth.Cli("synth", "--generated", "40").Stdout);
    }

    [Fact]
    public void Random_trees_written_by_the_emitter_are_read_fast_into_the_parsers_tree()
    {
        // The texts include other line breaks (NEL, LS, PS) and controls, which the fast reader leaves to the parser;
        // wherever it reads, it must read what the parser reads, and it must read most trees.
        var fastReads = 0;
        Prop.ForAll(Arb.From(Tree(4)), tree =>
        {
            var text = ProgramEmitter.Write(tree);
            if (!YamlFastReader.TryRead(text, out var fast)) return;
            fastReads++;
            AssertSame(YamlTree.ReadWithParser(text, "test"), fast, text);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1500));
        Assert.True(fastReads >= 1200, $"the fast reader read only {fastReads} of 1,500 emitted trees");
    }

    [Theory]
    [InlineData("a: 1 # comment\n")]
    [InlineData("# head\na: 1\n")]
    [InlineData("a: &x 1\nb: *x\n")]
    [InlineData("a: {b: 1}\n")]
    [InlineData("a: [1, 2]\n")]
    [InlineData("a: 'single'\n")]
    [InlineData("a: >\n  folded\n  text\n")]
    [InlineData("a: plain\n  continued\n")]
    [InlineData("a: \"multi\n  line\"\n")]
    [InlineData("a:\r\n  b: 1\r\n")]
    [InlineData("a:\n\tb: 1\n")]
    [InlineData("---\na: 1\n")]
    [InlineData("a: !!str 1\n")]
    [InlineData("? a\n: 1\n")]
    [InlineData("a: |2\n   lead\n")]
    [InlineData("a: |\n\n  after a blank\n")]
    [InlineData("a: 1\na: 2\n")]
    [InlineData("a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\ni: 9\nc: 10\n")]
    [InlineData("\uFEFFa: 1\n")]
    [InlineData("a: x\u2028y\n")]
    public void Yaml_outside_the_compilers_shape_is_left_to_the_parser(string text)
    {
        Assert.False(YamlFastReader.TryRead(text, out _), "the fast reader should have given up on:\n" + text);
        object? parsed = null, read = null;
        Exception? parseError = null, readError = null;
        try { parsed = YamlTree.ReadWithParser(text, "t.yaml"); } catch (Exception e) { parseError = e; }
        try { read = YamlTree.Read(text, "t.yaml"); } catch (Exception e) { readError = e; }
        Assert.Equal(parseError?.Message, readError?.Message);
        if (parseError is null) AssertSame(parsed, read, text);
    }

    [Theory]
    [InlineData("a: 1\na: 2\n", "duplicate key (line 2)")]
    [InlineData("a: [1\n", "not a YAML program")]
    public void The_parsers_errors_still_name_the_line(string text, string expected)
    {
        var e = Assert.Throws<InputException>(() => ProgramModel.FromYaml(text, "t.yaml"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("t.yaml", e.Message);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_an_error_not_a_crash()
    {
        var deep = string.Concat(Enumerable.Range(0, 5000).Select(i => new string(' ', i) + "k:\n")) + new string(' ', 5000) + "v\n";
        var e = Assert.Throws<InputException>(() => ProgramModel.FromYaml(deep, "deep.yaml"));
        Assert.Contains($"nested deeper than {YamlTree.MaxDepth} levels", e.Message);
        var flow = new string('[', 100_000) + new string(']', 100_000);
        Assert.Throws<InputException>(() => ProgramModel.FromYaml(flow, "flow.yaml"));
    }

    [Fact]
    public void Shapes_the_emitter_prints_rarely_are_read_fast()
    {
        var text = "a:\n- - x\n  - \"y\\u00e9\\x07\\\"\"\n-\n  k: v\n- {}\n- []\nb: |+\n  keep\n\n\nc: |-\n  strip\n\n  inner\nd:\ne: \"\"\n\"quoted key\": \"v: w # x\"\nf: no-new-privileges:true\n";
        Assert.True(YamlFastReader.TryRead(text, out var fast));
        AssertSame(YamlTree.ReadWithParser(text, "t"), fast, text);
    }

    // ------------------------------------------------------------------ helpers

    private static void AssertFastAndSame(string program)
    {
        Assert.True(YamlFastReader.TryRead(program, out var fast), "the fast reader gave up on a program the compiler printed");
        AssertSame(YamlTree.ReadWithParser(program, "test"), fast, "(program)");
    }

    private static void AssertSame(object? expected, object? actual, string text, string path = "$")
    {
        switch (expected, actual)
        {
            case (null, null): return;
            case (YamlTree.Scalar e, YamlTree.Scalar a):
                Assert.True(e == a, $"{path}: parser {Show(e)}, fast {Show(a)}\n{text}");
                return;
            case (YamlTree.Seq e, YamlTree.Seq a):
                Assert.True(e.Items.Count == a.Items.Count, $"{path}: {e.Items.Count} items, fast {a.Items.Count}\n{text}");
                for (var i = 0; i < e.Items.Count; i++) AssertSame(e.Items[i], a.Items[i], text, $"{path}[{i}]");
                return;
            case (YamlTree.Map e, YamlTree.Map a):
                Assert.True(e.Entries.Select(x => x.Key).SequenceEqual(a.Entries.Select(x => x.Key)),
                    $"{path}: keys {string.Join(",", e.Entries.Select(x => x.Key))} vs fast {string.Join(",", a.Entries.Select(x => x.Key))}\n{text}");
                for (var i = 0; i < e.Entries.Count; i++) AssertSame(e.Entries[i].Value, a.Entries[i].Value, text, $"{path}.{e.Entries[i].Key}");
                return;
            default:
                Assert.Fail($"{path}: parser {expected?.GetType().Name ?? "null"}, fast {actual?.GetType().Name ?? "null"}\n{text}");
                return;
        }
    }

    private static string Show(YamlTree.Scalar s) => (s.Plain ? "plain " : "quoted ") + System.Text.Json.JsonSerializer.Serialize(s.Value);

    private static readonly string[] Texts =
    [
        "", " ", "a", "a b", "a: b", "- x", "# c", "a #b", "x#y", "{}", "[]", "null", "true", "014", "1.20", "-1", "ünïcødé", "🚀",
        "${x.y}", "$$", "\"", "'", "\\", "\t", "tab\there", "\n", "line\n", "two\nlines", "two\nlines\n", "ends\n\n", "ends\n\n\n",
        "lead\n\nblank", " lead space", "trail ", "a\r\nb", "\u0085", "\u00a0", "\u2028", "\x07bell", "\0", "key:", ":x", "? q",
        "---", "...", "%x", "@x", "`x", "!x", "&x", "*x", "|", ">", "-", "a,b", "http://h:80/p?q=1#f", "no-new-privileges:true",
        "#!/bin/sh\nset -eu\n  indented\n\nexit 0\n", "ends with colon:", "[x]", "{x}", new string('w', 80),
    ];

    /// <summary>Keys as programs have them: any text but a line break (which the emitter would write as a complex key).</summary>
    private static readonly string[] Keys = [.. Texts.Where(t => t.IndexOfAny(['\n', '\u0085', '\u2028', '\u2029']) < 0)];

    private static Gen<YNode> Scalar =>
        Gen.OneOf(
            Gen.Elements(Texts).Select(t => (YNode)YScalar.String(t)),
            Gen.Elements(Texts).Two().Select(p => (YNode)YScalar.String(p.Item1 + p.Item2)),
            Gen.Elements(Texts).Two().Select(p => (YNode)YScalar.String(p.Item1 + "\n" + p.Item2)),
            Gen.Choose(-5, 70000).Select(n => (YNode)new YScalar(n.ToString(System.Globalization.CultureInfo.InvariantCulture), ScalarKind.Number)),
            Gen.Elements<YNode>(new YScalar("true", ScalarKind.Bool), new YScalar("false", ScalarKind.Bool), new YScalar("null", ScalarKind.Null)));

    private static Gen<YNode> Tree(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency(
            (3, Scalar),
            (2, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Tree(depth - 1), n)).Select(items => (YNode)new YSeq(items))),
            (3, Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(Gen.Elements(Keys).Zip(Tree(depth - 1)), n))
                .Select(kvs => (YNode)new YMap([.. kvs.DistinctBy(kv => kv.Item1).Select(kv => new KeyValuePair<string, YNode>(kv.Item1, kv.Item2))]))));
}
