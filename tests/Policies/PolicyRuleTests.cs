using Infra.Components.Core;
using Infra.Components.Docker;
using Infra.Components.Policies;
using Infra.Components.Workloads;

namespace Infra.Tests.Policies;

/// <summary>Every rule: one program that trips it and one that passes it (in an environment where the rule is enforced).</summary>
public class PolicyRuleTests
{
    private sealed record Case(string Env, Action<ComponentGroup> Bad, Action<ComponentGroup> Good);

    private static Resource Add(ComponentGroup g, string name, string type, Props props) => g.AddUntyped(name, type, props);

    /// <summary>A container that passes every container rule; scenarios change one thing.</summary>
    private static Props GoodContainer(Action<Props>? tweak = null)
    {
        var p = new Props
        {
            ["image"] = "x",
            ["user"] = "1000:1000",
            ["memory"] = 256,
            ["cpus"] = "0.5",
            ["healthcheck"] = new Props { ["tests"] = Value.Strings(["CMD-SHELL", "true"]) },
            ["securityOpts"] = Value.Strings(["no-new-privileges:true"]),
            ["capabilities"] = new Props { ["drops"] = Value.Strings(["ALL"]) },
            ["logOpts"] = new Props { ["max-size"] = "10m" },
        };
        tweak?.Invoke(p);
        return p;
    }

    private static Resource Container(ComponentGroup g, Action<Props>? tweak = null) => Add(g, "c", DockerTypes.Container, GoodContainer(tweak));

    private static Value Secret(ComponentGroup g) => SecretSource.Generated(32).Resolve(g, "pw", protect: true);

    private static Props Rds(Action<Props>? tweak = null)
    {
        var p = new Props
        {
            ["instanceClass"] = "db.t4g.medium", ["publiclyAccessible"] = false, ["storageEncrypted"] = true, ["deletionProtection"] = true,
            ["backupRetentionPeriod"] = 7, ["multiAz"] = true,
        };
        tweak?.Invoke(p);
        return p;
    }

    private static Props Deployment(Action<Props> container, Action<Props>? pod = null)
    {
        var c = new Props { ["name"] = "app", ["image"] = "app:1.0.0" };
        container(c);
        var spec = new Props { ["containers"] = Value.List(c) };
        pod?.Invoke(spec);
        return new Props { ["spec"] = new Props { ["template"] = new Props { ["spec"] = spec } } };
    }

