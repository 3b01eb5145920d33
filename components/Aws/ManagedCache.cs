using Infra.Components.Configs;
using Infra.Components.Core;
using Infra.Providers.Aws.Ec2;
using Infra.Providers.Aws.Elasticache;
using Infra.Providers.Aws.Vpc;

namespace Infra.Components.Aws;

public sealed record ManagedCacheArgs
{
    public required string Prefix { get; init; }
    public required Network Network { get; init; }
    public required Output<string> ClientSecurityGroupId { get; init; }
    public required Output<string> KmsKeyArn { get; init; }
    public required string NodeType { get; init; }
    /// <summary>Primary plus replicas; two or more turn on automatic failover and Multi-AZ.</summary>
    public required int Nodes { get; init; }
    public required RedisSpec Spec { get; init; }
    public int SnapshotRetentionDays { get; init; }
    public bool Protect { get; init; }
}

/// <summary>
/// ElastiCache Redis 7 replication group in the private subnets: encrypted at rest (data key) and in transit, an
/// auth token from <c>random</c>, reachable only from the cluster nodes, automatic failover with a replica where
/// there is one, and the eviction policy of the same <see cref="RedisSpec"/> as the container targets.
/// </summary>
public sealed class ManagedCache : Construct
{
    public const int Port = 6379;

    public ManagedCache(Construct parent, string name, ManagedCacheArgs args) : base(parent, name)
    {
        Args = args;
        var subnets = Add("subnets", new SubnetGroup
        {
            SubnetIds = [.. args.Network.PrivateSubnetIds.Select(i => (Input<string>)i)],
            Description = $"{args.Prefix} cache: private subnets only",
        });
        var sg = NodeOnlyAccess.Add(this, args.Network, args.ClientSecurityGroupId, Port, args.Prefix, "Redis");
        SecurityGroup = sg;
        var parameters = Add("params", new ParameterGroup
        {
            Family = "redis7",
            Description = $"{args.Prefix}: RedisSpec {args.Spec.EvictionPolicy}",
            Parameters = [new ParameterGroupParameter { Name = "maxmemory-policy", Value = args.Spec.EvictionPolicy }],
        });

        var tokenSource = SecretSource.Generated(48);
        AuthToken = tokenSource.Resolve(this, "auth-token", args.Protect);
        var failover = args.Nodes >= 2;
        var group = Add("redis", new ReplicationGroup
        {
            Description = $"{args.Prefix} Redis",
            Engine = "redis",
            EngineVersion = "7.1",
            NodeType = args.NodeType,
            NumCacheClusters = args.Nodes,
            Port = Port,
            ParameterGroupName = parameters.Outputs.Name,
            SubnetGroupName = subnets.Outputs.Name,
            SecurityGroupIds = [sg.Id],
            AtRestEncryptionEnabled = true,
            KmsKeyId = args.KmsKeyArn,
            TransitEncryptionEnabled = true,
            AuthToken = AuthToken,
            AutomaticFailoverEnabled = failover,
            MultiAzEnabled = failover,
            SnapshotRetentionLimit = args.SnapshotRetentionDays,
            // Where data is protected, deleting the group still leaves a final snapshot.
            FinalSnapshotIdentifier = Input.Optional(args.Protect ? $"{args.Prefix}-{name}-final" : null),
            SnapshotWindow = Input.Optional(args.SnapshotRetentionDays > 0 ? "03:00-04:00" : null),
            MaintenanceWindow = "sun:05:00-sun:06:00",
            AutoMinorVersionUpgrade = true,
            ApplyImmediately = false,
            Tags = Tagging.Name($"{args.Prefix}-{name}"),
        });
        group.Traits.Add(Traits.Stateful);
        group.Traits.Add(Traits.Cache);
        if (args.Protect) group.Options.Protect = true;
        Group = group;
        Address = group.Outputs.PrimaryEndpointAddress;
    }

    public override string Kind => "Cache (ElastiCache Redis 7)";
    public ManagedCacheArgs Args { get; }
    public Resource Group { get; }
    public Resource SecurityGroup { get; }
    public Value AuthToken { get; }
    public Output<string> Address { get; }

    /// <summary><c>rediss://:token@host:6379</c> (TLS); secret because the token is.</summary>
    public Value ConnectionUrl => Value.Format($"rediss://:{AuthToken}@{Address}:{Port}");
}
