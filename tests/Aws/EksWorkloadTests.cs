using Infra.Components.Core;
using Infra.Components.Policies;
using Infra.Stacks.Composition;
using Infra.Stacks.Targets.Aws;

namespace Infra.Tests.Aws;

/// <summary>The workloads on EKS (issue 11): the Kubernetes translation wired onto the aws target's cluster and managed data.</summary>
public class EksWorkloadTests
{
    private static Value? At(Value? v, params string[] path)
    {
        foreach (var key in path) v = v is MapValue m ? m[key] : null;
        return v;
    }

    private static IEnumerable<Value> Items(Value? v) => v is ListValue l ? l.Items : [];

    private static string Name(Resource r) => Prop.Text(At(r.Properties.Get("metadata"), "name")) ?? "";

    private static EksBinding Binding(string system, string env)
    {
        EksBinding? seen = null;
        var composed = Stacks.Composed.SystemComposer.Compose(Stacks.Systems.SystemCatalog.Find(system)!, AwsStacks.Settings(system, env));
        AwsTarget.Translate(composed, (_, b, _) => seen = b);
        return seen!;
    }

    [Theory]
    [MemberData(nameof(AwsStacks.All), MemberType = typeof(AwsStacks))]
    public void The_workloads_are_deployed_and_no_database_or_cache_runs_in_the_cluster(string system, string env)
    {
        var p = AwsStacks.Program(system, env);
        var def = Stacks.Systems.SystemCatalog.Find(system)!;
        Assert.DoesNotContain(p.Notes, n => n.StartsWith("workloads: not on this target", StringComparison.Ordinal));
        var workloads = p.OfType("kubernetes:apps/v1:Deployment").Concat(p.OfType("kubernetes:apps/v1:StatefulSet")).Select(Name).ToList();
        foreach (var svc in def.Services) Assert.Contains(workloads, w => w == svc.Name || w.StartsWith(svc.Name + "-", StringComparison.Ordinal));
        foreach (var data in new[] { def.Database?.Name, def.Cache?.Name }.OfType<string>())
            Assert.DoesNotContain(p.OfType("kubernetes:apps/v1:StatefulSet"), s => Name(s).StartsWith(data, StringComparison.Ordinal));
        Assert.DoesNotContain(p.OfType("kubernetes:core/v1:Namespace"), n => Name(n) == "database");
    }

    [Fact]
    public void The_kubernetes_provider_takes_its_kubeconfig_from_the_cluster_output_not_from_config()
    {
        var p = AwsStacks.Program("normaldance", "prod");
        var provider = Assert.Single(p.Providers, r => r.Type == "pulumi:providers:kubernetes");
        var kubeconfig = provider.Properties.Get("kubeconfig")!;
        Assert.True(kubeconfig.IsSecret);
        Assert.Contains(AwsStacks.Refs(kubeconfig), r => r.Type == "aws:eks/cluster:Cluster");
        Assert.DoesNotContain(kubeconfig.Walk(), v => v is ConfigRef);
        // Nothing is applied before the nodes and the add-ons (CNI, CoreDNS, EBS CSI) exist.
        Assert.Contains(provider.Options.DependsOn, r => r.Type == "aws:eks/nodeGroup:NodeGroup");
        Assert.Contains(provider.Options.DependsOn, r => r.Type == "aws:eks/addon:Addon");
        Assert.All(p.AllInOrder.Where(r => r.Package == "kubernetes" && !r.IsProvider), r => Assert.NotEqual("aws", r.Package));
        Assert.DoesNotContain("kubeconfig:\n    type", AwsStacks.Yaml("normaldance", "prod"), StringComparison.Ordinal);
    }

    [Fact]
    public void Database_and_cache_urls_are_secrets_whose_values_are_the_managed_outputs()
    {
        var p = AwsStacks.Program("normaldance", "prod");
        var secret = Assert.Single(p.OfType("kubernetes:core/v1:Secret"), s => Name(s) == "api-env");
        var db = At(secret.Properties.Get("stringData"), "DATABASE_URL");
        Assert.NotNull(db);
        Assert.True(db!.IsSecret);
        Assert.Contains(AwsStacks.Refs(db), r => r.Type == "aws:rds/instance:Instance");
        var redis = At(secret.Properties.Get("stringData"), "REDIS_URL");
        Assert.Contains(AwsStacks.Refs(redis), r => r.Type == "aws:elasticache/replicationGroup:ReplicationGroup");
        Assert.StartsWith("rediss://", Assert.IsType<Interpolation>(redis).Parts[0] is Str s0 ? s0.Text : "", StringComparison.Ordinal);
        var api = Assert.Single(p.OfType("kubernetes:apps/v1:Deployment"), d => Name(d) == "api");
        var container = Items(At(api.Properties.Get("spec"), "template", "spec", "containers")).Single();
        var env = Items(At(container, "env")).Single(e => Prop.Text(At(e, "name")) == "DATABASE_URL");
        Assert.Equal("api-env", Prop.Text(At(env, "valueFrom", "secretKeyRef", "name")));
    }

