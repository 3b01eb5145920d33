using Infra.Components.Core;

namespace Infra.Tests.Core;

public class NamesTests
{
    [Theory]
    [InlineData(new[] { "Pliers", "API_Server" }, "pliers-api-server")]
    [InlineData(new[] { "a", "", "b" }, "a-b")]
    [InlineData(new[] { "9lives" }, "r-9lives")]
    [InlineData(new[] { "--x--" }, "x")]
    public void Logical_names_are_lowercase_dns_safe(string[] segments, string expected) =>
        Assert.Equal(expected, Names.Logical(segments));

    [Fact]
    public void Long_names_are_shortened_with_a_stable_hash()
    {
        var a = Names.Logical([new string('a', 80), "one"]);
        var b = Names.Logical([new string('a', 80), "two"]);
        Assert.True(a.Length <= Names.MaxLength);
        Assert.NotEqual(a, b);
        Assert.Equal(a, Names.Logical([new string('a', 80), "one"]));
        Assert.True(Names.IsValid(a));
    }

    [Fact]
    public void Colliding_names_are_an_error_naming_both_paths()
    {
        var p = new StackProgram("platform", "t");
        var g = new ComponentGroup(p, "sys");
        g.AddUntyped("a_b", "docker:index/network:Network", new Props());
        var e = Assert.Throws<SynthesisException>(() => g.AddUntyped("a-b", "docker:index/network:Network", new Props()));
        Assert.Contains("sys/a_b", e.Message);
        Assert.Contains("sys/a-b", e.Message);
    }
}
