using Infra.Components.Core;
using Infra.Stacks.Composition;
using Infra.Stacks.Model;

namespace Infra.Tests.Programs;

/// <summary>Departures are declared with an id of the doc's form, a reason and known environments, or the system is rejected.</summary>
public class DepartureDeclarationTests
{
    private static StackSettings Dev => StackSettings.Create("t", "pliers", "dev", "docker",
        new Dictionary<string, ImageSetting>(), new Dictionary<string, int>(), new Dictionary<string, int>(), false, "Pulumi.t.yaml");

    private static SystemBuilder Builder()
    {
        var b = new SystemBuilder("shop", "test shop", "seed 009 (test)", "stacks/Systems/Shop.cs");
        b.AddService("api").WithHttp(8000, "/health");
        return b;
    }

    private static InputException Rejected(SystemBuilder b) =>
        Assert.Throws<InputException>(() => Synthesizer.Compose(Dev with { System = "shop" }, b.Build()));

    [Theory]
    [InlineData("9-1")]
    [InlineData("009-1")]
    [InlineData("009_01")]
    [InlineData("")]
    public void An_id_not_of_the_form_seed_dash_row_is_rejected(string id)
    {
        var b = Builder();
        b.Departs(id, "L1: something the seed says", "a reason that is long enough");
        var e = Rejected(b);
        Assert.Contains("departures[0].id", e.Message);
        Assert.Contains("001-07", e.Message);
    }

    [Fact]
    public void The_same_id_twice_is_rejected()
    {
        var b = Builder();
        b.Departs("009-01", "L1: something", "a reason that is long enough");
        b.NotYet("009-01", "L2: something else", "another reason, long enough");
        Assert.Contains("declared twice", Rejected(b).Message);
    }

    [Fact]
    public void A_departure_needs_a_reason_and_known_environments()
    {
        var b = Builder();
        b.Departs("009-01", "L1: something", "because");
        Assert.Contains("departures[0].reason", Rejected(b).Message);

        b = Builder();
        b.Departs("009-01", "L1: something", "a reason that is long enough", "production");
        var e = Rejected(b);
        Assert.Contains("departures[0].environments", e.Message);
        Assert.Contains("dev, staging, prod", e.Message);
    }

    [Fact]
    public void Environments_limit_where_a_departure_applies()
    {
        var b = Builder();
        b.Departs("009-01", "L1: everywhere", "a reason that is long enough");
        b.NotYet("009-02", "L2: only prod", "a reason that is long enough", "prod");
        var def = b.Build();
        Assert.Equal(["009-01"], def.DeparturesIn("dev").Select(d => d.Id));
        Assert.Equal(["009-01", "009-02"], def.DeparturesIn("prod").Select(d => d.Id));
        Assert.Equal("009", def.Departures[1].Seed);
        Assert.Equal("not yet", def.Departures[1].Label);
        Synthesizer.Compose(Dev with { System = "shop" }, def); // valid declarations compose
    }

    [Fact]
    public void Plan_of_a_generated_system_has_no_seed_section()
    {
        var r = Synth.Cli("plan", "--generated", "3", "--env", "dev");
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.DoesNotContain("Departures from the seed", r.Stdout);
    }
}

/// <summary>Seed values the model holds for the composer: per-environment variables and a replica maximum.</summary>
public class SeedModelValuesTests
{
    [Fact]
    public void ConsensusNet_declares_development_values_for_dev()
    {
        var def = Infra.Stacks.Systems.SystemCatalog.Find("consensusnet")!;
        foreach (var (svc, name) in new[] { ("api", "ENV"), ("agent", "ENV"), ("frontend", "NODE_ENV") })
        {
            var s = def.FindService(svc)!;
            Assert.Contains(new KeyValuePair<string, string>(name, "development"), s.EnvironmentFor("dev"));
            Assert.DoesNotContain(new KeyValuePair<string, string>(name, "production"), s.EnvironmentFor("dev"));
            Assert.Contains(new KeyValuePair<string, string>(name, "production"), s.EnvironmentFor("staging"));
            Assert.Contains(new KeyValuePair<string, string>(name, "production"), s.EnvironmentFor("prod"));
        }
    }

