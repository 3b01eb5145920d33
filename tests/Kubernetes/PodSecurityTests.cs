using System.Globalization;
using Infra.Tests.Programs;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Kubernetes;

/// <summary>
/// Every pod spec of every program against the Pod Security Standard "restricted" (Kubernetes 1.30+ definition), field by
/// field, plus what this project adds: explicit UID/GID, read-only root with an emptyDir per writable path, limits, and
/// probes that point at ports the container exposes. Every Helm release is pinned.
/// </summary>
public class PodSecurityTests
{
    /// <summary>Volume types the restricted profile allows.</summary>
    private static readonly string[] AllowedVolumes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Every_pod_meets_the_restricted_pod_security_standard(string system, string env)
    {
        var model = new ProgramModel(K8s.Program(system, env));
        var problems = new List<string>();
        var templates = model.PodTemplates().ToList();
        Assert.NotEmpty(templates);
        foreach (var (r, _, template) in templates)
        {
            var spec = ProgramModel.Get(template, "spec")!;
            void Problem(string what) => problems.Add($"{r.Name}: {what}");
            // Baseline: no host namespaces, no host ports, no privileged, no hostPath, no added capabilities beyond NET_BIND_SERVICE.
            foreach (var hostField in new[] { "hostNetwork", "hostPID", "hostIPC" })
                if (ProgramModel.Str(spec, hostField) == "true") Problem(hostField);
            var pod = ProgramModel.Get(spec, "securityContext");
            if (ProgramModel.Str(pod, "runAsNonRoot") != "true") Problem("pod runAsNonRoot is not true");
            if (ProgramModel.Str(pod, "seccompProfile.type") is not ("RuntimeDefault" or "Localhost")) Problem("pod seccompProfile is not RuntimeDefault");
            if (ProgramModel.Str(pod, "runAsUser") is not { } podUid || podUid == "0") Problem("pod runAsUser is missing or 0");
            if (ProgramModel.Str(pod, "runAsGroup") is null) Problem("pod runAsGroup is missing");
            if (ProgramModel.Str(spec, "automountServiceAccountToken") != "false") Problem("service account token is mounted");
            foreach (var sysctl in ProgramModel.Maps(pod, "sysctls"))
                if (ProgramModel.Str(sysctl, "name") is not ("net.ipv4.ip_unprivileged_port_start" or "kernel.shm_rmid_forced" or "net.ipv4.ip_local_port_range" or "net.ipv4.tcp_syncookies" or "net.ipv4.ping_group_range"))
                    Problem("unsafe sysctl " + ProgramModel.Str(sysctl, "name"));
            var volumes = ProgramModel.Maps(spec, "volumes").ToList();
            foreach (var v in volumes)
            {
                var kind = v.Children.Keys.Select(k => ((YamlScalarNode)k).Value).First(k => k != "name");
                if (!AllowedVolumes.Contains(kind)) Problem($"volume {ProgramModel.Str(v, "name")} is a {kind}");
            }
            var containers = ProgramModel.Maps(spec, "containers").Concat(ProgramModel.Maps(spec, "initContainers")).ToList();
            Assert.NotEmpty(containers);
            foreach (var c in containers)
            {
                var name = ProgramModel.Str(c, "name");
                void CProblem(string what) => Problem($"container {name}: {what}");
                var sc = ProgramModel.Get(c, "securityContext");
                if (ProgramModel.Str(sc, "allowPrivilegeEscalation") != "false") CProblem("allowPrivilegeEscalation is not false");
                if (ProgramModel.Str(sc, "privileged") == "true") CProblem("privileged");
                var drops = (ProgramModel.Get(sc, "capabilities.drop") as YamlSequenceNode)?.Children.Select(x => ((YamlScalarNode)x).Value).ToList() ?? [];
                if (!drops.Contains("ALL")) CProblem("capabilities do not drop ALL");
                var adds = (ProgramModel.Get(sc, "capabilities.add") as YamlSequenceNode)?.Children.Select(x => ((YamlScalarNode)x).Value).ToList() ?? [];
                if (adds.Any(a => a != "NET_BIND_SERVICE")) CProblem("adds capabilities " + string.Join(",", adds));
                if (ProgramModel.Str(sc, "runAsNonRoot") != "true") CProblem("runAsNonRoot is not true");
                if (ProgramModel.Str(sc, "runAsUser") == "0") CProblem("runAsUser 0");
                if (ProgramModel.Str(sc, "seccompProfile.type") is not ("RuntimeDefault" or "Localhost")) CProblem("seccompProfile is not RuntimeDefault");
                if (ProgramModel.Str(sc, "readOnlyRootFilesystem") != "true") CProblem("root filesystem is writable");
                if (ProgramModel.Str(sc, "procMount") is { } pm && pm != "Default") CProblem("procMount " + pm);
                if (ProgramModel.Get(c, "resources.limits.cpu") is null || ProgramModel.Get(c, "resources.limits.memory") is null) CProblem("no cpu/memory limits");
                foreach (var p in ProgramModel.Maps(c, "ports"))
                    if (ProgramModel.Get(p, "hostPort") is not null) CProblem("hostPort");
                // Every mount names a volume of the pod (or a claim template); writable paths are emptyDirs.
                var claimTemplates = ProgramModel.Maps(r.Props, "spec.volumeClaimTemplates").Select(t => ProgramModel.Str(t, "metadata.name")).ToHashSet();
                foreach (var m in ProgramModel.Maps(c, "volumeMounts"))
                {
                    var vname = ProgramModel.Str(m, "name");
                    if (!volumes.Any(v => ProgramModel.Str(v, "name") == vname) && !claimTemplates.Contains(vname)) CProblem($"mount of unknown volume {vname}");
                }
                if (!ProgramModel.Maps(c, "volumeMounts").Any(m => ProgramModel.Str(m, "mountPath") == "/tmp")) CProblem("no writable /tmp (emptyDir)");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(30)));
    }

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Probes_point_at_ports_the_container_exposes(string system, string env)
    {
        var model = new ProgramModel(K8s.Program(system, env));
        var checkedProbes = 0;
        foreach (var (r, _, template) in model.PodTemplates().Where(t => t.Resource.Type is "kubernetes:apps/v1:Deployment" or "kubernetes:apps/v1:StatefulSet"))
            foreach (var c in ProgramModel.Maps(template, "spec.containers"))
            {
                var ports = ProgramModel.Maps(c, "ports").Select(p => ProgramModel.Str(p, "containerPort")).ToHashSet();
                foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
                {
                    var p = ProgramModel.Get(c, probe);
                    Assert.True(p is not null, $"{r.Name}: no {probe}");
                    var port = ProgramModel.Str(p, "httpGet.port") ?? ProgramModel.Str(p, "tcpSocket.port");
                    if (port is not null) Assert.True(ports.Contains(port), $"{r.Name}: {probe} probes port {port}, the container exposes {string.Join(", ", ports)}");
                    else Assert.NotNull(ProgramModel.Get(p, "exec.command"));
                    checkedProbes++;
                }
            }
        Assert.True(checkedProbes > 0);
    }

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Every_helm_release_has_a_pinned_version(string system, string env)
    {
        var model = new ProgramModel(K8s.Program(system, env));
        foreach (var release in model.OfType("kubernetes:helm.sh/v3:Release"))
        {
            var version = ProgramModel.Str(release.Props, "version");
            Assert.True(Infra.Components.Kubernetes.HelmChart.IsPinned(version), $"{release.Name}: version '{version}' is not pinned");
            Assert.StartsWith("https://", ProgramModel.Str(release.Props, "repositoryOpts.repo"));
        }
    }

