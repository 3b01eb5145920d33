using Infra.Components.Core;
using Infra.Components.Workloads;

namespace Infra.Components.Docker;

/// <summary>What every data service (database, cache) takes: image, password, networks, protection, limits, host port.</summary>
public abstract record DataServiceArgs
{
    public string Image { get; init; } = "";
    public SecretSource Password { get; init; } = SecretSource.Generated();
    public IReadOnlyList<DockerNetwork> Networks { get; init; } = [];
    /// <summary>Protect the data volume and the generated password (environments with real data).</summary>
    public bool Protect { get; init; }
    public ResourceLimits? Limits { get; init; }
    /// <summary>Publish the port on the host (dev only; policy EXP-001 refuses it elsewhere).</summary>
    public int? HostPort { get; init; }
}
