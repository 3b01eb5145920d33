using Infra.Components.Core;
using Infra.Providers.Aws.Cloudwatch;
using Infra.Providers.Aws.Eks;
using Infra.Providers.Aws.Iam;

namespace Infra.Components.Aws;

/// <summary>A managed node group: on-demand for services and anything stateful, spot only for interruptible work.</summary>
public sealed record NodeGroupSpec(string Name, bool Spot, IReadOnlyList<string> InstanceTypes, int Min, int Desired, int Max, int DiskGb)
{
    /// <summary>The node label and taint key the Kubernetes translation selects and tolerates for spot capacity.</summary>
    public const string CapacityLabel = "platform/capacity";
}

public sealed record ClusterArgs
{
    public required string Prefix { get; init; }
    public required string Region { get; init; }
    public required string KubernetesVersion { get; init; }
    public required Network Network { get; init; }
    public required Output<string> SecretsKeyArn { get; init; }
    /// <summary>CIDRs allowed to reach the public API endpoint; empty: the endpoint is private only.</summary>
    public required IReadOnlyList<string> PublicAccessCidrs { get; init; }
    public required IReadOnlyList<NodeGroupSpec> NodeGroups { get; init; }
    public bool Protect { get; init; }
    public int LogRetentionDays { get; init; } = 90;
}

/// <summary>
/// An EKS cluster: private API endpoint (plus a public one only for the listed CIDRs), every control-plane log
/// type to CloudWatch, Kubernetes secrets envelope-encrypted with a KMS key, managed node groups in the private
/// subnets, the core add-ons (VPC CNI, CoreDNS, kube-proxy, EBS CSI with its own IRSA role), and the cluster's OIDC
/// provider for IAM roles for service accounts. Its kubeconfig is built from the endpoint and CA (no secret key in it:
/// `aws eks get-token` signs each request with the caller's credentials).
/// </summary>
public sealed class Cluster : Construct
{
    public static readonly string[] LogTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

