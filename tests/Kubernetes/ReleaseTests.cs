using Infra.Tests.Programs;

namespace Infra.Tests.Kubernetes;

/// <summary>Blue-green (two Deployments, the Service selects the live colour) and canary (weighted Traefik route at the configured step).</summary>
public sealed class ReleaseTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("infra-releases-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ProgramModel Staging(string releases)
    {
        File.WriteAllText(Path.Combine(_root, "Pulumi.nd-staging.yaml"),
            "config:\n  platform:system: normaldance\n  platform:environment: staging\n  platform:target: kubernetes\n" +
            "  platform:kubeconfig:\n    secure: v1:AAAA:BBBB\n  platform:host: nd.example.com\n  platform:acmeEmail: ops@example.com\n" +
            "  platform:images:\n    api: ghcr.io/n/api:1.4.2\n    worker: ghcr.io/n/worker:1.4.2\n    frontend: ghcr.io/n/web:1.4.2\n    solana-rpc-proxy: ghcr.io/n/solana:1.4.2\n" +
            "  platform:releases:\n" + releases);
        var r = Synth.CliIn(_root, "synth", "--stack", "nd-staging");
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Empty(new Infra.Tests.Schema.SchemaValidator(Infra.Tests.Schema.ProviderSchemas.Shared).Validate(r.Stdout));
        return new ProgramModel(r.Stdout);
    }

    [Theory]
    [InlineData("blue")]
    [InlineData("green")]
    public void Blue_green_runs_two_deployments_and_the_service_selects_the_live_colour(string active)
    {
        var model = Staging($"    api: {{strategy: blue-green, active: {active}, blue: ghcr.io/n/api:1.4.2, green: ghcr.io/n/api:1.5.0}}\n");
        var blue = model.Resources.Single(r => r.Name == "normaldance-api-deployment-blue");
        var green = model.Resources.Single(r => r.Name == "normaldance-api-deployment-green");
        Assert.Equal("ghcr.io/n/api:1.4.2", ProgramModel.Str(ProgramModel.Maps(blue.Props, "spec.template.spec.containers").Single(), "image"));
        Assert.Equal("ghcr.io/n/api:1.5.0", ProgramModel.Str(ProgramModel.Maps(green.Props, "spec.template.spec.containers").Single(), "image"));
        var service = model.Resources.Single(r => r.Name == "normaldance-api-service");
        Assert.Equal(active, ProgramModel.Labels(service.Props, "spec.selector")["platform/track"]);
        // Each colour is reachable by name for smoke tests before the switch.
        Assert.Contains(model.Resources, r => r.Name == "normaldance-api-service-blue");
        Assert.Contains(model.Resources, r => r.Name == "normaldance-api-service-green");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(100)]
    public void Canary_splits_the_public_route_by_the_configured_step(int step)
    {
        var model = Staging($"    api: {{strategy: canary, step: {step}, image: ghcr.io/n/api:1.5.0}}\n");
        Assert.Contains(model.Resources, r => r.Name == "normaldance-api-deployment-stable");
        var canary = model.Resources.Single(r => r.Name == "normaldance-api-deployment-canary");
        Assert.Equal("ghcr.io/n/api:1.5.0", ProgramModel.Str(ProgramModel.Maps(canary.Props, "spec.template.spec.containers").Single(), "image"));
        var group = model.Resources.Single(r => r.Type == "kubernetes:yaml/v2:ConfigGroup" && r.Name.Contains("weighted-routes", StringComparison.Ordinal));
        var route = ProgramModel.Maps(group.Props, "objs").Single();
        Assert.Equal("IngressRoute", ProgramModel.Str(route, "kind"));
        var services = ProgramModel.Maps(ProgramModel.Maps(route, "spec.routes").Single(), "services").ToList();
        Assert.Equal(["api-stable", "api-canary"], services.Select(s => ProgramModel.Str(s, "name")));
        Assert.Equal([(100 - step).ToString(System.Globalization.CultureInfo.InvariantCulture), step.ToString(System.Globalization.CultureInfo.InvariantCulture)], services.Select(s => ProgramModel.Str(s, "weight")));
        // The plain Ingress keeps the other route (/) and no longer carries /api.
        var ingress = model.OfType("kubernetes:networking.k8s.io/v1:Ingress").Single();
        var paths = ProgramModel.Maps(ProgramModel.Maps(ingress.Props, "spec.rules").Single(), "http.paths").Select(p => ProgramModel.Str(p, "path")).ToList();
        Assert.Equal(["/"], paths);
    }
}

/// <summary>Releases arrive from the engine as JSON text like the other object keys.</summary>
public class ReleaseEngineConfigTests
{
    [Fact]
    public void Releases_from_PULUMI_CONFIG_are_read_like_the_stack_file()
    {
        var r = Synth.CliEnv(null, new Dictionary<string, string>
        {
            ["PULUMI_STACK"] = "staging",
            ["PULUMI_CONFIG"] = """{"platform:system":"normaldance","platform:environment":"staging","platform:target":"kubernetes","platform:kubeconfig":"PLANTED-kubeconfig-9f3a","platform:host":"nd.example.com","platform:acmeEmail":"ops@example.com","platform:images":"{\"api\":\"ghcr.io/n/api:1.0.0\",\"worker\":\"ghcr.io/n/w:1.0.0\",\"frontend\":\"ghcr.io/n/f:1.0.0\",\"solana-rpc-proxy\":\"ghcr.io/n/s:1.0.0\"}","platform:releases":"{\"api\":{\"strategy\":\"canary\",\"step\":50}}"}""",
        }, "synth");
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Contains("name: api-canary", r.Stdout);
        Assert.Contains("weight: 50", r.Stdout);
        Assert.DoesNotContain("PLANTED-kubeconfig", r.Stdout + r.Stderr); // the secret's value is never read into the program
    }
}
