using System.Text.RegularExpressions;
using Infra.Tests.Runtime;

namespace Infra.Tests.Programs;

/// <summary>
/// Composer defects found by the runtime tier (issue 9 part 2) whose fix shows in the program text alone; the ones that
/// need a Docker engine are in <see cref="ComposerDefectTests"/>.
/// </summary>
public class DockerComposerDefectTests
{
    private static PulumiProgram Dev(string system) => new(Synth.Program(system, "dev"));
    private static PulumiProgram Env(string system, string env) => new(Synth.Program(system, env));
    private static IEnumerable<ProgramResource> Containers(PulumiProgram p) => p.OfType(PulumiProgram.ContainerType);
    private static List<Dictionary<string, object?>> Maps(object? v) => v is List<object?> l ? l.Cast<Dictionary<string, object?>>().ToList() : [];
    private static string Name(ProgramResource c) => (string)c.Properties["name"]!;

    public static IEnumerable<object[]> Systems() => Infra.Stacks.Systems.SystemCatalog.Names.Select(s => new object[] { s });
    public static IEnumerable<object[]> All() => Synth.AllCombinations();

    // #1: Redis maxmemory / PostgreSQL memory follow the container's scaled limit (prod shipped maxmemory 2 GB in a 1 GB container).
    [Theory, MemberData(nameof(All))]
    public void Data_services_are_sized_from_their_container_limit(string system, string env)
    {
        foreach (var c in Containers(Env(system, env)))
        {
            if (!c.Properties.ContainsKey("memory")) continue;
            var mem = long.Parse((string)c.Properties["memory"]!) * 1024 * 1024;
            var conf = Maps(c.Properties.GetValueOrDefault("uploads")).Select(u => u.GetValueOrDefault("content") as string ?? "")
                .FirstOrDefault(t => t.Contains("maxmemory ") || t.Contains("shared_buffers"));
            if (conf is null) continue;
            var m = Regex.Match(conf, @"maxmemory (\d+)");
            if (m.Success) Assert.True(long.Parse(m.Groups[1].Value) <= mem * 6 / 10, $"{c.Name}: maxmemory {m.Groups[1].Value} vs limit {mem}");
            var sb = Regex.Match(conf, @"effective_cache_size = (\d+)MB");
            if (sb.Success) Assert.True(long.Parse(sb.Groups[1].Value) * 1024 * 1024 <= mem, $"{c.Name}: effective_cache_size {sb.Groups[1].Value}MB vs limit {mem}");
        }
    }

    // #7: PostgreSQL keeps Docker's 64 MB /dev/shm although dynamic_shared_memory_type = posix lives there.
    [Theory, MemberData(nameof(All))]
    public void Postgres_has_a_shm_size(string system, string env)
    {
        foreach (var db in Containers(Env(system, env)).Where(c => Deployment.Label(c, "platform.role") == "database"))
            Assert.True(db.Properties.TryGetValue("shmSize", out var s) && int.Parse((string)s!) >= 256, $"{db.Name}: no shmSize (64 MB default)");
    }
}
