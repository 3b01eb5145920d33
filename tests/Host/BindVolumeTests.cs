namespace Infra.Tests.Host;

/// <summary>
/// The host target keeps data in bind mounts: each docker:Volume gets driverOpts {type: none, o: bind, device: DIR}.
/// On the local engine, a volume made with exactly those options (DIR moved to a temporary directory) is populated from
/// the image like a named volume (copy-up sets the image's owner) and what a container writes lands in DIR.
/// </summary>
[Trait("Category", "Runtime")]
public sealed class BindVolumeTests : IDisposable
{
    private readonly HostStacks _stacks = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("infra-bind-").FullName;
    private readonly string _volume = "platform-bind-test-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        HostScriptTests.Run("docker", ["volume", "rm", "-f", _volume]);
        HostScriptTests.Run("docker", ["run", "--rm", "-v", _dir + ":/d", "local/busybox", "sh", "-c", "rm -rf /d/*"]);
        _stacks.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_volume_with_the_programs_driver_options_keeps_data_in_the_host_directory()
    {
        Assert.True(HostScriptTests.Run("docker", ["info"]).Exit == 0, "docker is not available (apt-get install -y docker.io; dockerd &)");
        var r = _stacks.Run("bind", HostStacks.Text("vru", "staging", ["web-1"]));
        Assert.Equal(0, r.Exit);
        var pg = HostProgramTests.Resources(r.Stdout)["vru-postgres-data"];
        var opts = (Dictionary<object, object>)((Dictionary<object, object>)pg["properties"])["driverOpts"];
        Assert.Equal("/opt/vru/data/vru-postgres-data", opts["device"]);
        var device = Path.Combine(_dir, "vru-postgres-data");
        Directory.CreateDirectory(device);

        var args = new List<string> { "volume", "create", "--driver", "local" };
        foreach (var (k, v) in opts) args.AddRange(["--opt", $"{k}={((string)k == "device" ? device : v)}"]);
        args.Add(_volume);
        Assert.Equal(0, HostScriptTests.Run("docker", args).Exit);
        var run = HostScriptTests.Run("docker", ["run", "--rm", "-v", _volume + ":/var/lib/postgresql/data", "local/postgres",
            "sh", "-c", "echo kept > /var/lib/postgresql/data/probe && stat -c %u /var/lib/postgresql/data"]);
        Assert.True(run.Exit == 0, run.Err);
        Assert.Equal("kept\n", File.ReadAllText(Path.Combine(device, "probe")));
        Assert.NotEqual("0", run.Out.Trim()); // copied up from the image: owned by the database user, not root
    }
}
