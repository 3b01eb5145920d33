using System.Diagnostics;
using Infra.Tests.Programs;

namespace Infra.Tests.Cli;

/// <summary>
/// Runs scripts/pulumi-compiler.sh as Pulumi's YAML host does, in a temp copy of the repository, once per compiler:
/// the Native AOT binary (the default) and the ReadyToRun fallback (<c>INFRA_COMPILER=r2r</c>). Each first run is
/// two concurrent invocations, so the builds themselves are also the concurrency test. Built once per test run.
/// </summary>
public sealed class CompilerWrapperFixture : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("infra-wrapper-").FullName;
    public IReadOnlyDictionary<string, (WrapperRun A, WrapperRun B)> FirstRuns { get; }

    public CompilerWrapperFixture()
    {
        var repo = Synth.RepoRoot();
        foreach (var dir in new[] { "components", "stacks", "infra", "scripts" }) CopyTree(Path.Combine(repo, dir), Path.Combine(Root, dir));
        foreach (var file in Directory.GetFiles(repo, "Pulumi*.yaml").Append(Path.Combine(repo, "Directory.Build.props")))
            File.Copy(file, Path.Combine(Root, Path.GetFileName(file)));
        var first = new Dictionary<string, (WrapperRun, WrapperRun)>();
        foreach (var compiler in new[] { "native", "r2r" })
        {
            var a = WrapperRun.Start(Root, compiler, "dev");
            var b = WrapperRun.Start(Root, compiler, "dev");
            first[compiler] = (a.Finish(), b.Finish());
        }
        FirstRuns = first;
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from))
            if (Path.GetFileName(d) is not ("bin" or "obj")) CopyTree(d, Path.Combine(to, Path.GetFileName(d)));
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

public sealed record WrapperRun(int Exit, string Stdout, string Stderr)
{
    private Process? _process;
    private Task<string>? _stdout, _stderr;

    /// <summary>Starts <c>sh scripts/pulumi-compiler.sh</c> with the host's environment (PULUMI_STACK; null = discovery).</summary>
    public static WrapperRun Start(string root, string compiler, string? stack, string? cwd = null)
    {
        var psi = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = cwd ?? root };
        psi.ArgumentList.Add(Path.Combine(root, "scripts", "pulumi-compiler.sh"));
        // The test host's MSBuild/VSTest variables would steer the wrapper's `dotnet publish`.
        foreach (var key in psi.Environment.Keys.ToList())
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("PULUMI_", StringComparison.Ordinal) || key is "INFRA_COMPILER" or "DOTNET_HOST_PATH")
                psi.Environment.Remove(key);
        psi.Environment["INFRA_COMPILER"] = compiler;
        if (stack is not null) psi.Environment["PULUMI_STACK"] = stack;
        var p = Process.Start(psi)!;
        return new WrapperRun(0, "", "") { _process = p, _stdout = p.StandardOutput.ReadToEndAsync(), _stderr = p.StandardError.ReadToEndAsync() };
    }

    public WrapperRun Finish()
    {
        var p = _process!;
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(true); throw new TimeoutException("pulumi-compiler.sh took over 10 minutes"); }
        return new WrapperRun(p.ExitCode, _stdout!.Result, _stderr!.Result);
    }

    public static WrapperRun Run(string root, string compiler, string? stack, string? cwd = null) => Start(root, compiler, stack, cwd).Finish();
}

public sealed class CompilerWrapperTests(CompilerWrapperFixture fx) : IClassFixture<CompilerWrapperFixture>
{
    public static readonly TheoryData<string> Compilers = new() { "native", "r2r" };

    private Synth.Result InProcess(string? stack) =>
        Synth.CliEnv(fx.Root, stack is null ? new Dictionary<string, string>() : new() { ["PULUMI_STACK"] = stack }, "synth");