    [Fact]
    public void Overrides_replace_in_place_and_add_new_names_at_the_end()
    {
        var b = new SystemBuilder("shop", "t", "t");
        var s = b.AddService("api").WithEnv("A", "1").WithEnv("B", "2").WithEnvIn("dev", "A", "x").WithEnvIn("dev", "C", "3").Definition;
        Assert.Equal(["A=x", "B=2", "C=3"], s.EnvironmentFor("dev").Select(e => $"{e.Key}={e.Value}"));
        Assert.Equal(["A=1", "B=2"], s.EnvironmentFor("prod").Select(e => $"{e.Key}={e.Value}"));
    }

    [Fact]
    public void Pliers_ai_service_runs_at_most_two_replicas()
    {
        var ai = Infra.Stacks.Systems.SystemCatalog.Find("pliers")!.FindService("ai-service")!;
        Assert.Equal([1, 2, 2], new[] { 1, 2, 3 }.Select(ai.ReplicasFor));
        var api = Infra.Stacks.Systems.SystemCatalog.Find("pliers")!.FindService("api")!;
        Assert.Equal([1, 2, 3], new[] { 1, 2, 3 }.Select(api.ReplicasFor));
    }

    [Fact]
    public void Bad_overrides_and_maximums_are_rejected()
    {
        static InputException Rejected(Action<ServiceBuilder> configure)
        {
            var b = new SystemBuilder("shop", "test shop", "test", "stacks/Systems/Shop.cs");
            configure(b.AddService("api").WithHttp(8000, "/health"));
            var settings = StackSettings.Create("t", "pliers", "dev", "docker", new Dictionary<string, ImageSetting>(), new Dictionary<string, int>(), new Dictionary<string, int>(), false, "Pulumi.t.yaml");
            return Assert.Throws<InputException>(() => Synthesizer.Compose(settings with { System = "shop" }, b.Build()));
        }
        Assert.Contains("unknown environment", Rejected(s => s.WithEnvIn("development", "ENV", "x")).Message);
        Assert.Contains("set twice", Rejected(s => s.WithEnvIn("dev", "ENV", "x").WithEnvIn("dev", "ENV", "y")).Message);
        Assert.Contains("letters, digits", Rejected(s => s.WithEnvIn("dev", "1ENV", "x")).Message);
        Assert.Contains("secret", Rejected(s => s.WithSecret("TOKEN", SecretSource.Generated(16)).WithEnvIn("dev", "TOKEN", "x")).Message);
        Assert.Contains("maxReplicas", Rejected(s => s.WithMinReplicas(3).WithMaxReplicas(2)).Message);
    }
}

/// <summary>Seed values for data and monitoring the model holds for the composer.</summary>
public class SeedModelDataValuesTests
{
    [Fact]
    public void Declared_external_database_log_retention_and_loki_port()
    {
        var db = Infra.Stacks.Systems.SystemCatalog.Find("consensusnet")!.Database!;
        Assert.True(db.IsExternalIn("prod"));
        Assert.False(db.IsExternalIn("dev"));
        Assert.Equal("databaseUrl", db.ExternalUrlConfig);
        Assert.Equal(14, Infra.Stacks.Systems.SystemCatalog.Find("vru")!.Monitoring!.LogRetentionDays);
        Assert.Equal(3100, Infra.Stacks.Systems.SystemCatalog.Find("pliers")!.Monitoring!.LokiHostPort);
    }

    [Fact]
    public void Bad_declarations_are_rejected()
    {
        static string Rejected(Action<SystemBuilder> configure)
        {
            var b = new SystemBuilder("shop", "test shop", "test", "stacks/Systems/Shop.cs");
            b.AddService("api").WithHttp(8000, "/health");
            b.AddPostgres("db", "shop", "shop");
            b.AddMonitoring(3003);
            configure(b);
            var settings = StackSettings.Create("t", "pliers", "dev", "docker", new Dictionary<string, ImageSetting>(), new Dictionary<string, int>(), new Dictionary<string, int>(), false, "Pulumi.t.yaml");
            return Assert.Throws<InputException>(() => Synthesizer.Compose(settings with { System = "shop" }, b.Build())).Message;
        }
        Assert.Contains("database.externalIn", Rejected(b => b.UseExternalDatabase("databaseUrl", "production")));
        Assert.Contains("database.externalUrlConfig", Rejected(b => b.UseExternalDatabase("DATABASE_URL", "prod")));
        Assert.Contains("host port 3003 is published twice", Rejected(b => b.PublishLoki(3003)));
        Assert.Contains("monitoring.logRetentionDays", Rejected(b => b.RetainLogs(0)));
    }
}