    public Cluster(Construct parent, string name, ClusterArgs args) : base(parent, name)
    {
        Args = args;
        var role = Add("role", new Role { AssumeRolePolicy = AwsPolicyDocument.ServiceTrust("eks.amazonaws.com"), Description = "EKS control plane" });
        var rolePolicy = Add("role-cluster-policy", new RolePolicyAttachment { Role = role.Id, PolicyArn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" });

        // The cluster writes to /aws/eks/<name>/cluster; the cluster name is fixed so the group can exist first with a retention.
        var clusterName = args.Prefix;
        var logs = Add("logs", new LogGroup { Name = $"/aws/eks/{clusterName}/cluster", RetentionInDays = args.LogRetentionDays });

        var cluster = Add("cluster", new Providers.Aws.Eks.Cluster
        {
            Name = clusterName,
            RoleArn = role.Outputs.Arn,
            Version = args.KubernetesVersion,
            VpcConfig = new ClusterVpcConfig
            {
                SubnetIds = [.. args.Network.PrivateSubnetIds.Select(i => (Input<string>)i)],
                EndpointPrivateAccess = true,
                EndpointPublicAccess = args.PublicAccessCidrs.Count > 0,
                PublicAccessCidrs = args.PublicAccessCidrs.Count > 0 ? [.. args.PublicAccessCidrs.Select(c => (Input<string>)c)] : null,
            },
            EnabledClusterLogTypes = [.. LogTypes.Select(t => (Input<string>)t)],
            EncryptionConfig = new ClusterEncryptionConfig
            {
                Provider = new ClusterEncryptionConfigProvider { KeyArn = args.SecretsKeyArn },
                Resources = ["secrets"],
            },
            AccessConfig = new ClusterAccessConfig { AuthenticationMode = "API", BootstrapClusterCreatorAdminPermissions = true },
            // EKS's own deletion protection, beside Pulumi's protect: a delete through the console or CLI is refused too.
            DeletionProtection = args.Protect ? true : null,
            Tags = Tagging.Name(clusterName),
        });
        cluster.DependsOn([rolePolicy, logs]);
        cluster.Traits.Add(Traits.Stateful);
        if (args.Protect) cluster.Options.Protect = true;
        Resource = cluster;
        ClusterName = cluster.Outputs.Name;
        Endpoint = cluster.Outputs.Endpoint;
        CertificateAuthority = cluster.Out<string>("certificateAuthority.data");
        Issuer = cluster.Out<string>("identities[0].oidcs[0].issuer");
        NodeSecurityGroupId = cluster.Out<string>("vpcConfig.clusterSecurityGroupId");

        // Nodes: one role for every managed group (pull from ECR, CNI, join the cluster).
        var nodeRole = Add("node-role", new Role { AssumeRolePolicy = AwsPolicyDocument.ServiceTrust("ec2.amazonaws.com"), Description = "EKS managed nodes" });
        var attachments = new List<Resource>();
        foreach (var (local, policy) in new[]
                 {
                     ("node-worker-policy", "AmazonEKSWorkerNodePolicy"), ("node-cni-policy", "AmazonEKS_CNI_Policy"),
                     ("node-ecr-policy", "AmazonEC2ContainerRegistryReadOnly"),
                 })
            attachments.Add(Add(local, new RolePolicyAttachment { Role = nodeRole.Id, PolicyArn = $"arn:aws:iam::aws:policy/{policy}" }));

        var groups = new List<Resource>();
        foreach (var g in args.NodeGroups)
        {
            var ng = Add($"nodes-{g.Name}", new NodeGroup
            {
                ClusterName = cluster.Outputs.Name,
                NodeRoleArn = nodeRole.Outputs.Arn,
                SubnetIds = [.. args.Network.PrivateSubnetIds.Select(i => (Input<string>)i)],
                CapacityType = g.Spot ? "SPOT" : "ON_DEMAND",
                InstanceTypes = [.. g.InstanceTypes.Select(t => (Input<string>)t)],
                AmiType = "AL2023_x86_64_STANDARD",
                DiskSize = g.DiskGb,
                ScalingConfig = new NodeGroupScalingConfig { MinSize = g.Min, DesiredSize = g.Desired, MaxSize = g.Max },
                UpdateConfig = new NodeGroupUpdateConfig { MaxUnavailable = 1 },
                Labels = new Dictionary<string, Input<string>> { [NodeGroupSpec.CapacityLabel] = g.Spot ? "spot" : "on-demand", ["platform/pool"] = g.Name },
                Taints = g.Spot ? [new NodeGroupTaint { Key = NodeGroupSpec.CapacityLabel, Value = "spot", Effect = "NO_SCHEDULE" }] : null,
                Tags = Tagging.Name($"{clusterName}-{g.Name}"),
            });
            ng.DependsOn(attachments);
            ng.Options.IgnoreChanges.Add("scalingConfig.desiredSize");
            groups.Add(ng);
        }
        NodeGroups = groups;

        // OIDC provider for IAM roles for service accounts.
        var oidc = Add("oidc", new OpenIdConnectProvider { Url = Issuer, ClientIdLists = ["sts.amazonaws.com"] });
        OidcProviderArn = oidc.Outputs.Arn;

        // Add-ons after the nodes (CoreDNS needs somewhere to run).
        var ebsRole = ServiceAccountRole("ebs-csi-role", "kube-system", "ebs-csi-controller-sa");
        Add("ebs-csi-policy", new RolePolicyAttachment { Role = ebsRole.Id, PolicyArn = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" });
        foreach (var addon in new[] { "vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver" })
        {
            var a = Add($"addon-{addon}", new Addon
            {
                ClusterName = cluster.Outputs.Name,
                AddonName = addon,
                ResolveConflictsOnCreate = "OVERWRITE",
                ResolveConflictsOnUpdate = "PRESERVE",
                ServiceAccountRoleArn = addon == "aws-ebs-csi-driver" ? ebsRole.Outputs.Arn : null,
            });
            if (addon is "coredns" or "aws-ebs-csi-driver") a.DependsOn(groups);
        }

        Kubeconfig = BuildKubeconfig(clusterName, args.Region);
    }

    public override string Kind => "EKS cluster";
    public ClusterArgs Args { get; }
    public Resource Resource { get; }
    public Output<string> ClusterName { get; }
    public Output<string> Endpoint { get; }
    public Output<string> CertificateAuthority { get; }
    public Output<string> Issuer { get; }
    public Output<string> OidcProviderArn { get; }
    /// <summary>The security group EKS creates and attaches to the control plane and every managed node.</summary>
    public Output<string> NodeSecurityGroupId { get; }
    public IReadOnlyList<Resource> NodeGroups { get; }

    /// <summary>The kubeconfig (JSON, marked secret) an explicit kubernetes provider takes.</summary>
    public Value Kubeconfig { get; }

    /// <summary>An IAM role only the service account <paramref name="serviceAccount"/> in <paramref name="ns"/> can assume (IRSA).</summary>
    public Resource<Role.Outputs> ServiceAccountRole(string localName, string ns, string serviceAccount) =>
        Add(localName, new Role
        {
            AssumeRolePolicy = AwsPolicyDocument.WebIdentityTrust(OidcProviderArn, Issuer, ns, serviceAccount),
            Description = $"IRSA for {ns}/{serviceAccount}",
        });

    private Value BuildKubeconfig(string name, string region)
    {
        var doc = new Props
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Config",
            ["clusters"] = Value.List(new Props
            {
                ["name"] = name,
                ["cluster"] = new Props { ["server"] = Endpoint, ["certificate-authority-data"] = CertificateAuthority },
            }),
            ["contexts"] = Value.List(new Props { ["name"] = name, ["context"] = new Props { ["cluster"] = name, ["user"] = name } }),
            ["current-context"] = name,
            ["users"] = Value.List(new Props
            {
                ["name"] = name,
                ["user"] = new Props
                {
                    ["exec"] = new Props
                    {
                        ["apiVersion"] = "client.authentication.k8s.io/v1beta1",
                        ["command"] = "aws",
                        ["args"] = Value.List("eks", "get-token", "--cluster-name", ClusterName, "--region", region),
                    },
                },
            }),
        };
        return new FnCall("secret", new FnCall("toJSON", doc));
    }
}
