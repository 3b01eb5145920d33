using Infra.Components.Core;
using Infra.Components.Docker;
using Infra.Components.Workloads;

namespace Infra.Tests.Core;

public class DockerInfraComponentTests
{
    private static (StackProgram, ComponentGroup) Root()
    {
        var p = new StackProgram("platform", "t");
        return (p, new ComponentGroup(p, "sys"));
    }

    [Fact]
    public void Image_pulls_by_reference_or_builds_from_a_context()
    {
        var (_, g) = Root();
        var pulled = DockerImage.Pull(g, "web", "nginx:1.27");
        var built = DockerImage.Build(g, "api", "acme/api:dev", "./apps/api", "Dockerfile.api");
        Assert.Equal("docker:index/remoteImage:RemoteImage", pulled.Resource.Type);
        Assert.Equal("imageId", pulled.ImageId.Path);
        Assert.Equal("docker:index/image:Image", built.Resource.Type);
        Assert.Equal("imageName", built.ImageId.Path);
        Assert.True(((Bool)built.Resource.Properties.Get("skipPush")!).Flag);
    }

    [Fact]
    public void Reverse_proxy_runs_unprivileged_without_the_docker_socket_and_waits_for_upstreams()
    {
        var (_, g) = Root();
        var upstream = new DockerService(g, "api", new DockerServiceArgs { Image = "x" }).Containers[0];
        var proxy = new ReverseProxy(g, "traefik", new ReverseProxyArgs
        {
            Kind = ProxyKind.Traefik, Files = [new ConfigFile("/etc/traefik/traefik.yml", "entryPoints: {}\n")],
            HttpsHostPort = 443, Upstreams = [upstream],
        });
        var c = proxy.Service.Containers[0];
        Assert.Equal("65534:65534", ((Str)c.Properties.Get("user")!).Text);
        Assert.Null(c.Properties.Get("volumes"));
        Assert.Contains(upstream, c.Options.DependsOn);
        var ports = ((ListValue)c.Properties.Get("ports")!).Items.OfType<MapValue>().Select(p => (((Num)p["internal"]!).Number, ((Num)p["external"]!).Number)).ToList();
        Assert.Equal([(8000.0, 80.0), (8443.0, 443.0)], ports);
    }

    [Fact]
    public void Monitoring_runs_prometheus_loki_and_grafana_with_a_generated_admin_password()
    {
        var (p, g) = Root();
        var m = new Monitoring(g, "monitoring", new MonitoringArgs { PrometheusFiles = [new ConfigFile("/etc/prometheus/prometheus.yml", "x")], Loki = true, GrafanaHostPort = 3003 });
        Assert.NotNull(m.Loki);
        Assert.NotNull(m.Grafana);
        Assert.True(m.AdminPassword!.IsSecret);
        Assert.Contains(m.Prometheus.Containers[0], m.Grafana!.Containers[0].Options.DependsOn);
        Assert.All(p.AllInOrder.Where(r => r.Traits.Contains(Traits.Workload)), r => Assert.Contains(Traits.Monitoring, r.Traits));
        // prometheus, loki, grafana and promtail's positions file.
        Assert.Equal(4, p.AllInOrder.Count(r => r.Type == "docker:index/volume:Volume"));
        Assert.NotNull(m.LogCollector);
    }

    [Fact]
    public void Backup_runs_on_the_database_image_with_libpq_environment_and_its_own_volume()
    {
        var (p, g) = Root();
        var db = new PostgresDatabase(g, "postgres", new PostgresArgs { Database = "app", User = "app" });
        var backup = new DatabaseBackup(g, "backup", new DatabaseBackupArgs
        {
            Database = db, Schedule = BackupSchedule.HourlyAndDaily, BackupScript = new ConfigFile("/opt/backup/backup.sh", "#!/bin/sh\n"),
        });
        var c = backup.Service.Containers[0];
        Assert.Contains(Traits.Backup, c.Traits);
        Assert.Contains(db.Container, c.Options.DependsOn);
        var yaml = ProgramEmitter.Emit(p);
        Assert.Contains("PGPASSWORD=${sys-postgres-password.result}", yaml);
        Assert.Contains("BACKUP_MODE=hourly+daily", yaml);
        Assert.Contains("sys-backup-data:", yaml);
        Assert.Throws<SynthesisException>(() => new DatabaseBackup(g, "none", new DatabaseBackupArgs
        {
            Database = db, Schedule = BackupSchedule.None, BackupScript = new ConfigFile("/opt/backup/backup.sh", ""),
        }));
    }

    [Fact]
    public void Internal_network_with_a_subnet()
    {
        var (_, g) = Root();
        var n = new DockerNetwork(g, "subnet", @internal: true, subnet: "172.28.0.0/16");
        Assert.True(((Bool)n.Resource.Properties.Get("internal")!).Flag);
        Assert.Contains("172.28.0.0/16", ProgramEmitter.Write(ProgramEmitter.Convert(n.Resource.Properties.Get("ipamConfigs")!)));
        Assert.Equal("sys-subnet", ((Str)n.Resource.Properties.Get("name")!).Text);
    }
}
