using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Infra.Tests.Runtime;

namespace Infra.Tests.Kubernetes.Runtime;

/// <summary>One container of a pod as it runs here, and why the pod is (not) ready.</summary>
public sealed record PodContainer(string Name, string DockerName, LocalImage Image, Dictionary<string, object?> Spec);

/// <summary>One pod (replica 0 of a Deployment / StatefulSet) of a synthesized kubernetes program.</summary>
public sealed class Pod(string workload, string kind, string ns, string name, Dictionary<string, object?> spec, bool standInLabel)
{
    public string Workload { get; } = workload;
    public string Kind { get; } = kind;
    public string Namespace { get; } = ns;
    public string Name { get; } = name;
    public Dictionary<string, object?> Spec { get; } = spec;
    public bool ProgramStandIn { get; } = standInLabel;
    public string Sandbox { get; set; } = "";
    public List<PodContainer> Containers { get; } = [];
    public DateTime Started { get; set; }
    public TimeSpan Budget { get; set; }
    public TimeSpan? ReadyAfter { get; set; }
    public string? Failure { get; set; }

    /// <summary>"database/postgres-primary-0 [postgres: look-alike of ...]" — used in every message.</summary>
    public string Describe() =>
        $"{Namespace}/{Name} [" + string.Join("; ", Containers.Select(c => $"{c.Name}: {c.Image.Note}" +
            (ProgramStandIn && !c.Image.IsStandIn ? ", running the dev program's own STAND-IN command for a missing app image" : ""))) + "]";
}

/// <summary>
/// Runs the pod templates of a synthesized kubernetes program on the local Docker engine (no API server here): one
/// sandbox container per pod holds the network namespace (aliases = the names of the Services selecting the pod, short
/// and FQDN, plus the StatefulSet pod's headless name) on one user-defined test network; each container joins it with
/// <c>--network container:</c> and gets the pod/container security context (user, group, fsGroup and supplemental
/// groups, <c>--read-only</c>, <c>--cap-drop ALL</c> + adds, <c>no-new-privileges</c>, memory/cpu limits), emptyDirs as
/// tmpfs volumes (group fsGroup, mode 1777), ConfigMaps / Secrets as read-only files with their modes (root:fsGroup),
/// volumeClaimTemplates as docker volumes (group fsGroup, setgid, as the kubelet does), env (value, secretKeyRef,
/// configMapKeyRef, <c>$(VAR)</c>), command/args. Readiness is polled by the test: httpGet / tcpSocket from the host
/// (which sits on the bridge) to the pod IP, exec with <c>docker exec</c>; the budget is the startup probe's
/// (initialDelay + period × failureThreshold) plus the readiness probe's, plus 10 s for the engine.
/// Helm releases and ConfigGroups (cluster add-ons) are not run: <see cref="NotRun"/>.
/// Everything carries the label <see cref="Deployment.TestLabel"/> = scope and is removed before and after.
/// </summary>
public sealed class PodRunner : IDisposable
{
    private readonly PulumiProgram _program;
    private readonly string _scope;
    private readonly string _network;
    private readonly string _files;
    private readonly Dictionary<(string Ns, string Name), Dictionary<string, string>> _configMaps = [];
    private readonly Dictionary<(string Ns, string Name), Dictionary<string, string>> _secrets = [];
    private readonly List<(string Ns, Dictionary<string, object?> Props)> _services = [];
    private readonly List<string> _log = [];

