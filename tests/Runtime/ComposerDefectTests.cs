using Infra.Tests.Programs;

namespace Infra.Tests.Runtime;

/// <summary>
/// Composer defects found by the runtime tier (issue 9 part 2) that only show on an engine. The ones visible in the
/// program text alone are in <see cref="DockerComposerDefectTests"/>.
/// </summary>
[Collection(RuntimeCollection.Name)]
[Trait("Category", RuntimeCollection.Category)]
public class ComposerDefectTests
{
    private static PulumiProgram Env(string system, string env) => new(Synth.Program(system, env));
    private static IEnumerable<ProgramResource> Containers(PulumiProgram p) => p.OfType(PulumiProgram.ContainerType);
    private static List<Dictionary<string, object?>> Maps(object? v) => v is List<object?> l ? l.Cast<Dictionary<string, object?>>().ToList() : [];
    private static IEnumerable<string> DependsOn(ProgramResource c) =>
        c.Options.TryGetValue("dependsOn", out var d) && d is List<object?> l ? l.Cast<string>().Select(s => s.Trim('$', '{', '}')) : [];

    // #2/#3: a new volume was root-owned while its service runs as a non-root UID (backup sidecar 70:70, PinAI 1000:1000).
    // The one-shot volume-init container the service depends on gives the volume to the service's user.
    [Theory]
    [InlineData("pliers", "staging", "backup")]
    [InlineData("pinai", "dev", "registry")]
    public void Service_volumes_are_writable_by_the_service_user(string system, string env, string service)
    {
        var p = Env(system, env);
        var c = Containers(p).First(x => Deployment.Label(x, "platform.service") == service && Deployment.Label(x, "platform.role") != "volume-init");
        var scope = $"defect-{system}-{service}";
        using var d = new Deployment(scope, p);
        d.CreateNetworksAndVolumes();
        var inits = Containers(p).Where(x => DependsOn(c).Contains(x.Name) && Deployment.Label(x, "platform.role") == "volume-init").ToList();
        Assert.NotEmpty(inits);
        d.Up(inits);
        var props = p.ResolvedProperties(c);
        foreach (var m in Maps(props["volumes"]).Where(m => m.ContainsKey("volumeName")))
        {
            var r = DockerCli.Run(["run", "--rm", "--label", $"{Deployment.TestLabel}={scope}", "--user", (string)props["user"]!,
                "-v", $"{m["volumeName"]}:{m["containerPath"]}", "local/busybox", "touch", $"{m["containerPath"]}/probe"]);
            Assert.True(r.Ok, $"{c.Name} runs as {props["user"]} but cannot write its volume at {m["containerPath"]}: {r.Stderr.Trim()}");
        }
    }
}
