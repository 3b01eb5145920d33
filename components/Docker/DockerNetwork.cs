using Infra.Components.Core;

namespace Infra.Components.Docker;

/// <summary>A Docker bridge network; internal networks have no route out of the host.</summary>
public sealed class DockerNetwork : Construct
{
    public DockerNetwork(Construct parent, string name, bool @internal = false, string? subnet = null) : base(parent, name)
    {
        Internal = @internal;
        Subnet = subnet;
        Resource = AddUntyped("network", "docker:index/network:Network", new Props()
            .Set("name", Names.Logical([parent.Path.Replace('/', '-'), name]))
            .Set("driver", "bridge")
            .Set("internal", @internal ? true : null)
            .SetList("ipamConfigs", subnet is null ? [] : [new Props { ["subnet"] = subnet }])
            .SetList("labels", DockerLabels.Of(Program, ("platform.network", name))));
    }

    public override string Kind => Internal ? "Network (internal)" : "Network";
    public bool Internal { get; }
    public string? Subnet { get; }
    public Resource Resource { get; }

    /// <summary>The network's Docker name, as an output (containers attach by it).</summary>
    public Output<string> NetworkName => Resource.Out<string>("name");
}
