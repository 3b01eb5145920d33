using Infra.Codegen;
using Infra.Tests.Programs;
using Infra.Tests.Schema;

namespace Infra.Tests.Codegen;

/// <summary>Every curated token exists in the vendored schema it names, as the schema validator reads it.</summary>
public class CuratedListTests
{
    private static readonly string Schemas = Path.Combine(Synth.RepoRoot(), "schemas");

    public static TheoryData<string> Lists() =>
        [.. Directory.GetFiles(Path.Combine(Schemas, "curated"), "*.txt").Concat(Directory.GetFiles(Path.Combine(Schemas, "subset-extras"), "*.txt"))
            .Select(f => Path.GetRelativePath(Schemas, f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Lists))]
    public void Every_listed_token_is_a_resource_of_the_vendored_schema(string list)
    {
        var curated = CuratedList.Read(Path.Combine(Schemas, list));
        Assert.True(File.Exists(Path.Combine(Schemas, curated.SchemaFile)), $"{list} names {curated.SchemaFile}, which is not in schemas/");
        Assert.NotEmpty(curated.Tokens);
        foreach (var token in curated.Tokens)
        {
            Assert.True(ProviderSchemas.Shared.TryResolveResource(token, out var canonical), $"{list}: '{token}' is not in schemas/");
            Assert.Equal(token, canonical);
        }
    }

    [Fact]
    public void The_targets_resources_are_listed()
    {
        var tokens = CuratedList.ReadAll(Schemas).SelectMany(l => l.Tokens).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "docker:index/container:Container", "docker:index/network:Network", "docker:index/volume:Volume",
            "docker:index/remoteImage:RemoteImage", "docker:index/image:Image", "random:index/randomPassword:RandomPassword",
            "pulumi:providers:docker", "pulumi:providers:random", "kubernetes:apps/v1:Deployment", "aws:s3/bucket:Bucket",
        }, tokens);
    }

    [Fact]
    public void A_list_without_a_schema_line_is_refused()
    {
        var file = Path.Combine(Path.GetTempPath(), $"curated-{Guid.NewGuid():N}.txt");
        File.WriteAllText(file, "# no schema\ndocker:index/network:Network\n");
        try
        {
            Assert.Contains("@schema", Assert.Throws<FormatException>(() => CuratedList.Read(file)).Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
