using System.Diagnostics;
using System.Text;

namespace Infra.Tests.Runtime;

public sealed record DockerResult(IReadOnlyList<string> Args, int ExitCode, string Stdout, string Stderr)
{
    public bool Ok => ExitCode == 0;
    public override string ToString() => $"docker {string.Join(' ', Args)}\nexit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs the docker CLI with an argument list (no shell) and a bounded wait. A missing CLI or daemon is an
/// error, never a skip: the runtime tier must fail when Docker is unavailable (scripts/runtime-images.sh sets it up).
/// </summary>
public static class DockerCli
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static DockerResult Run(IEnumerable<string> args, TimeSpan? timeout = null, byte[]? stdin = null)
    {
        var list = args.ToList();
        var psi = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in list) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException("docker did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The docker CLI is not installed. Run: bash scripts/runtime-images.sh", e);
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (stdin is not null) p.StandardInput.BaseStream.Write(stdin);
            p.StandardInput.Close();
            var limit = timeout ?? DefaultTimeout;
            if (!p.WaitForExit(limit))
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                p.WaitForExit();
                throw new TimeoutException($"docker {string.Join(' ', list)} did not finish within {limit.TotalSeconds:0}s");
            }
            return new DockerResult(list, p.ExitCode, stdout.Result, stderr.Result);
        }
    }

    public static DockerResult Run(params string[] args) => Run(args, null, null);

    /// <summary>Runs and requires exit 0; returns trimmed stdout.</summary>
    public static string Ok(IEnumerable<string> args, TimeSpan? timeout = null, byte[]? stdin = null, string? what = null)
    {
        var r = Run(args, timeout, stdin);
        if (!r.Ok) throw new InvalidOperationException((what is null ? "" : what + ": ") + r);
        return r.Stdout.Trim();
    }

    public static string Ok(params string[] args) => Ok(args, null, null, null);

    /// <summary>Fails (does not skip) when the daemon cannot be reached.</summary>
    public static void RequireDaemon()
    {
        DockerResult r;
        try { r = Run(["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(20)); }
        catch (Exception e) { throw new InvalidOperationException("Docker is unavailable; run: bash scripts/runtime-images.sh", e); }
        if (!r.Ok) throw new InvalidOperationException("The Docker daemon is not reachable; run: bash scripts/runtime-images.sh\n" + r);
    }

    public static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);
}