    [Theory]
    [InlineData("normaldance", "prod")]
    [InlineData("normaldance", "staging")]
    [InlineData("pliers", "prod")]
    public void Egress_to_the_data_ports_goes_to_the_private_subnets_only(string system, string env)
    {
        var p = AwsStacks.Program(system, env);
        var privateCidrs = Binding(system, env).PrivateSubnetCidrs;
        Assert.NotEmpty(privateCidrs);
        var dataRules = p.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .SelectMany(np => Items(At(np.Properties.Get("spec"), "egress")))
            .Where(rule => Items(At(rule, "ports")).Any(port => At(port, "port") is Num { Number: 5432 or 6379 }))
            .ToList();
        Assert.NotEmpty(dataRules);
        foreach (var rule in dataRules)
        {
            var peers = Items(At(rule, "to")).ToList();
            Assert.Equal(privateCidrs.Order(StringComparer.Ordinal), peers.Select(peer => Prop.Text(At(peer, "ipBlock", "cidr"))!).Order(StringComparer.Ordinal));
            Assert.All(peers, peer => Assert.Null(At(peer, "podSelector")));
        }
    }

    [Fact]
    public void Spot_services_tolerate_the_spot_taint_and_the_rest_select_on_demand_nodes()
    {
        var p = AwsStacks.Program("normaldance", "prod");
        Value? Spec(string name) => At(p.OfType("kubernetes:apps/v1:Deployment").Single(d => Name(d) == name).Properties.Get("spec"), "template", "spec");
        Assert.Equal("spot", Prop.Text(At(Spec("worker"), "nodeSelector", "platform/capacity")));
        var toleration = Items(At(Spec("worker"), "tolerations")).Single();
        Assert.Equal("NoSchedule", Prop.Text(At(toleration, "effect")));
        Assert.Equal("on-demand", Prop.Text(At(Spec("api"), "nodeSelector", "platform/capacity")));
        Assert.Null(At(Spec("api"), "tolerations"));
    }

    [Fact]
    public void The_backup_job_writes_to_the_bucket_with_its_irsa_role_and_a_pinned_cli()
    {
        var p = AwsStacks.Program("normaldance", "prod");
        var account = Assert.Single(p.OfType("kubernetes:core/v1:ServiceAccount"));
        Assert.Equal(AwsTarget.BackupServiceAccount, Name(account));
        Assert.Contains(AwsStacks.Refs(At(account.Properties.Get("metadata"), "annotations", "eks.amazonaws.com/role-arn")), r => r.Type == "aws:iam/role:Role");
        var jobs = p.OfType("kubernetes:batch/v1:CronJob").ToList();
        Assert.Equal(2, jobs.Count);
        foreach (var job in jobs)
        {
            var pod = At(job.Properties.Get("spec"), "jobTemplate", "spec", "template", "spec");
            Assert.Equal(AwsTarget.BackupServiceAccount, Prop.Text(At(pod, "serviceAccountName")));
            var upload = Items(At(pod, "containers")).Single();
            Assert.Equal(Stacks.Targets.Kubernetes.KubernetesTarget.AwsCliImage, Prop.Text(At(upload, "image")));
            Assert.Matches(@":\d+\.\d+\.\d+$", Prop.Text(At(upload, "image")));
            Assert.DoesNotContain(Items(At(pod, "volumes")), v => At(v, "persistentVolumeClaim") is not null);
            Assert.Contains(AwsStacks.Refs(At(Items(At(upload, "env")).Single(e => Prop.Text(At(e, "name")) == "BUCKET"), "value")), r => r.Type.StartsWith("aws:s3", StringComparison.Ordinal));
        }
        Assert.DoesNotContain(p.OfType("kubernetes:core/v1:PersistentVolumeClaim"), c => Name(c).StartsWith("backup", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tag_only_image_setting_is_pulled_from_the_services_ecr_repository()
    {
        var file = AwsStacks.StackFile("normaldance", "prod").Replace("registry.example.com/normaldance/api:1.4.2", "1.4.2", StringComparison.Ordinal);
        var p = Synthesizer.Run(StackSettings.Parse(file, "Pulumi.prod.yaml", "prod")).Program;
        var api = p.OfType("kubernetes:apps/v1:Deployment").Single(d => Name(d) == "api");
        var image = At(Items(At(api.Properties.Get("spec"), "template", "spec", "containers")).Single(), "image");
        Assert.Contains(AwsStacks.Refs(image), r => r.Type == "aws:ecr/repository:Repository");
        var worker = p.OfType("kubernetes:apps/v1:Deployment").Single(d => Name(d) == "worker");
        Assert.Equal("registry.example.com/normaldance/worker:1.4.2", Prop.Text(At(Items(At(worker.Properties.Get("spec"), "template", "spec", "containers")).Single(), "image")));
    }
}
