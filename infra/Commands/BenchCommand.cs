using System.Diagnostics;
using System.Globalization;
using System.Text;
using Infra.Components.Core;

namespace Infra.Cli.Commands;

/// <summary>
/// Measures the compilers as Pulumi runs them: a fresh process per compile, from process start to the whole program
/// read from its stdout, with the process's peak resident memory (VmHWM, reported by the process itself). Side by
/// side in one run, interleaved run by run so machine noise hits every compiler alike: the Native AOT binary, the
/// managed ReadyToRun build (<c>dotnet infra.dll</c>) and, as the baseline, a hello-world console app started with
/// <c>dotnet hello.dll</c> (built once into .build/hello). Each figure is the median of --runs runs after one warm-up
/// run; the per-phase breakdown is the median of each phase as the native process timed it (INFRA_REPORT_PHASES=1).
/// </summary>
public static class BenchCommand
{
    /// <summary>The phase that runs on its own thread, overlapping <c>emit</c> (not part of the main thread's sum).</summary>
    private const string Overlapped = "round-trip verify";

    private sealed record Compiler(string Name, string File, string[] Prefix);

    private sealed record Workload(string Name, int Services, string[] Args);

    private sealed class Sample
    {
        public List<double> Ms { get; } = [];
        public List<double> PeakMb { get; } = [];
        public List<double> CpuMs { get; } = [];
        public Dictionary<string, List<double>> Phases { get; } = new(StringComparer.Ordinal);
        public int Resources { get; set; }
        public long Bytes { get; set; }
    }

    public static string Run(Options o, TextWriter log)
    {
        var runs = o.Int("runs", 7, 1, 100);
        var sizes = (o.Get("sizes") ?? "100,1000,10000").Split(',').Select(s =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new InputException("command line", "--sizes", s, "comma-separated service counts")).ToList();
        var root = Path.GetFullPath(o.Get("root") ?? Directory.GetCurrentDirectory());
        var build = Path.Combine(root, ".build");

        var compilers = new List<Compiler>();
        if (Locate(Path.Combine(build, "native", "infra"), SelfIfNative()) is { } native) compilers.Add(new("native (AOT)", native, []));
        else log.WriteLine($"bench: no native compiler at {Path.Combine(build, "native", "infra")} (run scripts/pulumi-compiler.sh once): measuring the managed build only");
        var dotnet = DotnetHost();
        if (Locate(Path.Combine(build, "compiler", "infra.dll"), Path.Combine(AppContext.BaseDirectory, "infra.dll")) is { } dll) compilers.Add(new("managed (dotnet infra.dll)", dotnet, [dll]));
        if (compilers.Count == 0) throw new InputException("command line", "--root", root, "no compiler found: run `sh scripts/pulumi-compiler.sh` (native) or `INFRA_COMPILER=r2r sh scripts/pulumi-compiler.sh` first");
        var hello = HelloWorld(build, dotnet, log);

        var workloads = new List<Workload>();
        if (File.Exists(Path.Combine(root, "Pulumi.dev.yaml"))) workloads.Add(new("dev stack", 0, ["synth", "--stack", "dev", "--root", root]));
        foreach (var n in sizes) workloads.Add(new($"{n} services", n, ["synth", "--generated", n.ToString(CultureInfo.InvariantCulture)]));
        // A PR-preview diff of about 10,000 resources: two programs of 3,334 generated services (10,017 resources) whose
        // every stack label differs, compared and rendered as the bounded Markdown comment.
        if (sizes.Contains(10000)) workloads.Add(new("diff, 10,017 resources (Markdown)", 0, DiffWorkload(compilers[0], build)));

        // Baselines: hello world on dotnet, and each compiler's own start-up (`infra hello`: start, print, exit).
        var results = new List<(string Workload, Compiler Compiler, Sample Sample)>();
        var floors = new List<Compiler> { hello };
        foreach (var c in compilers) floors.Add(c with { Name = c.Name + ": `infra hello`" });
        foreach (var (c, s) in Interleave(floors, c => [.. c.Prefix, c == hello ? "" : "hello"], runs, log, "hello"))
            results.Add(("start-up", c, s));
        foreach (var w in workloads)
            foreach (var (c, s) in Interleave(compilers, c => [.. c.Prefix, .. w.Args], w.Services >= 10000 ? Math.Min(runs, 3) : runs, log, w.Name))
                results.Add((w.Name, c, s));

        var helloMs = Median(results.First(r => r.Compiler == hello).Sample.Ms);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"| workload | resources | program | compiler | time (median of {runs}; 3 at 10,000) | × hello | CPU (user+sys) | peak memory |\n|---|---:|---:|---|---:|---:|---:|---:|\n");
        foreach (var (w, c, s) in results)
        {
            var ms = Median(s.Ms);
            sb.Append(CultureInfo.InvariantCulture,
                $"| {w} | {(s.Resources == 0 ? "" : s.Resources)} | {(s.Resources == 0 ? "" : Size(s.Bytes))} | {c.Name} | {Time(ms)} | {ms / helloMs:0.00} | {Time(Median(s.CpuMs))} | {Median(s.PeakMb):0} MB |\n");
        }

