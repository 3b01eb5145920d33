using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Infra.Tests.Runtime;

/// <summary>
/// Deploys the docker resources of one synthesized program on the local daemon: networks, volumes, then the
/// containers in dependency waves (a container starts once everything it dependsOn is healthy, as the
/// provider's <c>wait</c> does). Everything carries the label <see cref="TestLabel"/> and is removed on
/// dispose and before each deployment (stale leftovers of a killed run), so a failing test cleans up too.
/// <para>Harness adjustments to the program, all here: images via <see cref="LocalImages"/> (stand-ins get the
/// stand-in entrypoint); published ports are bound to 127.0.0.1 (nothing leaves this machine; the program itself
/// binds 0.0.0.0 — a composer defect) on a host port Docker picks, so systems and other engineers' tests never
/// clash on 80/3000/5432 (the declared port stays in <see cref="ContainerPlan.Ports"/>; <c>docker port</c> gives the
/// real one); and the test label (value: the deployment's scope) is added.</para>
/// </summary>
public sealed class Deployment : IDisposable
{
    public const string TestLabel = "platform.runtime-test";

    private readonly Dictionary<string, ContainerPlan> _plans = new(StringComparer.Ordinal);
    private readonly List<string> _log = [];

    public Deployment(string system, PulumiProgram program, bool removeStale = true)
    {
        System = system;
        Program = program;
        program.ImageFor = r => LocalImages.For((string)r.Properties["name"]!).Image;
        DockerCli.RequireDaemon();
        if (removeStale) RemoveEverything(system);
    }

    public string System { get; }
    public PulumiProgram Program { get; }
    public IReadOnlyDictionary<string, ContainerPlan> Plans => _plans;

    /// <summary>What happened, in order (printed in failure messages).</summary>
    public string Log => string.Join('\n', _log);

    /// <summary>The local image (look-alike or stand-in) a container runs.</summary>
    public LocalImage ImageOf(ProgramResource container) =>
        Program.ImageResourceOf(container) is { } img ? LocalImages.For((string)img.Properties["name"]!) : LocalImages.For((string)container.Properties["image"]!);

    /// <summary>"pliers-monitoring-grafana (STAND-IN for grafana/grafana ...)" — used in every assertion message.</summary>
    public string Describe(ProgramResource container) =>
        $"{container.Properties["name"]} [{ImageOf(container).Note}" +
        (Label(container, "platform.standin") == "true" ? "; the dev program's own STAND-IN for a missing app image]" : "]");

    public void CreateNetworksAndVolumes()
    {
        foreach (var n in Program.OfType(PulumiProgram.NetworkType))
            Docker(ContainerTranslator.NetworkCreate(WithLabel(Program.ResolvedProperties(n))), $"network {n.Name}");
        foreach (var v in Program.OfType(PulumiProgram.VolumeType)) CreateVolume(v);
    }

    public void CreateVolume(ProgramResource volume) =>
        Docker(ContainerTranslator.VolumeCreate(WithLabel(Program.ResolvedProperties(volume))), $"volume {volume.Name}");

    /// <summary>The resolved value of one of a container's environment variables.</summary>
    public string Env(ProgramResource container, string key)
    {
        var envs = (List<object?>)Program.ResolvedProperties(container)["envs"]!;
        var hit = envs.Cast<string>().FirstOrDefault(e => e.StartsWith(key + "=", StringComparison.Ordinal));
        return hit?[(key.Length + 1)..] ?? throw new KeyNotFoundException($"{container.Name} has no env {key}");
    }

    /// <summary>The value of a platform label (e.g. platform.role) on a resource, or null.</summary>
    public static string? Label(ProgramResource r, string label) =>
        r.Properties.TryGetValue("labels", out var l) && l is List<object?> list
            ? list.Cast<Dictionary<string, object?>>().Where(x => (string?)x["label"] == label).Select(x => (string?)x["value"]).FirstOrDefault()
            : null;

    /// <summary>First network name and first alias of a container on it (how the app reaches it).</summary>
    public (string Network, string Alias) AppAddress(ProgramResource container)
    {
        var props = Program.ResolvedProperties(container);
        var first = ((List<object?>)props["networksAdvanced"]!).Cast<Dictionary<string, object?>>().First();
        return ((string)first["name"]!, ((List<object?>)first["aliases"]!).Cast<string>().First());
    }

