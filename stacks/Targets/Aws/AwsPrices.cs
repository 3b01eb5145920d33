namespace Infra.Stacks.Targets.Aws;

/// <summary>
/// A small, dated price table for the monthly estimate <c>plan</c> prints (USD, on-demand list prices, Linux,
/// us-east-1; other regions are typically 0–25 % higher). Source: the public AWS pricing pages named per line, as
/// known on <see cref="AsOf"/>; they were NOT re-read from this machine (no network access to AWS). Update the
/// numbers and the date together. Usage-priced items (data transfer, NAT processing, CloudFront, CloudWatch
/// ingestion, S3/Glacier storage, ECR storage) are left out of the estimate and said so.
/// </summary>
public static class AwsPrices
{
    public const string AsOf = "2025-06-01";
    public const string Source = "aws.amazon.com/{eks,ec2,rds/postgresql,elasticache,vpc,kms,ebs}/pricing, us-east-1 on-demand list prices";
    public const double HoursPerMonth = 730;

    /// <summary>EKS: standard-support control plane, per cluster-hour (aws.amazon.com/eks/pricing).</summary>
    public const double EksClusterHour = 0.10;
    /// <summary>NAT gateway per hour, before per-GB processing (aws.amazon.com/vpc/pricing).</summary>
    public const double NatGatewayHour = 0.045;
    /// <summary>Public IPv4 address per hour (each NAT gateway's Elastic IP) (aws.amazon.com/vpc/pricing).</summary>
    public const double PublicIpv4Hour = 0.005;
    /// <summary>KMS customer-managed key per month (aws.amazon.com/kms/pricing).</summary>
    public const double KmsKeyMonth = 1.00;
    /// <summary>EBS gp3 per GB-month (node root volumes) (aws.amazon.com/ebs/pricing).</summary>
    public const double Gp3GbMonth = 0.08;
    /// <summary>RDS gp3 storage per GB-month, single-AZ; Multi-AZ doubles it (aws.amazon.com/rds/postgresql/pricing).</summary>
    public const double RdsGp3GbMonth = 0.115;
    /// <summary>Spot capacity is billed at the market price; the estimate assumes this fraction of on-demand.</summary>
    public const double SpotFraction = 0.35;

    /// <summary>Per-hour prices by instance type (EC2 Linux, RDS PostgreSQL single-AZ, ElastiCache Redis OSS).</summary>
    public static readonly IReadOnlyDictionary<string, double> Hourly = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["t3.medium"] = 0.0416,
        ["t3.large"] = 0.0832,
        ["m6i.large"] = 0.096,
        ["m5.large"] = 0.096,
        ["m5a.large"] = 0.086,
        ["m6i.xlarge"] = 0.192,
        ["db.t4g.micro"] = 0.016,
        ["db.t4g.medium"] = 0.065,
        ["db.m6g.large"] = 0.152,
        ["cache.t4g.micro"] = 0.016,
        ["cache.t4g.small"] = 0.032,
        ["cache.m6g.large"] = 0.149,
    };

    public static double Month(string instanceType) =>
        Hourly.TryGetValue(instanceType, out var h) ? h * HoursPerMonth : throw new Components.Core.SynthesisException($"no price for {instanceType} in AwsPrices (dated {AsOf}); add it with its source");
}
