using Infra.Components.Core;

namespace Infra.Tests.Core;

public class EmitterTests
{
    private static (StackProgram Program, Resource Resource) One(Props props)
    {
        var p = new StackProgram("platform", "test");
        var g = new ComponentGroup(p, "sys");
        var r = g.AddUntyped("thing", "docker:index/network:Network", props);
        return (p, r);
    }

    [Theory]
    [InlineData("echo $HOME", "echo $$HOME")]
    [InlineData("${not.a.ref}", "$${not.a.ref}")]
    [InlineData("price: $$5", "price: $$$$5")]
    public void Every_literal_dollar_is_doubled(string literal, string expected)
    {
        var (p, _) = One(new Props { ["name"] = literal });
        var yaml = ProgramEmitter.Emit(p);
        var doc = (YMap)RoundTrip.Parse(yaml);
        var props = (YMap)((YMap)((YMap)doc.Entries.First(e => e.Key == "resources").Value).Entries[0].Value).Entries.First(e => e.Key == "properties").Value;
        Assert.Equal(expected, ((YScalar)props.Entries[0].Value).Text);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("no")]
    [InlineData("null")]
    [InlineData("014")]
    [InlineData("1.20")]
    [InlineData("1e6")]
    [InlineData("")]
    [InlineData("- item")]
    [InlineData("key: value")]
    [InlineData("# comment")]
    [InlineData("line1\nline2\n")]
    [InlineData("tab\there  ")]
    [InlineData("ünïcødé ✓")]
    public void Ambiguous_strings_read_back_as_the_same_string(string literal)
    {
        var (p, _) = One(new Props { ["name"] = literal });
        var yaml = ProgramEmitter.Emit(p); // Emit itself verifies the round trip
        Assert.DoesNotContain("&", yaml.Replace("&&", ""));
        var node = RoundTrip.Parse(yaml);
        Assert.Contains(literal.Replace("$", "$$"), Flatten(node));
    }

    private static IEnumerable<string> Flatten(YNode n) => n switch
    {
        YScalar s => [s.Text],
        YMap m => m.Entries.SelectMany(e => Flatten(e.Value)),
        YSeq q => q.Items.SelectMany(Flatten),
        _ => [],
    };

    [Fact]
    public void References_render_as_expressions_and_numbers_stay_numbers()
    {
        var p = new StackProgram("platform", "test");
        var g = new ComponentGroup(p, "sys");
        var net = g.AddUntyped("net", "docker:index/network:Network", new Props { ["name"] = "n" });
        var c = g.AddUntyped("c", "docker:index/container:Container", new Props
        {
            ["image"] = "busybox:1.36.1",
            ["memory"] = 256,
            ["hostname"] = Value.Format($"host-{net.Out<string>("name")}-x"),
            ["networkMode"] = net.Out<string>("name"),
        });
        c.DependsOn([net]);
        var yaml = ProgramEmitter.Emit(p);
        Assert.Contains("memory: 256\n", yaml);
        Assert.Contains("hostname: \"host-${sys-net.name}-x\"", yaml);
        Assert.Contains("networkMode: \"${sys-net.name}\"", yaml);
        Assert.Contains("- \"${sys-net}\"", yaml);
        Assert.True(yaml.IndexOf("sys-net:", StringComparison.Ordinal) < yaml.IndexOf("sys-c:", StringComparison.Ordinal));
    }

    [Fact]
    public void Resources_are_ordered_after_their_dependencies_even_when_created_first()
    {
        var p = new StackProgram("platform", "test");
        var g = new ComponentGroup(p, "sys");
        var later = g.AddUntyped("a", "docker:index/container:Container", new Props { ["image"] = "x" });
        var first = g.AddUntyped("b", "docker:index/network:Network", new Props());
        later.Properties.Set("networkMode", first.Out<string>("name"));
        var yaml = ProgramEmitter.Emit(p);
        Assert.True(yaml.IndexOf("sys-b:", StringComparison.Ordinal) < yaml.IndexOf("sys-a:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cycle_is_a_synthesis_error_naming_both_ends()
    {
        var p = new StackProgram("platform", "test");
        var g = new ComponentGroup(p, "sys");
        var a = g.AddUntyped("a", "docker:index/container:Container", new Props { ["image"] = "x" });
        var b = g.AddUntyped("b", "docker:index/container:Container", new Props { ["image"] = "x" });
        a.DependsOn([b]);
        b.DependsOn([a]);
        var e = Assert.Throws<SynthesisException>(() => ProgramEmitter.Emit(p));
        Assert.Contains("'sys-a'", e.Message);
        Assert.Contains("'sys-b'", e.Message);
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void A_dangling_reference_is_a_synthesis_error_naming_both_ends()
    {
        var other = new StackProgram("platform", "other");
        var stray = new ComponentGroup(other, "x").AddUntyped("net", "docker:index/network:Network", new Props());
        var (p, r) = One(new Props { ["name"] = stray.Out<string>("name") });
        var e = Assert.Throws<SynthesisException>(() => ProgramEmitter.Emit(p));
        Assert.Contains($"'{r.Name}'", e.Message);
        Assert.Contains("'x-net'", e.Message);
        Assert.Contains("dangling", e.Message);
    }

    [Fact]
    public void An_undeclared_config_key_is_an_error()
    {
        var (p, _) = One(new Props { ["name"] = new ConfigKey("apiKey", ConfigType.String, true).Ref });
        Assert.Contains("apiKey", Assert.Throws<SynthesisException>(() => ProgramEmitter.Emit(p)).Message);
    }

    [Fact]
    public void Secret_config_is_declared_and_referenced_never_inlined()
    {
        var p = new StackProgram("platform", "test");
        var g = new ComponentGroup(p, "sys");
        var secret = SecretSource.Config("jwtSecret").Resolve(g, "jwt", protect: false);
        g.AddUntyped("c", "docker:index/container:Container", new Props { ["image"] = "x", ["envs"] = Value.List(Value.Format($"JWT={secret}")) });
        var yaml = ProgramEmitter.Emit(p);
        Assert.Contains("jwtSecret:\n    type: string\n    secret: true", yaml);
        Assert.Contains("\"JWT=${jwtSecret}\"", yaml);
    }

    [Fact]
    public void Options_are_emitted_with_literal_values()
    {
        var (p, r) = One(new Props());
        r.Options.Protect = true;
        r.Options.RetainOnDelete = true;
        r.Options.IgnoreChanges.Add("labels");
        r.Options.CustomTimeouts = new CustomTimeouts(Create: "10m");
        var yaml = ProgramEmitter.Emit(p);
        Assert.Contains("protect: true", yaml);
        Assert.Contains("retainOnDelete: true", yaml);
        Assert.Contains("ignoreChanges:\n      - labels", yaml);
        Assert.Contains("create: \"10m\"", yaml);
    }
}
