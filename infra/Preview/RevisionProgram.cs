using System.Diagnostics;
using Infra.Components.Core;

namespace Infra.Cli.Preview;

/// <summary>
/// The program of a stack at a git revision, printed by <em>that revision's</em> compiler with that revision's stack
/// file: the revision is checked out in a temporary <c>git worktree</c>, its compiler is built there
/// (<c>dotnet build infra -c Release</c>) and run (<c>infra.dll synth --stack S --root &lt;worktree&gt;</c>), and the
/// worktree is removed. Slow the first time (a build: about a minute on 2 cores), so the program is kept in
/// <c>.build/preview/&lt;commit&gt;/&lt;stack&gt;.yaml</c>: a commit never changes, and with no <c>PULUMI_CONFIG</c> the
/// program depends only on the commit and the stack.
/// </summary>
public static class RevisionProgram
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>The program text of <paramref name="stack"/> at <paramref name="rev"/>; errors name the side (<paramref name="flag"/>).</summary>
    public static (string Text, string Description) Synthesize(string flag, string rev, string stack, string root)
    {
        var (ok, sha, _) = Run("git", ["-C", root, "rev-parse", "--verify", "--quiet", rev + "^{commit}"], root);
        sha = sha.Trim();
        if (!ok || sha.Length < 7)
            throw new InputException("command line", flag, rev, $"neither a program file nor a git revision of {root}");
        var description = $"{rev} ({sha[..7]})";
        var cache = Path.Combine(root, ".build", "preview", sha, stack + ".yaml");
        if (File.Exists(cache)) return (File.ReadAllText(cache), description);

        var tmp = Path.Combine(Path.GetTempPath(), $"infra-rev-{sha[..12]}-{Environment.ProcessId}");
        var (added, _, addErr) = Run("git", ["-C", root, "worktree", "add", "--detach", tmp, sha], root);
        if (!added) throw new InputException("command line", flag, rev, "git worktree add failed: " + FirstLine(addErr));
        try
        {
            var output = Path.Combine(tmp, ".build", "rev");
            var (built, buildOut, buildErr) = Run("dotnet", ["build", Path.Combine(tmp, "infra", "Infra.Cli.csproj"), "-c", "Release", "-o", output, "-nologo", "-v", "q"], tmp);
            if (!built) throw new InputException("command line", flag, rev, $"the compiler of {sha[..7]} does not build: " + FirstLine(ErrorLine(buildOut + "\n" + buildErr)));
            var (synthOk, program, synthErr) = Run("dotnet", [Path.Combine(output, "infra.dll"), "synth", "--stack", stack, "--root", tmp], tmp, clearStack: true);
            if (!synthOk) throw new InputException("command line", flag, rev, $"synthesis of stack '{stack}' at {sha[..7]} failed: " + FirstLine(synthErr));
            Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
            File.WriteAllText(cache, program);
            return (program, description);
        }
        finally
        {
            Run("git", ["-C", root, "worktree", "remove", "--force", tmp], root);
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "(no message)";
        return line.StartsWith("error: ", StringComparison.Ordinal) ? line[7..] : line;
    }

    private static string ErrorLine(string text) =>
        text.Split('\n').FirstOrDefault(l => l.Contains(" error ", StringComparison.Ordinal)) ?? text;

    private static (bool Ok, string Stdout, string Stderr) Run(string file, string[] args, string cwd, bool clearStack = false)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (clearStack)
        {
            psi.Environment.Remove("PULUMI_STACK");
            psi.Environment.Remove("PULUMI_CONFIG");
        }
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(Timeout))
            {
                p.Kill(entireProcessTree: true);
                return (false, "", $"{file} did not finish within {Timeout.TotalMinutes} minutes");
            }
            return (p.ExitCode == 0, stdout.Result, stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (false, "", $"{file} not found on PATH");
        }
    }
}
