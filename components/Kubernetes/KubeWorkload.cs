using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Infra.Components.Core;
using Infra.Components.Workloads;
using Infra.Providers.Kubernetes.Apps.V1;
using Infra.Providers.Kubernetes.Autoscaling.V2;
using Infra.Providers.Kubernetes.Core.V1;
using Infra.Providers.Kubernetes.Policy.V1;
using K8sService = Infra.Providers.Kubernetes.Core.V1.Service;
using K8sServicePort = Infra.Providers.Kubernetes.Core.V1.ServicePort;
using ServicePort = Infra.Components.Workloads.ServicePort;

namespace Infra.Components.Kubernetes;

/// <summary>One set of pods of a service: the only one (name ""), a blue-green colour, or the stable / canary side of a canary release.</summary>
public sealed record KubeTrack(string Name, Value Image, int Replicas)
{
    /// <summary>A command for this track only (a database replica starts differently from its primary).</summary>
    public IReadOnlyList<string>? Command { get; init; }
}

/// <summary>Autoscaling from Min to Max replicas at CPU / memory utilisation targets in percent (autoscaling/v2).</summary>
public sealed record KubeAutoscale(int Min, int Max, int CpuPercent = 70, int MemoryPercent = 80);

/// <summary>What a <see cref="KubeWorkload"/> runs; secure defaults are in <see cref="KubeDefaults"/>.</summary>
public sealed record KubeWorkloadArgs
{
    public required string System { get; init; }
    public required string Namespace { get; init; }
    public required IReadOnlyList<KubeTrack> Tracks { get; init; }
    /// <summary>The track the Service selects (blue-green's live colour); null selects every track.</summary>
    public string? ServiceTrack { get; init; }
    public IReadOnlyList<ServicePort> Ports { get; init; } = [];
    /// <summary>Environment in order; a value that carries a secret goes through the service's Secret, never into the pod spec.</summary>
    public IReadOnlyList<KeyValuePair<string, Value>> Environment { get; init; } = [];
    public IReadOnlyList<ConfigFile> Files { get; init; } = [];
    public HealthCheck? Health { get; init; }
    public string User { get; init; } = "1000:1000";
    public required ResourceLimits Limits { get; init; }
    public IReadOnlyList<string> WritablePaths { get; init; } = ["/tmp"];
    public IReadOnlyList<string> Command { get; init; } = [];
    /// <summary>A data path makes the service a StatefulSet with one claim per replica.</summary>
    public string? DataPath { get; init; }
    public string StorageClass { get; init; } = "standard";
    public int DataSizeGi { get; init; } = 1;
    public bool Protect { get; init; }
    public KubeAutoscale? Autoscale { get; init; }
    /// <summary>Pods that must stay up during voluntary disruptions (null: none, or one less than the replicas when there are several).</summary>
    public int? MinAvailable { get; init; }
    public string Component { get; init; } = "service";
    public string Kind { get; init; } = "Service";
    /// <summary>Extra labels on the pods (e.g. the stand-in marker).</summary>
    public IReadOnlyDictionary<string, string> PodLabels { get; init; } = new Dictionary<string, string>();
    /// <summary>Node labels the pods must run on (e.g. a node group's capacity type); none by default.</summary>
    public IReadOnlyDictionary<string, string> NodeSelector { get; init; } = new Dictionary<string, string>();
    /// <summary>Taints the pods tolerate, as (key, value, effect) with operator Equal (e.g. spot nodes' NoSchedule taint).</summary>
    public IReadOnlyList<(string Key, string Value, string Effect)> Tolerations { get; init; } = [];
}

/// <summary>
/// A service on Kubernetes: ConfigMap (files, mounted read-only), Secret (secret environment), one Deployment per track
/// (a StatefulSet with claims when it keeps data), a ClusterIP Service, and where replicas allow, a HorizontalPodAutoscaler
/// and a PodDisruptionBudget. Probes come from the one health check.
/// </summary>
public sealed class KubeWorkload : Construct
{
    private readonly List<Resource> _workloads = [];

