using System.Text.Json;
using Infra.Components.Aws;
using Infra.Components.Core;
using Infra.Components.Policies;
using Infra.Stacks.Composition;
using Infra.Stacks.Targets.Aws;
using Infra.Tests.Schema;

namespace Infra.Tests.Aws;

/// <summary>
/// Proof without an AWS account: every system × environment on the aws target is schema-valid and policy-clean,
/// no data store is reachable from the internet, data is encrypted and protected where it is real, every IAM policy
/// names its actions and resources, and plan prices the environment from the dated table.
/// </summary>
public class AwsProgramTests
{
    private static readonly SchemaValidator Validator = new(ProviderSchemas.Shared);

    public static IEnumerable<object[]> All() => AwsStacks.All();

    [Theory]
    [MemberData(nameof(All))]
    public void Program_passes_the_provider_schemas(string system, string env)
    {
        var errors = Validator.Validate(AwsStacks.Yaml(system, env));
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Program_is_policy_clean_and_deterministic(string system, string env)
    {
        var run = AwsStacks.Run(system, env);
        Assert.DoesNotContain(run.Policies.Findings, f => f.Enforcement == Enforcement.Mandatory && f.WaivedBy is null);
        Assert.DoesNotContain(run.Policies.Findings, f => f.Rule.Id.StartsWith("AWS-", StringComparison.Ordinal));
        Assert.Equal(AwsStacks.Yaml(system, env), AwsStacks.Yaml(system, env));
    }

    [Theory]
    [MemberData(nameof(All))]
    public void No_database_cache_or_bucket_is_reachable_from_the_internet(string system, string env)
    {
        var p = AwsStacks.Program(system, env);
        // Subnets that route to the internet gateway are public; data lives only in the others.
        var igws = p.OfType("aws:ec2/internetGateway:InternetGateway").ToHashSet();
        var publicTables = p.OfType("aws:ec2/route:Route").Where(r => AwsStacks.Refs(r.Properties.Get("gatewayId")).Any(igws.Contains))
            .SelectMany(r => AwsStacks.Refs(r.Properties.Get("routeTableId"))).ToHashSet();
        var publicSubnets = p.OfType("aws:ec2/routeTableAssociation:RouteTableAssociation").Where(a => AwsStacks.Refs(a.Properties.Get("routeTableId")).Any(publicTables.Contains))
            .SelectMany(a => AwsStacks.Refs(a.Properties.Get("subnetId"))).ToHashSet();
        Assert.NotEmpty(publicSubnets);
        Assert.All(p.OfType("aws:ec2/subnet:Subnet"), s => Assert.Equal(false, (s.Properties.Get("mapPublicIpOnLaunch") as Bool)?.Flag));
        foreach (var token in new[] { "aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup" })
            foreach (var g in p.OfType(token))
            {
                var subnets = AwsStacks.Refs(g.Properties.Get("subnetIds")).ToList();
                Assert.True(subnets.Count >= 2, $"{g.Name}: at least two subnets");
                Assert.DoesNotContain(subnets, publicSubnets.Contains);
            }
        foreach (var ng in p.OfType("aws:eks/nodeGroup:NodeGroup"))
            Assert.DoesNotContain(AwsStacks.Refs(ng.Properties.Get("subnetIds")), publicSubnets.Contains);
        Assert.DoesNotContain(AwsStacks.Refs(Prop.Get(p.OfType("aws:eks/cluster:Cluster").Single(), "vpcConfig.subnetIds")), publicSubnets.Contains);

        // RDS is private; data security groups admit only another security group (the nodes'), never an address range.
        Assert.All(p.OfType("aws:rds/instance:Instance"), r => Assert.Equal(false, (r.Properties.Get("publiclyAccessible") as Bool)?.Flag));
        var dataGroups = p.OfType("aws:rds/instance:Instance").SelectMany(r => AwsStacks.Refs(r.Properties.Get("vpcSecurityGroupIds")))
            .Concat(p.OfType("aws:elasticache/replicationGroup:ReplicationGroup").SelectMany(r => AwsStacks.Refs(r.Properties.Get("securityGroupIds")))).ToHashSet();
        Assert.Equal((p.OfType("aws:rds/instance:Instance").Any() ? 1 : 0) + (p.OfType("aws:elasticache/replicationGroup:ReplicationGroup").Any() ? 1 : 0), dataGroups.Count);
        foreach (var sg in dataGroups)
        {
            // No inline rules at all: no ingress but the node rule below, and no egress (the provider removes AWS's default allow-all).
            Assert.Null(sg.Properties.Get("ingress"));
            Assert.Null(sg.Properties.Get("egress"));
            Assert.DoesNotContain(p.OfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"), r => AwsStacks.Refs(r.Properties.Get("securityGroupId")).Contains(sg));
            var rules = p.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").Where(r => AwsStacks.Refs(r.Properties.Get("securityGroupId")).Contains(sg)).ToList();
            Assert.NotEmpty(rules);
            Assert.All(rules, r =>
            {
                Assert.Null(r.Properties.Get("cidrIpv4"));
                Assert.Null(r.Properties.Get("cidrIpv6"));
                Assert.Equal("vpcConfig.clusterSecurityGroupId", Assert.IsType<OutputRef>(r.Properties.Get("referencedSecurityGroupId")).Path);
                Assert.Equal(Prop.Number(r.Properties.Get("fromPort")), Prop.Number(r.Properties.Get("toPort")));
            });
        }
        Assert.DoesNotContain(p.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), r => r.Properties.Get("cidrIpv4") is not null);

        // Every bucket: all four public-access blocks, and no policy statement allows anyone.
        foreach (var b in p.OfType("aws:s3/bucket:Bucket"))
        {
            var pab = p.OfType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").Single(x => AwsStacks.Refs(x.Properties.Get("bucket")).Contains(b));
            foreach (var flag in new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" })
                Assert.Equal(true, (pab.Properties.Get(flag) as Bool)?.Flag);
            foreach (var policy in p.OfType("aws:s3/bucketPolicy:BucketPolicy").Where(x => AwsStacks.Refs(x.Properties.Get("bucket")).Contains(b)))
                foreach (var s in PolicyJson.Parse(policy.Properties.Get("policy")!).RootElement.GetProperty("Statement").EnumerateArray())
                    Assert.Equal("Deny", s.GetProperty("Effect").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Data_is_encrypted_everywhere_and_protected_in_staging_and_prod(string system, string env)
    {
        var p = AwsStacks.Program(system, env);
        foreach (var r in p.OfType("aws:rds/instance:Instance"))
        {
            Assert.Equal(true, (r.Properties.Get("storageEncrypted") as Bool)?.Flag);
            Assert.IsType<OutputRef>(r.Properties.Get("kmsKeyId"));
        }
        foreach (var r in p.OfType("aws:elasticache/replicationGroup:ReplicationGroup"))
        {
            Assert.Equal(true, (r.Properties.Get("atRestEncryptionEnabled") as Bool)?.Flag);
            Assert.Equal(true, (r.Properties.Get("transitEncryptionEnabled") as Bool)?.Flag);
            Assert.Contains(r.Properties.Get("authToken")!.Walk().OfType<OutputRef>(), o => o.Resource.Type == "random:index/randomPassword:RandomPassword");
        }
        Assert.All(p.OfType("aws:kms/key:Key"), k => Assert.Equal(true, (k.Properties.Get("enableKeyRotation") as Bool)?.Flag));
        Assert.Equal("secrets", Prop.Text((Prop.Get(p.OfType("aws:eks/cluster:Cluster").Single(), "encryptionConfig.resources") as ListValue)!.Items[0]));
        Assert.All(p.OfType("aws:ecr/repository:Repository"), r => Assert.Equal("KMS", Prop.Text(Prop.Maps(r.Properties.Get("encryptionConfigurations")).Single()["encryptionType"])));
        foreach (var b in p.OfType("aws:s3/bucket:Bucket"))
        {
            var sse = p.OfType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").Single(x => AwsStacks.Refs(x.Properties.Get("bucket")).Contains(b));
            Assert.Equal("aws:kms", Prop.Text((Prop.Maps(sse.Properties.Get("rules")).Single()["applyServerSideEncryptionByDefault"] as MapValue)!["sseAlgorithm"]));
        }

        var stateful = new[]
        {
            "aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:s3/bucket:Bucket", "aws:ecr/repository:Repository",
            "aws:kms/key:Key", "aws:eks/cluster:Cluster",
        };
        var protectedHere = env != "dev";
        foreach (var r in p.AllInOrder.Where(r => Array.IndexOf(stateful, r.Type) >= 0))
            Assert.True((r.Options.Protect == true) == protectedHere, $"{r.Name}: protect {r.Options.Protect} in {env}");
        foreach (var r in p.OfType("aws:rds/instance:Instance"))
            Assert.Equal(protectedHere, (r.Properties.Get("deletionProtection") as Bool)?.Flag);
        Assert.Equal(protectedHere ? true : null, (p.OfType("aws:eks/cluster:Cluster").Single().Properties.Get("deletionProtection") as Bool)?.Flag);
        foreach (var r in p.OfType("aws:elasticache/replicationGroup:ReplicationGroup"))
            Assert.Equal(protectedHere, r.Properties.Get("finalSnapshotIdentifier") is not null);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Every_iam_policy_is_least_privilege(string system, string env)
    {
        var p = AwsStacks.Program(system, env);
        var documents = p.OfType("aws:iam/rolePolicy:RolePolicy").Select(r => (r, r.Properties.Get("policy")!))
            .Concat(p.OfType("aws:iam/role:Role").Select(r => (r, r.Properties.Get("assumeRolePolicy")!)))
            .Concat(p.OfType("aws:s3/bucketPolicy:BucketPolicy").Select(r => (r, r.Properties.Get("policy")!))).ToList();
        Assert.NotEmpty(documents);
        foreach (var (r, doc) in documents)
        {
            using var json = PolicyJson.Parse(doc);
            Assert.Equal("2012-10-17", json.RootElement.GetProperty("Version").GetString());
            foreach (var s in json.RootElement.GetProperty("Statement").EnumerateArray())
            {
                var actions = PolicyJson.Strings(s.GetProperty("Action")).ToList();
                Assert.NotEmpty(actions);
                if (s.GetProperty("Effect").GetString() != "Allow") continue;
                Assert.DoesNotContain("*", actions);
                Assert.DoesNotContain(actions, a => a.EndsWith(":*", StringComparison.Ordinal));
                if (s.TryGetProperty("Resource", out var res))
                    Assert.DoesNotContain("*", PolicyJson.Strings(res));
                else
                    Assert.True(s.TryGetProperty("Principal", out _), $"{r.Name}: a statement without Resource is a trust statement");
            }
            if (r.Type == "aws:iam/role:Role" && json.RootElement.GetProperty("Statement")[0].GetProperty("Action").ToString().Contains("WebIdentity", StringComparison.Ordinal))
            {
                // IRSA: only the one service account of the one cluster.
                var cond = json.RootElement.GetProperty("Statement")[0].GetProperty("Condition").GetProperty("StringEquals");
                Assert.Contains(cond.EnumerateObject(), c => c.Name.StartsWith("oidc.eks.test/id/", StringComparison.Ordinal) && c.Name.EndsWith(":sub", StringComparison.Ordinal) && c.Value.GetString()!.StartsWith("system:serviceaccount:", StringComparison.Ordinal));
                Assert.Contains(cond.EnumerateObject(), c => c.Name.EndsWith(":aud", StringComparison.Ordinal) && c.Value.GetString() == "sts.amazonaws.com");
            }
        }
        // Managed policies attached are AWS's own, scoped to one job each (no AdministratorAccess, no PowerUser).
        var allowed = new[]
        {
            "AmazonEKSClusterPolicy", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly", "service-role/AmazonEBSCSIDriverPolicy",
        };
        Assert.All(p.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), a => Assert.Contains(Prop.Text(a.Properties.Get("policyArn"))!["arn:aws:iam::aws:policy/".Length..], allowed));
    }

    [Fact]
    public void Ecr_lifecycle_policy_parses_and_keeps_production_90_days_and_others_30()
    {
        var p = AwsStacks.Program("normaldance", "prod");
        var policies = p.OfType("aws:ecr/lifecyclePolicy:LifecyclePolicy").ToList();
        Assert.Equal(p.OfType("aws:ecr/repository:Repository").Count(), policies.Count);
        foreach (var lc in policies)
        {
            using var doc = JsonDocument.Parse(Prop.Text(lc.Properties.Get("policy"))!);
            var rules = doc.RootElement.GetProperty("rules").EnumerateArray().OrderBy(r => r.GetProperty("rulePriority").GetInt32()).ToList();
            Assert.Equal(2, rules.Count);
            var prod = rules[0].GetProperty("selection");
            Assert.Equal("tagged", prod.GetProperty("tagStatus").GetString());
            Assert.Equal(["v", "prod"], PolicyJson.Strings(prod.GetProperty("tagPrefixList")));
            Assert.Equal("sinceImagePushed", prod.GetProperty("countType").GetString());
            Assert.Equal("days", prod.GetProperty("countUnit").GetString());
            Assert.Equal(90, prod.GetProperty("countNumber").GetInt32());
            var other = rules[1].GetProperty("selection");
            Assert.Equal("any", other.GetProperty("tagStatus").GetString());
            Assert.Equal(30, other.GetProperty("countNumber").GetInt32());
            Assert.All(rules, r => Assert.Equal("expire", r.GetProperty("action").GetProperty("type").GetString()));
        }
        Assert.All(p.OfType("aws:ecr/repository:Repository"), r =>
        {
            Assert.Equal("IMMUTABLE", Prop.Text(r.Properties.Get("imageTagMutability")));
            Assert.Equal(true, (Prop.Get(r, "imageScanningConfiguration.scanOnPush") as Bool)?.Flag);
        });
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Environment_shapes_the_platform(string system, string env)
    {
        var p = AwsStacks.Program(system, env);
        var prod = env == "prod";
        Assert.Equal(prod ? 3 : 1, p.OfType("aws:ec2/natGateway:NatGateway").Count());
        Assert.Equal(prod ? 1 : 0, p.OfType("aws:ec2/flowLog:FlowLog").Count());
        Assert.Equal(3, p.OfType("aws:ec2/subnet:Subnet").Count() / 2);
        var cluster = p.OfType("aws:eks/cluster:Cluster").Single();
        Assert.Equal(true, (Prop.Get(cluster, "vpcConfig.endpointPrivateAccess") as Bool)?.Flag);
        Assert.Equal(["api", "audit", "authenticator", "controllerManager", "scheduler"], ((ListValue)cluster.Properties.Get("enabledClusterLogTypes")!).Items.Select(i => Prop.Text(i)!));
        foreach (var ng in p.OfType("aws:eks/nodeGroup:NodeGroup"))
        {
            var spot = Prop.Text(ng.Properties.Get("capacityType")) == "SPOT";
            Assert.Equal(spot, Prop.Maps(ng.Properties.Get("taints")).Any(t => Prop.Text(t["key"]) == NodeGroupSpec.CapacityLabel));
        }
        Assert.Contains(p.OfType("aws:eks/nodeGroup:NodeGroup"), ng => Prop.Text(ng.Properties.Get("capacityType")) == "ON_DEMAND");
        foreach (var db in p.OfType("aws:rds/instance:Instance").Where(r => r.Properties.Get("replicateSourceDb") is null))
        {
            Assert.Equal(prod, (db.Properties.Get("multiAz") as Bool)?.Flag);
            Assert.Equal("15", Prop.Text(db.Properties.Get("engineVersion")));
            Assert.True(Prop.Number(db.Properties.Get("backupRetentionPeriod")) >= (env == "dev" ? 1 : 7));
        }
        Assert.Equal(prod && AwsStacks.Run(system, env).Program.OfType("aws:rds/instance:Instance").Any() ? 2 : 0,
            p.OfType("aws:rds/instance:Instance").Count(r => r.Properties.Get("replicateSourceDb") is not null));
        foreach (var rg in p.OfType("aws:elasticache/replicationGroup:ReplicationGroup"))
        {
            Assert.Equal(prod ? 2 : 1, Prop.Number(rg.Properties.Get("numCacheClusters")));
            Assert.Equal(prod, (rg.Properties.Get("automaticFailoverEnabled") as Bool)?.Flag);
        }
        Assert.Equal(env == "dev" ? 0 : 1, p.OfType("aws:cloudfront/distribution:Distribution").Count());
        foreach (var d in p.OfType("aws:cloudfront/distribution:Distribution"))
        {
            Assert.Equal("redirect-to-https", Prop.Text(Prop.Get(d, "defaultCacheBehavior.viewerProtocolPolicy")));
            Assert.Equal("TLSv1.2_2021", Prop.Text(Prop.Get(d, "viewerCertificate.minimumProtocolVersion")));
            var cert = p.OfType("aws:acm/certificate:Certificate").Single();
            Assert.Equal("us-east-1", Prop.Text(cert.Options.Provider!.Properties.Get("region")));
        }
        Assert.Equal("eu-west-1", Prop.Text(p.Providers.Single(x => x.Package == "aws").Properties.Get("region")));
        Assert.Equal(prod ? 1 : 0, p.OfType("aws:s3/bucketReplicationConfig:BucketReplicationConfig").Count());
    }

    [Fact]
    public void Postgres_parameters_come_from_the_same_tuning_as_the_other_targets()
    {
        var p = AwsStacks.Program("normaldance", "prod");
        var tuning = Components.Configs.PostgresTuning.For(Components.Configs.SizeClass.Full);
        var pg = p.OfType("aws:rds/parameterGroup:ParameterGroup").Single();
        var parameters = Prop.Maps(pg.Properties.Get("parameters")).ToDictionary(m => Prop.Text(m["name"])!, m => Prop.Text(m["value"])!);
        Assert.Equal((tuning.SharedBuffersMb * 128).ToString(System.Globalization.CultureInfo.InvariantCulture), parameters["shared_buffers"]);
        Assert.Equal(tuning.MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture), parameters["max_connections"]);
        Assert.Equal(tuning.WorkMemKb.ToString(System.Globalization.CultureInfo.InvariantCulture), parameters["work_mem"]);
        Assert.Equal("1", parameters["rds.force_ssl"]);
        Assert.Equal("postgres15", Prop.Text(pg.Properties.Get("family")));
    }

    [Fact]
    public void Kubeconfig_is_a_secret_output_built_from_the_cluster_endpoint_and_ca()
    {
        var p = AwsStacks.Program("normaldance", "prod");
        var kubeconfig = p.Outputs.Single(o => o.Key == "kubeconfig").Value;
        var secret = Assert.IsType<FnCall>(kubeconfig);
        Assert.Equal("secret", secret.Name);
        using var doc = JsonDocument.Parse(PolicyJson.Evaluate(secret.Argument));
        var cluster = doc.RootElement.GetProperty("clusters")[0].GetProperty("cluster");
        Assert.EndsWith("/endpoint", cluster.GetProperty("server").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/certificateAuthority.data", cluster.GetProperty("certificate-authority-data").GetString(), StringComparison.Ordinal);
        Assert.Equal("aws", doc.RootElement.GetProperty("users")[0].GetProperty("user").GetProperty("exec").GetProperty("command").GetString());
        Assert.Contains("kubeconfig", AwsStacks.Yaml("normaldance", "prod"), StringComparison.Ordinal);
        Assert.Equal(new[] { "databaseUrl", "cacheUrl" }, p.Outputs.Where(o => o.Value is FnCall { Name: "secret" } && o.Key != "kubeconfig").Select(o => o.Key));
    }

    [Fact]
    public void The_eks_binding_hands_managed_endpoints_to_the_cluster_workload_translation()
    {
        var settings = AwsStacks.Settings("normaldance", "prod");
        EksBinding? seen = null;
        var composed = Stacks.Composed.SystemComposer.Compose(Stacks.Systems.SystemCatalog.Find("normaldance")!, settings);
        var program = AwsTarget.Translate(composed, (system, binding, parent) => seen = binding);
        Assert.NotNull(seen);
        Assert.True(seen!.DatabaseUrl!.IsSecret);
        Assert.True(seen.CacheUrl!.IsSecret);
        Assert.Equal(["worker"], seen.SpotServices);
        Assert.Equal("DATABASE_URL", seen.ManagedReferences["postgres"].Key);
        Assert.Equal("REDIS_URL", seen.ManagedReferences["redis"].Key);
        Assert.True(seen.ManagedReferences["redis"].Value.IsSecret);
        Assert.Equal("production", seen.Namespace);
        Assert.Contains("api", seen.Images.Keys);
        Assert.DoesNotContain(program.Notes, n => n.StartsWith("workloads: not on this target", StringComparison.Ordinal));
        // Without a workload translation the program says aloud that nothing runs; the composition root always wires one.
        Assert.Contains(AwsTarget.Translate(composed).Notes, n => n.StartsWith("workloads: not on this target yet", StringComparison.Ordinal));
        Assert.DoesNotContain(AwsStacks.Program("normaldance", "prod").Notes, n => n.StartsWith("workloads: not on this target yet", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Plan_prints_a_dated_monthly_cost_estimate(string env)
    {
        var notes = AwsStacks.Program("normaldance", env).Notes;
        var head = Assert.Single(notes, n => n.StartsWith($"estimated monthly cost ({env}): ~$", StringComparison.Ordinal));
        Assert.Contains(AwsPrices.AsOf, head, StringComparison.Ordinal);
        Assert.Contains("aws.amazon.com", head, StringComparison.Ordinal);
        Assert.Contains(notes, n => n.Contains("cost: EKS control plane: ~$73/month", StringComparison.Ordinal));
        var totals = AwsStacks.Environments.Select(e => double.Parse(AwsStacks.Program("normaldance", e).Notes.Single(n => n.StartsWith("estimated", StringComparison.Ordinal)).Split('$')[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(totals[0] < totals[1] && totals[1] < totals[2], string.Join(", ", totals));
    }

    [Fact]
    public void Plan_command_shows_the_cost_and_what_is_not_on_this_target()
    {
        var root = Directory.CreateTempSubdirectory("aws-plan").FullName;
        File.WriteAllText(Path.Combine(root, "Pulumi.prod.yaml"), AwsStacks.StackFile("normaldance", "prod"));
        var r = Programs.Synth.CliIn(root, "plan", "--stack", "prod");
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Contains("target aws", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("estimated monthly cost (prod)", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("not on this target", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("workloads: not on this target yet", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_stack_name_still_gives_valid_bucket_prefixes()
    {
        var stack = "normaldance-" + new string('x', 80);
        var settings = StackSettings.Parse(AwsStacks.StackFile("normaldance", "prod"), $"Pulumi.{stack}.yaml", stack);
        var p = Synthesizer.Run(settings).Program;
        Assert.All(p.OfType("aws:s3/bucket:Bucket"), b => Assert.InRange(Prop.Text(b.Properties.Get("bucketPrefix"))!.Length, 1, 37));
    }

    [Fact]
    public void The_example_stack_file_synthesizes()
    {
        var r = Programs.Synth.CliIn(Programs.Synth.RepoRoot(), "synth", "--stack", "prod");
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Empty(Validator.Validate(r.Stdout));
    }
}
