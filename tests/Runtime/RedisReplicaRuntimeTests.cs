using System.Diagnostics;
using Infra.Tests.Programs;
using Xunit.Abstractions;

namespace Infra.Tests.Runtime;

/// <summary>NormalDance's Redis primary and read-only replica (seed 004-09), as the staging program ships them.</summary>
[Collection("runtime normaldance")]   // deploys NormalDance containers: never beside NormalDanceRuntimeTests
[Trait("Category", RuntimeCollection.Category)]
public class RedisReplicaRuntimeTests(ITestOutputHelper output)
{
    /// <summary>
    /// The replica authenticates to the primary with the generated password (masterauth from its environment) and is
    /// healthy only once its link is up; a key SET on the primary is readable on the replica within 5 s, through the
    /// replica's own alias; a write to the replica is refused (READONLY).
    /// </summary>
    [Fact]
    public void Replica_follows_the_primary_and_refuses_writes()
    {
        const string scope = "normaldance-staging-redis-replica";
        var program = new PulumiProgram(Synth.Program("normaldance", "staging"));
        using var d = new Deployment(scope, program);
        try
        {
            var containers = program.OfType(PulumiProgram.ContainerType).ToList();
            var primary = containers.Single(c => Deployment.Label(c, "platform.role") == "cache");
            var replica = containers.Single(c => Deployment.Label(c, "platform.role") == "cache-replica");
            var command = string.Join(' ', ((List<object?>)program.ResolvedProperties(replica)["command"]!).Cast<string>());
            Assert.DoesNotContain(d.Env(primary, "REDIS_PASSWORD"), command);
            Assert.Equal(d.Env(primary, "REDIS_PASSWORD"), d.Env(replica, "REDIS_PASSWORD"));

            d.CreateNetworksAndVolumes();
            d.Up([primary, replica]);
            var p = d.Plan(primary).Name;
            var r = d.Plan(replica).Name;
            string Cli(string container, params string[] args)
            {
                var res = d.Exec(container, ["redis-cli", .. args]);
                Assert.True(res.Ok, res.ToString());
                return res.Stdout.Trim();
            }
            Assert.Contains("role:slave", Cli(r, "info", "replication"));
            Assert.Contains("connected_slaves:1", Cli(p, "info", "replication"));

            var value = "written-on-primary-" + Guid.NewGuid().ToString("N");
            Assert.Equal("OK", Cli(p, "SET", "replica:check", value));
            var clock = Stopwatch.StartNew();
            while (Cli(r, "GET", "replica:check") != value)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the replica did not have the key 5 s after the primary's SET:\n" + Cli(r, "info", "replication"));
                Thread.Sleep(100);
            }
            output.WriteLine($"replicated after {clock.Elapsed.TotalMilliseconds:0} ms");

            // Readers reach it by its alias on the cache's network (a client container on that network, the app's path).
            var (network, alias) = d.AppAddress(replica);
            Assert.EndsWith("-replica", alias);
            var read = d.Client(network, "local/redis", ["REDISCLI_AUTH=" + d.Env(replica, "REDIS_PASSWORD")], "redis-cli", "-h", alias, "GET", "replica:check");
            Assert.True(read.Ok && read.Stdout.Trim() == value, read.ToString());

            var write = d.Exec(r, "redis-cli", "SET", "replica:write", "refused");
            Assert.Contains("READONLY", write.Stdout + write.Stderr);
            Assert.Equal("", Cli(p, "GET", "replica:write"));
        }
        finally
        {
            output.WriteLine(d.Log);
        }
    }
}
