using Infra.Components.Core;

namespace Infra.Components.Policies;

/// <summary>
/// Rules for the AWS platform (EKS, ECR, ElastiCache, CloudFront, VPC, IAM) and the RDS/S3 controls of AWS's own
/// packs (Security Hub foundational best practices, Config managed rules) the older rules lacked. Ids AWS-0xx; each
/// has a test with a planted violation and a clean resource (tests/Aws/AwsPolicyRuleTests.cs).
/// </summary>
public static class AwsPlatformRules
{
    public const string EksCluster = "aws:eks/cluster:Cluster";
    public const string EcrRepository = "aws:ecr/repository:Repository";
    public const string EcrLifecycle = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
    public const string ReplicationGroup = "aws:elasticache/replicationGroup:ReplicationGroup";
    public const string Distribution = "aws:cloudfront/distribution:Distribution";
    public const string RdsInstance = "aws:rds/instance:Instance";
    public const string Bucket = "aws:s3/bucket:Bucket";
    public const string Subnet = "aws:ec2/subnet:Subnet";
    public const string Vpc = "aws:ec2/vpc:Vpc";

    private static readonly Func<string, Enforcement> DataEnvironments = env => env is "staging" or "prod" ? Enforcement.Mandatory : Enforcement.Advisory;
    private static readonly Func<string, Enforcement> ProdOnly = env => env == "prod" ? Enforcement.Mandatory : Enforcement.Advisory;

