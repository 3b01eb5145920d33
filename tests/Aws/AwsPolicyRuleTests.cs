using Infra.Components.Core;
using Infra.Components.Policies;

namespace Infra.Tests.Aws;

/// <summary>Every AWS platform rule (AWS-0xx): a planted violation trips it, a clean resource passes.</summary>
public class AwsPolicyRuleTests
{
    private sealed record Case(string Env, Action<ComponentGroup> Bad, Action<ComponentGroup> Good);

    private static Resource Add(ComponentGroup g, string name, string type, Props props) => g.AddUntyped(name, type, props);

    private static Props Eks(Action<Props>? vpc = null, Action<Props>? top = null)
    {
        var v = new Props { ["subnetIds"] = Value.Strings(["subnet-1", "subnet-2"]), ["endpointPrivateAccess"] = true, ["endpointPublicAccess"] = true, ["publicAccessCidrs"] = Value.Strings(["203.0.113.0/24"]) };
        vpc?.Invoke(v);
        var p = new Props
        {
            ["roleArn"] = "arn:aws:iam::123456789012:role/eks",
            ["vpcConfig"] = v,
            ["enabledClusterLogTypes"] = Value.Strings(["api", "audit", "authenticator", "controllerManager", "scheduler"]),
            ["encryptionConfig"] = new Props { ["provider"] = new Props { ["keyArn"] = "arn:aws:kms:eu-west-1:123456789012:key/x" }, ["resources"] = Value.Strings(["secrets"]) },
        };
        top?.Invoke(p);
        return p;
    }

    private static Props Cache(Action<Props>? tweak = null)
    {
        var p = new Props { ["description"] = "cache", ["atRestEncryptionEnabled"] = true, ["transitEncryptionEnabled"] = true, ["authToken"] = new FnCall("secret", "x") };
        tweak?.Invoke(p);
        return p;
    }

    private static Props Cdn(Action<Props>? tweak = null)
    {
        var p = new Props
        {
            ["enabled"] = true,
            ["origins"] = Value.List(new Props
            {
                ["originId"] = "entry", ["domainName"] = "origin.example.com",
                ["customOriginConfig"] = new Props { ["httpPort"] = 80, ["httpsPort"] = 443, ["originProtocolPolicy"] = "https-only", ["originSslProtocols"] = Value.Strings(["TLSv1.2"]) },
            }),
            ["defaultCacheBehavior"] = new Props { ["targetOriginId"] = "entry", ["viewerProtocolPolicy"] = "redirect-to-https", ["allowedMethods"] = Value.Strings(["GET", "HEAD"]), ["cachedMethods"] = Value.Strings(["GET", "HEAD"]) },
            ["restrictions"] = new Props { ["geoRestriction"] = new Props { ["restrictionType"] = "none" } },
            ["viewerCertificate"] = new Props { ["acmCertificateArn"] = "arn:aws:acm:us-east-1:123456789012:certificate/x", ["sslSupportMethod"] = "sni-only", ["minimumProtocolVersion"] = "TLSv1.2_2021" },
        };
        tweak?.Invoke(p);
        return p;
    }

    private static Props Rds(Action<Props>? tweak = null)
    {
        var p = new Props { ["instanceClass"] = "db.t4g.medium", ["autoMinorVersionUpgrade"] = true, ["copyTagsToSnapshot"] = true, ["enabledCloudwatchLogsExports"] = Value.Strings(["postgresql", "upgrade"]) };
        tweak?.Invoke(p);
        return p;
    }

    private static Value Doc(params Value[] statements) => new FnCall("toJSON", new Props { ["Version"] = "2012-10-17", ["Statement"] = Value.List(statements) });

    private static Value Allow(string[] actions, string[] resources) => new Props { ["Effect"] = "Allow", ["Action"] = Value.Strings(actions), ["Resource"] = Value.Strings(resources) };

    /// <summary>A bucket plus whatever <paramref name="extras"/> attaches to it.</summary>
    private static void Bucket(ComponentGroup g, params (string Token, Func<Resource, Props> Props)[] extras)
    {
        var b = Add(g, "b", AwsPlatformRules.Bucket, new Props());
        var i = 0;
        foreach (var (token, props) in extras) Add(g, $"x{i++}", token, props(b));
    }

