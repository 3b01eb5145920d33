using System.Runtime.CompilerServices;
using System.Text;

namespace Infra.Tests.Support;

/// <summary>
/// Golden files: compares text with <c>snapshots/NAME</c> beside the calling test file. On a difference (or a missing
/// snapshot) writes <c>NAME</c> with <c>.received</c> before its extension and fails; approve by renaming it over the snapshot.
/// </summary>
public static class Snapshot
{
    public static void Match(string name, string actual, [CallerFilePath] string callerFile = "")
    {
        var dir = Path.Combine(Path.GetDirectoryName(callerFile)!, "snapshots");
        var path = Path.Combine(dir, name);
        var received = Path.Combine(dir, Path.GetFileNameWithoutExtension(name) + ".received" + Path.GetExtension(name));
        var expected = File.Exists(path) ? File.ReadAllText(path) : null;
        if (expected == actual)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(received, actual, new UTF8Encoding(false));
        Assert.Fail(expected is null
            ? $"No snapshot {path}; wrote {received}. Review it and rename it to approve."
            : $"Snapshot {path} differs; wrote {received}. Review the diff and rename it to approve if intended.");
    }
}
