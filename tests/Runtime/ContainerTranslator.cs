using System.Formats.Tar;
using System.Globalization;
using System.Text;

namespace Infra.Tests.Runtime;

/// <summary>One extra docker CLI call (network connect, upload) made between create and start.</summary>
public sealed record DockerStep(string What, IReadOnlyList<string> Args, byte[]? Stdin = null);

/// <summary>The container's healthcheck as docker runs it.</summary>
public sealed record Health(string Test, TimeSpan Interval, TimeSpan Timeout, int Retries, TimeSpan StartPeriod);

/// <summary>A published port as declared (ip empty = all interfaces, Docker's default).</summary>
public sealed record PublishedPort(string Ip, int External, int Internal, string Protocol);

/// <summary>Everything needed to create, start and wait for one <c>docker:index/container:Container</c>.</summary>
public sealed record ContainerPlan(
    string Name,
    IReadOnlyList<string> CreateArgs,
    IReadOnlyList<DockerStep> BeforeStart,
    bool Start,
    bool Wait,
    TimeSpan WaitTimeout,
    Health? Health,
    IReadOnlyList<string> Networks,
    IReadOnlyList<PublishedPort> Ports,
    bool OneShot = false);

/// <summary>
/// The ONE generic translator from the docker provider's Container input properties (schema names, as
/// resolved by <see cref="PulumiProgram.Resolve"/>) to a <c>docker create</c> argument list plus the
/// calls the provider makes before start (extra networks, uploads). Every property is either in
/// <see cref="Translated"/>, honoured by the harness (<see cref="HarnessHandled"/>) or listed with a
/// reason in <see cref="NotApplicable"/>; anything else throws, so a new property cannot be silently dropped.
/// </summary>
public static class ContainerTranslator
{
    private delegate void Rule(object? value, Builder b);

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["name"] = (v, b) => b.Flag("--name", Str(v)),
        ["image"] = (v, b) => b.Image = Str(v),
        ["user"] = (v, b) => b.Flag("--user", Str(v)),
        ["groupAdds"] = (v, b) => { foreach (var g in Strs(v)) b.Flag("--group-add", g); },
        ["restart"] = (v, b) => b.Restart = Str(v),
        ["maxRetryCount"] = (v, b) => b.MaxRetry = Str(v),
        ["command"] = (v, b) => b.Command.AddRange(Strs(v)),
        ["entrypoints"] = (v, b) => b.Entrypoint.AddRange(Strs(v)),
        ["envs"] = (v, b) => { foreach (var e in Strs(v)) b.Flag("--env", e); },
        ["workingDir"] = (v, b) => b.Flag("--workdir", Str(v)),
        ["hostname"] = (v, b) => b.Flag("--hostname", Str(v)),
        ["domainname"] = (v, b) => b.Flag("--domainname", Str(v)),
        ["labels"] = (v, b) => { foreach (var l in Maps(v)) b.Flag("--label", $"{Str(l["label"])}={Str(l["value"])}"); },
        ["capabilities"] = (v, b) =>
        {
            var caps = Map(v);
            foreach (var c in caps.TryGetValue("drops", out var d) ? Strs(d) : []) b.Flag("--cap-drop", c);
            foreach (var c in caps.TryGetValue("adds", out var a) ? Strs(a) : []) b.Flag("--cap-add", c);
        },
        ["securityOpts"] = (v, b) => { foreach (var o in Strs(v)) b.Flag("--security-opt", o); },
        ["privileged"] = (v, b) => { if (Bool(v)) b.Args.Add("--privileged"); },
        ["readOnly"] = (v, b) => { if (Bool(v)) b.Args.Add("--read-only"); },
        ["init"] = (v, b) => { if (Bool(v)) b.Args.Add("--init"); },
        ["tty"] = (v, b) => { if (Bool(v)) b.Args.Add("--tty"); },
        ["stdinOpen"] = (v, b) => { if (Bool(v)) b.Args.Add("--interactive"); },
        ["publishAllPorts"] = (v, b) => { if (Bool(v)) b.Args.Add("--publish-all"); },
        ["tmpfs"] = (v, b) => { foreach (var (path, opts) in Map(v)) b.Flag("--tmpfs", Str(opts).Length == 0 ? path : $"{path}:{Str(opts)}"); },
        // The provider's memory, memoryReservation, memorySwap and shmSize are in MB.
        ["memory"] = (v, b) => b.Flag("--memory", Str(v) + "m"),
        ["memoryReservation"] = (v, b) => b.Flag("--memory-reservation", Str(v) + "m"),
        ["memorySwap"] = (v, b) => b.Flag("--memory-swap", Str(v) == "-1" ? "-1" : Str(v) + "m"),
        ["shmSize"] = (v, b) => b.Flag("--shm-size", Str(v) + "m"),
        ["cpus"] = (v, b) => b.Flag("--cpus", Str(v)),
        ["cpuShares"] = (v, b) => b.Flag("--cpu-shares", Str(v)),
        ["cpuSet"] = (v, b) => b.Flag("--cpuset-cpus", Str(v)),
        ["cpuPeriod"] = (v, b) => b.Flag("--cpu-period", Str(v)),
        ["cpuQuota"] = (v, b) => b.Flag("--cpu-quota", Str(v)),
        ["ulimits"] = (v, b) => { foreach (var u in Maps(v)) b.Flag("--ulimit", $"{Str(u["name"])}={Str(u["soft"])}:{Str(u["hard"])}"); },
        ["sysctls"] = (v, b) => { foreach (var (k, x) in Map(v)) b.Flag("--sysctl", $"{k}={Str(x)}"); },
        ["groupAdds"] = (v, b) => { foreach (var g in Strs(v)) b.Flag("--group-add", g); },
        ["dns"] = (v, b) => { foreach (var d in Strs(v)) b.Flag("--dns", d); },
        ["dnsOpts"] = (v, b) => { foreach (var d in Strs(v)) b.Flag("--dns-option", d); },
        ["dnsSearches"] = (v, b) => { foreach (var d in Strs(v)) b.Flag("--dns-search", d); },
        ["hosts"] = (v, b) => { foreach (var h in Maps(v)) b.Flag("--add-host", $"{Str(h["host"])}:{Str(h["ip"])}"); },
        ["ipcMode"] = (v, b) => b.Flag("--ipc", Str(v)),
        ["pidMode"] = (v, b) => b.Flag("--pid", Str(v)),
        ["usernsMode"] = (v, b) => b.Flag("--userns", Str(v)),
        ["cgroupnsMode"] = (v, b) => b.Flag("--cgroupns", Str(v)),
        ["runtime"] = (v, b) => b.Flag("--runtime", Str(v)),
        ["stopSignal"] = (v, b) => b.Flag("--stop-signal", Str(v)),
        ["stopTimeout"] = (v, b) => b.Flag("--stop-timeout", Str(v)),
        ["logDriver"] = (v, b) => b.Flag("--log-driver", Str(v)),
        ["logOpts"] = (v, b) => { foreach (var (k, x) in Map(v)) b.Flag("--log-opt", $"{k}={Str(x)}"); },
        ["networkMode"] = (v, b) => b.NetworkMode = Str(v),
        ["networksAdvanced"] = (v, b) => b.Networks.AddRange(Maps(v)),
        ["ports"] = (v, b) =>
        {
            foreach (var p in Maps(v))
            {
                var port = new PublishedPort(p.TryGetValue("ip", out var ip) ? Str(ip) : "",
                    p.TryGetValue("external", out var e) ? int.Parse(Str(e), CultureInfo.InvariantCulture) : 0,
                    int.Parse(Str(p["internal"]), CultureInfo.InvariantCulture),
                    p.TryGetValue("protocol", out var pr) ? Str(pr) : "tcp");
                b.Ports.Add(port);
                var host = port.External == 0 ? "" : port.External.ToString(CultureInfo.InvariantCulture);
                var inside = port.Internal.ToString(CultureInfo.InvariantCulture) + "/" + port.Protocol;
                b.Flag("--publish", port.Ip.Length > 0 ? $"{port.Ip}:{host}:{inside}" : host.Length > 0 ? $"{host}:{inside}" : inside);
            }
        },
        ["volumes"] = (v, b) =>
        {
            foreach (var m in Maps(v))
            {
                if (m.TryGetValue("fromContainer", out var from)) { b.Flag("--volumes-from", Str(from)); continue; }
                var source = m.TryGetValue("volumeName", out var vn) ? Str(vn) : m.TryGetValue("hostPath", out var hp) ? Str(hp) : "";
                var ro = m.TryGetValue("readOnly", out var r) && Bool(r);
                b.Flag("--volume", (source.Length > 0 ? source + ":" : "") + Str(m["containerPath"]) + (ro ? ":ro" : ""));
            }
        },
        ["mounts"] = (v, b) =>
        {
            foreach (var m in Maps(v))
            {
                var parts = new List<string> { "type=" + Str(m["type"]), "target=" + Str(m["target"]) };
                if (m.TryGetValue("source", out var s)) parts.Add("source=" + Str(s));
                if (m.TryGetValue("readOnly", out var r) && Bool(r)) parts.Add("readonly");
                if (m.TryGetValue("tmpfsOptions", out var t) && t is Dictionary<string, object?> to)
                {
                    if (to.TryGetValue("sizeBytes", out var sz)) parts.Add("tmpfs-size=" + Str(sz));
                    if (to.TryGetValue("mode", out var md)) parts.Add("tmpfs-mode=" + Convert.ToString(int.Parse(Str(md), CultureInfo.InvariantCulture), 8));
                }
                if (m.TryGetValue("volumeOptions", out var vo) && vo is Dictionary<string, object?> vopts && vopts.TryGetValue("noCopy", out var nc) && Bool(nc))
                    parts.Add("volume-nocopy");
                b.Flag("--mount", string.Join(',', parts));
            }
        },
        ["uploads"] = (v, b) => b.Uploads.AddRange(Maps(v)),
        ["healthcheck"] = (v, b) =>
        {
            var h = Map(v);
            var tests = Strs(h["tests"]);
            if (tests[0] == "NONE") { b.Args.Add("--no-healthcheck"); return; }
            // docker create only takes the shell form; the exec form is passed as a quoted shell command
            // (every local image has /bin/sh).
            var cmd = tests[0] switch
            {
                "CMD-SHELL" => tests[1],
                "CMD" => string.Join(' ', tests.Skip(1).Select(ShellQuote)),
                _ => throw new NotSupportedException("healthcheck test " + tests[0]),
            };
            var health = new Health(cmd,
                Dur(h, "interval", "30s"), Dur(h, "timeout", "30s"),
                h.TryGetValue("retries", out var r) ? int.Parse(Str(r), CultureInfo.InvariantCulture) : 3,
                Dur(h, "startPeriod", "0s"));
            b.Health = health;
            b.Flag("--health-cmd", cmd);
            foreach (var (key, flag) in new[] { ("interval", "--health-interval"), ("timeout", "--health-timeout"), ("startPeriod", "--health-start-period"), ("retries", "--health-retries") })
                if (h.TryGetValue(key, out var x)) b.Flag(flag, Str(x));
        },
        ["devices"] = (v, b) =>
        {
            foreach (var d in Maps(v))
                b.Flag("--device", Str(d["hostPath"]) + (d.TryGetValue("containerPath", out var cp) ? ":" + Str(cp) : "") + (d.TryGetValue("permissions", out var pm) ? ":" + Str(pm) : ""));
        },
        ["platform"] = (v, b) => b.Flag("--platform", Str(v)),
        ["cgroupParent"] = (v, b) => b.Flag("--cgroup-parent", Str(v)),
        ["storageOpts"] = (v, b) => { foreach (var (k, x) in Map(v)) b.Flag("--storage-opt", $"{k}={Str(x)}"); },
        ["rm"] = (v, b) => { if (Bool(v)) b.Args.Add("--rm"); },
        ["gpus"] = (v, b) => b.Flag("--gpus", Str(v)),
    };

    /// <summary>Properties turned into docker CLI arguments or pre-start calls.</summary>
    public static IReadOnlyCollection<string> Translated => Rules.Keys;

    /// <summary>Lifecycle properties the harness honours itself (they are provider behaviour, not container settings).</summary>
    public static readonly IReadOnlyDictionary<string, string> HarnessHandled = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["start"] = "the harness starts the container after create unless start is false",
        ["mustRun"] = "the harness fails the test if the container is not running after start",
        ["wait"] = "the harness waits for healthy before starting dependants, like the provider",
        ["waitTimeout"] = "bound of that wait (seconds)",
    };

    /// <summary>Properties with no docker create equivalent, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotApplicable = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["attach"] = "provider-side: the provider waits for the container to exit; the harness waits for exit code 0 (ContainerPlan.OneShot)",
        ["logs"] = "provider-side: collect logs into the state when attach is set",
        ["destroyGraceSeconds"] = "provider-side: grace period on delete (docker rm -f is used)",
        ["removeVolumes"] = "provider-side: remove anonymous volumes on delete",
        ["containerReadRefreshTimeoutMilliseconds"] = "provider-side: refresh polling interval",
        ["deviceReadBps"] = "block-IO throttles are not used by any program",
        ["deviceWriteBps"] = "block-IO throttles are not used by any program",
        ["deviceReadIops"] = "block-IO throttles are not used by any program",
        ["deviceWriteIops"] = "block-IO throttles are not used by any program",
        ["deviceRequests"] = "GPU device requests: no devices on this machine",
    };

    /// <summary>Translates resolved Container properties (see <see cref="PulumiProgram.ResolvedProperties"/>).</summary>
    public static ContainerPlan Translate(IReadOnlyDictionary<string, object?> props)
    {
        var b = new Builder();
        foreach (var (key, value) in props)
        {
            if (Rules.TryGetValue(key, out var rule)) rule(value, b);
            else if (!HarnessHandled.ContainsKey(key) && !NotApplicable.ContainsKey(key))
                throw new NotSupportedException($"Container property '{key}' is neither translated nor listed as not applicable");
        }
        var name = Str(props["name"]);
        if (b.Image is null) throw new InvalidOperationException($"container {name} has no image");

        var args = new List<string> { "create" };
        args.AddRange(b.Args);
        if (b.Restart is not null) args.AddRange(["--restart", b.Restart == "on-failure" && b.MaxRetry is not null ? "on-failure:" + b.MaxRetry : b.Restart]);

        var steps = new List<DockerStep>();
        var networks = new List<string>();
        for (var i = 0; i < b.Networks.Count; i++)
        {
            var n = b.Networks[i];
            var net = Str(n["name"]);
            networks.Add(net);
            var aliases = n.TryGetValue("aliases", out var a) ? Strs(a) : [];
            var ipv4 = n.TryGetValue("ipv4Address", out var ip) ? Str(ip) : null;
            if (i == 0)
            {
                args.AddRange(["--network", net]);
                foreach (var al in aliases) args.AddRange(["--network-alias", al]);
                if (ipv4 is not null) args.AddRange(["--ip", ipv4]);
            }
            else
            {
                // The daemon API this runs against attaches one network at create; the rest are connected before start.
                var connect = new List<string> { "network", "connect" };
                foreach (var al in aliases) connect.AddRange(["--alias", al]);
                if (ipv4 is not null) connect.AddRange(["--ip", ipv4]);
                connect.AddRange([net, name]);
                steps.Add(new DockerStep($"connect {name} to {net}", connect));
            }
        }
        if (b.Networks.Count == 0 && b.NetworkMode is not null) args.AddRange(["--network", b.NetworkMode]);

        if (b.Entrypoint.Count > 0) args.AddRange(["--entrypoint", b.Entrypoint[0]]);
        args.Add(b.Image);
        args.AddRange(b.Entrypoint.Skip(1));
        args.AddRange(b.Command);

        if (b.Uploads.Count > 0)
            steps.Add(new DockerStep($"upload {b.Uploads.Count} file(s) into {name}", ["cp", "-", name + ":/"], UploadTar(b.Uploads)));

        var waitTimeout = props.TryGetValue("waitTimeout", out var wt) ? TimeSpan.FromSeconds(int.Parse(Str(wt), CultureInfo.InvariantCulture)) : TimeSpan.FromSeconds(60);
        return new ContainerPlan(name, args, steps,
            Start: !(props.TryGetValue("start", out var st) && !Bool(st)),
            Wait: props.TryGetValue("wait", out var w) && Bool(w),
            WaitTimeout: waitTimeout, b.Health, networks, b.Ports,
            OneShot: props.TryGetValue("attach", out var at) && Bool(at));
    }

    /// <summary><c>docker network create</c> for a <c>docker:index/network:Network</c> (driver, internal, ipamConfigs, labels, options).</summary>
    public static IReadOnlyList<string> NetworkCreate(IReadOnlyDictionary<string, object?> props)
    {
        var args = new List<string> { "network", "create" };
        foreach (var (key, v) in props)
        {
            switch (key)
            {
                case "name": break;
                case "driver": args.AddRange(["--driver", Str(v)]); break;
                case "internal": if (Bool(v)) args.Add("--internal"); break;
                case "attachable": if (Bool(v)) args.Add("--attachable"); break;
                case "ipv6": if (Bool(v)) args.Add("--ipv6"); break;
                case "ipamDriver": args.AddRange(["--ipam-driver", Str(v)]); break;
                case "options": foreach (var (k, x) in Map(v)) args.AddRange(["--opt", $"{k}={Str(x)}"]); break;
                case "labels": foreach (var l in Maps(v)) args.AddRange(["--label", $"{Str(l["label"])}={Str(l["value"])}"]); break;
                case "ipamConfigs":
                    foreach (var c in Maps(v))
                    {
                        if (c.TryGetValue("subnet", out var sn)) args.AddRange(["--subnet", Str(sn)]);
                        if (c.TryGetValue("gateway", out var gw)) args.AddRange(["--gateway", Str(gw)]);
                        if (c.TryGetValue("ipRange", out var ir)) args.AddRange(["--ip-range", Str(ir)]);
                    }
                    break;
                default: throw new NotSupportedException($"Network property '{key}' is not translated");
            }
        }
        args.Add(Str(props["name"]));
        return args;
    }

    /// <summary><c>docker volume create</c> for a <c>docker:index/volume:Volume</c>.</summary>
    public static IReadOnlyList<string> VolumeCreate(IReadOnlyDictionary<string, object?> props)
    {
        var args = new List<string> { "volume", "create" };
        foreach (var (key, v) in props)
        {
            switch (key)
            {
                case "name": break;
                case "driver": args.AddRange(["--driver", Str(v)]); break;
                case "driverOpts": foreach (var (k, x) in Map(v)) args.AddRange(["--opt", $"{k}={Str(x)}"]); break;
                case "labels": foreach (var l in Maps(v)) args.AddRange(["--label", $"{Str(l["label"])}={Str(l["value"])}"]); break;
                default: throw new NotSupportedException($"Volume property '{key}' is not translated");
            }
        }
        args.Add(Str(props["name"]));
        return args;
    }

    /// <summary>
    /// The provider copies each upload as a tar entry owned by root with mode <c>permissions</c>
    /// (or 0744 when <c>executable</c>, else 0644); <c>docker cp -</c> extracts the same archive.
    /// </summary>
    public static byte[] UploadTar(IEnumerable<Dictionary<string, object?>> uploads)
    {
        using var ms = new MemoryStream();
        using (var tar = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var u in uploads)
            {
                var file = Str(u["file"]);
                byte[] content = u.TryGetValue("content", out var c) ? Encoding.UTF8.GetBytes(Str(c))
                    : u.TryGetValue("contentBase64", out var c64) ? Convert.FromBase64String(Str(c64))
                    : u.TryGetValue("source", out var src) ? File.ReadAllBytes(Str(src))
                    : throw new InvalidOperationException($"upload {file} has no content");
                var mode = u.TryGetValue("permissions", out var p) ? Convert.ToInt32(Str(p), 8)
                    : u.TryGetValue("executable", out var x) && Bool(x) ? Convert.ToInt32("744", 8) : Convert.ToInt32("644", 8);
                var entry = new PaxTarEntry(TarEntryType.RegularFile, file.TrimStart('/'))
                {
                    Mode = (UnixFileMode)mode,
                    Uid = 0,
                    Gid = 0,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                    DataStream = new MemoryStream(content),
                };
                tar.WriteEntry(entry);
            }
        }
        return ms.ToArray();
    }

    private sealed class Builder
    {
        public readonly List<string> Args = [];
        public readonly List<string> Command = [];
        public readonly List<string> Entrypoint = [];
        public readonly List<Dictionary<string, object?>> Networks = [];
        public readonly List<Dictionary<string, object?>> Uploads = [];
        public readonly List<PublishedPort> Ports = [];
        public string? Image;
        public string? Restart;
        public string? MaxRetry;
        public string? NetworkMode;
        public Health? Health;

        public void Flag(string flag, string value) { Args.Add(flag); Args.Add(value); }
    }

    private static string ShellQuote(string s) => s.All(ch => char.IsAsciiLetterOrDigit(ch) || "-_./=:@".Contains(ch)) ? s : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static TimeSpan Dur(Dictionary<string, object?> h, string key, string dflt) => ParseDuration(h.TryGetValue(key, out var v) ? Str(v) : dflt);

    /// <summary>Go-style durations as the provider takes them: 10s, 1m30s, 500ms.</summary>
    public static TimeSpan ParseDuration(string s)
    {
        var total = TimeSpan.Zero;
        var i = 0;
        while (i < s.Length)
        {
            var j = i;
            while (j < s.Length && (char.IsAsciiDigit(s[j]) || s[j] == '.')) j++;
            var n = double.Parse(s[i..j], CultureInfo.InvariantCulture);
            var k = j;
            while (k < s.Length && char.IsAsciiLetter(s[k])) k++;
            total += s[j..k] switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                var u => throw new FormatException($"duration unit '{u}' in '{s}'"),
            };
            i = k;
        }
        return total;
    }

    private static string Str(object? v) => v as string ?? throw new InvalidCastException($"expected a scalar, got {v?.GetType().Name ?? "null"}");
    private static bool Bool(object? v) => Str(v) == "true";
    private static List<string> Strs(object? v) => ((List<object?>)v!).Select(Str).ToList();
    private static Dictionary<string, object?> Map(object? v) => (Dictionary<string, object?>)v!;
    private static List<Dictionary<string, object?>> Maps(object? v) => ((List<object?>)v!).Select(Map).ToList();
}
