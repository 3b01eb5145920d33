using System.Globalization;
using System.Text.RegularExpressions;
using Infra.Components.Core;
using Infra.Stacks.Composition;
using Infra.Stacks.Model;
using YamlDotNet.RepresentationModel;

namespace Infra.Stacks.Targets.Aws;

/// <summary>
/// The aws target's stack config, <c>platform:aws</c> (a mapping; never a secret, it decides the program's shape):
/// <code>
/// platform:aws:
///   region: eu-west-1                 # required
///   vpcCidr: 10.40.0.0/16             # default 10.0.0.0/16; private range, /16 to /20
///   zones: 3                          # 2 to 6 (default 3; prod needs 2+), or a list of zone names
///   publicSubnets: [..]               # optional: one CIDR per zone inside vpcCidr (computed otherwise)
///   privateSubnets: [..]
///   apiAccessCidrs: [203.0.113.0/24]  # who may reach the public EKS endpoint; empty/absent: private endpoint only
///   domain: app.example.com           # CloudFront + ACM certificate for it
///   origin: origin.app.example.com    # the host CloudFront forwards to (default origin.&lt;domain&gt;)
///   spot: [worker]                    # stateless services that may run on spot nodes
///   backupRetentionDays: 90           # default per environment
///   backupReplicaRegion: eu-central-1 # cross-region copy of the backup bucket (off when absent)
///   kubernetesVersion: "1.33"
/// </code>
/// </summary>
public sealed record AwsSettings
{
    public const string Key = StackSettings.Prefix + "aws";
    public const string DefaultVpcCidr = "10.0.0.0/16";
    public const string DefaultKubernetesVersion = "1.33";

    public string? Region { get; init; }
    public string VpcCidr { get; init; } = DefaultVpcCidr;
    public int? ZoneCount { get; init; }
    public IReadOnlyList<string>? Zones { get; init; }
    public IReadOnlyList<string>? PublicSubnets { get; init; }
    public IReadOnlyList<string>? PrivateSubnets { get; init; }
    public IReadOnlyList<string> ApiAccessCidrs { get; init; } = [];
    public string? Domain { get; init; }
    public string? Origin { get; init; }
    public IReadOnlyList<string> Spot { get; init; } = [];
    public int? BackupRetentionDays { get; init; }
    public string? BackupReplicaRegion { get; init; }
    public string KubernetesVersion { get; init; } = DefaultKubernetesVersion;

    private static readonly string[] Keys =
        ["region", "vpcCidr", "zones", "publicSubnets", "privateSubnets", "apiAccessCidrs", "domain", "origin", "spot", "backupRetentionDays", "backupReplicaRegion", "kubernetesVersion"];

    /// <summary>
    /// The commercial-partition regions (the programs use <c>arn:aws:</c> managed-policy ARNs, so GovCloud and China,
    /// whose partitions differ, are refused). Regions opened later: add them here.
    /// </summary>
    public static readonly string[] Regions =
    [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "mx-central-1", "sa-east-1",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
        "af-south-1", "il-central-1", "me-south-1", "me-central-1",
        "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
    ];
    private static readonly Regex VersionPattern = new(@"^1\.(2[89]|3[0-9])$", RegexOptions.CultureInvariant);

    public static bool IsRegion(string s) => Regions.Contains(s);

    private static string RegionRule => $"not an AWS region of the commercial partition; one of: {string.Join(", ", Regions)}";

