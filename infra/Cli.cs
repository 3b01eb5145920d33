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
          diff      compare a stack's program with its last deployed state (--state FILE, PULUMI_BACKEND_URL file://,
                    or .pulumi-state/), or two programs: --from A --to B (a program file, . or a git revision);
                    --format text|markdown|json, --max-chars N (markdown, default 60000)
          graph     the topology of a stack: services, networks, ports, dependencies by component (--format mermaid|dot)
          promote   --from STACK --to STACK [--dry-run]: copy the config that must match (system, target, images pinned
                    by digest) into the target stack file and list what differs; never copies secrets

        selecting a stack (synth, plan):
          --stack NAME         read Pulumi.NAME.yaml (default: $PULUMI_STACK; under Pulumi, $PULUMI_CONFIG
                               is the stack's config and the file is not read)
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
                "diff" => Encoding.UTF8.GetBytes(DiffCommand.Run(options, env)),
                "graph" => Encoding.UTF8.GetBytes(GraphCommand.Run(options, env)),
                "promote" => Encoding.UTF8.GetBytes(PromoteCommand.Run(options, env)),
                "hello" => "hello\n"u8.ToArray(),
                _ => throw new InputException("command line", "command", args[0], "one of: synth, plan, systems, policies, bench, diff, graph, promote (see infra --help)"),
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
        catch (Exception e)
        {
            return Fail(stderr, e);
        }
    }

    /// <summary>
    /// The one place an error is printed: "error: " and our own text, made terminal-safe by <see cref="ErrorText"/>.
    /// Bad input exits 2, everything else 1. Framework exception messages are never printed: in the trimmed
    /// build they are bare resource keys, and they may quote input verbatim.
    /// </summary>
    public static int Fail(TextWriter stderr, Exception e)
    {
        var (code, message) = e switch
        {
            InputException => (2, e.Message),
            SynthesisException => (1, e.Message),      // policy failures: a header and one violation per line
            ConfigException => (1, e.Message),         // a config generator refusing its input, in our words
            UnauthorizedAccessException => (1, "permission denied while reading or writing a file"),
            IOException => (1, "a file could not be read or written (I/O error)"),
            OverflowException or FormatException => (1, "internal error: a number could not be read or written; please report this with the command you ran"),
            _ => (1, "internal error (" + e.GetType().Name + "); please report this with the command you ran"),
        };
        stderr.WriteLine("error: " + ErrorText.Escape(message, keepNewlines: e is SynthesisException and not InputException));
        stderr.Flush();
        return code;
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