    /// <summary>TLS policies CloudFront offers at 1.2 or newer.</summary>
    public static readonly string[] ModernTls = ["TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];
    public static readonly string[] RequiredEksLogs = ["api", "audit", "authenticator"];

    public static IEnumerable<PolicyRule> All =>
    [
        new EksEndpointRestricted(),
        new PropertyRule("AWS-002", "EKS control-plane logging", "API, audit and authenticator logs are how a compromise of the cluster is found and reconstructed (EKS.8).",
            Severity.Mandatory, EksCluster, "enabledClusterLogTypes",
            v => v is ListValue l && RequiredEksLogs.All(t => l.Items.Any(i => Prop.Text(i) == t)), "set enabledClusterLogTypes to include api, audit and authenticator", DataEnvironments),
        new PropertyRule("AWS-003", "EKS secrets envelope-encrypted", "Kubernetes Secrets in etcd are only base64 without a KMS key (EKS.3).",
            Severity.Mandatory, EksCluster, "encryptionConfig",
            v => v is MapValue m && m["resources"] is ListValue r && r.Items.Any(i => Prop.Text(i) == "secrets") && (m["provider"] as MapValue)?["keyArn"] is not null,
            "set encryptionConfig {provider: {keyArn: <KMS key>}, resources: [secrets]}"),
        new EcrLifecyclePolicyPresent(),
        new PropertyRule("AWS-005", "ElastiCache auth token", "Encryption in transit without AUTH still lets anything in the VPC read and write the cache (ElastiCache.6).",
            Severity.Mandatory, ReplicationGroup, "authToken", v => v is not null and not Str { Text.Length: 0 }, "set authToken from a random:RandomPassword (or use RBAC user groups)"),
        new CloudFrontHttpsOnly(),
        new PropertyRule("AWS-007", "CloudFront TLS 1.2 or newer", "TLS 1.0/1.1 are broken and deprecated; with its default certificate CloudFront still accepts TLS 1.0, so viewers must get a 1.2+ security policy.",
            Severity.Mandatory, Distribution, "viewerCertificate.minimumProtocolVersion", v => ModernTls.Contains(Prop.Text(v)),
            "use an ACM certificate with minimumProtocolVersion TLSv1.2_2021 (the default certificate allows TLS 1.0)"),
        new CloudFrontOriginHttps(),
        new PropertyRule("AWS-009", "RDS automatic minor version upgrades", "Minor versions carry the security fixes (RDS.13).",
            Severity.Advisory, RdsInstance, "autoMinorVersionUpgrade", v => v is null or Bool { Flag: true }, "leave autoMinorVersionUpgrade true"),
        new PropertyRule("AWS-010", "RDS logs exported to CloudWatch", "Without exported logs, failed logins and errors vanish with the instance (RDS.9).",
            Severity.Mandatory, RdsInstance, "enabledCloudwatchLogsExports", v => v is ListValue l && l.Items.Any(i => Prop.Text(i) == "postgresql"),
            "set enabledCloudwatchLogsExports: [postgresql, upgrade]", ProdOnly, appliesTo: r => r.Properties.Get("replicateSourceDb") is null),
        new PropertyRule("AWS-011", "RDS copies tags to snapshots", "Snapshots without tags escape cost allocation and tag-based access control (RDS.17).",
            Severity.Advisory, RdsInstance, "copyTagsToSnapshot", PropertyRule.IsTrue, "set copyTagsToSnapshot: true", appliesTo: r => r.Properties.Get("replicateSourceDb") is null),
        new S3Versioned(),
        new S3TlsOnly(),
        new S3Lifecycle(),
        new VpcFlowLogs(),
        new PropertyRule("AWS-016", "subnets assign no public IP on launch", "A public address on launch puts nodes on the internet by default (EC2.15).",
            Severity.Mandatory, Subnet, "mapPublicIpOnLaunch", PropertyRule.IsFalseOrUnset, "set mapPublicIpOnLaunch: false; only NAT gateways and load balancers need public addresses"),
        new IamNoWildcardAdmin(),
        new NoOpenIngress(),
    ];

    /// <summary>Resources of <paramref name="token"/> whose <paramref name="property"/> references <paramref name="target"/>.</summary>
    internal static bool Referenced(PolicyContext c, Resource target, string token, string property) => c.Referencing(target, token, property).Any();

    /// <summary>A policy document given as <c>fn::toJSON</c> of a map, or null (other shapes are not inspected).</summary>
    internal static MapValue? Document(Value? v) => v is FnCall { Name: "toJSON", Argument: MapValue m } ? m : null;

    internal static IEnumerable<MapValue> Statements(MapValue doc) => doc["Statement"] switch { ListValue l => l.Items.OfType<MapValue>(), MapValue m => [m], _ => [] };

    internal static IEnumerable<string?> Texts(Value? v) => v switch { ListValue l => l.Items.Select(i => i is Str s ? s.Text : null), Str s => [s.Text], null => [], _ => [null] };
}

/// <summary>AWS-001: the EKS API is private, or public only to listed networks.</summary>
public sealed class EksEndpointRestricted : PolicyRule
{
    public override string Id => "AWS-001";
    public override string Title => "EKS API endpoint private or CIDR-restricted";
    public override string Rationale => "A cluster API open to 0.0.0.0/0 is one leaked token or CVE away from takeover (EKS.1).";
    public override Severity Severity => Severity.Mandatory;
    public override Enforcement For(string environment) => HoldsData(environment) ? Enforcement.Mandatory : Enforcement.Advisory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var c in context.OfType(AwsPlatformRules.EksCluster))
        {
            var vpc = c.Properties.Get("vpcConfig") as MapValue;
            if (vpc?["endpointPrivateAccess"] is not Bool { Flag: true })
                yield return new Violation(c, "vpcConfig.endpointPrivateAccess", "the private endpoint is off, so nodes reach the API over the internet", "set endpointPrivateAccess: true");
            if (vpc?["endpointPublicAccess"] is Bool { Flag: false }) continue;
            var cidrs = AwsPlatformRules.Texts(vpc?["publicAccessCidrs"]).ToList();
            if (cidrs.Count == 0 || cidrs.Any(x => x is "0.0.0.0/0" or null))
                yield return new Violation(c, "vpcConfig.publicAccessCidrs", "the public endpoint is open to the internet", "set endpointPublicAccess: false, or list the networks allowed in publicAccessCidrs (platform:aws.apiAccessCidrs)");
        }
    }
}

/// <summary>AWS-004: every ECR repository has a lifecycle policy.</summary>
public sealed class EcrLifecyclePolicyPresent : PolicyRule
{
    public override string Id => "AWS-004";
    public override string Title => "ECR lifecycle policy";
    public override string Rationale => "Seed 004 keeps production images 90 days and others 30; without a policy images pile up and old vulnerable ones stay pullable (ECR.3).";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context) =>
        context.OfType(AwsPlatformRules.EcrRepository)
            .Where(r => !AwsPlatformRules.Referenced(context, r, AwsPlatformRules.EcrLifecycle, "repository"))
            .Select(r => new Violation(r, "", "no lifecycle policy", "add an aws:ecr/lifecyclePolicy:LifecyclePolicy for the repository (Registry does)"));
}

