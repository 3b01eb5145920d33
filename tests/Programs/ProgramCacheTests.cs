namespace Infra.Tests.Programs;

public sealed class ProgramCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("infra-cache-").FullName;
    private string CacheDir => Path.Combine(_root, ".build", "cache");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Synth.Result Run() => Synth.CliIn(null, "synth", "--cache", CacheDir, "--stack", "dev", "--root", _root);

    [Fact]
    public void A_hit_returns_the_same_program_and_a_changed_stack_file_misses()
    {
        File.WriteAllText(Path.Combine(_root, "Pulumi.dev.yaml"), "config:\n  platform:system: pliers\n");
        var first = Run();
        Assert.Equal(0, first.Exit);
        Assert.Single(Directory.GetFiles(CacheDir));
        Assert.Equal(first.Stdout, Run().Stdout);

        File.WriteAllText(Path.Combine(_root, "Pulumi.dev.yaml"), "config:\n  platform:system: vru\n");
        var changed = Run();
        Assert.Contains("vru-api-gateway-1", changed.Stdout);
        Assert.DoesNotContain("pliers-api-1", changed.Stdout);
    }

    [Fact]
    public void An_entry_whose_stored_key_differs_is_ignored()
    {
        File.WriteAllText(Path.Combine(_root, "Pulumi.dev.yaml"), "config:\n  platform:system: pliers\n");
        var first = Run();
        var entry = Directory.GetFiles(CacheDir).Single();
        var text = File.ReadAllText(entry);
        File.WriteAllText(entry, text.Replace("arg --stack", "arg --stock").Replace("pliers-api-1", "tampered"));
        var again = Run();
        Assert.Equal(first.Stdout, again.Stdout);
        Assert.DoesNotContain("tampered", again.Stdout);
    }

    [Fact]
    public void Errors_are_not_cached()
    {
        File.WriteAllText(Path.Combine(_root, "Pulumi.dev.yaml"), "config:\n  platform:system: nope\n");
        Assert.Equal(2, Run().Exit);
        Assert.False(Directory.Exists(CacheDir) && Directory.GetFiles(CacheDir).Length > 0);
        Assert.Equal("", Run().Stdout);
    }
}
