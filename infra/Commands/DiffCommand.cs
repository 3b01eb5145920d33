using Infra.Cli.Preview;
using Infra.Components.Core;
using Infra.Stacks.Composition;

namespace Infra.Cli.Commands;

/// <summary>
/// <c>infra diff --stack S</c>: the program against the stack's last deployed state (create / update / may replace /
/// delete, property by property, secrets masked). <c>infra diff --from A --to B --stack S</c>: two programs, each a
/// program YAML file, <c>.</c> (this working tree) or a git revision (see <see cref="RevisionProgram"/>).
/// Formats: text, markdown (a pull-request comment, at most <c>--max-chars</c>), json (schema infra-preview/v1).
/// </summary>
public static class DiffCommand
{
    public static string Run(Options o, Func<string, string?> env)
    {
        var format = Format(o);
        var maxChars = o.Int("max-chars", DiffRenderer.DefaultMaxChars, DiffRenderer.MinMaxChars, 10_000_000);
        if (o.Has("max-chars") && format != "markdown")
            throw new InputException("command line", "--max-chars", o.Get("max-chars"), "only applies with --format markdown");
        var report = o.Has("from") || o.Has("to") ? BetweenPrograms(o, env) : AgainstState(o, env);
        using (Phases.Time("render")) return Render(report, format, maxChars);
    }

    public static string Format(Options o) => o.Get("format") switch
    {
        null or "text" => "text",
        "markdown" => "markdown",
        "json" => "json",
        var f => throw new InputException("command line", "--format", f, "text, markdown or json"),
    };

    public static string Render(DiffReport report, string format, int maxChars = DiffRenderer.DefaultMaxChars) => format switch
    {
        "markdown" => DiffRenderer.Markdown(report, maxChars),
        "json" => DiffRenderer.Json(report),
        _ => DiffRenderer.Text(report),
    };

    public static string Root(Options o, Func<string, string?> env) => o.Get("root") ?? env("PULUMI_ROOT_DIRECTORY") ?? Directory.GetCurrentDirectory();

    /// <summary>The synthesized program of the selected stack against its last checkpoint.</summary>
    public static DiffReport AgainstState(Options o, Func<string, string?> env)
    {
        if (o.Has("system"))
            throw new InputException("command line", "--system", null, "diff compares a stack with its deployed state: use --stack NAME");
        if (o.Has("generated") && !o.Has("state"))
            throw new InputException("command line", "--generated", null, "a generated system (for measurements) has no deployed state: give --state FILE");
        var selection = StackSelection.Resolve(o, env)
            ?? throw new InputException("command line", "--stack", null, "diff needs a stack: --stack NAME or PULUMI_STACK");
        var synthesis = Synthesizer.Run(selection.Settings, selection.Definition);
        var program = ProgramModel.FromSynthesis(synthesis.Program, synthesis.Policies, "stack " + selection.Settings.Stack) with
        {
            Departures = selection.Definition is null ? ProgramModel.DeparturesOf(selection.Settings.System, selection.Settings.Environment.Name) : null,
        };
        return AgainstState(program, selection.Settings.Stack, o.Get("state"), Root(o, env), env);
    }

    public static DiffReport AgainstState(ProgramModel program, string stack, string? stateFile, string root, Func<string, string?> env)
    {
        // INFRA_PREVIEW_TIMING=1: wall and CPU time of reading the state and comparing, on stderr (for the README's numbers).
        var timing = env("INFRA_PREVIEW_TIMING") == "1" ? System.Diagnostics.Stopwatch.StartNew() : null;
        var cpu0 = timing is null ? TimeSpan.Zero : System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var located = StateLocator.Find(stateFile, root, StackSettings.Project, stack, env);
        var read = timing?.Elapsed;
        var cpu1 = timing is null ? TimeSpan.Zero : System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var report = located.State is { } state
            ? DiffEngine.Compare(program, stack, Baseline.FromDeployed(state))
            : DiffEngine.Compare(program, stack, null, located.Where);
        if (timing is not null)
            Console.Error.WriteLine($"preview-timing: state read {read!.Value.TotalMilliseconds:0} ms, compare {(timing.Elapsed - read.Value).TotalMilliseconds:0} ms (wall), " +
                $"CPU {(cpu1 - cpu0).TotalMilliseconds:0} + {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu1).TotalMilliseconds:0} ms; {program.Resources.Count} resources, {report.Changes.Count} changes");
        return report;
    }

