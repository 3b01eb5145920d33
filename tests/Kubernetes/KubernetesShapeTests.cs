using Infra.Components.Configs;
using Infra.Tests.Programs;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Kubernetes;

/// <summary>What seed 004 asks of the kubernetes target, read off the generated programs.</summary>
public class KubernetesShapeTests
{
    private static ProgramModel Model(string system, string env) => new(K8s.Program(system, env));

    private static YamlMappingNode Props(ProgramModel m, string name) => m.Resources.Single(r => r.Name == name).Props;

    [Fact]
    public void The_provider_is_explicit_and_its_kubeconfig_a_required_secret()
    {
        var text = K8s.Program("normaldance", "prod");
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var kubeconfig = (YamlMappingNode)root["config"]["kubeconfig"];
        Assert.Equal("true", kubeconfig["secret"].ToString());
        Assert.False(kubeconfig.Children.ContainsKey("default"));
        var provider = new ProgramModel(text).Resources.Single(r => r.Type == "pulumi:providers:kubernetes");
        Assert.Equal("${kubeconfig}", ProgramModel.Str(provider.Props, "kubeconfig"));
        Assert.Equal("4.34.2", ProgramModel.Str(provider.Options, "version"));
    }

    [Fact]
    public void Api_autoscales_3_to_20_in_prod_at_cpu_70_and_memory_80()
    {
        var hpa = Props(Model("normaldance", "prod"), "normaldance-api-hpa");
        Assert.Equal("3", ProgramModel.Str(hpa, "spec.minReplicas"));
        Assert.Equal("20", ProgramModel.Str(hpa, "spec.maxReplicas"));
        Assert.Equal("Deployment", ProgramModel.Str(hpa, "spec.scaleTargetRef.kind"));
        var targets = ProgramModel.Maps(hpa, "spec.metrics").ToDictionary(m => ProgramModel.Str(m, "resource.name")!, m => ProgramModel.Str(m, "resource.target.averageUtilization"));
        Assert.Equal("70", targets["cpu"]);
        Assert.Equal("80", targets["memory"]);
    }

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void A_disruption_budget_wherever_a_set_of_pods_has_more_than_one_replica(string system, string env)
    {
        var m = Model(system, env);
        var hpaTargets = m.OfType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").ToDictionary(h => ProgramModel.Str(h.Props, "spec.scaleTargetRef.name")!, h => int.Parse(ProgramModel.Str(h.Props, "spec.minReplicas")!, System.Globalization.CultureInfo.InvariantCulture));
        var budgets = m.OfType("kubernetes:policy/v1:PodDisruptionBudget").Select(p => (Ns: ProgramModel.Str(p.Props, "metadata.namespace"), Name: ProgramModel.Str(p.Props, "metadata.name"))).ToHashSet();
        foreach (var w in m.Resources.Where(r => r.Type is "kubernetes:apps/v1:Deployment" or "kubernetes:apps/v1:StatefulSet"))
        {
            var name = ProgramModel.Str(w.Props, "metadata.name")!;
            var replicas = ProgramModel.Str(w.Props, "spec.replicas") is { } r ? int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) : hpaTargets[name];
            Assert.Equal(replicas > 1, budgets.Contains((ProgramModel.Str(w.Props, "metadata.namespace"), name)));
        }
    }

    [Fact]
    public void Data_services_are_statefulsets_with_replicas_in_prod_and_claims_from_the_profile()
    {
        var m = Model("normaldance", "prod");
        Assert.Equal("1", ProgramModel.Str(Props(m, "normaldance-postgres-statefulset-primary"), "spec.replicas"));
        Assert.Equal("2", ProgramModel.Str(Props(m, "normaldance-postgres-statefulset-replica"), "spec.replicas"));
        Assert.Equal("1", ProgramModel.Str(Props(m, "normaldance-redis-statefulset-primary"), "spec.replicas"));
        Assert.Equal("1", ProgramModel.Str(Props(m, "normaldance-redis-statefulset-replica"), "spec.replicas"));
        var claim = ProgramModel.Maps(Props(m, "normaldance-postgres-statefulset-primary"), "spec.volumeClaimTemplates").Single();
        Assert.Equal("fast-ssd", ProgramModel.Str(claim, "spec.storageClassName"));
        Assert.Equal("100Gi", ProgramModel.Str(claim, "spec.resources.requests.storage"));
        Assert.Equal("None", ProgramModel.Str(Props(m, "normaldance-postgres-headless"), "spec.clusterIP"));
        Assert.Equal("primary", ProgramModel.Labels(Props(m, "normaldance-postgres-service"), "spec.selector")["platform/track"]);
        var staging = Model("normaldance", "staging");
        Assert.DoesNotContain(staging.Resources, r => r.Name == "normaldance-postgres-statefulset-replica");
        Assert.Equal("20Gi", ProgramModel.Str(ProgramModel.Maps(Props(staging, "normaldance-postgres-statefulset-primary"), "spec.volumeClaimTemplates").Single(), "spec.resources.requests.storage"));
    }

    [Theory]
    [InlineData("dev", new string[0])]
    [InlineData("staging", new[] { "0 2 * * *" })]
    [InlineData("prod", new[] { "0 * * * *", "0 2 * * *" })]
    public void Backups_are_pg_dump_cronjobs_hourly_in_prod_daily_in_staging(string env, string[] schedules)
    {
        var jobs = Model("normaldance", env).OfType("kubernetes:batch/v1:CronJob").ToList();
        Assert.Equal(schedules, jobs.Select(j => ProgramModel.Str(j.Props, "spec.schedule")));
        foreach (var j in jobs)
        {
            var c = ProgramModel.Maps(j.Props, "spec.jobTemplate.spec.template.spec.containers").Single();
            Assert.Equal("/opt/backup/backup.sh", ((YamlSequenceNode)ProgramModel.Get(c, "command")!).Children[1].ToString());
            Assert.Contains(ProgramModel.Maps(c, "volumeMounts"), v => ProgramModel.Str(v, "mountPath") == "/backups");
        }
    }

    [Fact]
    public void Alert_rules_are_the_docker_targets_rules_as_a_PrometheusRule()
    {
        var m = Model("normaldance", "prod");
        var group = m.OfType("kubernetes:yaml/v2:ConfigGroup").Single(g => g.Name.Contains("monitoring-objects", StringComparison.Ordinal));
        var rule = ProgramModel.Maps(group.Props, "objs").Single(o => ProgramModel.Str(o, "kind") == "PrometheusRule");
        var generated = ProgramModel.Maps(ProgramModel.Maps(rule, "spec.groups").Single(), "rules").ToList();
        var expected = PrometheusAlertRules.Rules(new AlertRuleSpec("normaldance"));
        Assert.Equal(expected.Select(r => r.Name), generated.Select(r => ProgramModel.Str(r, "alert")));
        Assert.Equal(expected.Select(r => r.Expr), generated.Select(r => ProgramModel.Str(r, "expr")));
        Assert.Equal(expected.Select(r => r.Severity), generated.Select(r => ProgramModel.Str(r, "labels.severity")));
        Assert.DoesNotContain(Model("normaldance", "dev").OfType("kubernetes:yaml/v2:ConfigGroup").SelectMany(g => ProgramModel.Maps(g.Props, "objs")), o => ProgramModel.Str(o, "kind") == "PrometheusRule");
    }

    [Fact]
    public void Dashboards_are_configmaps_for_grafanas_sidecar_and_charts_are_the_pinned_ones()
    {
        var m = Model("normaldance", "prod");
        var dashboards = m.OfType("kubernetes:core/v1:ConfigMap").Where(c => ProgramModel.Labels(c.Props, "metadata.labels").GetValueOrDefault("grafana_dashboard") == "1").ToList();
        Assert.NotEmpty(dashboards);
        Assert.All(dashboards, d => Assert.Equal("monitoring", ProgramModel.Str(d.Props, "metadata.namespace")));
        var charts = m.OfType("kubernetes:helm.sh/v3:Release").ToDictionary(r => ProgramModel.Str(r.Props, "chart")!, r => ProgramModel.Str(r.Props, "version"));
        Assert.Equal(["cert-manager", "kube-prometheus-stack", "loki", "promtail", "traefik"], charts.Keys.Order(StringComparer.Ordinal));
        var ingress = m.OfType("kubernetes:networking.k8s.io/v1:Ingress").Single();
        Assert.Equal("letsencrypt", ProgramModel.Labels(ingress.Props, "metadata.annotations")["cert-manager.io/cluster-issuer"]);
        Assert.Equal(K8s.Host, ProgramModel.Str(ProgramModel.Maps(ingress.Props, "spec.rules").Single(), "host"));
    }

    [Fact]
    public void Every_namespaced_object_depends_on_its_namespace()
    {
        var m = Model("normaldance", "prod");
        var nsNames = m.OfType("kubernetes:core/v1:Namespace").ToDictionary(n => ProgramModel.Str(n.Props, "metadata.name")!, n => "${" + n.Name + "}");
        foreach (var r in m.Resources.Where(r => r.Type.StartsWith("kubernetes:", StringComparison.Ordinal) && r.Type != "kubernetes:yaml/v2:ConfigGroup"))
        {
            if (ProgramModel.Str(r.Props, "metadata.namespace") is not { } ns && ProgramModel.Str(r.Props, "namespace") is not { } _) continue;
            var target = ProgramModel.Str(r.Props, "metadata.namespace") ?? ProgramModel.Str(r.Props, "namespace")!;
            var deps = (ProgramModel.Get(r.Options, "dependsOn") as YamlSequenceNode)?.Children.Select(c => c.ToString()).ToList() ?? [];
            // Directly, or through a Helm release / ConfigGroup that does.
            Assert.True(deps.Contains(nsNames[target]) || deps.Any(d => d.Contains("kube-prometheus-stack", StringComparison.Ordinal) || d.Contains("traefik", StringComparison.Ordinal) || d.Contains("loki", StringComparison.Ordinal)),
                $"{r.Name} in {target} does not depend on its namespace");
        }
    }
}
