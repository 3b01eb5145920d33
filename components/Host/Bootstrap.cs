using Infra.Components.Core;

namespace Infra.Components.Host;

public sealed record BootstrapArgs
{
    public required string System { get; init; }
    /// <summary>Where the data bind mounts live (under <c>/opt/&lt;system&gt;</c>).</summary>
    public required string DataPath { get; init; }
    /// <summary>One directory per Docker volume, bound into its container.</summary>
    public IReadOnlyList<string> VolumeDirs { get; init; } = [];
}

/// <summary>
/// Prepares a server, idempotent by construction (each script changes only what differs, so re-running changes
/// nothing): the Docker engine if absent, the non-root service user (UID 1000), <c>/opt/&lt;system&gt;/{config,data,backups}</c>
/// and log rotation (14 days). The firewall is its own component. Each step's delete undoes only what is safe
/// (the logrotate file); the engine, the user and every directory stay, since they hold data.
/// </summary>
public sealed class Bootstrap : Construct
{
    public Bootstrap(Construct parent, string name, HostMachine host, BootstrapArgs args) : base(parent, name)
    {
        Engine = HostCommands.Run(this, "docker", host, Scripts.DockerEngine(host.Args.User), Scripts.DockerEngineDelete(), []);
        Layout = HostCommands.Run(this, "layout", host, Scripts.Layout(args.System, args.DataPath, args.VolumeDirs), Scripts.LayoutDelete(args.System), [Engine]);
        Logs = HostCommands.Run(this, "logrotate", host, Scripts.LogRotation(args.System), Scripts.LogRotationDelete(args.System), [Layout]);
    }

    public override string Kind => "Bootstrap";
    public Resource Engine { get; }
    public Resource Layout { get; }
    public Resource Logs { get; }
    public IReadOnlyList<Resource> Steps => [Engine, Layout, Logs];
}