    /// <summary>Reads the <c>platform:aws</c> mapping; shapes are checked here, environment rules in <see cref="Resolve"/>.</summary>
    public static AwsSettings Parse(string file, YamlNode node)
    {
        if (node is not YamlMappingNode map)
            throw new InputException(file, Key, null, "must be a mapping, e.g. {region: eu-west-1, vpcCidr: 10.40.0.0/16, zones: 3}");
        var s = new AwsSettings();
        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            var key = $"{Key}.{name}";
            switch (name)
            {
                case "region":
                    s = s with { Region = Scalar(file, key, v, "an AWS region, e.g. eu-west-1") };
                    if (!IsRegion(s.Region!)) throw new InputException(file, key, s.Region, RegionRule);
                    break;
                case "vpcCidr": s = s with { VpcCidr = Scalar(file, key, v, "a CIDR, e.g. 10.40.0.0/16") }; break;
                case "zones":
                    if (v is YamlSequenceNode) s = s with { Zones = List(file, key, v) };
                    else
                    {
                        var text = Scalar(file, key, v, "a number of zones (2 to 6) or a list of zone names");
                        s = s with
                        {
                            ZoneCount = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 6
                                ? n : throw new InputException(file, key, text, "a number of availability zones from 2 to 6, or a list of zone names such as [eu-west-1a, eu-west-1b]"),
                        };
                    }
                    break;
                case "publicSubnets": s = s with { PublicSubnets = List(file, key, v) }; break;
                case "privateSubnets": s = s with { PrivateSubnets = List(file, key, v) }; break;
                case "apiAccessCidrs": s = s with { ApiAccessCidrs = List(file, key, v) }; break;
                case "domain": s = s with { Domain = Scalar(file, key, v, "a host name, e.g. app.example.com") }; break;
                case "origin": s = s with { Origin = Scalar(file, key, v, "a host name, e.g. origin.app.example.com") }; break;
                case "spot": s = s with { Spot = List(file, key, v) }; break;
                case "backupReplicaRegion": s = s with { BackupReplicaRegion = Scalar(file, key, v, "an AWS region, e.g. eu-central-1") }; break;
                case "kubernetesVersion":
                    s = s with { KubernetesVersion = Scalar(file, key, v, "an EKS version, e.g. 1.33") };
                    if (!VersionPattern.IsMatch(s.KubernetesVersion)) throw new InputException(file, key, s.KubernetesVersion, "an EKS Kubernetes version from 1.28 to 1.39, e.g. 1.33 (quote it in YAML)");
                    break;
                case "backupRetentionDays":
                    var days = Scalar(file, key, v, "days");
                    s = s with
                    {
                        BackupRetentionDays = int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is >= 31 and <= 3650
                            ? d : throw new InputException(file, key, days, "a whole number of days from 31 to 3650 (backups move to Glacier after 30 days)"),
                    };
                    break;
                default:
                    var nearest = StackInput.Nearest(name, Keys);
                    throw new InputException(file, key, null, (nearest is null ? "unknown key" : $"unknown key; did you mean {Key}.{nearest}?") + $" (keys: {string.Join(", ", Keys)})");
            }
        }
        return s;
    }

    /// <summary>What the target builds from: zones, subnet CIDRs and every cross-field rule checked, with the system and environment known.</summary>
    public sealed record Resolved(string Region, Cidr Vpc, IReadOnlyList<string> Zones, IReadOnlyList<Cidr> Public, IReadOnlyList<Cidr> Private,
        IReadOnlyList<string> ApiAccessCidrs, string? Domain, string? Origin, IReadOnlyList<string> Spot, int BackupRetentionDays, string? BackupReplicaRegion, string KubernetesVersion);

    public Resolved Resolve(string file, SystemDefinition def, string environment)
    {
        var region = Region ?? throw new InputException(file, Key + ".region", null,
            "missing: the aws target needs a region, e.g. `pulumi config set --path platform:aws.region eu-west-1`");

        if (!Cidr.TryParse(VpcCidr, out var vpc) || !vpc.IsPrivate || vpc.PrefixLength is < 16 or > 20)
            throw new InputException(file, Key + ".vpcCidr", VpcCidr, "a private IPv4 network (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) from /16 to /20 with no host bits set, e.g. 10.40.0.0/16");

        IReadOnlyList<string> zones;
        if (Zones is { } named)
        {
            for (var i = 0; i < named.Count; i++)
                if (named[i].Length != region.Length + 1 || !named[i].StartsWith(region, StringComparison.Ordinal) || !char.IsAsciiLetterLower(named[i][^1]))
                    throw new InputException(file, $"{Key}.zones[{i.ToString(CultureInfo.InvariantCulture)}]", named[i], $"an availability zone of {region}: {region} followed by one letter, e.g. {region}a");
            if (named.Distinct(StringComparer.Ordinal).Count() != named.Count)
                throw new InputException(file, Key + ".zones", string.Join(", ", named), "each availability zone at most once");
            zones = named;
        }
        else zones = [.. "abcdef"[..(ZoneCount ?? 3)].Select(c => region + c)];
        if (zones.Count > 6)
            throw new InputException(file, Key + ".zones", zones.Count.ToString(CultureInfo.InvariantCulture), "from 2 to 6 availability zones");
        if (zones.Count < 2)
            throw new InputException(file, Key + ".zones", zones.Count.ToString(CultureInfo.InvariantCulture), environment == "prod"
                ? "prod needs at least 2 availability zones (3 recommended): a zone outage must not take the cluster, database and cache down"
                : "at least 2 availability zones: EKS and RDS subnet groups need subnets in two zones");

        // Default layout: private subnets are the first /(n+3) blocks (8,190 addresses each in a /16: room for pod IPs),
        // public subnets /(n+6) blocks in the last /(n+3) block (1,022 addresses each: NAT gateways and load balancers).
        var priv = Subnets(file, "privateSubnets", PrivateSubnets, vpc, zones.Count, i => vpc.Subnet(vpc.PrefixLength + 3, i));
        var pub = Subnets(file, "publicSubnets", PublicSubnets, vpc, zones.Count, i => vpc.Subnet(vpc.PrefixLength + 6, 56 + i));
        var all = priv.Select((c, i) => (c, $"privateSubnets[{i}]")).Concat(pub.Select((c, i) => (c, $"publicSubnets[{i}]"))).ToList();
        for (var i = 0; i < all.Count; i++)
            for (var j = i + 1; j < all.Count; j++)
                if (all[i].c.Overlaps(all[j].c))
                    throw new InputException(file, $"{Key}.{all[j].Item2}", all[j].c.ToString(), $"overlaps {Key}.{all[i].Item2} ({all[i].c}); subnets must not share addresses");

        for (var i = 0; i < ApiAccessCidrs.Count; i++)
            if (!Cidr.TryParse(ApiAccessCidrs[i], out _))
                throw new InputException(file, $"{Key}.apiAccessCidrs[{i.ToString(CultureInfo.InvariantCulture)}]", ApiAccessCidrs[i], "an IPv4 CIDR with no host bits set, e.g. 203.0.113.0/24");

        if (Domain is { } domain && !StackSettings.IsDnsName(domain))
            throw new InputException(file, Key + ".domain", domain, "not a host name: labels of a-z, 0-9 and '-' (not at either end), separated by dots, e.g. app.example.com");
        if (Origin is { } origin && !StackSettings.IsDnsName(origin))
            throw new InputException(file, Key + ".origin", origin, "not a host name: e.g. origin.app.example.com (the public entry's load balancer)");
        if (Origin is not null && Domain is null)
            throw new InputException(file, Key + ".origin", Origin, "an origin needs a domain: set platform:aws.domain too (CloudFront serves the domain)");

        for (var i = 0; i < Spot.Count; i++)
        {
            var key = $"{Key}.spot[{i.ToString(CultureInfo.InvariantCulture)}]";
            var svc = def.FindService(Spot[i]) ?? throw new InputException(file, key, Spot[i], $"not a service of system '{def.Name}'; services: {string.Join(", ", def.Services.Select(s => s.Name))}");
            if (svc.DataPath is not null || svc.FixedReplicas is not null)
                throw new InputException(file, key, Spot[i], $"'{svc.Name}' is stateful (it keeps data or a fixed identity), and spot capacity can be reclaimed with two minutes' notice; spot is allowed for stateless services only: {string.Join(", ", def.Services.Where(s => s.DataPath is null && s.FixedReplicas is null).Select(s => s.Name))}");
        }
        if (def.Database is not null && Spot.Contains(def.Database.Name) || def.Cache is not null && Spot.Contains(def.Cache.Name))
            throw new InputException(file, Key + ".spot", string.Join(", ", Spot), "the database and cache are managed services (RDS, ElastiCache), never on spot");

        if (BackupReplicaRegion is { } rr)
        {
            if (!IsRegion(rr)) throw new InputException(file, Key + ".backupReplicaRegion", rr, RegionRule);
            if (rr == region) throw new InputException(file, Key + ".backupReplicaRegion", rr, $"must differ from the stack's region ({region}): the copy is there for a region outage");
        }

        var retention = BackupRetentionDays ?? environment switch { "prod" => 365, "staging" => 90, _ => 35 };
        return new Resolved(region, vpc, zones, pub, priv, ApiAccessCidrs, Domain, Domain is null ? null : Origin ?? "origin." + Domain, Spot, retention, BackupReplicaRegion, KubernetesVersion);
    }

    private static List<Cidr> Subnets(string file, string name, IReadOnlyList<string>? given, Cidr vpc, int zones, Func<int, Cidr> computed)
    {
        var key = $"{Key}.{name}";
        if (given is null) return [.. Enumerable.Range(0, zones).Select(computed)];
        if (given.Count != zones)
            throw new InputException(file, key, given.Count.ToString(CultureInfo.InvariantCulture), $"one CIDR per availability zone: {zones.ToString(CultureInfo.InvariantCulture)}");
        var list = new List<Cidr>();
        for (var i = 0; i < given.Count; i++)
        {
            var k = $"{key}[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (!Cidr.TryParse(given[i], out var c) || c.PrefixLength is < 16 or > 28)
                throw new InputException(file, k, given[i], "an IPv4 CIDR from /16 to /28 with no host bits set, e.g. 10.40.0.0/19");
            if (!vpc.Contains(c))
                throw new InputException(file, k, given[i], $"outside the VPC {vpc}: every subnet must lie inside {Key}.vpcCidr");
            list.Add(c);
        }
        return list;
    }

    private static string Scalar(string file, string key, YamlNode node, string allowed) =>
        node is YamlScalarNode { Value: { Length: > 0 } s } ? s : throw new InputException(file, key, null, "must be a plain value: " + allowed);

    private static List<string> List(string file, string key, YamlNode node)
    {
        if (node is not YamlSequenceNode seq) throw new InputException(file, key, null, "must be a list, e.g. [a, b]");
        if (seq.Children.Count > 50) throw new InputException(file, key, null, "at most 50 entries");
        return [.. seq.Children.Select((c, i) => Scalar(file, $"{key}[{i.ToString(CultureInfo.InvariantCulture)}]", c, "text"))];
    }
}
