using Infra.Tests.Programs;

namespace Infra.Tests.Cli;

/// <summary>
/// The program cache is gone (it could serve one stack's program for another, trusted edited or empty entries,
/// skipped the policies on a hit and stored plain secrets): `--cache` is an unknown option like any other.
/// </summary>
public sealed class RemovedCacheTests
{
    [Theory]
    [InlineData("synth", "--cache", "/tmp/infra-cache", "--system", "pliers", "--env", "dev")]
    [InlineData("synth", "--system", "pliers", "--env", "dev", "--cache", "/tmp/infra-cache")]
    [InlineData("synth", "--cache=/tmp/infra-cache", "--system", "pliers", "--env", "dev")]
    public void Cache_is_an_unknown_option(params string[] args)
    {
        var r = Synth.Cli(args);
        Assert.Equal(2, r.Exit);
        Assert.Equal("", r.Stdout);
        var line = Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains("--cache", line);
        Assert.Contains("unknown option", line);
        Assert.False(Directory.Exists("/tmp/infra-cache"));
    }
}
