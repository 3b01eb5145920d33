using System.Globalization;
using Infra.Stacks.Systems;
using Infra.Tests.Runtime;

namespace Infra.Tests.Programs;

/// <summary>
/// Issue 9: a dev STAND-IN (busybox answering the health path where no app image is configured) probes on the seed's
/// schedule: its health check keeps the service's interval, timeout, retries and start period (e.g. seed 001's
/// 30 s / 10 s / 3 / 40 s for the pliers api), so dev waits and gives up as the real image would.
/// </summary>
public sealed class StandInTimingTests
{
    public static IEnumerable<object[]> Systems() => SystemCatalog.Names.Select(n => new object[] { n });

    private static string Seconds(TimeSpan t) => ((int)t.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";

    [Theory]
    [MemberData(nameof(Systems))]
    public void Dev_stand_ins_keep_the_seed_health_timings(string system)
    {
        var def = SystemCatalog.Find(system)!;
        var program = new PulumiProgram(Synth.Program(system, "dev"));
        var standIns = program.OfType(PulumiProgram.ContainerType).Where(c => Deployment.Label(c, "platform.standin") == "true")
            .Where(c => Deployment.Label(c, "platform.role") != "migrate").ToList();   // the one-shot migration has no health check
        foreach (var c in standIns)
        {
            var svc = def.FindService(Deployment.Label(c, "platform.service")!)!;
            var h = (Dictionary<string, object?>)c.Properties["healthcheck"]!;
            var seed = svc.Health!;
            Assert.Equal((Seconds(seed.Interval), Seconds(seed.Timeout), seed.Retries.ToString(CultureInfo.InvariantCulture), Seconds(seed.StartPeriod)),
                ((string)h["interval"]!, (string)h["timeout"]!, (string)h["retries"]!, (string)h["startPeriod"]!));
        }
        if (system == "pliers")
        {
            // Seed 001 L323-328: the api's compose health check, interval 30s, timeout 10s, retries 3, start_period 40s.
            var api = standIns.Single(c => Deployment.Label(c, "platform.service") == "api");
            var h = (Dictionary<string, object?>)api.Properties["healthcheck"]!;
            Assert.Equal(("30s", "10s", "3", "40s"), ((string)h["interval"]!, (string)h["timeout"]!, (string)h["retries"]!, (string)h["startPeriod"]!));
        }
    }
}