/// <summary>AWS-006: CloudFront sends viewers to HTTPS on every behaviour.</summary>
public sealed class CloudFrontHttpsOnly : PolicyRule
{
    public override string Id => "AWS-006";
    public override string Title => "CloudFront HTTPS only";
    public override string Rationale => "allow-all serves pages and cookies over plain HTTP (CloudFront.3).";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        static bool Ok(Value? v) => Prop.Text(v) is "redirect-to-https" or "https-only";
        foreach (var d in context.OfType(AwsPlatformRules.Distribution))
        {
            if (!Ok(Prop.Get(d, "defaultCacheBehavior.viewerProtocolPolicy")))
                yield return new Violation(d, "defaultCacheBehavior.viewerProtocolPolicy", $"is {Prop.Show(Prop.Get(d, "defaultCacheBehavior.viewerProtocolPolicy"))}", "set viewerProtocolPolicy: redirect-to-https");
            var ordered = Prop.Maps(d.Properties.Get("orderedCacheBehaviors")).ToList();
            for (var i = 0; i < ordered.Count; i++)
                if (!Ok(ordered[i]["viewerProtocolPolicy"]))
                    yield return new Violation(d, $"orderedCacheBehaviors[{i}].viewerProtocolPolicy", $"is {Prop.Show(ordered[i]["viewerProtocolPolicy"])}", "set viewerProtocolPolicy: redirect-to-https");
        }
    }
}

/// <summary>AWS-008: CloudFront reaches custom origins over HTTPS with TLS 1.2.</summary>
public sealed class CloudFrontOriginHttps : PolicyRule
{
    public override string Id => "AWS-008";
    public override string Title => "CloudFront origins over HTTPS (TLS 1.2)";
    public override string Rationale => "HTTPS to the viewer is undone by plain HTTP or SSLv3 to the origin (CloudFront.9, CloudFront.10).";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var d in context.OfType(AwsPlatformRules.Distribution))
        {
            var origins = Prop.Maps(d.Properties.Get("origins")).ToList();
            for (var i = 0; i < origins.Count; i++)
            {
                if (origins[i]["customOriginConfig"] is not MapValue custom) continue;
                if (Prop.Text(custom["originProtocolPolicy"]) != "https-only")
                    yield return new Violation(d, $"origins[{i}].customOriginConfig.originProtocolPolicy", $"is {Prop.Show(custom["originProtocolPolicy"])}", "set originProtocolPolicy: https-only");
                if (AwsPlatformRules.Texts(custom["originSslProtocols"]).Any(p => p is not "TLSv1.2"))
                    yield return new Violation(d, $"origins[{i}].customOriginConfig.originSslProtocols", "allows a protocol older than TLS 1.2", "set originSslProtocols: [TLSv1.2]");
            }
        }
    }
}

/// <summary>AWS-012: buckets are versioned (staging/prod).</summary>
public sealed class S3Versioned : PolicyRule
{
    public override string Id => "AWS-012";
    public override string Title => "S3 versioning";
    public override string Rationale => "Versioning turns an overwrite or delete (or ransomware) into a recoverable event (S3.14).";
    public override Severity Severity => Severity.Mandatory;
    public override Enforcement For(string environment) => HoldsData(environment) ? Enforcement.Mandatory : Enforcement.Advisory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var b in context.OfType(AwsPlatformRules.Bucket))
            if (!context.Referencing(b, "aws:s3/bucketVersioning:BucketVersioning", "bucket").Any(v => Prop.Text(Prop.Get(v, "versioningConfiguration.status")) == "Enabled"))
                yield return new Violation(b, "", "versioning is not enabled", "add a BucketVersioning with status Enabled");
    }
}

/// <summary>AWS-013: bucket policies refuse requests without TLS.</summary>
public sealed class S3TlsOnly : PolicyRule
{
    public override string Id => "AWS-013";
    public override string Title => "S3 requires TLS";
    public override string Rationale => "Without aws:SecureTransport denied, clients may read and write backups over plain HTTP (S3.5).";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var b in context.OfType(AwsPlatformRules.Bucket))
        {
            var ok = context.Referencing(b, "aws:s3/bucketPolicy:BucketPolicy", "bucket").Any(p =>
                AwsPlatformRules.Document(p.Properties.Get("policy")) is { } doc && AwsPlatformRules.Statements(doc).Any(s =>
                    Prop.Text(s["Effect"]) == "Deny" && (s["Condition"] as MapValue)?["Bool"] is MapValue cond && Prop.Text(cond["aws:SecureTransport"]) == "false"));
            if (!ok) yield return new Violation(b, "", "no bucket policy denying aws:SecureTransport false", "add a BucketPolicy that denies s3:* when aws:SecureTransport is false");
        }
    }
}