        var phased = results.Where(r => r.Sample.Phases.Count > 0 && r.Workload != "start-up").ToList();
        if (phased.Count > 0)
        {
            var names = phased.SelectMany(r => r.Sample.Phases.Keys).Distinct().ToList();
            sb.Append("\nPer phase (median ms, as the compiler process timed itself; `round-trip verify` runs on a second thread alongside `emit`,\n");
            sb.Append("`verify wait` is what the main thread then still waits for it; `outside` = process start-up, argument parsing and exit):\n\n");
            sb.Append("| workload | compiler | ").Append(string.Join(" | ", names)).Append(" | outside | total |\n|---|---|");
            sb.Append(string.Concat(Enumerable.Repeat("---:|", names.Count + 2))).Append('\n');
            foreach (var (w, c, s) in phased)
            {
                var phases = names.Select(n => s.Phases.TryGetValue(n, out var l) ? Median(l) : 0).ToList();
                var total = Median(s.Ms);
                sb.Append(CultureInfo.InvariantCulture, $"| {w} | {c.Name} | ");
                sb.Append(string.Join(" | ", phases.Select(p => p.ToString("0.0", CultureInfo.InvariantCulture))));
                var mainThread = names.Select((n, i) => n == Overlapped ? 0 : phases[i]).Sum();
                sb.Append(CultureInfo.InvariantCulture, $" | {Math.Max(0, total - mainThread):0.0} | {total:0.0} |\n");
            }
        }

        sb.Append('\n');
        foreach (var c in compilers)
        {
            double? At(int n) => results.FirstOrDefault(r => r.Compiler == c && r.Workload == $"{n} services").Sample is { } s ? Median(s.Ms) : null;
            if (At(1000) is { } t1 && At(10000) is { } t2)
                sb.Append(CultureInfo.InvariantCulture, $"{c.Name}: time exponent 1,000 → 10,000 services = {Math.Log10(t2 / t1):0.00}\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; hello = `dotnet hello.dll` ({Time(helloMs)})\n");
        return sb.ToString();
    }