    public PodRunner(string system, string env, string yaml)
    {
        System = system;
        _scope = $"k8s-{system}-{env}";
        _network = _scope + "-net";
        _files = Path.Combine("/var/tmp/platform-runtime/k8s", _scope);
        _program = new PulumiProgram(yaml);
        DockerCli.RequireDaemon();
        Deployment.RemoveEverything(_scope);
        if (Directory.Exists(_files)) Directory.Delete(_files, recursive: true);
        foreach (var r in _program.Resources)
        {
            switch (r.Type)
            {
                case "kubernetes:core/v1:ConfigMap":
                {
                    var p = _program.ResolvedProperties(r);
                    _configMaps[(Ns(p), Str(p, "metadata.name")!)] = StrMap(Get(p, "data"));
                    break;
                }
                case "kubernetes:core/v1:Secret":
                {
                    var p = _program.ResolvedProperties(r);
                    var values = StrMap(Get(p, "stringData"));
                    foreach (var (k, v) in StrMap(Get(p, "data"))) values[k] = Encoding.UTF8.GetString(Convert.FromBase64String(v));
                    _secrets[(Ns(p), Str(p, "metadata.name")!)] = values;
                    break;
                }
                case "kubernetes:core/v1:Service":
                {
                    var p = _program.ResolvedProperties(r);
                    _services.Add((Ns(p), p));
                    break;
                }
                case "kubernetes:helm.sh/v3:Release":
                    NotRun.Add($"{r.Name} (Helm release {Str(r.Properties, "chart")}: cluster add-on)");
                    break;
                case "kubernetes:yaml/v2:ConfigGroup":
                    NotRun.Add($"{r.Name} (ConfigGroup: custom resources of a cluster add-on)");
                    break;
            }
        }
        foreach (var r in _program.Resources)
        {
            if (r.Type is not ("kubernetes:apps/v1:Deployment" or "kubernetes:apps/v1:StatefulSet")) continue;
            if (r.Type.StartsWith("kubernetes:batch", StringComparison.Ordinal)) continue;
            var p = _program.ResolvedProperties(r);
            var template = (Dictionary<string, object?>)Get(p, "spec.template")!;
            var name = Str(p, "metadata.name")! + "-0";
            Pods.Add(new Pod(r.Name, r.Type.Split(':')[^1], Ns(p), name, p, Str(template, "metadata.labels.platform/stand-in") == "true"));
        }
        foreach (var r in _program.Resources.Where(r => r.Type.StartsWith("kubernetes:batch", StringComparison.Ordinal) || r.Type == "kubernetes:apps/v1:DaemonSet"))
            NotRun.Add($"{r.Name} ({r.Type}: not a long-running pod of this tier)");
    }

    public string System { get; }
    public List<Pod> Pods { get; } = [];
    public List<string> NotRun { get; } = [];
    public string Log => string.Join('\n', _log);