    private static readonly (string, Func<Resource, Props>) Versioning = ("aws:s3/bucketVersioning:BucketVersioning", b => new Props { ["bucket"] = b.Id, ["versioningConfiguration"] = new Props { ["status"] = "Enabled" } });
    private static readonly (string, Func<Resource, Props>) TlsOnly = ("aws:s3/bucketPolicy:BucketPolicy", b => new Props
    {
        ["bucket"] = b.Id,
        ["policy"] = Doc(new Props
        {
            ["Effect"] = "Deny", ["Principal"] = "*", ["Action"] = Value.Strings(["s3:*"]), ["Resource"] = Value.List(b.Out<string>("arn")),
            ["Condition"] = new Props { ["Bool"] = new Props { ["aws:SecureTransport"] = "false" } },
        }),
    });
    private static readonly (string, Func<Resource, Props>) Lifecycle = ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", b => new Props { ["bucket"] = b.Id });

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["AWS-001"] = new("prod",
            g => Add(g, "eks", AwsPlatformRules.EksCluster, Eks(v => v.Remove("publicAccessCidrs"))),
            g => Add(g, "eks", AwsPlatformRules.EksCluster, Eks())),
        ["AWS-002"] = new("prod",
            g => Add(g, "eks", AwsPlatformRules.EksCluster, Eks(top: p => p["enabledClusterLogTypes"] = Value.Strings(["api"]))),
            g => Add(g, "eks", AwsPlatformRules.EksCluster, Eks())),
        ["AWS-003"] = new("dev",
            g => Add(g, "eks", AwsPlatformRules.EksCluster, Eks(top: p => p.Remove("encryptionConfig"))),
            g => Add(g, "eks", AwsPlatformRules.EksCluster, Eks())),
        ["AWS-004"] = new("dev",
            g => Add(g, "repo", AwsPlatformRules.EcrRepository, new Props { ["imageTagMutability"] = "IMMUTABLE" }),
            g => { var r = Add(g, "repo", AwsPlatformRules.EcrRepository, new Props { ["imageTagMutability"] = "IMMUTABLE" }); Add(g, "lc", AwsPlatformRules.EcrLifecycle, new Props { ["repository"] = r.Out<string>("name"), ["policy"] = "{}" }); }),
        ["AWS-005"] = new("dev",
            g => Add(g, "rg", AwsPlatformRules.ReplicationGroup, Cache(p => p.Remove("authToken"))),
            g => Add(g, "rg", AwsPlatformRules.ReplicationGroup, Cache())),
        ["AWS-006"] = new("dev",
            g => Add(g, "cdn", AwsPlatformRules.Distribution, Cdn(p => p["defaultCacheBehavior"] = new Props { ["targetOriginId"] = "entry", ["viewerProtocolPolicy"] = "allow-all" })),
            g => Add(g, "cdn", AwsPlatformRules.Distribution, Cdn())),
        ["AWS-007"] = new("dev",
            g => Add(g, "cdn", AwsPlatformRules.Distribution, Cdn(p => p["viewerCertificate"] = new Props { ["cloudfrontDefaultCertificate"] = true, ["minimumProtocolVersion"] = "TLSv1" })),
            g => Add(g, "cdn", AwsPlatformRules.Distribution, Cdn())),
        ["AWS-008"] = new("dev",
            g => Add(g, "cdn", AwsPlatformRules.Distribution, Cdn(p => p["origins"] = Value.List(new Props
            {
                ["originId"] = "entry", ["domainName"] = "origin.example.com",
                ["customOriginConfig"] = new Props { ["httpPort"] = 80, ["httpsPort"] = 443, ["originProtocolPolicy"] = "http-only", ["originSslProtocols"] = Value.Strings(["SSLv3", "TLSv1.2"]) },
            }))),
            g => Add(g, "cdn", AwsPlatformRules.Distribution, Cdn())),
        ["AWS-009"] = new("prod",
            g => Add(g, "db", AwsPlatformRules.RdsInstance, Rds(p => p["autoMinorVersionUpgrade"] = false)),
            g => Add(g, "db", AwsPlatformRules.RdsInstance, Rds())),
        ["AWS-010"] = new("prod",
            g => Add(g, "db", AwsPlatformRules.RdsInstance, Rds(p => p.Remove("enabledCloudwatchLogsExports"))),
            g => Add(g, "db", AwsPlatformRules.RdsInstance, Rds())),
        ["AWS-011"] = new("prod",
            g => Add(g, "db", AwsPlatformRules.RdsInstance, Rds(p => p["copyTagsToSnapshot"] = false)),
            g => Add(g, "db", AwsPlatformRules.RdsInstance, Rds())),
        ["AWS-012"] = new("prod", g => Bucket(g, TlsOnly, Lifecycle), g => Bucket(g, Versioning, TlsOnly, Lifecycle)),
        ["AWS-013"] = new("prod", g => Bucket(g, Versioning, Lifecycle), g => Bucket(g, Versioning, TlsOnly, Lifecycle)),
        ["AWS-014"] = new("prod", g => Bucket(g, Versioning, TlsOnly), g => Bucket(g, Versioning, TlsOnly, Lifecycle)),
        ["AWS-015"] = new("prod",
            g => Add(g, "vpc", AwsPlatformRules.Vpc, new Props { ["cidrBlock"] = "10.0.0.0/16" }),
            g => { var v = Add(g, "vpc", AwsPlatformRules.Vpc, new Props { ["cidrBlock"] = "10.0.0.0/16" }); Add(g, "fl", "aws:ec2/flowLog:FlowLog", new Props { ["vpcId"] = v.Id, ["trafficType"] = "ALL" }); }),
        ["AWS-016"] = new("dev",
            g => Add(g, "subnet", AwsPlatformRules.Subnet, new Props { ["vpcId"] = "vpc-1", ["mapPublicIpOnLaunch"] = true }),
            g => Add(g, "subnet", AwsPlatformRules.Subnet, new Props { ["vpcId"] = "vpc-1", ["mapPublicIpOnLaunch"] = false })),
        ["AWS-017"] = new("dev",
            g => Add(g, "rp", "aws:iam/rolePolicy:RolePolicy", new Props { ["role"] = "r", ["policy"] = Doc(Allow(["s3:*"], ["*"])) }),
            g => Add(g, "rp", "aws:iam/rolePolicy:RolePolicy", new Props { ["role"] = "r", ["policy"] = Doc(Allow(["s3:GetObject"], ["arn:aws:s3:::backups/*"])) })),
        ["AWS-018"] = new("dev",
            g => Add(g, "in", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", new Props { ["securityGroupId"] = "sg-1", ["ipProtocol"] = "tcp", ["fromPort"] = 22, ["toPort"] = 22, ["cidrIpv4"] = "0.0.0.0/0" }),
            g => Add(g, "in", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", new Props { ["securityGroupId"] = "sg-1", ["ipProtocol"] = "tcp", ["fromPort"] = 443, ["toPort"] = 443, ["cidrIpv4"] = "0.0.0.0/0" })),
    };

    public static IEnumerable<object[]> RuleIds => PolicyCatalog.All.Where(r => r.Id.StartsWith("AWS-", StringComparison.Ordinal)).Select(r => new object[] { r.Id });

    private static IReadOnlyList<Finding> Run(string ruleId, string env, Action<ComponentGroup> build) => Infra.Tests.Policies.PolicyRuleTests.Run(ruleId, env, build);

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Each_rule_trips_on_a_planted_violation(string ruleId)
    {
        var c = Cases[ruleId];
        var findings = Run(ruleId, c.Env, c.Bad);
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal(ruleId, f.Rule.Id));
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Violation.Fix)));
        Assert.NotEqual(Enforcement.Off, findings[0].Enforcement);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Each_rule_passes_a_clean_resource(string ruleId) =>
        Assert.Empty(Run(ruleId, Cases[ruleId].Env, Cases[ruleId].Good));

    [Fact]
    public void Every_aws_rule_has_a_case_and_a_rationale()
    {
        var ids = PolicyCatalog.All.Where(r => r.Id.StartsWith("AWS-", StringComparison.Ordinal)).ToList();
        Assert.Equal(ids.Select(r => r.Id).Order(), Cases.Keys.Order());
        Assert.All(ids, r => Assert.True(r.Rationale.Length > 20, r.Id));
    }

    [Fact]
    public void Eks_endpoint_rule_blocks_in_staging_and_prod_and_warns_in_dev()
    {
        var rule = PolicyCatalog.Find("AWS-001")!;
        Assert.Equal(Enforcement.Advisory, rule.For("dev"));
        Assert.Equal(Enforcement.Mandatory, rule.For("staging"));
        Assert.Equal(Enforcement.Mandatory, rule.For("prod"));
        Assert.Equal(Enforcement.Off, PolicyCatalog.Find("AWS-015")!.For("dev"));
    }

    [Fact]
    public void A_private_only_endpoint_passes_and_an_open_cidr_fails()
    {
        Assert.Empty(Run("AWS-001", "prod", g => Add(g, "eks", AwsPlatformRules.EksCluster, Eks(v => { v["endpointPublicAccess"] = false; v.Remove("publicAccessCidrs"); }))));
        Assert.NotEmpty(Run("AWS-001", "prod", g => Add(g, "eks", AwsPlatformRules.EksCluster, Eks(v => v["publicAccessCidrs"] = Value.Strings(["0.0.0.0/0"])))));
    }

    [Fact]
    public void Read_replicas_are_not_held_to_multi_az()
    {
        Assert.Empty(Run("DAT-006", "prod", g => Add(g, "r", AwsPlatformRules.RdsInstance, new Props { ["instanceClass"] = "db.t4g.medium", ["replicateSourceDb"] = "db-1" })));
        Assert.NotEmpty(Run("DAT-006", "prod", g => Add(g, "p", AwsPlatformRules.RdsInstance, new Props { ["instanceClass"] = "db.t4g.medium" })));
    }
}
