using Infra.Components.Core;

namespace Infra.Components.Host;

/// <summary>
/// The server's nftables firewall: new inbound TCP and UDP is dropped unless it is for SSH, 80, 443 or a port the system
/// publishes (matched before Docker's DNAT, so published container ports are covered too). Delete leaves it in force.
/// </summary>
public sealed class Firewall : Construct
{
    public Firewall(Construct parent, string name, HostMachine host, IReadOnlyList<int> admittedTcp, IEnumerable<Resource> after) : base(parent, name)
    {
        Ports = [.. admittedTcp.Distinct().Order()];
        Command = HostCommands.Run(this, null, host, Scripts.Firewall(Ports), Scripts.FirewallDelete(), after);
    }

    public override string Kind => "Firewall (nftables)";
    public IReadOnlyList<int> Ports { get; }
    public Resource Command { get; }
}
