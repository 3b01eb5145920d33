using Infra.Components.Core;
using Infra.Components.Policies;
using Infra.Stacks.Composed;
using Infra.Stacks.Model;
using Infra.Stacks.Systems;
using Infra.Stacks.Targets.Aws;
using Infra.Stacks.Targets.Docker;
using Infra.Stacks.Targets.Host;
using Infra.Stacks.Targets.Kubernetes;

namespace Infra.Stacks.Composition;

/// <summary>The one entry point from settings to a Pulumi YAML program.</summary>
public static class Synthesizer
{
    /// <summary>
    /// A composed program, what the policies found in it (nothing mandatory: that throws), and what the stack uses
    /// that its target cannot express (plan lists it as "not on this target").
    /// </summary>
    public sealed record Synthesis(StackProgram Program, PolicyReport Policies, IReadOnlyList<string> NotOnTarget);

    /// <summary>The targets with a translation: one line each (a target is one folder under stacks/Targets plus its line here).</summary>
    private static readonly Dictionary<string, (TargetCapabilities Capabilities, Func<ComposedSystem, StackProgram> Translate)> Translations = new(StringComparer.Ordinal)
    {
        ["docker"] = (DockerTarget.Capabilities, DockerTarget.Translate),
        ["kubernetes"] = (KubernetesTarget.Capabilities, KubernetesTarget.Translate),
        ["aws"] = (AwsTarget.Capabilities, c => AwsTarget.Translate(c, WorkloadsOnEks)),
        ["host"] = (HostTarget.Capabilities, HostTarget.Translate),
    };

    /// <summary>
    /// The seam between the two targets, and the only place that knows both: the aws target's EKS binding in the
    /// Kubernetes translation's terms, then the Kubernetes translation deploys the workloads onto that cluster.
    /// </summary>
    public static void WorkloadsOnEks(ComposedSystem system, EksBinding eks, Construct parent)
    {
        ManagedData? Managed(string? name, int port, Value? host, Value? password) =>
            name is null || !eks.ManagedReferences.TryGetValue(name, out var reference) ? null
                : new ManagedData(reference.Key, reference.Value, host ?? "", port, password);
        var binding = new ClusterBinding(
            eks.Kubeconfig,
            eks.Images.ToDictionary(e => e.Key, e => (Value)e.Value, StringComparer.Ordinal),
            eks.SpotServices,
            eks.CapacityLabel,
            eks.StorageClass,
            eks.PrivateSubnetCidrs,
            Managed(system.Database?.Name, eks.Database?.Port ?? 5432, eks.Database?.Host, eks.Database?.Password),
            Managed(system.Cache?.Name, eks.CachePort, null, null),
            new ObjectStorageBackup(eks.BackupServiceAccount, eks.BackupRoleArn, eks.BackupBucket, KubernetesTarget.AwsCliImage))
        {
            OriginHost = eks.OriginHost,
            ReadyAfter = eks.Ready,
        };
        KubernetesTarget.DeployOnto(system, binding, parent);
    }

    /// <summary>The capabilities of a target (for tests and documentation).</summary>
    public static TargetCapabilities CapabilitiesOf(string target) => Translations[target].Capabilities;

    /// <summary>Composes the stack's system onto its target, pins a default provider per package, and enforces the policies.</summary>
    public static StackProgram Compose(StackSettings settings, SystemDefinition? definition = null) => Run(settings, definition).Program;

    public static Synthesis Run(StackSettings settings, SystemDefinition? definition = null)
    {
        var def = definition ?? SystemCatalog.Find(settings.System)
            ?? throw new InputException(settings.File, "platform:system", settings.System, $"unknown system; one of: {string.Join(", ", SystemCatalog.Names)}");
        CheckFixedReplicas(def, settings);
        StackSettings.CheckTarget(settings.Target, settings.File);
        StackSettings.CheckClusterInputs(settings);
        var (capabilities, translate) = Translations[settings.Target];
        StackProgram program;
        ComposedSystem composed;
        using (Phases.Time("build graph"))
        {
            composed = SystemComposer.Compose(def, settings);
            program = translate(composed);
            Promotion.Note(program, composed.Services);
            if (settings.UpdateTimeoutSeconds is { } ut && settings.Target is not ("docker" or "host"))
                program.Notes.Add($"platform:updateTimeout ({ut} s) applies to the docker and host targets only; {settings.Target} keeps its providers' readiness timeouts");
            // Docker containers (local or on hosts) export the digests they pulled; the cluster targets export their images.
            if (settings.Target is "docker" or "host") ExportDigests(program, composed);
            foreach (var package in program.AllInOrder.Where(r => !r.IsProvider && r.Package != "pulumi" && r.Options.Provider is null).Select(r => r.Package).Distinct().Order(StringComparer.Ordinal).ToList())
                program.DefaultProvider(package);
        }
        // Waivers name a component of the system; resources carry their path below the root, e.g. "pinai/registry".
        var waivers = def.Waivers.Select(w => w with { Component = def.Name + "/" + w.Component }).ToList();
        PolicyReport report;
        using (Phases.Time("policies")) report = PolicyEngine.Enforce(program, settings.Environment.Name, waivers);
        return new Synthesis(program, report, capabilities.NotOnTarget(composed));
    }