    /// <summary>Resolves, adjusts (see class summary) and translates one container.</summary>
    public ContainerPlan Plan(ProgramResource container)
    {
        if (_plans.TryGetValue(container.Name, out var known)) return known;
        var props = WithLabel(Program.ResolvedProperties(container));
        var image = ImageOf(container);
        if (image.StandIn is { } standIn)
        {
            props.Remove("command");
            props["entrypoints"] = new List<object?> { "sh", "-c", standIn.Script() };
            var envs = props.TryGetValue("envs", out var e) && e is List<object?> l ? l : [];
            envs.Add($"PATH={StandIn.BinDir}:/opt/busybox/bin:/usr/local/bin:/usr/bin:/bin");
            props["envs"] = envs;
        }
        if (props.TryGetValue("ports", out var ports) && ports is List<object?> pl)
        {
            foreach (var p in pl.Cast<Dictionary<string, object?>>())
            {
                if (!p.ContainsKey("ip")) p["ip"] = "127.0.0.1";
                p.Remove("external");
            }
        }
        var plan = ContainerTranslator.Translate(props);
        // Keep the ports as the program declares them (for assertions); only the docker arguments use the adjusted ones.
        var declared = container.Properties.TryGetValue("ports", out var dp) && dp is not null
            ? ContainerTranslator.Translate(new Dictionary<string, object?> { ["name"] = plan.Name, ["image"] = "x", ["ports"] = Program.Resolve(dp) }).Ports
            : [];
        return _plans[container.Name] = plan with { Ports = declared };
    }

    /// <summary>Creates, prepares (networks, uploads) and starts one container; no wait.</summary>
    public void CreateAndStart(ProgramResource container)
    {
        var plan = Plan(container);
        Docker(plan.CreateArgs, $"create {Describe(container)}");
        foreach (var step in plan.BeforeStart) Docker(step.Args, step.What, step.Stdin);
        if (plan.Start) Docker(["start", plan.Name], $"start {Describe(container)}");
    }

    /// <summary>All containers of the program (or <paramref name="only"/>), in waves of dependsOn; waits for health per wave.</summary>
    public void Up(IEnumerable<ProgramResource>? only = null)
    {
        var todo = (only ?? Program.OfType(PulumiProgram.ContainerType)).ToList();
        // A one-shot a container depends on (attach: true, e.g. the volume-init chown) is part of bringing it up.
        if (only is not null)
            todo.InsertRange(0, Program.OfType(PulumiProgram.ContainerType)
                .Where(o => o.Properties.GetValueOrDefault("attach") is true or "true" && !todo.Contains(o) && todo.Any(c => DependsOn(c).Contains(o.Name))).ToList());
        var names = todo.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (todo.Count > 0)
        {
            var wave = todo.Where(c => DependsOn(c).All(d => done.Contains(d) || !names.Contains(d))).ToList();
            if (wave.Count == 0) throw new InvalidOperationException("dependency cycle among " + string.Join(", ", todo.Select(c => c.Name)));
            foreach (var c in wave) CreateAndStart(c);
            WaitHealthy(wave);
            foreach (var c in wave) { done.Add(c.Name); todo.Remove(c); }
        }
    }

    /// <summary>
    /// Polls docker inspect until every container is healthy. Bound per container: its start period plus one
    /// interval and one timeout (Docker only probes on interval ticks) — i.e. healthy by the first probe that
    /// would count against retries — capped by waitTimeout. A container without a healthcheck must be running.
    /// </summary>
    public void WaitHealthy(IReadOnlyList<ProgramResource> containers)
    {
        var started = Stopwatch.StartNew();
        var pending = containers.Where(c => Plan(c).Start).ToList();
        var slack = TimeSpan.FromSeconds(5);
        while (pending.Count > 0)
        {
            var states = Inspect(pending.Select(c => Plan(c).Name));
            foreach (var c in pending.ToList())
            {
                var plan = Plan(c);
                var (status, health) = states[plan.Name];
                // attach: true (a one-shot) is done when it has exited with code 0, as the provider waits for it.
                var ok = plan.OneShot ? status == "exited" && health == "exit=0" : plan.Health is null ? status == "running" : health == "healthy";
                if (ok) { _log.Add($"{started.Elapsed.TotalSeconds,5:0.0}s healthy: {Describe(c)}"); pending.Remove(c); continue; }
                var bound = plan.Health is { } h ? h.StartPeriod + h.Interval + h.Timeout + slack : TimeSpan.FromSeconds(10);
                if (bound > plan.WaitTimeout) bound = plan.WaitTimeout;
                if ((status is "exited" or "dead" && !plan.OneShot) || (plan.OneShot && status == "exited") || started.Elapsed > bound)
                    throw new Xunit.Sdk.XunitException(
                        $"{Describe(c)} is not healthy after {started.Elapsed.TotalSeconds:0}s (bound {bound.TotalSeconds:0}s): status={status} health={health}\n" +
                        Diagnose(plan.Name) + "\n--- deployment log ---\n" + Log);
            }
            if (pending.Count > 0) Thread.Sleep(1000);
        }
    }

