using Infra.Components.Core;
using Infra.Stacks.Composition;
using Infra.Stacks.Model;
using Infra.Stacks.Profiles;

namespace Infra.Tests.Programs;

/// <summary>System definitions with mistakes: each is one InputException naming the system file and key.</summary>
public class SystemValidationTests
{
    private static StackSettings Dev => StackSettings.Create("t", "pliers", "dev", "docker",
        new Dictionary<string, ImageSetting>(), new Dictionary<string, int>(), new Dictionary<string, int>(), false, "Pulumi.t.yaml");

    private static SystemBuilder Builder() => new("shop", "test shop", "test", "stacks/Systems/Shop.cs");

    private static InputException Rejected(SystemBuilder b) =>
        Assert.Throws<InputException>(() => Synthesizer.Compose(Dev with { System = "shop" }, b.Build()));

    [Fact]
    public void Duplicate_service_names()
    {
        var b = Builder();
        b.AddService("api").WithHttp(8000, "/health");
        b.AddService("api").WithHttp(8001, "/health");
        var e = Rejected(b);
        Assert.Contains("stacks/Systems/Shop.cs", e.Message);
        Assert.Contains("duplicate name", e.Message);
    }

    [Fact]
    public void Reference_to_an_undefined_service()
    {
        var b = Builder();
        b.AddService("api").WithHttp(8000, "/health").WithReference("billing");
        var e = Rejected(b);
        Assert.Contains("services[api].references", e.Message);
        Assert.Contains("'billing'", e.Message);
        Assert.Contains("undefined service", e.Message);
    }

    [Fact]
    public void Two_services_publishing_the_same_host_port_in_the_definition()
    {
        var b = Builder();
        b.AddService("api").WithHttp(8000, "/health", publish: 8080);
        b.AddService("admin").WithHttp(9000, "/health", publish: 8080);
        var e = Rejected(b);
        Assert.Contains("services[admin].ports[0].publish", e.Message);
        Assert.Contains("service 'api'", e.Message);
    }

    [Fact]
    public void Reference_cycle_names_the_loop()
    {
        var b = Builder();
        var a = b.AddService("a").WithHttp(8000, "/health");
        var c = b.AddService("c").WithHttp(8001, "/health").WithReference(a);
        a.WithReference(c);
        var e = Rejected(b);
        Assert.Contains("a -> c -> a", e.Message);
    }

    [Fact]
    public void Undefined_network()
    {
        var b = Builder();
        b.AddService("api").WithHttp(8000, "/health").OnNetworks("dmz");
        Assert.Contains("undefined network", Rejected(b).Message);
    }

    [Fact]
    public void Invalid_service_name()
    {
        var b = Builder();
        b.AddService("Api_Server").WithHttp(8000, "/health");
        Assert.Contains(SystemValidator.NameRule, Rejected(b).Message);
    }

    [Fact]
    public void A_valid_custom_system_composes()
    {
        var b = Builder();
        var db = b.AddPostgres("db", "shop", "shop");
        b.AddService("api").WithHttp(8000, "/health", publish: 8000).WithReference(db);
        var program = Synthesizer.Compose(Dev with { System = "shop" }, b.Build());
        Assert.Contains(program.AllInOrder, r => r.Name == "shop-api-1");
        Assert.Equal(EnvironmentProfile.Dev, Dev.Environment);
    }
}