    [Theory]
    [MemberData(nameof(Compilers))]
    public void Concurrent_first_runs_build_once_and_both_print_the_program(string compiler)
    {
        var (a, b) = fx.FirstRuns[compiler];
        Assert.True(a.Exit == 0 && b.Exit == 0, $"wrapper failed:\n{a.Stderr}\n{b.Stderr}");
        var expected = InProcess("dev").Stdout;
        Assert.Equal(expected, a.Stdout);
        Assert.Equal(expected, b.Stdout);
        // One of them built (chatter on stderr only); the other waited for that build instead of racing it.
        var builds = new[] { a, b }.Count(r => r.Stderr.Contains("building the"));
        Assert.Equal(1, builds);
        Assert.DoesNotContain("note:", a.Stderr + b.Stderr); // no fallback taken
    }

    [Theory]
    [MemberData(nameof(Compilers))]
    public void Every_stack_and_discovery_print_exactly_the_in_process_program(string compiler)
    {
        // Every stack file of the repository, and discovery. A stack that needs a secret the file cannot hold in plain
        // text (staging/prod on Kubernetes need `kubeconfig`) must fail through the wrapper exactly as in process.
        var stacks = Directory.GetFiles(fx.Root, "Pulumi.*.yaml").Select(f => Path.GetFileName(f)[7..^5]).Order(StringComparer.Ordinal).Cast<string?>().Append(null);
        var synthesized = 0;
        foreach (var stack in stacks)
        {
            var expected = InProcess(stack);
            var r = WrapperRun.Run(fx.Root, compiler, stack);
            Assert.True(r.Exit == expected.Exit, $"{compiler} {stack}: exit {r.Exit}, in process {expected.Exit}: {r.Stderr}");
            Assert.Equal(expected.Stdout, r.Stdout); // byte-identical (both are UTF-8 without BOM)
            Assert.Equal(expected.Stderr, r.Stderr); // built already: no chatter; an error is the same line
            if (r.Exit == 0) synthesized++;
        }
        Assert.True(synthesized >= 5, $"only {synthesized} stacks synthesized");
    }

    [Theory]
    [MemberData(nameof(Compilers))]
    public void Bad_input_is_one_line_on_stderr_and_nothing_on_stdout(string compiler)
    {
        var r = WrapperRun.Run(fx.Root, compiler, "nope");
        Assert.Equal(2, r.Exit);
        Assert.Equal("", r.Stdout);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal(InProcess("nope").Stderr.Replace(fx.Root, "ROOT"), r.Stderr.Replace(fx.Root, "ROOT"));
    }

    [Fact]
    public void The_native_binary_is_what_runs_by_default_and_is_fresh()
    {
        var native = Path.Combine(fx.Root, ".build", "native", "infra");
        Assert.True(File.Exists(native));
        var newest = Directory.GetFiles(Path.Combine(fx.Root, "infra"), "*.cs").Max(File.GetLastWriteTimeUtc);
        Assert.True(File.GetLastWriteTimeUtc(native) >= newest);
        Assert.False(Directory.EnumerateFileSystemEntries(Path.Combine(fx.Root, ".build")).Any(e => e.Contains(".tmp.")), "a temp build folder was left behind");
    }

    [Fact]
    public void Native_build_keeps_readable_framework_exception_messages()
    {
        // A deleted working directory makes the runtime's getcwd fail: the message must be a sentence, not a resource key.
        var gone = Directory.CreateTempSubdirectory("infra-gone-").FullName;
        var native = Path.Combine(fx.Root, ".build", "native", "infra");
        var psi = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"cd '{gone}' && rmdir '{gone}' && exec '{native}' synth --stack dev");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(1, p.ExitCode);
        Assert.Equal("", stdout);
        // One line in our own words (Cli.Fail), never a bare resource key such as IO_FileNotFound.
        Assert.StartsWith("error: a file could not be read or written", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotMatch(@"\b[A-Z][A-Za-z]+_[A-Za-z_]+\b", stderr);
    }

    [Fact]
    public void Native_toolchain_is_installed_here()
    {
        // Without clang and zlib1g-dev the wrapper falls back to ReadyToRun; CI installs both so the default path is tested.
        Assert.True(File.Exists("/usr/include/zlib.h") && Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "clang"))),
            "the native compiler needs clang and zlib1g-dev: apt-get install -y clang zlib1g-dev (.ci/run does)");
    }
}
