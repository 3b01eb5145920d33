using System.Text;
using Infra.Cli.Commands;
using Infra.Components.Core;

namespace Infra.Cli;

/// <summary>
/// The compiler and its tools. Every command writes its result to <paramref name="stdout"/> only once it
/// has fully succeeded; any error is one line on stderr and a non-zero exit (2 for bad input).
/// </summary>
public static class Cli
{
    public const string Usage = """
        usage: infra <command> [options]

        commands:
          synth     print the Pulumi YAML program of a stack on stdout (the Pulumi compiler)
          plan      offline stand-in for `pulumi preview`: the program as a tree, counts, ports, secrets, protection
          systems   list the systems this program can deploy
          policies  list the policy rules, their rationale and enforcement per environment
          bench     measure compile time and memory (real stacks and generated systems)

        selecting a stack (synth, plan):
          --stack NAME         read Pulumi.NAME.yaml (default: $PULUMI_STACK)
          --system NAME --env ENV [--target docker] [--image SVC=REF]... [--replicas SVC=N]... [--port SVC=PORT]...
                               synthesize without a stack file
          --root DIR           folder holding Pulumi.yaml (default: $PULUMI_ROOT_DIRECTORY, else the current folder)
        synth with no stack selected prints the plugin-discovery program (every provider package, pinned).
        """;

    /// <param name="rawStdout">The process's standard output stream, for writing large programs as UTF-8 without a string copy.</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> env, Stream? rawStdout = null)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                (args.Length == 0 ? stderr : stdout).Write(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            var rest = args[1..];
            var phases = env("INFRA_REPORT_PHASES") == "1";
            if (phases) Phases.Enable();
            var options = Options.Parse(rest);
            ReadOnlyMemory<byte> output = args[0] switch
            {
                "synth" => SynthCommand.Run(options, env),
                "plan" => Encoding.UTF8.GetBytes(PlanCommand.Run(options, env)),
                "systems" => Encoding.UTF8.GetBytes(SystemsCommand.Run(options)),
                "policies" => Encoding.UTF8.GetBytes(PoliciesCommand.Run()),
                "bench" => Encoding.UTF8.GetBytes(BenchCommand.Run(options, stderr)),
                "hello" => "hello\n"u8.ToArray(),
                _ => throw new InputException("command line", "command", args[0], "one of: synth, plan, systems, policies, bench (see infra --help)"),
            };
            var write = Phases.Time("write stdout");
            if (rawStdout is not null)
            {
                stdout.Flush();
                rawStdout.Write(output.Span);
                rawStdout.Flush();
            }
            else
            {
                stdout.Write(Encoding.UTF8.GetString(output.Span));
                stdout.Flush();
            }
            write.Dispose();
            if (phases)
                foreach (var t in Phases.Totals)
                    stderr.WriteLine(FormattableString.Invariant($"phase: {t.Name}={t.Ms:0.###} ms, {t.AllocatedBytes / 1048576.0:0.#} MB allocated, heap {t.HeapBytes / 1048576.0:0.#} MB"));
            ReportPeakMemory(env, stderr);
            return 0;
        }
        catch (InputException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return 2;
        }
        catch (SynthesisException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return 1;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IOException or UnauthorizedAccessException)
        {
            // A generator refusing its input, or a file that cannot be read: still one line, still nothing on stdout.
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>With INFRA_REPORT_PEAK=1, the process's CPU time (user + system) and peak resident memory go to stderr (read by bench).</summary>
    private static void ReportPeakMemory(Func<string, string?> env, TextWriter stderr)
    {
        if (env("INFRA_REPORT_PEAK") != "1") return;
        stderr.WriteLine(FormattableString.Invariant($"cpu-ms: {Environment.CpuUsage.TotalTime.TotalMilliseconds:0.###}"));
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) stderr.WriteLine("peak-rss-kb: " + line[6..].Trim().Split(' ')[0]);
    }
}
