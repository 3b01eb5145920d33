using System.Diagnostics;
using System.Globalization;
using System.Text;
using Infra.Components.Core;
using Infra.Stacks.Systems;

namespace Infra.Cli.Commands;

/// <summary>
/// Measures the compiler as Pulumi runs it: a fresh process per compile, from process start to the
/// program on stdout, with the process's peak resident memory. The floor is the same runtime starting
/// and printing "hello". Each figure is the median of --runs runs after one warm-up run.
/// </summary>
public static class BenchCommand
{
    public static string Run(Options o, TextWriter log)
    {
        var runs = o.Int("runs", 7, 1, 100);
        var sizes = (o.Get("sizes") ?? "10,100,1000,10000").Split(',').Select(s =>
            int.TryParse(s, out var n) && n > 0 ? n : throw new InputException("command line", "--sizes", s, "comma-separated service counts")).ToList();
        var self = Environment.ProcessPath ?? throw new SynthesisException("cannot find the running executable");
        var dll = Path.Combine(AppContext.BaseDirectory, "infra.dll");
        // Run the same way Pulumi does: `dotnet infra.dll` when hosted by dotnet, else the apphost.
        var (file, prefix) = Path.GetFileNameWithoutExtension(self) == "dotnet" ? (self, new[] { dll }) : (self, Array.Empty<string>());

        var rows = new List<(string Name, int Services, int Resources, double Ms, double PeakMb)>();
        var floor = Measure(file, [.. prefix, "hello"], runs, log);
        rows.Add(("hello-world floor", 0, 0, floor.Ms, floor.PeakMb));
        foreach (var system in SystemCatalog.Names)
        {
            var m = Measure(file, [.. prefix, "synth", "--system", system, "--env", "dev"], runs, log);
            rows.Add(($"{system} (dev)", SystemCatalog.Find(system)!.Services.Count, m.Resources, m.Ms, m.PeakMb));
        }
        foreach (var n in sizes)
        {
            var m = Measure(file, [.. prefix, "synth", "--generated", n.ToString(CultureInfo.InvariantCulture)], n >= 10000 ? Math.Min(runs, 3) : runs, log);
            rows.Add(($"generated", n, m.Resources, m.Ms, m.PeakMb));
        }

        var sb = new StringBuilder();
        sb.Append($"| stack | services | resources | compile (median of {runs}) | × floor | peak memory |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var r in rows)
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Name} | {(r.Services == 0 ? "" : r.Services)} | {(r.Resources == 0 ? "" : r.Resources)} | {r.Ms:0} ms | {r.Ms / floor.Ms:0.00} | {r.PeakMb:0} MB |\n");
        sb.Append(CultureInfo.InvariantCulture, $"\nmachine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(prefix.Length > 0 ? "dotnet infra.dll" : "apphost")}\n");
        return sb.ToString();
    }

    private static (double Ms, double PeakMb, int Resources) Measure(string file, string[] args, int runs, TextWriter log)
    {
        var times = new List<double>();
        var peaks = new List<double>();
        var resources = 0;
        for (var i = 0; i <= runs; i++)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["INFRA_REPORT_PEAK"] = "1";
            psi.Environment.Remove("PULUMI_STACK");
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var stderrTask = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            sw.Stop();
            var stderr = stderrTask.Result;
            if (p.ExitCode != 0) throw new SynthesisException($"bench: `{string.Join(' ', args)}` failed: {stderr.Trim()}");
            if (i == 0) { resources = CountResources(stdout); continue; } // warm-up
            times.Add(sw.Elapsed.TotalMilliseconds);
            var peak = stderr.Split('\n').FirstOrDefault(l => l.StartsWith("peak-rss-kb: ", StringComparison.Ordinal));
            if (peak is not null) peaks.Add(double.Parse(peak[13..], CultureInfo.InvariantCulture) / 1024);
        }
        log.WriteLine($"bench: {string.Join(' ', args.Where(a => !a.EndsWith(".dll", StringComparison.Ordinal)))}: {Median(times):0} ms");
        return (Median(times), peaks.Count > 0 ? peaks.Max() : 0, resources);
    }

    private static int CountResources(string program) =>
        program.Split('\n').Count(l => l.StartsWith("    type: ", StringComparison.Ordinal));

    private static double Median(List<double> xs)
    {
        xs.Sort();
        return xs.Count == 0 ? 0 : xs[xs.Count / 2];
    }
}
