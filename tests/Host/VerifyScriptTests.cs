using Infra.Components.Host;

namespace Infra.Tests.Host;

/// <summary>
/// The verify script run for real against the local Docker engine (as it runs on a server after the containers):
/// healthy containers and answering URLs pass; a missing container or a dead endpoint fails, naming each failing
/// service. Docker missing fails the test. The container is removed even on failure.
/// </summary>
[Trait("Category", "Runtime")]
public sealed class VerifyScriptTests : IDisposable
{
    private readonly string _name = "platform-verify-test-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Docker("rm", "-f", _name);

    private static (int Exit, string Out, string Err) Docker(params string[] args) => HostScriptTests.Run("docker", args);

    private static (int Exit, string Out, string Err) RunScript(string script)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.Environment["VERIFY_ATTEMPTS"] = "2";
        psi.Environment["VERIFY_INTERVAL"] = "1";
        using var p = System.Diagnostics.Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "verify did not finish within 60 s");
        return (p.ExitCode, o.Result, e.Result);
    }

    [Fact]
    public void Verify_passes_when_healthy_and_names_every_failing_service()
    {
        Assert.True(Docker("info").Exit == 0, "docker is not available (apt-get install -y docker.io; dockerd &)");
        var run = Docker("run", "-d", "--name", _name, "--label", "platform.test=verify", "--health-cmd", "true", "--health-interval", "1s",
            "local/busybox", "sleep", "300");
        Assert.True(run.Exit == 0, run.Err);
        for (var i = 0; i < 30 && Docker("inspect", "-f", "{{.State.Health.Status}}", _name).Out.Trim() != "healthy"; i++) Thread.Sleep(500);

        var ok = RunScript(Scripts.Verify([new VerifyTarget("api", [_name], null)]));
        Assert.True(ok.Exit == 0, ok.Err);
        Assert.Contains("verify: 1 services healthy", ok.Out);

        var bad = RunScript(Scripts.Verify(
        [
            new VerifyTarget("api", [_name], null),
            new VerifyTarget("worker", [_name + "-missing", _name + "-missing-2"], null),
            new VerifyTarget("web", [_name], "http://127.0.0.1:9/health"),
        ]));
        Assert.Equal(1, bad.Exit);
        Assert.Contains("verify: failing services: worker web", bad.Err);
        Assert.DoesNotContain("api", bad.Err.Split('\n').Last(l => l.Length > 0));
    }
}
