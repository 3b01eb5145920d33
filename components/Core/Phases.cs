using System.Diagnostics;

namespace Infra.Components.Core;

/// <summary>
/// Opt-in stopwatch per compile phase (build graph, policies, validation, emit, round-trip verify, write).
/// Off unless <see cref="Enable"/> is called (the CLI does with INFRA_REPORT_PHASES=1, for <c>bench</c>); then each
/// phase's elapsed time is added up under its name, in first-seen order.
/// </summary>
public static class Phases
{
    /// <summary>One phase: wall time, bytes allocated during it, and managed heap size when it last ended.</summary>
    public sealed record Total(string Name, double Ms, long AllocatedBytes, long HeapBytes);

    private static List<Total>? s_totals;

    public static void Enable() => s_totals ??= [];

    public static IReadOnlyList<Total> Totals => s_totals ?? [];

    /// <summary>
    /// <c>using (Phases.Time("emit")) { ... }</c>; costs one null check when timing is off. Phases may run on
    /// different threads at once (the read-back check overlaps the emitter); allocation is counted per thread.
    /// </summary>
    public static Scope Time(string name) =>
        s_totals is null ? default : new(name, Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());

    public readonly struct Scope(string name, long start, long allocated) : IDisposable
    {
        public void Dispose()
        {
            if (s_totals is not { } totals || start == 0) return;
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            var heap = GC.GetTotalMemory(forceFullCollection: false);
            lock (totals)
            {
                for (var i = 0; i < totals.Count; i++)
                    if (totals[i].Name == name) { totals[i] = new(name, totals[i].Ms + ms, totals[i].AllocatedBytes + bytes, heap); return; }
                totals.Add(new(name, ms, bytes, heap));
            }
        }
    }
}
