using Infra.Components.Core;

namespace Infra.Stacks.Model;

/// <summary>Synthetic systems of N services (for the benchmark): a database, a cache, and chains of HTTP services.</summary>
public static class GeneratedSystem
{
    public static SystemDefinition Create(int services)
    {
        if (services < 1) throw new InputException("--generated", "services", services.ToString(System.Globalization.CultureInfo.InvariantCulture), "at least 1");
        var b = new SystemBuilder("generated", $"generated system of {services} services", "benchmark");
        var net = b.AddNetwork("backend");
        var db = b.AddPostgres("postgres", "app", "app", networks: net);
        var cache = b.AddRedis("redis", networks: net);
        ServiceBuilder? previous = null;
        for (var i = 1; i <= services; i++)
        {
            var s = b.AddService($"svc-{i}")
                .WithHttp(8080, "/health")
                .WithEnv("SERVICE_INDEX", i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithSecret("API_TOKEN", SecretSource.Generated(24))
                .WithReference(db)
                .WithReference(cache)
                .WithMetrics()
                .OnNetworks(net);
            // Every tenth service starts a new chain, so references stay shallow.
            if (previous is not null && i % 10 != 1) s.WithReference(previous);
            previous = s;
        }
        return b.Build();
    }
}
