using Infra.Components.Core;

namespace Infra.Components.Host;

/// <summary>
/// After the containers: checks every service from the server (container health, published HTTP health endpoints) and
/// fails the update naming each failing service. Runs again whenever a container is replaced.
/// </summary>
public sealed class Verify : Construct
{
    public Verify(Construct parent, string name, HostMachine host, IReadOnlyList<VerifyTarget> targets, IReadOnlyList<Resource> containers) : base(parent, name)
    {
        Targets = targets;
        Command = HostCommands.Run(this, null, host, Scripts.Verify(targets), null, containers,
            triggers: Value.List(containers.Select(c => (Value)c.Id)));
    }

    public override string Kind => "Verify";
    public IReadOnlyList<VerifyTarget> Targets { get; }
    public Resource Command { get; }
}
