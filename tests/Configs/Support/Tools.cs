using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace Infra.Tests.Configs.Support;

/// <summary>Locates the real server binaries; a missing one fails the test with the install hint.</summary>
internal static class Tools
{
    public const string InstallHint = "Install the servers with: bash tests/tools/install-servers.sh";
    public const string PgBin = "/usr/lib/postgresql/15/bin";

    public static string Nginx => Require("nginx", "/usr/sbin/nginx");
    public static string Promtool => Require("promtool", "/usr/bin/promtool");
    public static string Amtool => Require("amtool", "/usr/bin/amtool");
    public static string RedisServer => Require("redis-server", "/usr/bin/redis-server");
    public static string RedisCli => Require("redis-cli", "/usr/bin/redis-cli");
    public static string Openssl => Require("openssl", "/usr/bin/openssl");
    public static string Unshare => Require("unshare", "/usr/bin/unshare");
    public static string Runuser => Require("runuser", "/usr/sbin/runuser");
    public static string Pg(string tool) => Require(tool, Path.Combine(PgBin, tool));

    private static string Require(string name, string path)
    {
        if (File.Exists(path)) return path;
        Assert.Fail($"{name} not found at {path}. {InstallHint}");
        return path;
    }
}

internal sealed record ProcResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

internal static class Proc
{
    public static ProcessStartInfo Info(string file, IEnumerable<string> args, IDictionary<string, string?>? env = null, string? workDir = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? Path.GetTempPath(),
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        if (env is not null)
            foreach (var (k, v) in env) psi.Environment[k] = v;
        return psi;
    }

    public static ProcResult Run(string file, IEnumerable<string> args, IDictionary<string, string?>? env = null,
        string? stdin = null, int timeoutSeconds = 30, string? workDir = null)
    {
        using var p = Process.Start(Info(file, args, env, workDir))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.Fail($"{file} {string.Join(' ', args)} timed out after {timeoutSeconds}s\n{stdout.Result}\n{stderr.Result}");
        }
        p.WaitForExit();
        return new ProcResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static ProcResult RunOk(string file, IEnumerable<string> args, IDictionary<string, string?>? env = null,
        string? stdin = null, int timeoutSeconds = 30, string? workDir = null)
    {
        var r = Run(file, args, env, stdin, timeoutSeconds, workDir);
        Assert.True(r.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {r}");
        return r;
    }
}

internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix) => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public string File(string name, string content)
    {
        var full = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, content, new UTF8Encoding(false));
        return full;
    }

    public string Sub(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal static class Ports
{
    /// <summary>A currently free TCP port on 127.0.0.1.</summary>
    public static int Free()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static bool WaitUntil(Func<bool> condition, int timeoutMs = 10000)
    {
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < timeoutMs)
        {
            if (condition()) return true;
            Thread.Sleep(50);
        }
        return condition();
    }
}