    /// <summary>Writes the two programs the diff workload compares (with the first compiler) and returns its arguments.</summary>
    private static string[] DiffWorkload(Compiler compiler, string build)
    {
        var dir = Path.Combine(build, "bench");
        Directory.CreateDirectory(dir);
        var from = Path.Combine(dir, "diff-from.yaml");
        var to = Path.Combine(dir, "diff-to.yaml");
        var psi = new ProcessStartInfo(compiler.File) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[.. compiler.Prefix, "synth", "--generated", "3334"]) psi.ArgumentList.Add(a);
        psi.Environment.Remove("PULUMI_STACK");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var program = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new SynthesisException($"bench: the diff workload's program failed: {stderr.Result.Trim()}");
        File.WriteAllText(from, program);
        File.WriteAllText(to, program.Replace("value: bench\n", "value: bench-next\n", StringComparison.Ordinal));
        return ["diff", "--from", from, "--to", to, "--stack", "bench", "--format", "markdown"];
    }

    /// <summary>One warm-up, then <paramref name="runs"/> rounds, each round running every compiler once.</summary>
    private static List<(Compiler, Sample)> Interleave(List<Compiler> compilers, Func<Compiler, string[]> args, int runs, TextWriter log, string what)
    {
        var samples = compilers.Select(c => (c, new Sample())).ToList();
        for (var i = 0; i <= runs; i++)
            foreach (var (c, s) in samples)
                Measure(c.File, [.. args(c).Where(a => a.Length > 0)], s, warmUp: i == 0);
        foreach (var (c, s) in samples) log.WriteLine($"bench: {what}, {c.Name}: {Time(Median(s.Ms))} (CPU {Time(Median(s.CpuMs))}), {Median(s.PeakMb):0} MB");
        return samples;
    }

    private static void Measure(string file, string[] args, Sample sample, bool warmUp)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["INFRA_REPORT_PEAK"] = "1";
        psi.Environment["INFRA_REPORT_PHASES"] = "1";
        psi.Environment.Remove("PULUMI_STACK");
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stderrTask = p.StandardError.ReadToEndAsync();
        var program = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(program);
        p.WaitForExit();
        sw.Stop();
        var stderr = stderrTask.Result;
        if (p.ExitCode != 0) throw new SynthesisException($"bench: `{Path.GetFileName(file)} {string.Join(' ', args)}` failed: {stderr.Trim()}");
        if (warmUp) return;
        sample.Ms.Add(sw.Elapsed.TotalMilliseconds);
        sample.Bytes = program.Length;
        sample.Resources = CountResources(program.GetBuffer().AsSpan(0, (int)program.Length));
        foreach (var line in stderr.Split('\n'))
        {
            if (line.StartsWith("cpu-ms: ", StringComparison.Ordinal))
                sample.CpuMs.Add(double.Parse(line[8..], CultureInfo.InvariantCulture));
            else if (line.StartsWith("peak-rss-kb: ", StringComparison.Ordinal))
                sample.PeakMb.Add(double.Parse(line[13..], CultureInfo.InvariantCulture) / 1024);
            else if (line.StartsWith("phase: ", StringComparison.Ordinal) && line.IndexOf('=') is var eq and > 0)
            {
                var name = line[7..eq];
                var ms = double.Parse(line[(eq + 1)..line.IndexOf(" ms", eq, StringComparison.Ordinal)], CultureInfo.InvariantCulture);
                if (!sample.Phases.TryGetValue(name, out var list)) sample.Phases[name] = list = [];
                list.Add(ms);
            }
        }
    }

    /// <summary>A hello-world console app (the SDK's template, framework-dependent), built once into .build/hello.</summary>
    private static Compiler HelloWorld(string build, string dotnet, TextWriter log)
    {
        var dir = Path.Combine(build, "hello");
        var dll = Path.Combine(dir, "hello.dll");
        var stamp = Path.Combine(dir, "Program.cs.built");
        if (!File.Exists(dll) || !File.Exists(stamp) || File.ReadAllText(stamp) != HelloSource)
        {
            log.WriteLine("bench: building the hello-world baseline into " + dir);
            var src = Directory.CreateTempSubdirectory("infra-hello-").FullName;
            try
            {
                File.WriteAllText(Path.Combine(src, "hello.csproj"), """
                    <Project Sdk="Microsoft.NET.Sdk">
                      <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><AssemblyName>hello</AssemblyName></PropertyGroup>
                    </Project>
                    """);
                File.WriteAllText(Path.Combine(src, "Program.cs"), HelloSource);
                var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { "build", Path.Combine(src, "hello.csproj"), "-c", "Release", "-o", dir, "-nologo", "--disable-build-servers", "-nodeReuse:false" })
                    psi.ArgumentList.Add(a);
                using var p = Process.Start(psi)!;
                var err = p.StandardError.ReadToEndAsync();
                var output = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) throw new SynthesisException($"bench: building the hello-world baseline failed: {(output + err.Result).Trim()}");
            }
            finally { Directory.Delete(src, recursive: true); }
            File.WriteAllText(stamp, HelloSource);
        }
        return new Compiler("hello world (dotnet hello.dll)", dotnet, [dll]);
    }

    /// <summary>Resources are the entries under <c>resources:</c>; each has a <c>type:</c> line indented by four spaces.</summary>
    private static int CountResources(ReadOnlySpan<byte> program)
    {
        var n = 0;
        for (var i = program.IndexOf("\n    type: "u8); i >= 0; i = program.IndexOf("\n    type: "u8))
        {
            n++;
            program = program[(i + 1)..];
        }
        return n;
    }

    // Prints hello; with INFRA_REPORT_PEAK=1 also its CPU time and peak memory, read the same way the compiler reads its own.
    private const string HelloSource = """
                    Console.WriteLine("hello");
                    if (Environment.GetEnvironmentVariable("INFRA_REPORT_PEAK") == "1")
                    {
                        Console.Error.WriteLine("cpu-ms: " + Environment.CpuUsage.TotalTime.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        foreach (var line in File.ReadLines("/proc/self/status"))
                            if (line.StartsWith("VmHWM:")) Console.Error.WriteLine("peak-rss-kb: " + line[6..].Trim().Split(' ')[0]);
                    }
                    """;

    private static string? Locate(params string?[] candidates) => candidates.FirstOrDefault(c => c is not null && File.Exists(c));

    /// <summary>The running executable when it is the native compiler itself (no managed infra.dll beside it).</summary>
    private static string? SelfIfNative() =>
        Environment.ProcessPath is { } self && Path.GetFileName(self) == "infra" && !File.Exists(Path.Combine(AppContext.BaseDirectory, "infra.dll")) ? self : null;

    private static string DotnetHost() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private static string Time(double ms) => ms >= 1000 ? (ms / 1000).ToString("0.00 s", CultureInfo.InvariantCulture) : ms.ToString("0 ms", CultureInfo.InvariantCulture);

    private static string Size(long bytes) => bytes >= 1 << 20 ? (bytes / 1048576.0).ToString("0.0 MB", CultureInfo.InvariantCulture) : (bytes / 1024.0).ToString("0 KB", CultureInfo.InvariantCulture);

    private static double Median(List<double> xs)
    {
        if (xs.Count == 0) return 0;
        var sorted = xs.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
