using Infra.Components.Core;
using Infra.Components.Workloads;

namespace Infra.Components.Docker;

public sealed record RedisArgs : DataServiceArgs
{
    public RedisArgs() => Image = DataServiceDefaults.RedisImage;

    /// <summary>redis.conf (append-only, maxmemory); the password is never in it.</summary>
    public ConfigFile? Conf { get; init; }
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
    }

    public RedisArgs Args { get; }

    /// <summary><c>redis://:password@host:6379</c>; secret because the password is.</summary>
    public Value ConnectionUrl => Value.Format($"redis://:{Password}@{Host}:{Port}");
}
