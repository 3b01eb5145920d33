using Infra.Components.Core;
using Infra.Stacks.Composed;

namespace Infra.Stacks.Targets.Kubernetes;

/// <summary>The Kubernetes translation (filled in below).</summary>
public static class KubernetesTarget
{
    public static readonly TargetCapabilities Capabilities = new("kubernetes",
        new HashSet<Feature> { Feature.Autoscaling, Feature.DisruptionBudgets, Feature.PerEdgeIsolation, Feature.ReadOnlyRootFilesystem, Feature.DataReplicas, Feature.ProgressiveRelease },
        new Dictionary<Feature, string>
        {
            [Feature.HostPorts] = "nothing is published on a node; public traffic enters through the Traefik ingress, the rest through kubectl port-forward",
            [Feature.LocalImageBuild] = "a cluster cannot build: push the tag to a registry the cluster pulls from",
            [Feature.StartOrder] = "pods start together; readiness probes keep traffic away until each is ready",
            [Feature.DataExporters] = "kube-prometheus-stack scrapes the cluster; no PostgreSQL/Redis exporter sidecars",
        });

    public static StackProgram Translate(ComposedSystem composed) =>
        throw new InputException(composed.Settings.File, "platform:target", "kubernetes", "the kubernetes translation is not built yet; one of: docker");
}
