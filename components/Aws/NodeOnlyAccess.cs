using Infra.Components.Core;
using Infra.Providers.Aws.Ec2;
using Infra.Providers.Aws.Vpc;

namespace Infra.Components.Aws;

/// <summary>
/// The firewall of a managed data service (RDS, ElastiCache): a security group in the VPC that admits its one port
/// from the cluster nodes' security group and from nothing else.
/// </summary>
public static class NodeOnlyAccess
{
    /// <summary>Adds <c>sg</c> and <c>sg-from-nodes</c> under <paramref name="owner"/>; returns the security group.</summary>
    public static Resource<SecurityGroup.Outputs> Add(Construct owner, Network network, Output<string> clientSecurityGroupId, int port,
        string prefix, string engine)
    {
        var sg = owner.Add("sg", new SecurityGroup
        {
            VpcId = network.VpcId,
            Description = $"{prefix} {engine}: {port} from the cluster nodes only",
            Tags = Tagging.Name($"{prefix}-{owner.Name}"),
        });
        owner.Add("sg-from-nodes", new SecurityGroupIngressRule
        {
            SecurityGroupId = sg.Id,
            ReferencedSecurityGroupId = clientSecurityGroupId,
            IpProtocol = "tcp",
            FromPort = port,
            ToPort = port,
            Description = $"{engine} from EKS nodes",
        });
        return sg;
    }
}