/// <summary>AWS-014: buckets have a lifecycle configuration.</summary>
public sealed class S3Lifecycle : PolicyRule
{
    public override string Id => "AWS-014";
    public override string Title => "S3 lifecycle configured";
    public override string Rationale => "Backups without a lifecycle never reach Glacier or expire: cost grows forever and retention is unenforced (S3.13).";
    public override Severity Severity => Severity.Advisory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var b in context.OfType(AwsPlatformRules.Bucket))
        {
            if (!context.Referencing(b, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bucket").Any())
                yield return new Violation(b, "", "no lifecycle configuration", "add a BucketLifecycleConfiguration (transition to Glacier, expiry per retention)");
        }
    }
}

/// <summary>AWS-015: every VPC has flow logs in prod.</summary>
public sealed class VpcFlowLogs : PolicyRule
{
    public override string Id => "AWS-015";
    public override string Title => "VPC flow logs";
    public override string Rationale => "Flow logs are the record of who talked to what when an incident is investigated (EC2.6).";
    public override Severity Severity => Severity.Mandatory;
    public override Enforcement For(string environment) => environment == "prod" ? Enforcement.Mandatory : Enforcement.Off;

    public override IEnumerable<Violation> Check(PolicyContext context) =>
        context.OfType(AwsPlatformRules.Vpc)
            .Where(v => !context.Referencing(v, "aws:ec2/flowLog:FlowLog", "vpcId").Any())
            .Select(v => new Violation(v, "", "no flow log", "add an aws:ec2/flowLog:FlowLog for the VPC (Network does in prod)"));
}

/// <summary>AWS-017: no inline IAM policy allows every action on every resource.</summary>
public sealed class IamNoWildcardAdmin : PolicyRule
{
    private static readonly string[] Tokens = ["aws:iam/rolePolicy:RolePolicy", "aws:s3/bucketPolicy:BucketPolicy", "aws:kms/key:Key"];

    public override string Id => "AWS-017";
    public override string Title => "IAM policies least-privilege";
    public override string Rationale => "An Allow of * (or service:*) on * is administrator access; every statement names its actions and resources (IAM.1, IAM.21).";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var r in context.Program.AllInOrder.Where(r => Tokens.Contains(r.Type)))
        {
            if (AwsPlatformRules.Document(r.Properties.Get("policy")) is not { } doc) continue;
            var i = 0;
            foreach (var s in AwsPlatformRules.Statements(doc))
            {
                if (Prop.Text(s["Effect"]) == "Allow")
                {
                    var actions = AwsPlatformRules.Texts(s["Action"]).ToList();
                    var resources = AwsPlatformRules.Texts(s["Resource"]).ToList();
                    if (s["NotAction"] is not null || s["NotResource"] is not null)
                        yield return new Violation(r, $"policy.Statement[{i}]", "an Allow with NotAction/NotResource grants everything else", "list the actions and resources allowed");
                    else if (actions.Any(a => a is "*" || a?.EndsWith(":*", StringComparison.Ordinal) == true) && resources.Any(x => x == "*"))
                        yield return new Violation(r, $"policy.Statement[{i}]", "allows a wildcard action on every resource", "name the actions and the resource ARNs");
                }
                i++;
            }
        }
    }
}

/// <summary>AWS-018: no security group admits the internet except on 80/443.</summary>
public sealed class NoOpenIngress : PolicyRule
{
    public override string Id => "AWS-018";
    public override string Title => "no internet ingress except HTTP(S)";
    public override string Rationale => "Only a load balancer's 80/443 may face 0.0.0.0/0; SSH, RDP and data ports never (EC2.18, EC2.19).";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        static bool Web(Value? from, Value? to) => Prop.Number(from) is { } f && Prop.Number(to) is { } t && f == t && f is 80 or 443;
        foreach (var rule in context.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"))
            if ((Prop.Text(rule.Properties.Get("cidrIpv4")) == "0.0.0.0/0" || Prop.Text(rule.Properties.Get("cidrIpv6")) == "::/0") && !Web(rule.Properties.Get("fromPort"), rule.Properties.Get("toPort")))
                yield return new Violation(rule, "cidrIpv4", "admits the internet on a port other than 80/443", "reference a security group or list private CIDRs");
        foreach (var sg in context.OfType("aws:ec2/securityGroup:SecurityGroup"))
        {
            var rules = Prop.Maps(sg.Properties.Get("ingress")).ToList();
            for (var i = 0; i < rules.Count; i++)
                if (AwsPlatformRules.Texts(rules[i]["cidrBlocks"]).Any(c => c == "0.0.0.0/0") && !Web(rules[i]["fromPort"], rules[i]["toPort"]))
                    yield return new Violation(sg, $"ingress[{i}]", "admits the internet on a port other than 80/443", "reference a security group or list private CIDRs");
        }
    }
}
