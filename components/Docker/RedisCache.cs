using Infra.Components.Core;
using Infra.Components.Workloads;

namespace Infra.Components.Docker;

public sealed record RedisArgs : DataServiceArgs
{
    public RedisArgs() => Image = DataServiceDefaults.RedisImage;

    /// <summary>redis.conf (append-only, maxmemory); the password is never in it.</summary>
    public ConfigFile? Conf { get; init; }

    /// <summary>Run one read-only replica (<c>&lt;name&gt;-replica</c>) beside the primary; needs <see cref="Conf"/>.</summary>
    public bool Replica { get; init; }
}

/// <summary>Redis 7 with append-only persistence on a data volume and a password from the environment.</summary>
public sealed class RedisCache : DataService
{
    public const int Port = DataServiceDefaults.RedisPort;

    public RedisCache(Construct parent, string name, RedisArgs args)
        : base(parent, name, args, "cache", Port, "/data", (_, password) => new DockerServiceArgs
        {
            Kind = "Cache (Redis)",
            Image = "",
            User = "999:1000",
            Environment = [new("REDIS_PASSWORD", password), new("REDISCLI_AUTH", password)],
            // The password reaches redis-server from the environment, never from a file or the program text.
            Command = args.Conf is { } conf
                ? Infra.Components.Configs.RedisConfig.StartCommand(conf.Path)
                : ["sh", "-c", ": \"${REDIS_PASSWORD:?REDIS_PASSWORD must be set}\"; exec redis-server --appendonly yes --requirepass \"$REDIS_PASSWORD\""],
            Health = HealthCheck.Exec("redis-cli ping | grep -q PONG"),
            Files = args.Conf is null ? [] : [args.Conf],
        })
    {
        Args = args;
        Container.Traits.Add(Traits.Cache);
        if (args.Replica) ReplicaService = AddReplica(parent, name, args);
    }

    public RedisArgs Args { get; }

    /// <summary>The read-only replica (alias <c>&lt;name&gt;-replica</c>), or null.</summary>
    public DockerService? ReplicaService { get; }

    /// <summary>
    /// The replica: same image, user, config and password as the primary (<c>--masterauth</c> from the same variable,
    /// <c>--replicaof</c> the primary's alias, writes refused), its own protected volume, healthy only while its link to the
    /// primary is up. No host port: readers reach it as <c>&lt;name&gt;-replica</c> on the cache's networks.
    /// </summary>
    private DockerService AddReplica(Construct parent, string name, RedisArgs args)
    {
        var conf = args.Conf ?? throw new SynthesisException($"cache '{name}': a replica needs the generated redis.conf (RedisArgs.Conf)");
        var primary = Service.Args;
        var replica = new DockerService(parent, name + "-replica", new DockerServiceArgs
        {
            Kind = "Cache replica (Redis)",
            Image = ImageId,
            User = primary.User,
            Environment = [new("REDIS_PASSWORD", Password), new("REDISCLI_AUTH", Password)],
            Command = Infra.Components.Configs.RedisConfig.ReplicaStartCommand(conf.Path, Host, Port),
            Health = HealthCheck.Exec("redis-cli info replication | grep -q '^master_link_status:up'"),
            Files = [conf],
            DataPath = primary.DataPath,
            ProtectData = args.Protect,
            Networks = args.Networks,
            Limits = args.Limits,
            WaitFor = [Container],
            Labels = [("platform.role", "cache-replica")],
        }, indexed: false);
        foreach (var c in replica.Containers) c.Traits.Add(Traits.Cache);
        return replica;
    }

    /// <summary><c>redis://:password@host:6379</c>; secret because the password is.</summary>
    public Value ConnectionUrl => Value.Format($"redis://:{Password}@{Host}:{Port}");
}