    /// <summary>
    /// Promotion source on Docker and hosts: <c>images</c>, per service with a pulled application image (pinned in the
    /// stack or promoted from the previous one; not a stand-in, a system default or a local build), the RemoteImage's
    /// <c>repoDigest</c> (<c>repo@sha256:…</c>), i.e. exactly what ran, which the next stack reads through its stack
    /// reference. On several hosts the first server's pull stands for all (one reference, one digest).
    /// </summary>
    private static void ExportDigests(StackProgram program, ComposedSystem composed)
    {
        // One pass over the program: a service's pull is the RemoteImage of its "image" (on several hosts, the first server's).
        var pulls = new Dictionary<string, Resource>(StringComparer.Ordinal);
        foreach (var r in program.AllInOrder)
            if (r.Type == "docker:index/remoteImage:RemoteImage" && r.Owner is Infra.Components.Docker.DockerImage { Name: "image", Parent: Infra.Components.Docker.DockerService service })
                pulls.TryAdd(service.Name, r);
        var digests = new List<KeyValuePair<string, Value>>();
        foreach (var svc in composed.Services.Where(s => s.Image is { BuildContext: null } && s.Def.DefaultImage is null))
            if (pulls.TryGetValue(svc.Name, out var image))
                digests.Add(new(svc.Name, new OutputRef(image, "repoDigest")));
        if (digests.Count > 0) program.Export("images", new MapValue(digests));
    }

    /// <summary>A service whose replica count the system fixes (a Raft member, a single IPFS node) cannot be scaled by a stack.</summary>
    private static void CheckFixedReplicas(SystemDefinition def, StackSettings settings)
    {
        foreach (var (name, n) in settings.Replicas)
            if (def.FindService(name) is { FixedReplicas: { } fixedCount } && n != fixedCount)
                throw new InputException(settings.File, $"platform:replicas.{name}", n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"system '{def.Name}' fixes '{name}' at {fixedCount} replica{(fixedCount == 1 ? "" : "s")} (its identity is per instance); remove this override");
    }

    public static string Synthesize(StackSettings settings, SystemDefinition? definition = null) =>
        System.Text.Encoding.UTF8.GetString(SynthesizeUtf8(settings, definition));

    public static byte[] SynthesizeUtf8(StackSettings settings, SystemDefinition? definition = null) =>
        ProgramEmitter.EmitUtf8(Compose(settings, definition));

    /// <summary>The program's UTF-8 text as a view of the emitter's buffer (no copy of a large program).</summary>
    public static ArraySegment<byte> SynthesizeUtf8Segment(StackSettings settings, SystemDefinition? definition = null) =>
        ProgramEmitter.EmitUtf8Segment(Compose(settings, definition));

    /// <summary>
    /// A config key the discovery program requires and no stack ever sets (setting it is refused as an unknown key):
    /// if a host ever ran the discovery program as the real one, `pulumi up` would stop with "missing required
    /// configuration variable" before any step, instead of deleting every resource of the stack.
    /// </summary>
    public const string DiscoveryGuardKey = "discoveryOnlyNeverSet";

    /// <summary>
    /// The program printed when no stack is selected (the host's plugin discovery): every provider
    /// package the project can emit, at the versions real stacks pin, and a required config key no stack sets,
    /// so that it can never deploy.
    /// </summary>
    public static string Discovery() => System.Text.Encoding.UTF8.GetString(DiscoveryUtf8());

    public static byte[] DiscoveryUtf8()
    {
        var program = new StackProgram(StackSettings.Project, "discovery");
        program.DeclareConfig(new ConfigKey(DiscoveryGuardKey, ConfigType.String, Secret: false,
            Description: "Never set this: it exists so that the plugin-discovery program cannot be deployed."));
        foreach (var package in ProviderVersions.Packages.Order(StringComparer.Ordinal)) program.DefaultProvider(package);
        return ProgramEmitter.EmitUtf8(program);
    }
}