    [Fact]
    public void Probes_come_from_the_one_health_check_definition()
    {
        var model = new ProgramModel(K8s.Program("normaldance", "prod"));
        var api = model.Resources.Single(r => r.Name == "normaldance-api-deployment");
        var c = ProgramModel.Maps(api.Props, "spec.template.spec.containers").Single();
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            Assert.Equal("/health", ProgramModel.Str(c, probe + ".httpGet.path"));
            Assert.Equal("4000", ProgramModel.Str(c, probe + ".httpGet.port"));
            Assert.Equal("10", ProgramModel.Str(c, probe + ".periodSeconds"));
        }
        var worker = ProgramModel.Maps(model.Resources.Single(r => r.Name == "normaldance-worker-deployment").Props, "spec.template.spec.containers").Single();
        Assert.Equal(["sh", "-c", "kill -0 1"], ((YamlSequenceNode)ProgramModel.Get(worker, "livenessProbe.exec.command")!).Children.Select(x => ((YamlScalarNode)x).Value));
        var ipfs = ProgramModel.Maps(model.Resources.Single(r => r.Name == "normaldance-ipfs-statefulset").Props, "spec.template.spec.containers").Single();
        Assert.Equal(["ipfs", "id"], ((YamlSequenceNode)ProgramModel.Get(ipfs, "readinessProbe.exec.command")!).Children.Select(x => ((YamlScalarNode)x).Value));
        _ = CultureInfo.InvariantCulture;
    }
}
