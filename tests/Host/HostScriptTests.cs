using System.Diagnostics;
using Infra.Components.Host;

namespace Infra.Tests.Host;

/// <summary>
/// Every shell script the host target generates (each command's create and delete text, for root and for a sudo user,
/// in every system × environment, plus the backup and restore scripts it installs) passes `bash -n` and `shellcheck`
/// with zero findings. shellcheck missing fails the test (apt-get install -y shellcheck).
/// </summary>
public sealed class HostScriptTests : IDisposable
{
    private readonly HostStacks _stacks = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("infra-host-scripts-").FullName;

    public void Dispose()
    {
        _stacks.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The text Pulumi would run: the program's literal with the emitter's `$$` escape undone.</summary>
    internal static IEnumerable<(string Name, string Text)> CommandScripts(string program)
    {
        foreach (var (name, res) in HostProgramTests.Resources(program).Where(p => ((string)p.Value["type"]).StartsWith("command:", StringComparison.Ordinal)))
        {
            var props = (Dictionary<object, object>)res["properties"];
            foreach (var field in new[] { "create", "update", "delete" })
                if (props.TryGetValue(field, out var text)) yield return ($"{name}.{field}", ((string)text).Replace("$$", "$", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Every_generated_script_passes_bash_n_and_shellcheck()
    {
        var scripts = new Dictionary<string, string>(StringComparer.Ordinal); // text -> name, deduplicated
        foreach (var combo in HostStacks.AllCombinations())
        {
            var (system, env) = ((string)combo[0], (string)combo[1]);
            foreach (var user in new[] { "", "      user: deploy\n" })
            {
                var r = _stacks.Run("lint", HostStacks.Text(system, env, ["web-1"], user));
                Assert.True(r.Exit == 0, r.Stderr);
                foreach (var (name, text) in CommandScripts(r.Stdout)) scripts.TryAdd(text, $"{system}.{env}.{name}");
            }
        }
        foreach (var (hourly, daily) in new[] { (0, 7), (48, 14) })
        {
            var plan = new BackupPlan("vru", "vru-postgres", hourly, daily);
            scripts.TryAdd(Scripts.BackupScript(plan), $"backup.{hourly}");
            scripts.TryAdd(Scripts.RestoreScript(plan), $"restore.{hourly}");
        }
        Assert.True(scripts.Count > 20, $"only {scripts.Count} scripts found");

        var files = new List<string>();
        var i = 0;
        foreach (var (text, name) in scripts)
        {
            var file = Path.Combine(_dir, $"{i++:D3}-{name}.sh");
            File.WriteAllText(file, text);
            files.Add(file);
            var n = Run("bash", ["-n", file]);
            Assert.True(n.Exit == 0, $"bash -n {name}: {n.Err}");
        }
        var sc = Run("shellcheck", ["--shell=sh", "--severity=style", "--format=gcc", .. files]);
        Assert.True(sc.Exit == 0 && sc.Out.Length == 0, $"shellcheck found:\n{sc.Out}{sc.Err}");
    }

    internal static (int Exit, string Out, string Err) Run(string tool, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"{tool} is not installed: apt-get install -y {(tool == "shellcheck" ? "shellcheck" : tool)}");
            throw;
        }
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, outTask.Result, errTask.Result);
    }
}
