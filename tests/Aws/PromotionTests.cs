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
    public void Docker_stacks_pin_their_images_and_dev_exports_the_digests_it_pulled()
    {
        var docker = "config:\n  platform:system: normaldance\n  platform:environment: dev\n  platform:images:\n    api: ghcr.io/normaldance/api:1.4.2\n";
        var p = Run(docker, "dev");
        var images = Assert.IsType<MapValue>(p.Outputs.Single(o => o.Key == "images").Value);
        var api = Assert.IsType<OutputRef>(images["api"]);
        Assert.Equal("repoDigest", api.Path);
        Assert.Equal("docker:index/remoteImage:RemoteImage", api.Resource.Type);
        Assert.Null(images["worker"]); // a stand-in is never promoted
        Assert.Contains("    api: \"${normaldance-api-image.repoDigest}\"", ProgramEmitter.Emit(p), StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => Run(docker.Replace("dev\n", "staging\n", StringComparison.Ordinal) + "  platform:promoteFrom: organization/platform/dev\n", "staging"));
        Assert.Contains("docker target pins its images", e.Message, StringComparison.Ordinal);
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