    /// <summary>Starts every pod and polls until each is ready or its probe budget is spent. Returns the failures.</summary>
    public List<string> StartAllAndWait()
    {
        DockerCli.Ok(["network", "create", "--label", $"{Deployment.TestLabel}={_scope}", _network], what: "test network");
        foreach (var pod in Pods)
        {
            try { Start(pod); }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or NotSupportedException or KeyNotFoundException)
            {
                pod.Failure = $"{pod.Describe()} did not start: {e.Message}";
            }
        }
        var pending = Pods.Where(p => p.Failure is null).ToList();
        var hardStop = DateTime.UtcNow + (pending.Count == 0 ? TimeSpan.Zero : pending.Max(p => p.Started + p.Budget - DateTime.UtcNow)) + TimeSpan.FromSeconds(30);
        while (pending.Count > 0 && DateTime.UtcNow < hardStop)
        {
            foreach (var pod in pending.ToList())
            {
                var why = NotReady(pod);
                if (why is null)
                {
                    pod.ReadyAfter = DateTime.UtcNow - pod.Started;
                    _log.Add($"ready after {pod.ReadyAfter.Value.TotalSeconds:0.0}s (budget {pod.Budget.TotalSeconds:0}s): {pod.Describe()}");
                    pending.Remove(pod);
                }
                else if (why.StartsWith("exited", StringComparison.Ordinal) || DateTime.UtcNow - pod.Started > pod.Budget)
                {
                    pod.Failure = $"{pod.Describe()} not ready within its probe budget {pod.Budget.TotalSeconds:0}s: {why}\n{Logs(pod)}";
                    pending.Remove(pod);
                }
            }
            if (pending.Count > 0) Thread.Sleep(1000);
        }
        foreach (var pod in pending) pod.Failure ??= $"{pod.Describe()}: harness deadline passed\n{Logs(pod)}";
        return Pods.Where(p => p.Failure is not null).Select(p => p.Failure!).ToList();
    }

    private void Start(Pod pod)
    {
        var spec = (Dictionary<string, object?>)Get(pod.Spec, "spec.template.spec")!;
        var labels = StrMap(Get(pod.Spec, "spec.template.metadata.labels"));
        var podSc = Get(spec, "securityContext") as Dictionary<string, object?> ?? [];
        var fsGroup = Str(podSc, "fsGroup");
        var prefix = $"{_scope}-{pod.Namespace}-{pod.Name}";
        pod.Sandbox = prefix + "-sandbox";

        // The pod sandbox: holds the network namespace and the Service aliases (like the kubelet's pause container).
        var aliases = new List<string> { pod.Name };
        foreach (var (ns, svc) in _services)
        {
            if (ns != pod.Namespace) continue;
            var sel = StrMap(Get(svc, "spec.selector"));
            if (sel.Count == 0 || sel.Any(kv => !labels.TryGetValue(kv.Key, out var v) || v != kv.Value)) continue;
            var sname = Str(svc, "metadata.name")!;
            aliases.AddRange([sname, $"{sname}.{ns}", $"{sname}.{ns}.svc", $"{sname}.{ns}.svc.cluster.local"]);
            if (Str(svc, "spec.clusterIP") == "None") aliases.AddRange([$"{pod.Name}.{sname}", $"{pod.Name}.{sname}.{ns}.svc.cluster.local"]);
        }
        var sandbox = new List<string> { "run", "-d", "--name", pod.Sandbox, "--label", $"{Deployment.TestLabel}={_scope}", "--hostname", pod.Name,
            "--network", _network, "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", "65535:65535" };
        foreach (var a in aliases.Distinct()) sandbox.AddRange(["--network-alias", a]);
        sandbox.AddRange(["local/busybox", "sleep", "1000000000"]);
        Docker(sandbox, "sandbox of " + pod.Name);

        // Volumes of the pod.
        var mounts = new Dictionary<string, (string Kind, string Source)>(StringComparer.Ordinal);
        foreach (var v in Maps(spec, "volumes"))
        {
            var vname = Str(v, "name")!;
            if (Get(v, "emptyDir") is not null)
            {
                var vol = $"{prefix}-{vname}";
                var o = "mode=1777" + (fsGroup is null ? "" : ",gid=" + fsGroup) + (Str(v, "emptyDir.sizeLimit") is { } sz ? ",size=" + Bytes(sz) : "");
                Docker(["volume", "create", "--label", $"{Deployment.TestLabel}={_scope}", "--driver", "local", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=" + o, vol], "emptyDir " + vname);
                mounts[vname] = ("volume", vol);
            }
            else if (Get(v, "configMap") is Dictionary<string, object?> cm)
                mounts[vname] = ("bind", WriteFiles(pod, vname, "configMap " + Str(cm, "name"), _configMaps, pod.Namespace, Str(cm, "name")!, cm, fsGroup));
            else if (Get(v, "secret") is Dictionary<string, object?> sec)
                mounts[vname] = ("bind", WriteFiles(pod, vname, "secret " + Str(sec, "secretName"), _secrets, pod.Namespace, Str(sec, "secretName")!, sec, fsGroup));
            else throw new NotSupportedException($"volume {vname} of {pod.Name}: kind {string.Join(",", v.Keys)} is not translated");
        }
        foreach (var t in Maps(pod.Spec, "spec.volumeClaimTemplates"))
        {
            var claim = Str(t, "metadata.name")!;
            var vol = $"{prefix}-{claim}";
            Docker(["volume", "create", "--label", $"{Deployment.TestLabel}={_scope}", vol], "claim " + claim);
            // The kubelet makes a volume's root group-owned by fsGroup, setgid, group-writable.
            if (fsGroup is not null)
                Docker(["run", "--rm", "--label", $"{Deployment.TestLabel}={_scope}", "--network", "none", "-v", vol + ":/v", "local/busybox", "sh", "-c", $"chgrp {fsGroup} /v && chmod 2775 /v"], "fsGroup on claim " + claim, TimeSpan.FromSeconds(60));
            mounts[claim] = ("volume", vol);
        }

        foreach (var c in Maps(spec, "initContainers"))
        {
            var name = CreateContainer(pod, c, podSc, mounts, prefix, init: true);
            var r = DockerCli.Run(["start", "-a", name], TimeSpan.FromSeconds(120));
            if (!r.Ok) throw new InvalidOperationException($"init container {Str(c, "name")} failed: {r}");
        }
        foreach (var c in Maps(spec, "containers"))
        {
            var name = CreateContainer(pod, c, podSc, mounts, prefix, init: false);
            Docker(["start", name], "start " + name);
        }
        pod.Started = DateTime.UtcNow;
        pod.Budget = pod.Containers.Max(c => Budget(c.Spec)) + TimeSpan.FromSeconds(10);
        _log.Add($"started {pod.Describe()} (aliases {string.Join(", ", aliases.Distinct())})");
    }

    private string CreateContainer(Pod pod, Dictionary<string, object?> c, Dictionary<string, object?> podSc,
        Dictionary<string, (string Kind, string Source)> mounts, string prefix, bool init)
    {
        var cname = Str(c, "name")!;
        var docker = $"{prefix}-{cname}";
        var image = ImageFor(c);
        var sc = Get(c, "securityContext") as Dictionary<string, object?> ?? [];
        var args = new List<string> { "create", "--name", docker, "--label", $"{Deployment.TestLabel}={_scope}", "--network", "container:" + pod.Sandbox };
        var uid = Str(sc, "runAsUser") ?? Str(podSc, "runAsUser");
        var gid = Str(sc, "runAsGroup") ?? Str(podSc, "runAsGroup");
        if (uid is not null) args.AddRange(["--user", gid is null ? uid : $"{uid}:{gid}"]);
        if (Str(podSc, "fsGroup") is { } fsg) args.AddRange(["--group-add", fsg]);
        foreach (var g in List(podSc, "supplementalGroups")) args.AddRange(["--group-add", g]);
        if (Str(sc, "readOnlyRootFilesystem") == "true") args.Add("--read-only");
        foreach (var d in List(sc, "capabilities.drop")) args.AddRange(["--cap-drop", d]);
        foreach (var a in List(sc, "capabilities.add")) args.AddRange(["--cap-add", a]);
        if (Str(sc, "allowPrivilegeEscalation") == "false") args.AddRange(["--security-opt", "no-new-privileges"]);
        if (Str(sc, "privileged") == "true") throw new NotSupportedException("privileged container");
        if (Str(c, "resources.limits.memory") is { } mem) args.AddRange(["--memory", Bytes(mem).ToString(CultureInfo.InvariantCulture)]);
        if (Str(c, "resources.limits.cpu") is { } cpu) args.AddRange(["--cpus", Cpus(cpu)]);
        if (Str(c, "workingDir") is { } wd) args.AddRange(["--workdir", wd]);

        var env = new List<(string K, string V)>();
        string Expand(string s) => ExpandVars(s, env);
        foreach (var e in Maps(c, "env"))
        {
            var k = Str(e, "name")!;
            string v;
            if (Get(e, "value") is string lit) v = Expand(lit);
            else if (Get(e, "valueFrom.secretKeyRef") is Dictionary<string, object?> sr) v = Lookup(_secrets, pod.Namespace, sr, "secret");
            else if (Get(e, "valueFrom.configMapKeyRef") is Dictionary<string, object?> cr) v = Lookup(_configMaps, pod.Namespace, cr, "configMap");
            else if (Get(e, "valueFrom.fieldRef.fieldPath") is string fp) v = fp switch { "metadata.name" => pod.Name, "metadata.namespace" => pod.Namespace, _ => "" };
            else if (Get(e, "value") is null && Get(e, "valueFrom") is null) v = "";
            else throw new NotSupportedException($"env {k} of {cname}: source not translated");
            env.Add((k, v));
        }
        foreach (var ef in Maps(c, "envFrom"))
        {
            var src = Get(ef, "secretRef") is Dictionary<string, object?> s ? _secrets.GetValueOrDefault((pod.Namespace, Str(s, "name")!))
                : Get(ef, "configMapRef") is Dictionary<string, object?> m ? _configMaps.GetValueOrDefault((pod.Namespace, Str(m, "name")!)) : null;
            foreach (var (k, v) in src ?? throw new KeyNotFoundException($"envFrom of {cname}: source not found")) env.Add((Str(ef, "prefix") + k, v));
        }

        foreach (var m in Maps(c, "volumeMounts"))
        {
            var vname = Str(m, "name")!;
            var path = Str(m, "mountPath")!;
            var ro = Str(m, "readOnly") == "true";
            if (!mounts.TryGetValue(vname, out var src)) throw new KeyNotFoundException($"{cname} mounts unknown volume {vname}");
            var sub = Str(m, "subPath");
            if (src.Kind == "bind")
            {
                var host = sub is null ? src.Source : Path.Combine(src.Source, sub);
                if (!Path.Exists(host)) throw new KeyNotFoundException($"{cname}: subPath {sub} of volume {vname} does not exist (no such key)");
                args.AddRange(["--mount", $"type=bind,src={host},dst={path},readonly"]);
            }
            else
            {
                if (sub is not null) throw new NotSupportedException($"{cname}: subPath on {vname} (docker 20.10 has no volume subpath)");
                args.AddRange(["--mount", $"type=volume,src={src.Source},dst={path}" + (ro ? ",readonly" : "")]);
            }
        }

        List<string> cmd, rest;
        if (image.StandIn is { } standIn)
        {
            env.Add(("PATH", $"{StandIn.BinDir}:/opt/busybox/bin:/usr/local/bin:/usr/bin:/bin"));
            cmd = ["sh"];
            rest = ["-c", standIn.Script()];
        }
        else
        {
            var command = List(c, "command").Select(Expand).ToList();
            var cargs = List(c, "args").Select(Expand).ToList();
            cmd = command.Count > 0 ? [command[0]] : [];
            rest = [.. command.Skip(1), .. cargs];
            if (command.Count == 0 && cargs.Count == 0) rest = [];
        }
        foreach (var (k, v) in env) args.AddRange(["-e", $"{k}={v}"]);
        if (cmd.Count > 0) args.AddRange(["--entrypoint", cmd[0]]);
        args.Add(image.Image);
        args.AddRange(rest);
        Docker(args, "create " + docker);
        if (!init) pod.Containers.Add(new PodContainer(cname, docker, image, c));
        return docker;
    }

    /// <summary>The test's own placeholder app images (Synth.Args: registry.example.com/SYSTEM/SERVICE, staging/prod) run as a
    /// named STAND-IN: busybox httpd answering the container's httpGet probe paths on its probe / container ports.</summary>
    public const string PlaceholderRegistry = "registry.example.com/";

    private static LocalImage ImageFor(Dictionary<string, object?> c)
    {
        var image = Str(c, "image")!;
        if (!image.StartsWith(PlaceholderRegistry, StringComparison.Ordinal)) return LocalImages.For(image);
        var probes = new[] { "readinessProbe", "livenessProbe", "startupProbe" }.Select(k => Get(c, k)).OfType<Dictionary<string, object?>>().ToList();
        var http = probes.Select(p => Get(p, "httpGet")).OfType<Dictionary<string, object?>>().ToList();
        var ports = http.Select(h => Str(h, "port")!).Concat(probes.Select(p => Str(p, "tcpSocket.port")).OfType<string>())
            .Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
                : Maps(c, "ports").Where(x => Str(x, "name") == p).Select(x => int.Parse(Str(x, "containerPort")!, CultureInfo.InvariantCulture)).First())
            .Concat(Maps(c, "ports").Select(x => int.Parse(Str(x, "containerPort")!, CultureInfo.InvariantCulture))).Distinct().ToList();
        if (ports.Count == 0) ports = [8080];
        var paths = http.Select(h => Str(h, "path") ?? "/").Where(p => p != "/").Distinct().ToList();
        return new LocalImage("local/busybox", $"STAND-IN for {image} (the test's placeholder app image: busybox httpd answering its probe paths)",
            new StandIn(image, ports, paths, new Dictionary<string, string>()));
    }

    /// <summary>What the engine applied differs from the pod's security context (the harness's own check that it translated it).</summary>
    public List<string> SecurityContextMismatches()
    {
        var problems = new List<string>();
        foreach (var pod in Pods.Where(p => p.Failure is null))
        {
            var podSc = Get(pod.Spec, "spec.template.spec.securityContext") as Dictionary<string, object?> ?? [];
            foreach (var c in pod.Containers)
            {
                var sc = Get(c.Spec, "securityContext") as Dictionary<string, object?> ?? [];
                var uid = Str(sc, "runAsUser") ?? Str(podSc, "runAsUser");
                var gid = Str(sc, "runAsGroup") ?? Str(podSc, "runAsGroup");
                var id = DockerCli.Run(["exec", c.DockerName, "id"], TimeSpan.FromSeconds(20));
                if (!id.Ok || !id.Stdout.Contains($"uid={uid}(", StringComparison.Ordinal) && !id.Stdout.Contains($"uid={uid} ", StringComparison.Ordinal))
                    problems.Add($"{pod.Describe()} {c.Name}: runs as '{id.Stdout.Trim()}', not uid {uid}");
                if (gid is not null && !id.Stdout.Contains($"gid={gid}", StringComparison.Ordinal)) problems.Add($"{pod.Describe()} {c.Name}: not gid {gid}: {id.Stdout.Trim()}");
                if (Str(podSc, "fsGroup") is { } fsg && !Regex.IsMatch(id.Stdout, $@"groups=.*\b{fsg}\b"))
                    problems.Add($"{pod.Describe()} {c.Name}: fsGroup {fsg} is not a supplementary group: {id.Stdout.Trim()}");
                if (Str(sc, "readOnlyRootFilesystem") == "true")
                {
                    var w = DockerCli.Run(["exec", c.DockerName, "sh", "-c", "touch /.rw-probe"], TimeSpan.FromSeconds(20));
                    if (w.Ok) problems.Add($"{pod.Describe()} {c.Name}: root filesystem is writable");
                }
                var caps = DockerCli.Run(["exec", c.DockerName, "sh", "-c", "grep CapEff /proc/self/status"], TimeSpan.FromSeconds(20)).Stdout;
                if (List(sc, "capabilities.drop").Contains("ALL") && List(sc, "capabilities.add").Count == 0 && !caps.Contains("0000000000000000", StringComparison.Ordinal))
                    problems.Add($"{pod.Describe()} {c.Name}: effective capabilities {caps.Trim()}");
                var emptyDirs = Maps(pod.Spec, "spec.template.spec.volumes").Where(v => Get(v, "emptyDir") is not null).Select(v => Str(v, "name")).ToHashSet();
                foreach (var m in Maps(c.Spec, "volumeMounts").Where(m => emptyDirs.Contains(Str(m, "name"))))
                {
                    var st = DockerCli.Run(["exec", c.DockerName, "stat", "-c", "%g %a", Str(m, "mountPath")!], TimeSpan.FromSeconds(20)).Stdout.Trim();
                    var want = $"{Str(podSc, "fsGroup") ?? "0"} 1777";
                    if (st != want) problems.Add($"{pod.Describe()} {c.Name}: emptyDir {Str(m, "mountPath")} is '{st}', not '{want}'");
                }
                var nnp = DockerCli.Run(["exec", c.DockerName, "sh", "-c", "grep NoNewPrivs /proc/self/status"], TimeSpan.FromSeconds(20)).Stdout;
                if (Str(sc, "allowPrivilegeEscalation") == "false" && !nnp.Contains('1')) problems.Add($"{pod.Describe()} {c.Name}: NoNewPrivs not set ({nnp.Trim()})");
            }
        }
        return problems;
    }

    /// <summary>Each PostgreSQL look-alike accepts the generated password over TCP and runs with the ConfigMap's config files.</summary>
    public List<string> DatabaseChecks()
    {
        var problems = new List<string>();
        foreach (var pod in Pods.Where(p => p.ReadyAfter is not null))
            foreach (var c in pod.Containers.Where(c => c.Image.Image == "local/postgres"))
            {
                var r = DockerCli.Run(["exec", c.DockerName, "sh", "-c",
                    "PGPASSWORD=\"$POSTGRES_PASSWORD\" psql -h 127.0.0.1 -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\" -tAc 'show config_file' -c 'show hba_file' -c 'show data_directory'"], TimeSpan.FromSeconds(30));
                if (!r.Ok || !r.Stdout.Contains("/etc/postgresql/postgresql.conf", StringComparison.Ordinal) || !r.Stdout.Contains("/etc/postgresql/pg_hba.conf", StringComparison.Ordinal))
                    problems.Add($"{pod.Describe()}: password login / config files: {r}");
                else _log.Add($"{pod.Namespace}/{pod.Name}: password login over TCP ok; {r.Stdout.Trim().Replace('\n', ' ')}");
            }
        return problems;
    }

    /// <summary>Every Service port whose selector matches a ready pod answers a TCP connect by its cluster DNS name from another pod.</summary>
    public List<string> UnreachableServices()
    {
        var problems = new List<string>();
        var ready = Pods.Where(p => p.ReadyAfter is not null).ToList();
        if (ready.Count < 2) return problems;
        foreach (var (ns, svc) in _services)
        {
            var sel = StrMap(Get(svc, "spec.selector"));
            if (sel.Count == 0) continue;
            var target = ready.FirstOrDefault(p => p.Namespace == ns && sel.All(kv => StrMap(Get(p.Spec, "spec.template.metadata.labels")).TryGetValue(kv.Key, out var v) && v == kv.Value));
            if (target is null) continue;
            var from = ready.First(p => p != target);
            var host = $"{Str(svc, "metadata.name")}.{ns}.svc.cluster.local";
            foreach (var port in Maps(svc, "spec.ports"))
            {
                var tp = Str(port, "targetPort") ?? Str(port, "port")!;
                if (!int.TryParse(tp, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) continue;
                if (Str(port, "port") != tp) continue; // no kube-proxy here: only ports the pod itself listens on
                // The name resolves in another pod (Docker's DNS, as cluster DNS would); the host then connects to that address.
                var r = DockerCli.Run(["exec", from.Sandbox, "getent", "hosts", host], TimeSpan.FromSeconds(20));
                var ip = r.Ok ? r.Stdout.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
                var fail = ip is null ? $"name does not resolve: {r.Stderr.Trim()}" : TcpProbe(ip, int.Parse(tp, CultureInfo.InvariantCulture), TimeSpan.FromSeconds(3));
                if (fail is not null) problems.Add($"{host}:{tp} ({target.Describe()}) unreachable from {from.Namespace}/{from.Name}: {fail}");
                else _log.Add($"reached {host}:{tp} ({ip}) as resolved in {from.Namespace}/{from.Name}");
            }
        }
        return problems;
    }

    private string WriteFiles(Pod pod, string vname, string what, Dictionary<(string, string), Dictionary<string, string>> source, string ns, string objName,
        Dictionary<string, object?> vol, string? fsGroup)
    {
        if (!source.TryGetValue((ns, objName), out var data))
            throw new KeyNotFoundException($"{what} in namespace {ns} is not in the program");
        var dir = Path.Combine(_files, pod.Name, vname);
        Directory.CreateDirectory(dir);
        var defaultMode = Str(vol, "defaultMode") is { } dm ? int.Parse(dm, CultureInfo.InvariantCulture) : 420;
        var items = Maps(vol, "items").ToList();
        var files = items.Count == 0
            ? data.Select(kv => (Key: kv.Key, Path: kv.Key, Mode: defaultMode)).ToList()
            : items.Select(i => (Key: Str(i, "key")!, Path: Str(i, "path")!, Mode: Str(i, "mode") is { } im ? int.Parse(im, CultureInfo.InvariantCulture) : defaultMode)).ToList();
        foreach (var f in files)
        {
            if (!data.TryGetValue(f.Key, out var content)) throw new KeyNotFoundException($"{what} has no key {f.Key}");
            var file = Path.Combine(dir, f.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, content);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, (UnixFileMode)f.Mode);
            if (fsGroup is not null) Chown(file, 0, int.Parse(fsGroup, CultureInfo.InvariantCulture));
        }
        return dir;
    }

    [global::System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int chown(string path, int owner, int group);

    private static void Chown(string path, int uid, int gid)
    {
        if (chown(path, uid, gid) != 0) throw new InvalidOperationException($"chown {path} failed (errno {(global::System.Runtime.InteropServices.Marshal.GetLastWin32Error())})");
    }

    private static string Lookup(Dictionary<(string, string), Dictionary<string, string>> source, string ns, Dictionary<string, object?> r, string what)
    {
        var name = Str(r, "name")!;
        var key = Str(r, "key")!;
        if (source.TryGetValue((ns, name), out var d) && d.TryGetValue(key, out var v)) return v;
        if (Str(r, "optional") == "true") return "";
        throw new KeyNotFoundException($"{what} {ns}/{name} has no key {key}");
    }

    private static string ExpandVars(string s, List<(string K, string V)> env)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '$' && i + 1 < s.Length && s[i + 1] == '$' && i + 2 < s.Length && s[i + 2] == '(') { sb.Append("$("); i += 2; continue; }
            if (s[i] == '$' && i + 1 < s.Length && s[i + 1] == '(')
            {
                var end = s.IndexOf(')', i);
                if (end > 0)
                {
                    var name = s[(i + 2)..end];
                    var hit = env.LastOrDefault(e => e.K == name);
                    if (hit.K is not null) { sb.Append(hit.V); i = end; continue; }
                }
            }
            sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private static TimeSpan Budget(Dictionary<string, object?> c)
    {
        static double Part(object? probe, bool isStartup)
        {
            if (probe is not Dictionary<string, object?> p) return 0;
            double N(string k, double d) => Str(p, k) is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : d;
            return N("initialDelaySeconds", 0) + N("periodSeconds", 10) * N("failureThreshold", 3) + (isStartup ? 0 : N("timeoutSeconds", 1));
        }
        return TimeSpan.FromSeconds(Part(Get(c, "startupProbe"), true) + Part(Get(c, "readinessProbe"), false));
    }

    /// <summary>Null when every container's readiness probe (or, without one, running state) passes.</summary>
    private string? NotReady(Pod pod)
    {
        var ip = DockerCli.Ok(["inspect", "-f", $"{{{{(index .NetworkSettings.Networks \"{_network}\").IPAddress}}}}", pod.Sandbox]);
        foreach (var c in pod.Containers)
        {
            var state = DockerCli.Ok(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}", c.DockerName]);
            if (!state.StartsWith("running", StringComparison.Ordinal)) return $"exited: container {c.Name} is {state}";
            if (Get(c.Spec, "readinessProbe") is not Dictionary<string, object?> probe) continue;
            var timeout = TimeSpan.FromSeconds(Str(probe, "timeoutSeconds") is { } t ? double.Parse(t, CultureInfo.InvariantCulture) : 1);
            string? fail;
            if (Get(probe, "httpGet") is Dictionary<string, object?> h) fail = HttpProbe(ip, Port(c, Str(h, "port")!), Str(h, "path") ?? "/", Str(h, "scheme") ?? "HTTP", timeout);
            else if (Get(probe, "tcpSocket") is Dictionary<string, object?> tcp) fail = TcpProbe(ip, Port(c, Str(tcp, "port")!), timeout);
            else if (Get(probe, "exec") is Dictionary<string, object?> ex)
            {
                var r = DockerCli.Run(["exec", c.DockerName, .. List(ex, "command")], timeout + TimeSpan.FromSeconds(5));
                fail = r.Ok ? null : $"exec {string.Join(' ', List(ex, "command"))} exited {r.ExitCode}: {r.Stderr.Trim()} {r.Stdout.Trim()}";
            }
            else throw new NotSupportedException($"{c.Name}: probe kind not translated");
            if (fail is not null) return $"{c.Name} readiness: {fail}";
        }
        return null;
    }

    private static int Port(PodContainer c, string port) =>
        int.TryParse(port, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : Maps(c.Spec, "ports").Where(p => Str(p, "name") == port).Select(p => int.Parse(Str(p, "containerPort")!, CultureInfo.InvariantCulture)).FirstOrDefault(-1) is var x and >= 0 ? x
            : throw new KeyNotFoundException($"{c.Name}: probe port {port} is not a named port of the container");

    private static string? HttpProbe(string ip, int port, string path, string scheme, TimeSpan timeout)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { Timeout = timeout };
        try
        {
            using var resp = http.GetAsync($"{scheme.ToLowerInvariant()}://{ip}:{port}{path}").GetAwaiter().GetResult();
            var code = (int)resp.StatusCode;
            return code is >= 200 and < 400 ? null : $"GET :{port}{path} -> {code}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return $"GET :{port}{path} -> {e.Message}"; }
    }

    private static string? TcpProbe(string ip, int port, TimeSpan timeout)
    {
        using var tcp = new TcpClient();
        try { return tcp.ConnectAsync(ip, port).Wait(timeout) ? null : $"tcp :{port} timed out"; }
        catch (AggregateException e) when (e.InnerException is SocketException s) { return $"tcp :{port} -> {s.SocketErrorCode}"; }
    }

    private static string Logs(Pod pod) => string.Join('\n', pod.Containers.Select(c =>
    {
        var r = DockerCli.Run(["logs", "--tail", "25", c.DockerName], TimeSpan.FromSeconds(20));
        return $"--- logs of {c.Name} ({c.Image.Note}) ---\n{r.Stdout}{r.Stderr}";
    }));

    private void Docker(List<string> args, string what, TimeSpan? timeout = null)
    {
        DockerCli.Ok(args, timeout ?? TimeSpan.FromSeconds(60), what: what);
    }

    public void Dispose()
    {
        Deployment.RemoveEverything(_scope);
        try { if (Directory.Exists(_files)) Directory.Delete(_files, recursive: true); } catch (IOException) { }
    }

    // --- plain-tree helpers over PulumiProgram's resolved properties ---
    private static string Ns(Dictionary<string, object?> p) => Str(p, "metadata.namespace") ?? "default";

    public static object? Get(object? node, string path)
    {
        // Label keys contain dots and slashes: take the longest matching key at each step.
        var parts = path.Split('.');
        var i = 0;
        while (i < parts.Length)
        {
            if (node is not Dictionary<string, object?> d) return null;
            var found = false;
            for (var j = parts.Length; j > i; j--)
            {
                var key = string.Join('.', parts[i..j]);
                if (d.TryGetValue(key, out var next)) { node = next; i = j; found = true; break; }
            }
            if (!found) return null;
        }
        return node;
    }

    public static string? Str(object? node, string path) => Get(node, path) as string;

    public static IEnumerable<Dictionary<string, object?>> Maps(object? node, string path) =>
        (Get(node, path) as List<object?>)?.OfType<Dictionary<string, object?>>() ?? [];

    public static List<string> List(object? node, string path) => (Get(node, path) as List<object?>)?.Cast<string>().ToList() ?? [];

    private static Dictionary<string, string> StrMap(object? node) =>
        node is Dictionary<string, object?> d ? d.ToDictionary(kv => kv.Key, kv => kv.Value as string ?? "", StringComparer.Ordinal) : new(StringComparer.Ordinal);

    private static long Bytes(string q)
    {
        var units = new (string S, long M)[] { ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("K", 1000), ("M", 1_000_000), ("G", 1_000_000_000) };
        foreach (var (s, m) in units)
            if (q.EndsWith(s, StringComparison.Ordinal)) return long.Parse(q[..^s.Length], CultureInfo.InvariantCulture) * m;
        return long.Parse(q, CultureInfo.InvariantCulture);
    }

    private static string Cpus(string q) =>
        (q.EndsWith('m') ? double.Parse(q[..^1], CultureInfo.InvariantCulture) / 1000 : double.Parse(q, CultureInfo.InvariantCulture)).ToString("0.###", CultureInfo.InvariantCulture);
}
