using Infra.Components.Core;
using Infra.Stacks.Composition;
using Infra.Stacks.Targets.Kubernetes;

namespace Infra.Tests.Aws;

/// <summary>Promotion by stack reference (issue 13): dev (docker) -> staging (kubernetes) -> prod (aws).</summary>
public class PromotionTests
{
    private const string Kubeconfig = "  platform:kubeconfig:\n    secure: v1:AAAA:BBBB\n";

    private static string KubeStack(string env, string extra = "") =>
        $"config:\n  platform:system: normaldance\n  platform:environment: {env}\n  platform:target: kubernetes\n" +
        $"  platform:host: app.example.com\n  platform:acmeEmail: ops@example.com\n{Kubeconfig}{extra}";

    private static StackProgram Run(string text, string stack) => Synthesizer.Run(StackSettings.Parse(text, $"Pulumi.{stack}.yaml", stack)).Program;

    private static Resource Reference(StackProgram p) => Assert.Single(p.AllInOrder, r => r.Type == "pulumi:pulumi:StackReference");

    private static string Expr(string reference, string service) => $"${{{reference}.outputs[\"images\"][\"{service}\"]}}";

    [Fact]
    public void Staging_reads_every_unpinned_image_from_devs_exported_images_by_key()
    {
        var p = Run(KubeStack("staging"), "staging");
        var reference = Reference(p);
        Assert.Equal("organization/platform/dev", Prop(reference, "name"));
        var yaml = ProgramEmitter.Emit(p);
        Assert.Contains("    type: pulumi:pulumi:StackReference\n    properties:\n      name: organization/platform/dev\n", yaml, StringComparison.Ordinal);
        foreach (var svc in new[] { "api", "worker", "frontend", "solana-rpc-proxy" })
        {
            var images = ImagesOf(p, svc);
            Assert.NotEmpty(images);
            Assert.All(images, i => Assert.Equal(new OutputRef(reference, $"outputs[\"images\"][\"{svc}\"]"), i));
            Assert.Contains(Expr(reference.Name, svc).Replace("\"", "\\\"", StringComparison.Ordinal), yaml, StringComparison.Ordinal);
        }
        // The next stack promotes what this one deployed.
        var exported = Assert.IsType<MapValue>(p.Outputs.Single(o => o.Key == "images").Value);
        Assert.Equal(new OutputRef(reference, "outputs[\"images\"][\"api\"]"), exported["api"]);
    }

    [Fact]
    public void A_pin_in_config_overrides_the_reference_and_all_pins_need_no_reference()
    {
        var one = Run(KubeStack("staging", "  platform:images:\n    api: ghcr.io/normaldance/api@sha256:" + new string('a', 64) + "\n"), "staging");
        Assert.All(ImagesOf(one, "api"), i => Assert.Equal(new Str("ghcr.io/normaldance/api@sha256:" + new string('a', 64)), i));
        Assert.All(ImagesOf(one, "worker"), i => Assert.IsType<OutputRef>(i));
        var all = Run(KubeStack("staging", "  platform:images:\n" + string.Concat(new[] { "api", "worker", "frontend", "solana-rpc-proxy" }.Select(s => $"    {s}: ghcr.io/normaldance/{s}:1.4.2\n"))), "staging");
        Assert.DoesNotContain(all.AllInOrder, r => r.Type == "pulumi:pulumi:StackReference");
    }

    [Fact]
    public void The_shipped_prod_stack_promotes_from_staging_on_aws()
    {
        var p = Synthesizer.Run(StackSettings.Load(Programs.Synth.RepoRoot(), "prod")).Program;
        var reference = Reference(p);
        Assert.Equal("organization/platform/staging", Prop(reference, "name"));
        Assert.All(ImagesOf(p, "api"), i => Assert.Equal(new OutputRef(reference, "outputs[\"images\"][\"api\"]"), i));
        Assert.Contains(p.Outputs, o => o.Key == "images");
    }