    private static Action<Props> GoodK8sContainer => c =>
    {
        c["resources"] = new Props { ["limits"] = new Props { ["cpu"] = "500m", ["memory"] = "256Mi" } };
        c["readinessProbe"] = new Props { ["httpGet"] = new Props { ["path"] = "/health", ["port"] = 8080 } };
        c["livenessProbe"] = new Props { ["httpGet"] = new Props { ["path"] = "/health", ["port"] = 8080 } };
        c["securityContext"] = new Props { ["runAsNonRoot"] = true };
    };

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["SEC-001"] = new("prod",
            g => Container(g, p => p["envs"] = Value.Strings(["DB_PASSWORD=hunter2hunter2"])),
            g => { var s = Secret(g); Container(g, p => p["envs"] = Value.List(Value.Format($"DB_PASSWORD={s}"))); }),
        ["SEC-002"] = new("prod",
            g => Container(g, p => p["envs"] = Value.Strings(["DATABASE_URL=postgresql://app:hunter2@db:5432/app"])),
            g => { var s = Secret(g); Container(g, p => p["envs"] = Value.List(Value.Format($"DATABASE_URL=postgresql://app:{s}@db:5432/app"))); }),
        ["SEC-003"] = new("prod",
            g => { var k = g.Program.DeclareConfig(new ConfigKey("apiToken", ConfigType.String, Secret: false)); Container(g, p => p["envs"] = Value.List(Value.Format($"API_TOKEN={k.Ref}"))); },
            g => { var k = g.Program.DeclareConfig(new ConfigKey("apiToken", ConfigType.String, Secret: true)); Container(g, p => p["envs"] = Value.List(Value.Format($"API_TOKEN={k.Ref}"))); }),
        ["SEC-004"] = new("prod",
            g => Add(g, "pw", "random:index/randomPassword:RandomPassword", new Props { ["length"] = 8 }),
            g => Add(g, "pw", "random:index/randomPassword:RandomPassword", new Props { ["length"] = 32 })),
        ["SEC-005"] = new("prod",
            g => { var s = Secret(g); Container(g, p => p["envs"] = Value.List(Value.Format($"TOKEN={s}"))); },
            g => { var s = Secret(g); Container(g, p => p["envs"] = Value.List(Value.Format($"TOKEN={s}"))).Options.AdditionalSecretOutputs.Add("envs"); }),
        ["EXP-001"] = new("prod",
            g => Container(g, p => p["ports"] = Value.List(new Props { ["internal"] = 5432, ["external"] = 5432 })).Traits.Add(Traits.Database),
            g => Container(g).Traits.Add(Traits.Database)),
        ["EXP-002"] = new("prod",
            g => { var n = Add(g, "n", DockerTypes.Network, new Props { ["name"] = "n" }); Container(g, p => p["networksAdvanced"] = Value.List(new Props { ["name"] = n.Out<string>("name") })).Traits.Add(Traits.Cache); },
            g => { var n = Add(g, "n", DockerTypes.Network, new Props { ["name"] = "n", ["internal"] = true }); Container(g, p => p["networksAdvanced"] = Value.List(new Props { ["name"] = n.Out<string>("name") })).Traits.Add(Traits.Cache); }),
        ["EXP-003"] = new("prod",
            g => Add(g, "db", "aws:rds/instance:Instance", Rds(p => p["publiclyAccessible"] = true)),
            g => Add(g, "db", "aws:rds/instance:Instance", Rds())),
        ["EXP-004"] = new("prod",
            g => Add(g, "sg", "aws:ec2/securityGroup:SecurityGroup", new Props { ["ingress"] = Value.List(new Props { ["fromPort"] = 5432, ["toPort"] = 5432, ["protocol"] = "tcp", ["cidrBlocks"] = Value.Strings(["0.0.0.0/0"]) }) }),
            g => Add(g, "sg", "aws:ec2/securityGroup:SecurityGroup", new Props { ["ingress"] = Value.List(new Props { ["fromPort"] = 443, ["toPort"] = 443, ["protocol"] = "tcp", ["cidrBlocks"] = Value.Strings(["0.0.0.0/0"]) }) })),
        ["EXP-005"] = new("prod",
            g => Add(g, "svc", "kubernetes:core/v1:Service", new Props { ["spec"] = new Props { ["type"] = "LoadBalancer", ["ports"] = Value.List(new Props { ["port"] = 5432 }) } }),
            g => Add(g, "svc", "kubernetes:core/v1:Service", new Props { ["spec"] = new Props { ["type"] = "ClusterIP", ["ports"] = Value.List(new Props { ["port"] = 5432 }) } })),
        ["EXP-006"] = new("prod",
            g => Container(g, p => p["ports"] = Value.List(new Props { ["internal"] = 3000, ["external"] = 3000 })),
            g => Container(g, p => p["ports"] = Value.List(new Props { ["internal"] = 8080, ["external"] = 80 }, new Props { ["internal"] = 8443, ["external"] = 443 })).Traits.Add(Traits.Proxy)),
        ["EXP-007"] = new("dev",
            g => Container(g, p => p["volumes"] = Value.List(new Props { ["hostPath"] = "/var/run/docker.sock", ["containerPath"] = "/var/run/docker.sock", ["readOnly"] = true })),
            g => Container(g)),
        ["WRK-001"] = new("dev", g => Container(g, p => p.Remove("memory")), g => Container(g)),
        ["WRK-002"] = new("dev", g => Container(g, p => p.Remove("healthcheck")), g => Container(g)),
        ["WRK-003"] = new("dev", g => Container(g, p => p["user"] = "0:0"), g => Container(g)),
        ["WRK-004"] = new("dev", g => Container(g, p => p["privileged"] = true), g => Container(g, p => p["privileged"] = false)),
        ["WRK-005"] = new("dev", g => Container(g, p => p["networkMode"] = "host"), g => Container(g, p => p["networkMode"] = "bridge")),
        ["WRK-006"] = new("dev",
            g => Container(g, p => p["uploads"] = Value.List(new Props { ["file"] = "/etc/app.yaml", ["content"] = "a: 1" })),
            g => Container(g, p => p["uploads"] = Value.List(new Props { ["file"] = "/etc/app.yaml", ["content"] = "a: 1", ["permissions"] = "0444" }))),
        ["WRK-007"] = new("prod",
            g => Add(g, "img", DockerTypes.RemoteImage, new Props { ["name"] = "ghcr.io/acme/api:latest" }),
            g => Add(g, "img", DockerTypes.RemoteImage, new Props { ["name"] = "ghcr.io/acme/api:1.4.2" })),
        ["WRK-008"] = new("dev", g => Container(g, p => p["capabilities"] = new Props()), g => Container(g)),
        ["WRK-009"] = new("dev", g => Container(g, p => p.Remove("securityOpts")), g => Container(g)),
        ["WRK-010"] = new("dev", g => Container(g, p => p.Remove("logOpts")), g => Container(g)),
        ["WRK-011"] = new("prod",
            g => Add(g, "app", "kubernetes:apps/v1:Deployment", Deployment(c => c["securityContext"] = new Props { ["privileged"] = true })),
            g => Add(g, "app", "kubernetes:apps/v1:Deployment", Deployment(GoodK8sContainer))),
        ["DAT-001"] = new("prod",
            g => Add(g, "vol", DockerTypes.Volume, new Props()).Options.RetainOnDelete = true,
            g => Add(g, "vol", DockerTypes.Volume, new Props()).WithOptions(o => { o.RetainOnDelete = true; o.Protect = true; })),
        ["DAT-002"] = new("dev",
            g => Add(g, "vol", DockerTypes.Volume, new Props()),
            g => Add(g, "vol", DockerTypes.Volume, new Props()).Options.RetainOnDelete = true),
        ["DAT-003"] = new("staging",
            g => Container(g).Traits.Add(Traits.Database),
            g => { Container(g).Traits.Add(Traits.Database); Add(g, "backup", DockerTypes.Container, GoodContainer()).Traits.Add(Traits.Backup); }),
        ["DAT-004"] = new("prod", g => Add(g, "db", "aws:rds/instance:Instance", Rds(p => p["deletionProtection"] = false)), g => Add(g, "db", "aws:rds/instance:Instance", Rds())),
        ["DAT-005"] = new("prod", g => Add(g, "db", "aws:rds/instance:Instance", Rds(p => p["backupRetentionPeriod"] = 3)), g => Add(g, "db", "aws:rds/instance:Instance", Rds())),
        ["DAT-006"] = new("prod", g => Add(g, "db", "aws:rds/instance:Instance", Rds(p => p["multiAz"] = false)), g => Add(g, "db", "aws:rds/instance:Instance", Rds())),
        ["ENC-001"] = new("prod", g => Add(g, "db", "aws:rds/instance:Instance", Rds(p => p.Remove("storageEncrypted"))), g => Add(g, "db", "aws:rds/instance:Instance", Rds())),
        ["ENC-002"] = new("prod",
            g => Add(g, "ebs", "aws:ebs/volume:Volume", new Props { ["availabilityZone"] = "eu-west-1a", ["size"] = 20 }),
            g => Add(g, "ebs", "aws:ebs/volume:Volume", new Props { ["availabilityZone"] = "eu-west-1a", ["size"] = 20, ["encrypted"] = true })),
        ["ENC-003"] = new("prod",
            g => { var b = Add(g, "b", "aws:s3/bucket:Bucket", new Props()); Add(g, "sse", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", Sse(b, "AES256")); },
            g => { var b = Add(g, "b", "aws:s3/bucket:Bucket", new Props()); Add(g, "sse", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", Sse(b, "aws:kms")); }),
        ["ENC-004"] = new("prod",
            g => { var b = Add(g, "b", "aws:s3/bucket:Bucket", new Props()); Add(g, "pab", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Pab(b, false)); },
            g => { var b = Add(g, "b", "aws:s3/bucket:Bucket", new Props()); Add(g, "pab", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Pab(b, true)); }),
        ["ENC-005"] = new("prod",
            g => Add(g, "rg", "aws:elasticache/replicationGroup:ReplicationGroup", new Props { ["description"] = "cache", ["transitEncryptionEnabled"] = true }),
            g => Add(g, "rg", "aws:elasticache/replicationGroup:ReplicationGroup", new Props { ["description"] = "cache", ["transitEncryptionEnabled"] = true, ["atRestEncryptionEnabled"] = true })),
        ["ENC-006"] = new("prod",
            g => Add(g, "rg", "aws:elasticache/replicationGroup:ReplicationGroup", new Props { ["description"] = "cache", ["atRestEncryptionEnabled"] = true }),
            g => Add(g, "rg", "aws:elasticache/replicationGroup:ReplicationGroup", new Props { ["description"] = "cache", ["transitEncryptionEnabled"] = true, ["atRestEncryptionEnabled"] = true })),
        ["ENC-007"] = new("prod",
            g => Add(g, "repo", "aws:ecr/repository:Repository", new Props { ["imageTagMutability"] = "IMMUTABLE" }),
            g => Add(g, "repo", "aws:ecr/repository:Repository", new Props { ["imageTagMutability"] = "IMMUTABLE", ["imageScanningConfiguration"] = new Props { ["scanOnPush"] = true } })),
        ["ENC-008"] = new("prod",
            g => Add(g, "repo", "aws:ecr/repository:Repository", new Props { ["imageTagMutability"] = "MUTABLE" }),
            g => Add(g, "repo", "aws:ecr/repository:Repository", new Props { ["imageTagMutability"] = "IMMUTABLE" })),
        ["ENC-009"] = new("prod",
            g => Add(g, "key", "aws:kms/key:Key", new Props { ["enableKeyRotation"] = false }),
            g => Add(g, "key", "aws:kms/key:Key", new Props { ["enableKeyRotation"] = true })),
    };

    private static Props Sse(Resource bucket, string algorithm) => new()
    {
        ["bucket"] = bucket.Id,
        ["rules"] = Value.List(new Props { ["applyServerSideEncryptionByDefault"] = new Props { ["sseAlgorithm"] = algorithm } }),
    };

    private static Props Pab(Resource bucket, bool all) => new()
    {
        ["bucket"] = bucket.Id, ["blockPublicAcls"] = true, ["blockPublicPolicy"] = true, ["ignorePublicAcls"] = true, ["restrictPublicBuckets"] = all,
    };

    /// <summary>The AWS platform rules (AWS-0xx) have their cases in tests/Aws/AwsPolicyRuleTests.cs.</summary>
    private static IEnumerable<PolicyRule> Covered => PolicyCatalog.All.Where(r => !r.Id.StartsWith("AWS-", StringComparison.Ordinal));

    public static IEnumerable<object[]> RuleIds => Covered.Select(r => new object[] { r.Id });

    /// <summary>One rule over a program built by <paramref name="build"/> under a root group "sys" (shared with the AWS rule tests).</summary>
    internal static IReadOnlyList<Finding> Run(string ruleId, string env, Action<ComponentGroup> build)
    {
        var program = new StackProgram("platform", "t");
        build(new ComponentGroup(program, "sys"));
        return PolicyEngine.Evaluate(program, env, [], [PolicyCatalog.Find(ruleId)!]).Findings;
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Each_rule_trips_on_a_violating_program(string ruleId)
    {
        var c = Cases[ruleId];
        var findings = Run(ruleId, c.Env, c.Bad);
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal(ruleId, f.Rule.Id));
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Violation.Fix)));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Each_rule_passes_a_compliant_program(string ruleId) =>
        Assert.Empty(Run(ruleId, Cases[ruleId].Env, Cases[ruleId].Good));

    [Fact]
    public void There_are_at_least_25_rules_with_unique_ids_and_a_rationale()
    {
        Assert.True(PolicyCatalog.All.Count >= 25);
        Assert.Equal(PolicyCatalog.All.Count, PolicyCatalog.All.Select(r => r.Id).Distinct().Count());
        Assert.All(PolicyCatalog.All, r => Assert.True(r.Rationale.Length > 20, r.Id));
        Assert.Equal(Covered.Select(r => r.Id).Order(), Cases.Keys.Order());
    }

    [Fact]
    public void Enforcement_differs_by_environment()
    {
        var exposure = PolicyCatalog.Find("EXP-001")!;
        Assert.Equal(Enforcement.Advisory, exposure.For("dev"));
        Assert.Equal(Enforcement.Mandatory, exposure.For("prod"));
        Assert.Equal(Enforcement.Off, PolicyCatalog.Find("DAT-001")!.For("dev"));
        Assert.Equal(Enforcement.Mandatory, PolicyCatalog.Find("DAT-001")!.For("staging"));
    }

    [Fact]
    public void A_mandatory_violation_fails_with_every_violation_listed()
    {
        var program = new StackProgram("platform", "t");
        var g = new ComponentGroup(program, "sys");
        Container(g, p => { p["user"] = "root"; p["privileged"] = true; });
        var e = Assert.Throws<PolicyException>(() => PolicyEngine.Enforce(program, "prod", []));
        Assert.Contains("WRK-003 sys-c.user", e.Message);
        Assert.Contains("WRK-004 sys-c.privileged", e.Message);
        Assert.Contains("fix:", e.Message);
    }

    [Fact]
    public void A_waiver_covers_one_rule_on_one_component_only()
    {
        var program = new StackProgram("platform", "t");
        var svc = new DockerService(new ComponentGroup(program, "sys"), "api", new DockerServiceArgs
        {
            Image = "x", Limits = new ResourceLimits(1, 256), Health = HealthCheck.Http("/", 80),
            Ports = [new ServicePort("http", 80, HostPort: 8080)],
        });
        Assert.Throws<PolicyException>(() => PolicyEngine.Enforce(program, "prod", []));
        var report = PolicyEngine.Enforce(program, "prod", [new Waiver("EXP-006", "sys/api", "published for a partner integration over a private link")]);
        Assert.Single(report.Waived);
        Assert.Throws<PolicyException>(() => PolicyEngine.Enforce(program, "prod", [new Waiver("EXP-006", "sys/other", "not this component at all, so no effect")]));
        Assert.Throws<PolicyException>(() => PolicyEngine.Enforce(program, "prod", [new Waiver("EXP-001", "sys/api", "a different rule does not waive this one")]));
        Assert.NotNull(svc);
    }
}