    public KubeWorkload(Construct parent, string name, KubeWorkloadArgs args) : base(parent, name)
    {
        Args = args;
        Validate(name, args);
        var labels = KubeDefaults.Labels(args.System, name, args.Component);
        var selectorBase = new Dictionary<string, Input<string>> { [KubeDefaults.NameLabel] = name, [KubeDefaults.PartOfLabel] = args.System };

        Resource? configMap = null;
        var fileKeys = new List<(ConfigFile File, string Key)>();
        if (args.Files.Count > 0)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var f in args.Files)
            {
                var key = System.IO.Path.GetFileName(f.Path);
                if (!used.Add(key)) { key = Names.Sanitize(f.Path.Trim('/').Replace('/', '-')); used.Add(key); }
                fileKeys.Add((f, key));
            }
            configMap = Add("config", new ConfigMap
            {
                Metadata = KubeDefaults.Meta(name + "-config", args.Namespace, labels),
                Data = fileKeys.ToDictionary(k => k.Key, k => (Input<string>)k.File.Content),
            });
        }

        var secretEnv = args.Environment.Where(e => e.Value.IsSecret).ToList();
        Resource? secret = null;
        if (secretEnv.Count > 0)
        {
            secret = Add("env", new Secret
            {
                Metadata = KubeDefaults.Meta(name + "-env", args.Namespace, labels),
                Type = "Opaque",
                StringData = secretEnv.ToDictionary(e => e.Key, e => (Input<string>)e.Value),
            });
        }

        foreach (var track in args.Tracks)
        {
            var podLabels = new Dictionary<string, Input<string>>(labels);
            var selector = new Dictionary<string, Input<string>>(selectorBase);
            if (track.Name.Length > 0) { podLabels[KubeDefaults.TrackLabel] = track.Name; selector[KubeDefaults.TrackLabel] = track.Name; }
            foreach (var (k, v) in args.PodLabels) podLabels[k] = v;
            var workloadName = track.Name.Length > 0 ? name + "-" + track.Name : name;
            var template = new PodTemplateSpec
            {
                Metadata = new Providers.Kubernetes.Meta.V1.ObjectMeta
                {
                    Labels = podLabels,
                    Annotations = args.Files.Count > 0 ? new Dictionary<string, Input<string>> { ["platform/config-sha256"] = ConfigHash(args.Files) } : null,
                },
                Spec = PodSpec(name, args, track, fileKeys, configMap is null ? null : name + "-config", secret is null ? null : name + "-env"),
            };
            var local = track.Name.Length > 0 ? (args.DataPath is null ? "deployment-" : "statefulset-") + track.Name : (args.DataPath is null ? "deployment" : "statefulset");
            Resource workload = args.DataPath is null
                ? Add(local, new Deployment
                {
                    Metadata = KubeDefaults.Meta(workloadName, args.Namespace, labels),
                    Spec = new DeploymentSpec
                    {
                        // An autoscaled Deployment leaves the count to its HorizontalPodAutoscaler (the engine would reset it on every update).
                        Replicas = args.Autoscale is not null && track.Replicas >= args.Autoscale.Min ? null : track.Replicas,
                        Selector = KubeDefaults.Select(selector),
                        Strategy = new DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 } },
                        Template = template,
                    },
                })
                : Add(local, new StatefulSet
                {
                    Metadata = KubeDefaults.Meta(workloadName, args.Namespace, labels),
                    Spec = new StatefulSetSpec
                    {
                        Replicas = track.Replicas,
                        ServiceName = name + "-headless",
                        Selector = KubeDefaults.Select(selector),
                        Template = template,
                        PersistentVolumeClaimRetentionPolicy = new StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Retain", WhenScaled = "Retain" },
                        VolumeClaimTemplates = [KubeData.Claim("data", args.StorageClass, args.DataSizeGi)],
                    },
                });
            workload.Traits.Add(Traits.Workload);
            if (args.DataPath is not null)
            {
                workload.Traits.Add(Traits.Stateful);
                if (args.Protect) workload.Options.Protect = true;
            }
            if (secret is not null) workload.DependsOn([secret]);
            _workloads.Add(workload);
        }

        var serviceSelector = new Dictionary<string, Input<string>>(selectorBase);
        if (args.ServiceTrack is { } live) serviceSelector[KubeDefaults.TrackLabel] = live;
        if (args.Ports.Count > 0)
        {
            Service = Add("service", new K8sService
            {
                Metadata = KubeDefaults.Meta(name, args.Namespace, labels),
                Spec = new ServiceSpec
                {
                    Type = "ClusterIP",
                    Selector = serviceSelector,
                    Ports = [.. args.Ports.Select(ServicePortOf)],
                },
            });
            if (args.DataPath is not null)
                Add("headless", new K8sService
                {
                    Metadata = KubeDefaults.Meta(name + "-headless", args.Namespace, labels),
                    Spec = new ServiceSpec { ClusterIP = "None", Selector = serviceSelector, Ports = [.. args.Ports.Select(ServicePortOf)] },
                });
            // Each track is reachable on its own too (canary weights and blue-green smoke tests address them by name).
            if (args.Tracks.Count > 1)
                foreach (var track in args.Tracks)
                    Add("service-" + track.Name, new K8sService
                    {
                        Metadata = KubeDefaults.Meta(name + "-" + track.Name, args.Namespace, labels),
                        Spec = new ServiceSpec
                        {
                            Type = "ClusterIP",
                            Selector = new Dictionary<string, Input<string>>(selectorBase) { [KubeDefaults.TrackLabel] = track.Name },
                            Ports = [.. args.Ports.Select(ServicePortOf)],
                        },
                    });
        }

        if (args.Autoscale is { } a)
            foreach (var (track, workload) in args.Tracks.Zip(_workloads))
            {
                if (args.Tracks.Count > 1 && track.Replicas < a.Min) continue; // a canary's few pods are not autoscaled
                Add(args.Tracks.Count > 1 ? "hpa-" + track.Name : "hpa", new HorizontalPodAutoscaler
                {
                    Metadata = KubeDefaults.Meta(track.Name.Length > 0 ? name + "-" + track.Name : name, args.Namespace, labels),
                    Spec = new HorizontalPodAutoscalerSpec
                    {
                        ScaleTargetRef = new CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = args.DataPath is null ? "Deployment" : "StatefulSet", Name = track.Name.Length > 0 ? name + "-" + track.Name : name },
                        MinReplicas = a.Min,
                        MaxReplicas = a.Max,
                        Metrics =
                        [
                            Utilisation("cpu", a.CpuPercent),
                            Utilisation("memory", a.MemoryPercent),
                        ],
                    },
                });
            }

        // A disruption budget for every set of pods with more than one replica: one pod at a time may be evicted.
        foreach (var track in args.Tracks)
        {
            var minAvailable = args.MinAvailable ?? (track.Replicas > 1 ? track.Replicas - 1 : null);
            if (minAvailable is not { } min) continue;
            var selector = new Dictionary<string, Input<string>>(selectorBase);
            if (track.Name.Length > 0) selector[KubeDefaults.TrackLabel] = track.Name;
            Add(track.Name.Length > 0 ? "pdb-" + track.Name : "pdb", new PodDisruptionBudget
            {
                Metadata = KubeDefaults.Meta(track.Name.Length > 0 ? name + "-" + track.Name : name, args.Namespace, labels),
                Spec = new PodDisruptionBudgetSpec { MinAvailable = min, Selector = KubeDefaults.Select(selector) },
            });
        }
    }

    public override string Kind => Args.Kind;
    public KubeWorkloadArgs Args { get; }
    public IReadOnlyList<Resource> Workloads => _workloads;
    public Resource? Service { get; }

    /// <summary>The in-cluster DNS name of the service.</summary>
    public string Host => $"{Name}.{Args.Namespace}.svc.cluster.local";

    private static void Validate(string name, KubeWorkloadArgs a)
    {
        var owner = $"service '{name}'";
        if (a.Tracks.Count == 0) throw new SynthesisException($"{owner} has no track to run");
        foreach (var t in a.Tracks)
            if (t.Replicas < 1) throw new SynthesisException($"{owner} track '{t.Name}' has {t.Replicas} replicas; at least 1 is required");
        if (a.Autoscale is { } s)
        {
            if (s.Min < 1 || s.Min > s.Max)
                throw new InputException(owner, "autoscaling", $"{s.Min}-{s.Max}", "the autoscaler's minimum must be at least 1 and at most its maximum");
            if (s.CpuPercent is < 1 or > 100 || s.MemoryPercent is < 1 or > 100)
                throw new InputException(owner, "autoscaling", $"cpu {s.CpuPercent} %, memory {s.MemoryPercent} %", "utilisation targets are 1 to 100 percent");
        }
        foreach (var t in a.Tracks)
            if (a.MinAvailable is { } min && min >= t.Replicas)
                throw new InputException(owner, "replicas", t.Replicas.ToString(CultureInfo.InvariantCulture),
                    $"below what its disruption budget needs: {min} must stay available during a disruption, so it needs at least {min + 1} replicas");
        if (a.Health is { } h) _ = KubeDefaults.Probes(h, a.Ports, owner);
        foreach (var p in a.WritablePaths)
            if (!p.StartsWith('/')) throw new SynthesisException($"{owner}: writable path '{p}' is not absolute");
    }

    private static MetricSpec Utilisation(string resource, int percent) => new()
    {
        Type = "Resource",
        Resource = new ResourceMetricSource { Name = resource, Target = new MetricTarget { Type = "Utilization", AverageUtilization = percent } },
    };

    internal static K8sServicePort ServicePortOf(ServicePort p) => new()
    {
        Name = p.Name,
        Port = p.ContainerPort,
        TargetPort = p.ContainerPort,
        Protocol = "TCP",
        AppProtocol = Input.Optional(p.Protocol switch { PortProtocol.Http => "http", PortProtocol.Grpc => "kubernetes.io/h2c", _ => null }),
    };

    private static string ConfigHash(IReadOnlyList<ConfigFile> files)
    {
        var sb = new StringBuilder();
        foreach (var f in files) sb.Append(f.Path).Append('\0').Append(f.Content).Append('\0');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }

    private static PodSpec PodSpec(string name, KubeWorkloadArgs a, KubeTrack track, List<(ConfigFile File, string Key)> files, string? configMap, string? secret)
    {
        var volumes = new List<Volume>();
        var mounts = new List<VolumeMount>();
        foreach (var path in a.WritablePaths.Distinct())
        {
            volumes.Add(new Volume { Name = KubeDefaults.VolumeName(path), EmptyDir = new EmptyDirVolumeSource { SizeLimit = "256Mi" } });
            mounts.Add(new VolumeMount { Name = KubeDefaults.VolumeName(path), MountPath = path });
        }
        if (a.DataPath is { } data) mounts.Add(new VolumeMount { Name = "data", MountPath = data });
        if (configMap is not null)
        {
            volumes.Add(new Volume { Name = "config", ConfigMap = new ConfigMapVolumeSource { Name = configMap, DefaultMode = 292 } });
            foreach (var (f, key) in files)
                mounts.Add(new VolumeMount { Name = "config", MountPath = f.Path, SubPath = key, ReadOnly = true });
        }
        var env = new List<EnvVar>();
        foreach (var (k, v) in a.Environment)
            env.Add(v.IsSecret
                ? new EnvVar { Name = k, ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = secret!, Key = k } } }
                : new EnvVar { Name = k, Value = v });
        Probe? liveness = null, readiness = null, startup = null;
        if (a.Health is { } h) (liveness, readiness, startup) = KubeDefaults.Probes(h, a.Ports, $"service '{name}'");
        return new PodSpec
        {
            AutomountServiceAccountToken = false,
            SecurityContext = KubeDefaults.PodSecurity(a.User, lowPorts: a.Ports.Any(p => p.ContainerPort < 1024)),
            Containers =
            [
                new Container
                {
                    Name = name,
                    Image = track.Image,
                    ImagePullPolicy = "IfNotPresent",
                    Command = [.. (track.Command ?? a.Command).Select(c => (Input<string>)c)],
                    Env = env,
                    Ports = [.. a.Ports.Select(p => new ContainerPort { Name = p.Name, ContainerPortProperty = p.ContainerPort, Protocol = "TCP" })],
                    Resources = KubeDefaults.Resources(a.Limits),
                    SecurityContext = KubeDefaults.ContainerSecurity(a.User),
                    LivenessProbe = liveness,
                    ReadinessProbe = readiness,
                    StartupProbe = startup,
                    VolumeMounts = mounts,
                },
            ],
            Volumes = volumes,
            NodeSelector = a.NodeSelector.Count == 0 ? null : a.NodeSelector.ToDictionary(e => e.Key, e => (Input<string>)e.Value),
            Tolerations = a.Tolerations.Count == 0 ? null : [.. a.Tolerations.Select(t => new Toleration { Key = t.Key, Operator = "Equal", Value = t.Value, Effect = t.Effect })],
        };
    }
}
