using Infra.Components.Core;
using Infra.Providers.Docker;

namespace Infra.Components.Docker;

/// <summary>A Docker bridge network; internal networks have no route out of the host.</summary>
public sealed class DockerNetwork : Construct
{
    public DockerNetwork(Construct parent, string name, bool @internal = false, string? subnet = null) : base(parent, name)
    {
        Internal = @internal;
        Subnet = subnet;
        var network = Add("network", new Network
        {
            Name = Names.Logical([parent.Path.Replace('/', '-'), name]),
            Driver = "bridge",
            Internal = @internal ? true : null,
            IpamConfigs = subnet is null ? null : [new NetworkIpamConfig { Subnet = subnet }],
            Labels = DockerLabels.Of(Program, (l, v) => new NetworkLabel { Label = l, Value = v }, ("platform.network", name)),
        });
        Resource = network;
        NetworkName = network.Outputs.Name;
    }

    public override string Kind => Internal ? "Network (internal)" : "Network";
    public bool Internal { get; }
    public string? Subnet { get; }
    public Resource Resource { get; }

    /// <summary>The network's Docker name, as an output (containers attach by it).</summary>
    public Output<string> NetworkName { get; }
}
