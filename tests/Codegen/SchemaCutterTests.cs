using System.Text.Json;
using System.Text.RegularExpressions;
using Infra.Codegen;
using Infra.Tests.Programs;

namespace Infra.Tests.Codegen;

public partial class SchemaCutterTests
{
    private static readonly string Schemas = Path.Combine(Synth.RepoRoot(), "schemas");

    [Fact]
    public void A_cut_keeps_the_listed_resources_the_provider_and_the_types_they_reach_and_is_reproducible()
    {
        var dir = Directory.CreateTempSubdirectory("cut-").FullName;
        try
        {
            var list = Path.Combine(dir, "docker.txt");
            File.WriteAllText(list, "@schema docker.subset.json\ndocker:index/network:Network\n");
            var out1 = Path.Combine(dir, "a.json");
            var out2 = Path.Combine(dir, "b.json");
            SchemaCutter.Cut(Path.Combine(Schemas, "docker.json"), [list], [], out1);
            SchemaCutter.Cut(Path.Combine(Schemas, "docker.json"), [list], [], out2);
            Assert.Equal(File.ReadAllBytes(out1), File.ReadAllBytes(out2));

            using var doc = JsonDocument.Parse(File.ReadAllText(out1));
            var root = doc.RootElement;
            Assert.Equal(["docker:index/network:Network"], root.GetProperty("resources").EnumerateObject().Select(p => p.Name));
            var types = root.GetProperty("types").EnumerateObject().Select(p => p.Name).ToHashSet();
            Assert.Contains("docker:index/NetworkIpamConfig:NetworkIpamConfig", types);
            Assert.Contains("docker:index/ProviderRegistryAuth:ProviderRegistryAuth", types);
            Assert.DoesNotContain("docker:index/ContainerPort:ContainerPort", types);
            Assert.Empty(root.GetProperty("functions").EnumerateObject());
            Assert.True(root.TryGetProperty("provider", out _));
            AssertClosed(File.ReadAllText(out1), types);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("aws.subset.json", "aws")]
    [InlineData("kubernetes.subset.json", "kubernetes")]
    public void Vendored_subsets_are_closed_and_hold_every_token_eks_refers_to(string file, string package)
    {
        var text = File.ReadAllText(Path.Combine(Schemas, file));
        using var doc = JsonDocument.Parse(text);
        var resources = doc.RootElement.GetProperty("resources").EnumerateObject().Select(p => p.Name).ToHashSet();
        var types = doc.RootElement.GetProperty("types").EnumerateObject().Select(p => p.Name).ToHashSet();
        AssertClosed(text, types);
        var external = SchemaCutter.ExternalRefs(File.ReadAllText(Path.Combine(Schemas, "eks.json")), package).ToList();
        Assert.NotEmpty(external);
        foreach (var (kind, token) in external)
            Assert.True((kind == "resources" ? resources : types).Contains(token), $"eks.json refers to {kind}/{token}, which {file} lacks");
    }

    private static void AssertClosed(string schemaText, HashSet<string> types)
    {
        foreach (Match m in LocalRef().Matches(schemaText))
        {
            var token = Uri.UnescapeDataString(m.Groups[1].Value);
            Assert.True(types.Contains(token), $"#/types/{token} is referred to but not kept");
        }
    }

    [GeneratedRegex("\"\\$ref\"\\s*:\\s*\"#/types/([^\"]+)\"")]
    private static partial Regex LocalRef();
}