    /// <summary>
    /// The section <c>plan --stack S</c> appends: the same comparison, as text. Only for a named stack (a
    /// <c>--system</c> selection has no deployed state).
    /// </summary>
    public static string PlanSection(Synthesizer.Synthesis synthesis, StackSettings settings, Options o, Func<string, string?> env)
    {
        if (o.Has("system") || o.Has("generated")) return "";
        var program = ProgramModel.FromSynthesis(synthesis.Program, synthesis.Policies, "stack " + settings.Stack);
        var report = AgainstState(program, settings.Stack, o.Get("state"), Root(o, env), env);
        if (report.Against is null)   // the tree above already lists every resource
            return $"\nCompared with the deployed state: nothing deployed ({ErrorText.Escape(report.NoBaselineReason ?? "no state found")}); all {report.Changes.Count} resources would be created.\n";
        return "\n" + DiffRenderer.Text(report);
    }

    private static DiffReport BetweenPrograms(Options o, Func<string, string?> env)
    {
        var from = o.Get("from") ?? throw new InputException("command line", "--from", null, "--to needs --from (a program YAML file, . or a git revision)");
        var to = o.Get("to") ?? ".";
        if (o.Has("state")) throw new InputException("command line", "--state", null, "compares with a deployed state; --from/--to compare two programs: give one or the other");
        var root = Root(o, env);
        var stack = o.Get("stack") ?? (env("PULUMI_STACK") is { Length: > 0 } s ? StackSelection.ShortStackName(s) : null)
            ?? throw new InputException("command line", "--stack", null, "diff --from/--to needs the stack whose program is compared: --stack NAME");
        ProgramModel neu;
        Baseline baseline;
        using var noGc = NoGcWhileReading(from, to, root);
        using (Phases.Time("read programs"))
        {
            // Both sides as text first (in order, so a bad --from is the error reported when both are bad), then the
            // two parsed side by side, the earlier one also turned into the baseline: on a 10,000-resource diff that
            // is most of the time.
            var oldSide = Side("--from", from, stack, root);
            var newSide = Side("--to", to, stack, root);
            var oldTask = Task.Run(() =>
            {
                var old = oldSide();
                using (Phases.Time("baseline")) return DiffEngine.FromProgram(old, stack, old.Origin);
            });
            System.Runtime.ExceptionServices.ExceptionDispatchInfo? newError = null;
            neu = null!;
            try { neu = newSide(); }
            catch (Exception e) { newError = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e); }
            baseline = oldTask.GetAwaiter().GetResult();   // --from's error first
            newError?.Throw();
        }
        using (Phases.Time("compare")) return DiffEngine.Compare(neu, stack, baseline);
    }

    /// <summary>
    /// The two program trees and models are all alive until the comparison ends: a collection in between only walks
    /// them (on a 10,000-resource diff the collector took half the reading time). Where both sides are files, the
    /// collector is held off for about 20 times their size (the trees, the models and the baseline), within 1 GiB;
    /// when the runtime refuses, it simply runs as usual.
    /// </summary>
    private static IDisposable? NoGcWhileReading(string from, string to, string root)
    {
        long Size(string spec) => File.Exists(spec) ? new FileInfo(spec).Length : 0;
        var budget = 20 * (Size(from) + Size(to));
        if (budget is 0 or > 1L << 30) return null;
        try
        {
            return GC.TryStartNoGCRegion(budget) ? new NoGcRegion() : null;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;   // more than this runtime's no-GC region can hold
        }
    }

    private sealed class NoGcRegion : IDisposable
    {
        public void Dispose()
        {
            if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
    }

    /// <summary>One side, read (a file or a git revision's program) or synthesized (<c>.</c>); what remains is the parse.</summary>
    private static Func<ProgramModel> Side(string flag, string spec, string stack, string root)
    {
        if (spec == ".")
        {
            var settings = StackSettings.Load(root, stack);
            var synthesis = Synthesizer.Run(settings);
            var model = ProgramModel.FromSynthesis(synthesis.Program, synthesis.Policies, "this working tree") with
            {
                Departures = ProgramModel.DeparturesOf(settings.System, settings.Environment.Name),
            };
            return () => model;
        }
        var path = Path.IsPathRooted(spec) ? spec : Path.Combine(Directory.GetCurrentDirectory(), spec);
        if (File.Exists(path))
        {
            if (new FileInfo(path).Length > 256L * 1024 * 1024) throw new InputException(spec, "size", null, "program files up to 256 MiB are read");
            var program = File.ReadAllText(path);
            return () => ProgramModel.FromYaml(program, spec);
        }
        var (text, description) = RevisionProgram.Synthesize(flag, spec, stack, root);
        return () => ProgramModel.FromYaml(text, description);
    }
}
