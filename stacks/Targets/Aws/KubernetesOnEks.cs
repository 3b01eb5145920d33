using Infra.Components.Core;
using Infra.Stacks.Composed;

namespace Infra.Stacks.Targets.Aws;

/// <summary>
/// What a cluster-workload translation (the Kubernetes one) gets to run a composed system on the EKS cluster this
/// target builds, with AWS's managed services in place of in-cluster ones:
/// <list type="bullet">
/// <item><see cref="Kubeconfig"/>: secret JSON for an explicit <c>pulumi:providers:kubernetes</c> (no default provider);</item>
/// <item><see cref="DatabaseUrl"/>/<see cref="CacheUrl"/>: secret connection strings from the RDS and ElastiCache
/// outputs, to be put into a Kubernetes Secret and injected as the references' variables (DATABASE_URL, REDIS_URL…)
/// instead of deploying PostgreSQL/Redis StatefulSets;</item>
/// <item><see cref="Images"/>: the ECR repository URL per service (an image setting's tag is pushed there);</item>
/// <item><see cref="SpotServices"/>: stateless services that may run on spot nodes (node selector and toleration
/// <c>platform/capacity=spot</c>); everything else must select <c>platform/capacity=on-demand</c>;</item>
/// <item><see cref="BackupServiceAccount"/>/<see cref="BackupRoleArn"/>/<see cref="BackupBucket"/>: the backup job's
/// service account, annotated <c>eks.amazonaws.com/role-arn</c>, writing to the bucket (IRSA; no static keys);</item>
/// <item><see cref="StorageClass"/>: the EBS CSI class for claims the system still keeps in the cluster (IPFS…).</item>
/// </list>
/// </summary>
public sealed record EksBinding(
    Value Kubeconfig,
    Output<string> ClusterName,
    Value? DatabaseUrl,
    Value? CacheUrl,
    IReadOnlyDictionary<string, Output<string>> Images,
    IReadOnlyList<string> SpotServices,
    string Namespace,
    string BackupServiceAccount,
    Output<string> BackupRoleArn,
    Output<string> BackupBucket,
    string StorageClass)
{
    /// <summary>
    /// For a reference to the database or the cache (by its name in the system), the variable and secret value a
    /// workload gets instead of an in-cluster address: the same names the Docker target injects (DATABASE_URL,
    /// REDIS_URL), here with TLS (<c>sslmode=require</c>, <c>rediss://</c>).
    /// </summary>
    public IReadOnlyDictionary<string, KeyValuePair<string, Value>> ManagedReferences { get; init; } = new Dictionary<string, KeyValuePair<string, Value>>();

    /// <summary>The private subnets' blocks, where RDS and ElastiCache live: the only egress the workloads get to the data ports.</summary>
    public IReadOnlyList<string> PrivateSubnetCidrs { get; init; } = [];

    /// <summary>The database's host, port and password (secret), for the backup job's pg_dump.</summary>
    public (Value Host, int Port, Value Password)? Database { get; init; }

    /// <summary>The cache's port (clients get <see cref="CacheUrl"/>).</summary>
    public int CachePort { get; init; } = 6379;

    /// <summary>The node label (and spot taint key) telling spot from on-demand capacity.</summary>
    public string CapacityLabel { get; init; } = Components.Aws.NodeGroupSpec.CapacityLabel;

    /// <summary>What must exist before anything is deployed onto the cluster: the node groups and the add-ons (CNI, CoreDNS, EBS CSI).</summary>
    public IReadOnlyList<Resource> Ready { get; init; } = [];

    /// <summary>The host name the ingress serves behind CloudFront (null without a domain).</summary>
    public string? OriginHost { get; init; }
}

/// <summary>
/// Deploys a composed system's workloads onto the cluster described by <paramref name="binding"/>, under
/// <paramref name="parent"/> (the resources it adds must use an explicit kubernetes provider built from the
/// binding's kubeconfig). The composition root passes one to <see cref="AwsTarget.Translate(ComposedSystem, ClusterWorkloads?)"/>;
/// the composition root wires the Kubernetes translation (adapting this binding to its own), so aws stacks deploy the workloads.
/// </summary>
public delegate void ClusterWorkloads(ComposedSystem system, EksBinding binding, Construct parent);
