using Infra.Components.Configs;
using Infra.Components.Core;

namespace Infra.Tests.Programs;

/// <summary>Where the data backups and the cache replica are wired (the runtime tier runs and restores them: DataBackupRuntimeTests, RedisReplicaRuntimeTests).</summary>
public class DataBackupProgramTests
{
    private static readonly string[] Stateful = ["staging", "prod"];

    [Fact] // 000-15
    public void Pinai_archives_every_app_data_volume_read_only_as_uid_1000_outside_dev()
    {
        Assert.DoesNotContain(ProgramView.Of("pinai", "dev").Names, n => n.Contains("volume-backup", StringComparison.Ordinal));
        foreach (var env in Stateful)
        {
            var p = ProgramView.Of("pinai", env);
            const string sidecar = "pinai-volume-backup-1000";
            Assert.Equal("1000:1000", p.Str(sidecar, "user"));
            Assert.Equal(["/backups", "/volumes/registry", "/volumes/matcher", "/volumes/validator-1", "/volumes/validator-2", "/volumes/validator-3"], p.VolumePaths(sidecar));
            var mounts = ((YamlDotNet.RepresentationModel.YamlSequenceNode)p.Props(sidecar)["volumes"]).Children.Cast<YamlDotNet.RepresentationModel.YamlMappingNode>().ToList();
            Assert.All(mounts.Skip(1), m => Assert.Equal("true", ((YamlDotNet.RepresentationModel.YamlScalarNode)m["readOnly"]).Value));
            Assert.False(mounts[0].Children.ContainsKey(new YamlDotNet.RepresentationModel.YamlScalarNode("readOnly")), "the backup volume is writable");
            Assert.True(p.Protected("pinai-volume-backup-1000-data"), "the backup volume is protected");
            Assert.Contains("${pinai-volume-backup-1000-volume-init}", p.DependsOn(sidecar));
            Assert.Equal(env == "prod" ? "BACKUP_MODE=hourly+daily" : "BACKUP_MODE=daily", p.Envs(sidecar).Single(e => e.StartsWith("BACKUP_MODE=", StringComparison.Ordinal)));
            Assert.Equal(["/opt/backup/backup.sh", "/opt/backup/restore.sh", "/opt/backup/schedule.sh"], p.Uploads(sidecar).Select(u => u.File).Order(StringComparer.Ordinal));
        }
    }

    [Fact] // 003-19
    public void Vru_archives_monitoring_volumes_one_sidecar_per_owner_and_not_the_database_cache_or_promtail()
    {
        var p = ProgramView.Of("vru", "prod");
        Assert.Equal(["/backups", "/volumes/grafana"], p.VolumePaths("vru-volume-backup-472"));
        Assert.Equal(["/backups", "/volumes/loki"], p.VolumePaths("vru-volume-backup-10001"));
        Assert.Equal(["/backups", "/volumes/prometheus", "/volumes/alertmanager"], p.VolumePaths("vru-volume-backup-65534"));
        Assert.Equal(3, p.Containers().Count(c => c.Contains("volume-backup", StringComparison.Ordinal)));
        Assert.Equal("472:0", p.Str("vru-volume-backup-472", "user"));
    }

    [Theory] // 001-33
    [InlineData("pliers")]
    [InlineData("vru")]
    [InlineData("normaldance")]
    [InlineData("consensusnet")]
    public void Every_cache_is_snapshotted_with_the_password_only_in_the_environment_outside_dev(string system)
    {
        Assert.DoesNotContain(ProgramView.Of(system, "dev").Names, n => n.EndsWith("redis-backup", StringComparison.Ordinal));
        foreach (var env in Stateful)
        {
            var p = ProgramView.Of(system, env);
            var sidecar = $"{system}-redis-backup";
            Assert.Equal($"REDISCLI_AUTH=${{{system}-redis-password.result}}", p.Env(sidecar, "REDISCLI_AUTH") is { } v ? "REDISCLI_AUTH=" + v : null);
            Assert.Equal(["sh", "/opt/backup/schedule.sh"], p.List(sidecar, "command"));
            var script = p.Uploads(sidecar).Single(u => u.File == "/opt/backup/backup.sh").Content!;
            Assert.Contains("--rdb", script);
            Assert.DoesNotContain(" -a ", script);
            Assert.Equal("999:1000", p.Str(sidecar, "user"));
        }
    }

    [Fact] // 004-09
    public void Normaldance_runs_a_read_only_replica_with_masterauth_from_the_environment_in_staging_and_prod_only()
    {
        Assert.False(ProgramView.Of("normaldance", "dev").Has("normaldance-redis-replica"));
        Assert.False(ProgramView.Of("pliers", "prod").Has("pliers-redis-replica"));
        foreach (var env in Stateful)
        {
            var p = ProgramView.Of("normaldance", env);
            var command = p.List("normaldance-redis-replica", "command")[^1];
            Assert.Contains("--masterauth \"$$REDIS_PASSWORD\" --replicaof redis 6379 --replica-read-only yes", command);
            Assert.Contains("master_link_status:up", p.HealthOf("normaldance-redis-replica")!.Command);
            Assert.True(p.Protected("normaldance-redis-replica-data"));
            Assert.Empty(p.Published("normaldance-redis-replica"));
        }
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("-x")]
    [InlineData("x;rm")]
    [InlineData("")]
    public void Script_names_that_are_not_plain_words_are_refused(string name)
    {
        var e = Assert.Throws<ConfigException>(() => DataBackupScripts.RenderVolumeBackup("sys", [name], new DataBackupRetention()));
        Assert.Contains("Volume name", e.Message);
        Assert.Throws<ConfigException>(() => DataBackupScripts.RenderRedisBackup("sys", name, new DataBackupRetention()));
        Assert.Throws<ConfigException>(() => RedisConfig.ReplicaStartCommand("/etc/redis.conf", name == "" ? "" : name + " "));
    }

    [Fact]
    public void A_volume_backup_needs_volumes_with_distinct_names_and_a_retention_of_at_least_one()
    {
        Assert.Throws<ConfigException>(() => DataBackupScripts.RenderVolumeBackup("sys", [], new DataBackupRetention()));
        Assert.Throws<ConfigException>(() => DataBackupScripts.RenderVolumeBackup("sys", ["a", "a"], new DataBackupRetention()));
        Assert.Throws<ConfigException>(() => DataBackupScripts.RenderVolumeBackup("sys", ["a"], new DataBackupRetention(0, 14)));
    }
}