    /// <summary>docker rm -f, then the same create/upload/start with the same volumes, then wait for health.</summary>
    public void Recreate(ProgramResource container)
    {
        Docker(["rm", "-f", Plan(container).Name], $"remove {Describe(container)}");
        CreateAndStart(container);
        WaitHealthy([container]);
    }

    /// <summary>Runs a throwaway client container (labelled, removed) on <paramref name="network"/>: the app path.</summary>
    public DockerResult Client(string network, string image, IEnumerable<string> env, params string[] command)
    {
        var args = new List<string> { "run", "--rm", "--label", TestLabel + "=" + System, "--network", network };
        foreach (var e in env) args.AddRange(["--env", e]);
        args.Add(image);
        args.AddRange(command);
        return DockerCli.Run(args, TimeSpan.FromSeconds(60));
    }

    public DockerResult Exec(string container, params string[] command) =>
        DockerCli.Run(["exec", container, .. command], TimeSpan.FromSeconds(120));

    /// <summary>Host ports docker actually published for a container (docker port).</summary>
    public string PublishedPorts(string container) => DockerCli.Ok("port", container);

    public static bool CanConnect(string host, int port)
    {
        try
        {
            using var c = new TcpClient();
            return c.ConnectAsync(host, port).Wait(TimeSpan.FromSeconds(2)) && c.Connected;
        }
        catch (AggregateException) { return false; }
        catch (SocketException) { return false; }
    }

    public bool NetworkIsInternal(string network) =>
        DockerCli.Ok("network", "inspect", "-f", "{{.Internal}}", network) == "true";

    public string Diagnose(string container)
    {
        var health = DockerCli.Run(["inspect", "-f", "{{if .State.Health}}{{range .State.Health.Log}}[{{.ExitCode}}] {{.Output}}{{end}}{{end}} oom={{.State.OOMKilled}} exit={{.State.ExitCode}}", container]);
        var logs = DockerCli.Run(["logs", "--tail", "40", container]);
        return $"--- health probes / state of {container} ---\n{health.Stdout}{health.Stderr}\n--- docker logs {container} ---\n{logs.Stdout}{logs.Stderr}";
    }

    private Dictionary<string, (string Status, string Health)> Inspect(IEnumerable<string> names)
    {
        var r = DockerCli.Run(["inspect", "-f", "{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else if eq .State.Status \"exited\"}}exit={{.State.ExitCode}}{{else}}none{{end}}", .. names]);
        var result = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ');
            result[f[0].TrimStart('/')] = (f[1], f[2]);
        }
        foreach (var n in names) result.TryAdd(n, ("missing", "none"));
        return result;
    }

    private IEnumerable<string> DependsOn(ProgramResource c) =>
        c.Options.TryGetValue("dependsOn", out var d) && d is List<object?> l
            ? l.Cast<string>().Select(s => s.Trim('$', '{', '}'))
            : [];

    private Dictionary<string, object?> WithLabel(Dictionary<string, object?> props)
    {
        var labels = props.TryGetValue("labels", out var l) && l is List<object?> list ? list : [];
        labels.Add(new Dictionary<string, object?> { ["label"] = TestLabel, ["value"] = System });
        props["labels"] = labels;
        return props;
    }

    private void Docker(IEnumerable<string> args, string what, byte[]? stdin = null)
    {
        var list = args.ToList();
        _log.Add(what);
        var r = DockerCli.Run(list, TimeSpan.FromSeconds(120), stdin);
        if (!r.Ok) throw new Xunit.Sdk.XunitException($"{what} failed:\n{r}\n--- deployment log ---\n{Log}");
    }

    /// <summary>Removes every container, volume and network whose <see cref="TestLabel"/> is <paramref name="scope"/>.</summary>
    public static void RemoveEverything(string scope)
    {
        var filter = $"label={TestLabel}={scope}";
        var containers = DockerCli.Ok("ps", "-aq", "--filter", filter).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (containers.Length > 0) DockerCli.Run(["rm", "-f", "-v", .. containers], TimeSpan.FromSeconds(120));
        var volumes = DockerCli.Ok("volume", "ls", "-q", "--filter", filter).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (volumes.Length > 0) DockerCli.Run(["volume", "rm", "-f", .. volumes]);
        var networks = DockerCli.Ok("network", "ls", "-q", "--filter", filter).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (networks.Length > 0) DockerCli.Run(["network", "rm", .. networks]);
    }

    public void Dispose() => RemoveEverything(System);

    public static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
