using Infra.Components.Core;
using Infra.Components.Docker;
using Infra.Components.Workloads;

namespace Infra.Tests.Core;

public class DockerComponentTests
{
    private static (StackProgram, ComponentGroup) Root()
    {
        var p = new StackProgram("platform", "t");
        return (p, new ComponentGroup(p, "sys"));
    }

    [Fact]
    public void Service_replicas_get_their_own_container_and_volume_and_share_an_alias()
    {
        var (p, g) = Root();
        var net = new DockerNetwork(g, "backend");
        var svc = new DockerService(g, "api", new DockerServiceArgs
        {
            Image = "busybox:1.36.1", Replicas = 3, DataPath = "/data", Networks = [net],
            Ports = [new ServicePort("http", 8080, HostPort: 8080)],
            Health = HealthCheck.Http("/health", 8080),
        });
        Assert.Equal(["sys-api-1", "sys-api-2", "sys-api-3"], svc.Containers.Select(c => c.Name));
        Assert.Equal(3, svc.Volumes.Count);
        Assert.All(svc.Volumes, v => Assert.True(v.Resource.Options.RetainOnDelete));
        Assert.NotNull(svc.Containers[0].Properties.Get("ports"));
        Assert.Null(svc.Containers[1].Properties.Get("ports")); // one host port, one replica
        Assert.Contains(p.Notes, n => n.Contains("3 replicas"));
        Assert.True(((Bool)svc.Containers[0].Properties.Get("wait")!).Flag);
    }

    [Fact]
    public void A_service_only_on_internal_networks_publishes_no_host_port_and_says_so()
    {
        var (p, g) = Root();
        var net = new DockerNetwork(g, "backend", @internal: true);
        var svc = new DockerService(g, "api", new DockerServiceArgs
        {
            Image = "busybox:1.36.1", Networks = [net], Ports = [new ServicePort("http", 8080, HostPort: 8080)], Health = HealthCheck.Http("/health", 8080),
        });
        Assert.Null(svc.Containers[0].Properties.Get("ports"));
        Assert.Contains(p.Notes, n => n.Contains("only on internal networks"));
    }

    [Fact]
    public void Service_defaults_are_secure()
    {
        var (_, g) = Root();
        var c = new DockerService(g, "api", new DockerServiceArgs { Image = "x" }).Containers[0];
        Assert.Equal("1000:1000", ((Str)c.Properties.Get("user")!).Text);
        Assert.Contains("ALL", ProgramEmitter.Write(ProgramEmitter.Convert(c.Properties.Get("capabilities")!)));
        Assert.Contains("no-new-privileges:true", ProgramEmitter.Write(ProgramEmitter.Convert(c.Properties.Get("securityOpts")!)));
    }

    [Fact]
    public void Config_files_are_uploaded_read_only()
    {
        var (_, g) = Root();
        var c = new DockerService(g, "api", new DockerServiceArgs { Image = "x", Files = [new ConfigFile("/app/config/a.yaml", "a: 1\n")] }).Containers[0];
        var upload = (MapValue)((ListValue)c.Properties.Get("uploads")!).Items[0];
        Assert.Equal("0444", ((Str)upload["permissions"]!).Text);
    }

    [Fact]
    public void Database_is_protected_where_data_is_real_and_password_is_generated()
    {
        var (p, g) = Root();
        var db = new PostgresDatabase(g, "postgres", new PostgresArgs { Database = "app", User = "app", Protect = true });
        Assert.Contains(Traits.Database, db.Container.Traits);
        Assert.True(db.Service.Volumes[0].Resource.Options.Protect);
        var pw = p.AllInOrder.Single(r => r.Type == "random:index/randomPassword:RandomPassword");
        Assert.True(pw.Options.Protect);
        Assert.True(db.ConnectionUrl.IsSecret);
        var yaml = ProgramEmitter.Emit(p);
        Assert.Contains("POSTGRES_PASSWORD=${sys-postgres-password.result}", yaml);
        Assert.Contains("pg_isready", yaml);
    }

    [Fact]
    public void Redis_password_comes_from_the_environment_not_the_command_or_file()
    {
        var (p, g) = Root();
        _ = new RedisCache(g, "redis", new RedisArgs { Conf = new ConfigFile("/usr/local/etc/redis/redis.conf", "appendonly yes\n") });
        var yaml = ProgramEmitter.Emit(p);
        Assert.Contains("--requirepass \\\"$$REDIS_PASSWORD\\\"", yaml);
        Assert.Contains("REDIS_PASSWORD=${sys-redis-password.result}", yaml);
    }
}