    [Fact]
    public void PromoteFrom_names_another_stack_or_turns_promotion_off()
    {
        var p = Run(KubeStack("prod", "  platform:promoteFrom: acme/platform/staging-eu\n"), "prod");
        Assert.Equal("acme/platform/staging-eu", Prop(Reference(p), "name"));
        var off = Assert.Throws<InputException>(() => Run(KubeStack("prod", "  platform:promoteFrom: none\n"), "prod"));
        Assert.Contains("real images only", off.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("staging", "not a stack reference")]
    [InlineData("platform/staging", "not a stack reference")]
    [InlineData("organization/platform/staging/extra", "not a stack reference")]
    [InlineData("organization/platform/prod", "cannot promote from itself")]
    public void A_malformed_promotion_source_is_an_error_at_synthesis(string from, string message)
    {
        var e = Assert.Throws<InputException>(() => Run(KubeStack("prod", $"  platform:promoteFrom: {from}\n"), "prod"));
        Assert.Contains("platform:promoteFrom", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Docker_dev_exports_the_digests_it_pulled_and_never_a_stand_in()
    {
        var docker = "config:\n  platform:system: normaldance\n  platform:environment: dev\n  platform:images:\n    api: ghcr.io/normaldance/api:1.4.2\n";
        var p = Run(docker, "dev");
        var images = Assert.IsType<MapValue>(p.Outputs.Single(o => o.Key == "images").Value);
        var api = Assert.IsType<OutputRef>(images["api"]);
        Assert.Equal("repoDigest", api.Path);
        Assert.Equal("docker:index/remoteImage:RemoteImage", api.Resource.Type);
        Assert.Null(images["worker"]); // a stand-in is never promoted
        Assert.Contains("    api: \"${normaldance-api-image.repoDigest}\"", ProgramEmitter.Emit(p), StringComparison.Ordinal);
    }

    [Fact]
    public void Docker_staging_and_prod_pull_the_previous_stacks_digests_and_export_what_they_pulled()
    {
        // pliers-staging pins api only: ai-service and web are read from pliers-dev's exported images.
        var staging = Run("config:\n  platform:system: pliers\n  platform:environment: staging\n  platform:images:\n    api: ghcr.io/pliers/api:1.4.2\n", "pliers-staging");
        var reference = Reference(staging);
        Assert.Equal("organization/platform/pliers-dev", Prop(reference, "name"));
        var pulls = staging.AllInOrder.Where(r => r.Type == "docker:index/remoteImage:RemoteImage").ToDictionary(r => r.Name);
        Assert.Equal(new OutputRef(reference, "outputs[\"images\"][\"web\"]"), pulls["pliers-web-image"].Properties.Get("name"));
        Assert.Equal(new OutputRef(reference, "outputs[\"images\"][\"ai-service\"]"), pulls["pliers-ai-service-image"].Properties.Get("name"));
        Assert.Equal(new Str("ghcr.io/pliers/api:1.4.2"), pulls["pliers-api-image"].Properties.Get("name"));
        // The containers run the pulled image, and the stack exports the digest of every pull, promoted ones too.
        var web = staging.AllInOrder.First(r => r.Type == "docker:index/container:Container" && r.Name == "pliers-web-1");
        Assert.Equal(new OutputRef(pulls["pliers-web-image"], "imageId"), web.Properties.Get("image"));
        var exported = Assert.IsType<MapValue>(staging.Outputs.Single(o => o.Key == "images").Value);
        foreach (var svc in new[] { "api", "ai-service", "web" })
            Assert.Equal(new OutputRef(pulls[$"pliers-{svc}-image"], "repoDigest"), exported[svc]);
        Assert.Contains(staging.Notes, n => n.StartsWith("promotion: ai-service, web run the images stack organization/platform/pliers-dev exported", StringComparison.Ordinal));
        // The shipped pliers-prod stack pins nothing and promotes what pliers-staging deployed.
        var prod = Synthesizer.Run(StackSettings.Load(Programs.Synth.RepoRoot(), "pliers-prod")).Program;
        Assert.Equal("organization/platform/pliers-staging", Prop(Reference(prod), "name"));
        Assert.Equal(3, Assert.IsType<MapValue>(prod.Outputs.Single(o => o.Key == "images").Value).Entries.Count);
    }

    [Fact]
    public void A_host_stack_promotes_and_exports_like_docker()
    {
        var text = "config:\n  platform:system: pinai\n  platform:environment: prod\n  platform:target: host\n  platform:servers:\n" +
            $"    a:\n      address: 10.1.0.10\n      hostKey: {Host.HostStacks.HostKey}\n" + Host.HostStacks.Secret("sshPrivateKey");
        var p = Run(text, "pinai-prod");
        var reference = Reference(p);
        Assert.Equal("organization/platform/pinai-staging", Prop(reference, "name"));
        var pull = p.AllInOrder.Single(r => r.Type == "docker:index/remoteImage:RemoteImage" && r.Name == "pinai-registry-image");
        Assert.Equal(new OutputRef(reference, "outputs[\"images\"][\"registry\"]"), pull.Properties.Get("name"));
        var exported = Assert.IsType<MapValue>(p.Outputs.Single(o => o.Key == "images").Value);
        Assert.Equal(new OutputRef(pull, "repoDigest"), exported["registry"]);
    }

    [Fact]
    public void A_stack_on_several_hosts_exports_the_first_servers_pulls()
    {
        var text = "config:\n  platform:system: pinai\n  platform:environment: prod\n  platform:target: host\n  platform:servers:\n" +
            $"    a:\n      address: 10.1.0.10\n      hostKey: {Host.HostStacks.HostKey}\n" +
            $"    b:\n      address: 10.1.0.11\n      hostKey: {Host.HostStacks.HostKey}\n" + Host.HostStacks.Secret("sshPrivateKey");
        var p = Run(text, "pinai-prod");
        var exported = Assert.IsType<MapValue>(p.Outputs.Single(o => o.Key == "images").Value);
        Assert.Equal(5, exported.Entries.Count);
        var registry = Assert.IsType<OutputRef>(exported["registry"]);
        Assert.Equal(("pinai-a-registry-image", "repoDigest"), (registry.Resource.Name, registry.Path));
    }

    [Theory]
    [InlineData("staging", "staging", "organization/platform/dev")]
    [InlineData("prod", "prod", "organization/platform/staging")]
    [InlineData("pliers-prod", "prod", "organization/platform/pliers-staging")]
    [InlineData("eu-staging", "staging", "organization/platform/eu-dev")]
    [InlineData("qa", "staging", "organization/platform/dev")]
    public void The_default_promotion_source_is_the_previous_environments_stack_of_the_same_chain(string stack, string env, string expected)
    {
        var settings = StackSettings.Parse($"config:\n  platform:system: pliers\n  platform:environment: {env}\n", $"Pulumi.{stack}.yaml", stack);
        Assert.Equal(expected, settings.PromoteFrom);
        Assert.Null(StackSettings.Parse("config:\n  platform:system: pliers\n  platform:environment: dev\n", "Pulumi.dev.yaml", "dev").PromoteFrom);
    }

    private static string? Prop(Resource r, string key) => r.Properties.Get(key) is Str { Text: var t } ? t : null;

    /// <summary>The image of every container of a service's Deployments (all tracks).</summary>
    private static List<Value> ImagesOf(StackProgram p, string service) =>
        [.. p.AllInOrder.Where(r => r.Type == "kubernetes:apps/v1:Deployment"
                && At(r.Properties.Get("metadata"), "name") is Str { Text: var n } && (n == service || n.StartsWith(service + "-", StringComparison.Ordinal)))
            .SelectMany(r => At(r.Properties.Get("spec"), "template", "spec", "containers") is ListValue l ? l.Items : [])
            .Select(c => At(c, "image")!)];

    private static Value? At(Value? v, params string[] path)
    {
        foreach (var key in path) v = v is MapValue m ? m[key] : null;
        return v;
    }
}
