using Infra.Components.Core;

namespace Infra.Stacks.Targets.Kubernetes;

/// <summary>
/// A cluster someone else provisions in the same program (the aws target's EKS), in the Kubernetes translation's own
/// terms: the composition root adapts the provisioning target's binding to this, so that neither target imports the other.
/// </summary>
/// <param name="Kubeconfig">Secret kubeconfig (a cluster output) for the explicit kubernetes provider; no stack config is read.</param>
/// <param name="ImageRepositories">Per service, the registry repository an image setting that is a tag only (no '/') is pulled from.</param>
/// <param name="SpotServices">Services that run on spot nodes (node selector and toleration); every other pod selects on-demand nodes.</param>
/// <param name="CapacityLabel">The node label (and spot taint key) that tells spot from on-demand nodes.</param>
/// <param name="StorageClass">The storage class of the claims that stay in the cluster.</param>
/// <param name="DataCidrs">Where the managed data lives (the private subnets): the only egress to the database/cache port.</param>
/// <param name="Database">The managed PostgreSQL in place of the in-cluster StatefulSet, if the system has a database.</param>
/// <param name="Cache">The managed Redis in place of the in-cluster StatefulSet, if the system has a cache.</param>
/// <param name="Backup">Where the backup job writes (object storage under an IAM role bound to its service account).</param>
public sealed record ClusterBinding(
    Value Kubeconfig,
    IReadOnlyDictionary<string, Value> ImageRepositories,
    IReadOnlyList<string> SpotServices,
    string CapacityLabel,
    string StorageClass,
    IReadOnlyList<string> DataCidrs,
    ManagedData? Database,
    ManagedData? Cache,
    ObjectStorageBackup? Backup)
{
    /// <summary>The public host name the ingress serves behind the CDN (its certificate comes from ACME), when the stack sets none.</summary>
    public string? OriginHost { get; init; }

    /// <summary>Resources the explicit provider waits for (node groups, cluster add-ons), so nothing is applied to a cluster without nodes or DNS.</summary>
    public IReadOnlyList<Resource> ReadyAfter { get; init; } = [];
}

/// <summary>A managed data service: the variable its clients get (secret connection URL), its host, port and password (secrets for the backup job).</summary>
public sealed record ManagedData(string Variable, Value Url, Value Host, int Port, Value? Password);

/// <summary>The backup job's service account, the IAM role its annotation names, the bucket, and the pinned CLI image that uploads.</summary>
public sealed record ObjectStorageBackup(string ServiceAccount, Value RoleArn, Value Bucket, string CliImage);
