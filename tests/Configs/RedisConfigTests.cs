using System.Diagnostics;
using Infra.Components.Configs;
using Infra.Tests.Configs.Support;

namespace Infra.Tests.Configs;

public class RedisConfigTests
{
    [Theory]
    [InlineData(SizeClass.Minimal, 134217728L, "allkeys-lru")]
    [InlineData(SizeClass.Medium, 536870912L, "allkeys-lru")]
    [InlineData(SizeClass.Full, 2147483648L, "volatile-lru")]
    public void Real_redis_runs_the_generated_config_with_the_password_from_the_environment(SizeClass size, long maxMemoryBytes, string policy)
    {
        using var dir = new TempDir("redis-");
        var port = Ports.Free();
        var config = RedisConfig.Render(RedisSpec.For(size), port, "127.0.0.1", dir.Sub("data"));
        Assert.DoesNotContain("requirepass", config);
        var confPath = dir.File("redis.conf", config);
        var password = "pw-" + Guid.NewGuid().ToString("N");

        var argv = RedisConfig.StartCommand(confPath, redisServer: Tools.RedisServer);
        using var redis = Process.Start(Proc.Info(argv[0], argv.Skip(1), new Dictionary<string, string?> { ["REDIS_PASSWORD"] = password }))!;
        var cli = Tools.RedisCli;
        string Cli(bool auth, params string[] args)
        {
            var all = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            var env = new Dictionary<string, string?>();
            if (auth) env["REDISCLI_AUTH"] = password;
            all.AddRange(args);
            return Proc.Run(cli, all, env, timeoutSeconds: 5).Output.Trim();
        }
        try
        {
            Assert.True(Ports.WaitUntil(() => redis.HasExited || Cli(true, "PING") == "PONG"), "redis did not answer PING");
            Assert.False(redis.HasExited, "redis exited");

            Assert.Equal("PONG", Cli(true, "PING"));
            Assert.Contains("NOAUTH", Cli(false, "PING"));
            Assert.Contains("NOAUTH", Cli(false, "GET", "x"));
            Assert.Equal("appendonly\nyes", Cli(true, "CONFIG", "GET", "appendonly"));
            Assert.Equal($"maxmemory\n{maxMemoryBytes}", Cli(true, "CONFIG", "GET", "maxmemory"));
            Assert.Equal($"maxmemory-policy\n{policy}", Cli(true, "CONFIG", "GET", "maxmemory-policy"));
            Assert.Equal("OK", Cli(true, "SET", "k", "v"));
            Assert.Equal("v", Cli(true, "GET", "k"));
        }
        finally
        {
            if (!redis.HasExited)
            {
                Cli(true, "SHUTDOWN", "NOSAVE");
                if (!redis.WaitForExit(5000)) redis.Kill(entireProcessTree: true);
            }
            redis.WaitForExit();
        }
    }

    [Fact]
    public void Start_command_refuses_to_start_redis_without_a_password()
    {
        using var dir = new TempDir("redis-nopw-");
        var port = Ports.Free();
        var confPath = dir.File("redis.conf", RedisConfig.Render(RedisSpec.For(SizeClass.Minimal), port, "127.0.0.1", dir.Sub("data")));
        var argv = RedisConfig.StartCommand(confPath, redisServer: Tools.RedisServer);
        var r = Proc.Run(argv[0], argv.Skip(1), new Dictionary<string, string?> { ["REDIS_PASSWORD"] = "" }, timeoutSeconds: 10);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("REDIS_PASSWORD must be set", r.Stderr);
    }

    [Fact]
    public void Start_command_passes_the_password_from_the_environment()
    {
        var argv = RedisConfig.StartCommand("/usr/local/etc/redis/redis.conf");
        Assert.Equal(["sh", "-c", ": \"${REDIS_PASSWORD:?REDIS_PASSWORD must be set}\"; exec redis-server /usr/local/etc/redis/redis.conf --requirepass \"$REDIS_PASSWORD\""], argv);
    }

    [Theory]
    [InlineData(SizeClass.Minimal, 256, 128)]
    [InlineData(SizeClass.Medium, 512, 307)]
    [InlineData(SizeClass.Full, 1024, 614)]
    [InlineData(SizeClass.Full, 8192, 2048)]
    public void Maxmemory_is_capped_below_the_container_limit_with_headroom(SizeClass size, int containerMb, int expectedMb)
    {
        var spec = RedisSpec.For(size, containerMb);
        Assert.Equal(expectedMb, spec.MaxMemoryMb);
        Assert.True(spec.MaxMemoryMb <= containerMb * RedisSpec.HeadroomPercent / 100);
        Assert.Equal(RedisSpec.For(size).EvictionPolicy, spec.EvictionPolicy);
    }
}
