using Infra.Components.Configs;

namespace Infra.Tests.Runtime;

/// <summary>Redis in a container with a memory limit, configured by the generator for that limit.</summary>
[Collection("runtime config")]
[Trait("Category", RuntimeCollection.Category)]
public class RedisMemoryRuntimeTests
{
    /// <summary>
    /// The production size class (2 GB maxmemory, volatile-lru: keys without TTL are never evicted) scaled to a
    /// 64 MB container: writing well past the limit must be refused by Redis ("OOM command not allowed"), the
    /// container must not be OOM-killed. Before the fix maxmemory ignored the container (2 GB in a 1 GB prod
    /// container; here 2 GB in 64 MB) and the kernel killed Redis instead.
    /// </summary>
    [Fact]
    public void Maxmemory_below_the_container_limit_refuses_writes_instead_of_being_oom_killed()
    {
        const int limitMb = 64;
        const string scope = "config-redis-memory";
        Deployment.RemoveEverything(scope);
        var spec = RedisSpec.For(SizeClass.Full, limitMb);
        Assert.True(spec.MaxMemoryMb < limitMb * 3 / 4, $"maxmemory {spec.MaxMemoryMb} MB leaves no headroom in {limitMb} MB");
        var name = "runtime-redis-memory";
        var props = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["image"] = "local/redis",
            ["user"] = "999:1000",
            ["memory"] = limitMb.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["memorySwap"] = limitMb.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["command"] = RedisConfig.StartCommand("/usr/local/etc/redis/redis.conf").Cast<object?>().ToList(),
            ["envs"] = new List<object?> { "REDIS_PASSWORD=runtime-check-password", "REDISCLI_AUTH=runtime-check-password" },
            ["uploads"] = new List<object?> { new Dictionary<string, object?> { ["file"] = "/usr/local/etc/redis/redis.conf", ["content"] = RedisConfig.Render(spec), ["permissions"] = "0444" } },
            ["labels"] = new List<object?> { new Dictionary<string, object?> { ["label"] = Deployment.TestLabel, ["value"] = scope } },
        };
        var plan = ContainerTranslator.Translate(props);
        try
        {
            DockerCli.Ok(plan.CreateArgs);
            foreach (var step in plan.BeforeStart) DockerCli.Ok(step.Args, stdin: step.Stdin);
            DockerCli.Ok("start", name);
            var ready = DateTime.UtcNow.AddSeconds(20);
            while (!DockerCli.Run("exec", name, "redis-cli", "ping").Stdout.Contains("PONG", StringComparison.Ordinal) && DateTime.UtcNow < ready) Thread.Sleep(500);

            // ~100 MB of keys without TTL, 1 MB each, into a 64 MB container.
            var fill = DockerCli.Run(["exec", name, "sh", "-c",
                "i=0; while [ $i -lt 100 ]; do i=$((i+1)); head -c 1048576 /dev/zero | tr '\\0' x | redis-cli -x SET k$i 2>&1 | head -c 200; echo; done"],
                TimeSpan.FromSeconds(120));
            var state = DockerCli.Ok("inspect", "-f", "{{.State.Status}} oom={{.State.OOMKilled}}", name);
            Assert.True(state == "running oom=false",
                $"Redis (maxmemory {spec.MaxMemoryMb} MB) in a {limitMb} MB container did not survive writes past the limit: {state}\n{fill}");
            Assert.Contains("OOM command not allowed", fill.Stdout);
            var used = DockerCli.Ok("exec", name, "redis-cli", "info", "memory");
            var usedBytes = long.Parse(used.Split('\n').First(l => l.StartsWith("used_memory:", StringComparison.Ordinal))["used_memory:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(usedBytes <= spec.MaxMemoryBytes + (4L << 20), $"used_memory {usedBytes} exceeds maxmemory {spec.MaxMemoryBytes}");
        }
        finally
        {
            Deployment.RemoveEverything(scope);
        }
    }
}
