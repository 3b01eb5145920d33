using Infra.Components.Core;
using Infra.Providers.Aws.Cloudwatch;
using Infra.Providers.Aws.Ec2;
using Infra.Providers.Aws.Iam;

namespace Infra.Components.Aws;

public sealed record NetworkArgs
{
    public required string Prefix { get; init; }
    public required string VpcCidr { get; init; }
    /// <summary>Availability-zone names, one public and one private subnet in each.</summary>
    public required IReadOnlyList<string> Zones { get; init; }
    public required IReadOnlyList<string> PublicSubnetCidrs { get; init; }
    public required IReadOnlyList<string> PrivateSubnetCidrs { get; init; }
    /// <summary>A NAT gateway per zone (a zone outage leaves the others their egress) or one shared (cheaper).</summary>
    public bool NatPerZone { get; init; }
    /// <summary>VPC flow logs (all traffic) to a CloudWatch log group.</summary>
    public bool FlowLogs { get; init; }
    public int FlowLogRetentionDays { get; init; } = 90;
    /// <summary>The EKS cluster's name, for the subnet tags the load-balancer controller discovers subnets by.</summary>
    public string? ClusterTag { get; init; }
}

/// <summary>
/// A VPC across the given zones: public subnets (internet gateway; only NAT gateways and load balancers live there)
/// and private subnets (nodes, databases, caches; egress through NAT only). Flow logs when asked.
/// </summary>
public sealed class Network : Construct
{
    public Network(Construct parent, string name, NetworkArgs args) : base(parent, name)
    {
        Args = args;
        var vpc = Add("vpc", new Vpc
        {
            CidrBlock = args.VpcCidr,
            EnableDnsHostnames = true,
            EnableDnsSupport = true,
            Tags = Tagging.Name(args.Prefix),
        });
        Vpc = vpc;
        VpcId = vpc.Id;
        var igw = Add("igw", new InternetGateway { VpcId = VpcId, Tags = Tagging.Name(args.Prefix) });

        var publicRt = Add("public-rt", new RouteTable { VpcId = VpcId, Tags = Tagging.Name(args.Prefix + "-public") });
        Add("public-default", new Route { RouteTableId = publicRt.Id, DestinationCidrBlock = "0.0.0.0/0", GatewayId = igw.Id });

        var publicIds = new List<Output<string>>();
        var privateIds = new List<Output<string>>();
        var nats = new List<Resource>();
        for (var i = 0; i < args.Zones.Count; i++)
        {
            var zone = args.Zones[i];
            var suffix = zone[^1..];
            var pub = Add($"public-{suffix}", new Subnet
            {
                VpcId = VpcId,
                AvailabilityZone = zone,
                CidrBlock = args.PublicSubnetCidrs[i],
                MapPublicIpOnLaunch = false,
                Tags = Tags($"{args.Prefix}-public-{suffix}", "kubernetes.io/role/elb"),
            });
            Add($"public-{suffix}-rt", new RouteTableAssociation { RouteTableId = publicRt.Id, SubnetId = pub.Id });
            publicIds.Add(pub.Id);

            var priv = Add($"private-{suffix}", new Subnet
            {
                VpcId = VpcId,
                AvailabilityZone = zone,
                CidrBlock = args.PrivateSubnetCidrs[i],
                MapPublicIpOnLaunch = false,
                Tags = Tags($"{args.Prefix}-private-{suffix}", "kubernetes.io/role/internal-elb"),
            });
            privateIds.Add(priv.Id);

            if (i == 0 || args.NatPerZone)
            {
                var eip = Add($"nat-{suffix}-ip", new Eip { Domain = "vpc", Tags = Tagging.Name($"{args.Prefix}-nat-{suffix}") });
                var nat = Add($"nat-{suffix}", new NatGateway
                {
                    AllocationId = eip.Outputs.AllocationId,
                    SubnetId = pub.Id,
                    Tags = Tagging.Name($"{args.Prefix}-nat-{suffix}"),
                });
                nat.DependsOn([igw]);
                nats.Add(nat);
            }
            var nat0 = nats[^1];
            var rt = Add($"private-{suffix}-rt", new RouteTable { VpcId = VpcId, Tags = Tagging.Name($"{args.Prefix}-private-{suffix}") });
            Add($"private-{suffix}-default", new Route { RouteTableId = rt.Id, DestinationCidrBlock = "0.0.0.0/0", NatGatewayId = nat0.Id });
            Add($"private-{suffix}-rta", new RouteTableAssociation { RouteTableId = rt.Id, SubnetId = priv.Id });
        }
        PublicSubnetIds = publicIds;
        PrivateSubnetIds = privateIds;
        NatGateways = nats.Count;

        if (args.FlowLogs)
        {
            var group = Add("flow-logs", new LogGroup { RetentionInDays = args.FlowLogRetentionDays, Tags = Tagging.Name(args.Prefix + "-flow-logs") });
            var role = Add("flow-logs-role", new Role { AssumeRolePolicy = AwsPolicyDocument.ServiceTrust("vpc-flow-logs.amazonaws.com") });
            Add("flow-logs-policy", new RolePolicy
            {
                Role = role.Id,
                Policy = AwsPolicyDocument.Json(AwsPolicyDocument.Statement("Allow",
                    ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                    [group.Outputs.Arn, Value.Format($"{group.Outputs.Arn}:*")])),
            });
            Add("flow-log", new FlowLog
            {
                VpcId = VpcId,
                TrafficType = "ALL",
                LogDestinationType = "cloud-watch-logs",
                LogDestination = group.Outputs.Arn,
                IamRoleArn = role.Outputs.Arn,
                MaxAggregationInterval = 60,
            });
        }

        IReadOnlyDictionary<string, Input<string>> Tags(string n, string role)
        {
            var t = new Dictionary<string, Input<string>> { ["Name"] = n, [role] = "1" };
            if (args.ClusterTag is { } c) t[$"kubernetes.io/cluster/{c}"] = "shared";
            return t;
        }
    }

    public override string Kind => "Network (VPC)";
    public NetworkArgs Args { get; }
    public Resource Vpc { get; }
    public Output<string> VpcId { get; }
    public IReadOnlyList<Output<string>> PublicSubnetIds { get; }
    public IReadOnlyList<Output<string>> PrivateSubnetIds { get; }
    public int NatGateways { get; }
}
