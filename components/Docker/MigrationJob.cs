using System.Globalization;
using Infra.Components.Core;
using Infra.Providers.Docker;

namespace Infra.Components.Docker;

/// <summary>
/// A run-once container from a service's image (seed 001: <c>npm run migrate:up</c> in the api container), with the
/// service's environment, user, networks and limits; non-root, all capabilities dropped, no-new-privileges.
/// <c>attach: true</c> makes the provider wait for it to exit (<c>mustRun: false</c>, <c>restart: no</c>), after
/// <c>after</c> (the healthy database); the services that need the migrated schema depend on it
/// (<see cref="RunBefore"/>). A new image replaces the container, so the migration runs again before the new service
/// containers. Limit: the provider records the exit code (<c>exitCode</c>, logs in <c>containerLogs</c>) but does not
/// fail on a non-zero one, so a failed migration does not stop the services from starting.
/// </summary>
public sealed class MigrationJob : Construct
{
    public const string ComponentName = "migrate";

    public MigrationJob(DockerService service, IReadOnlyList<string> command, IReadOnlyList<Resource> after, bool standIn) : base(service, ComponentName)
    {
        var a = service.Args;
        var l = a.Limits;
        Container = Add(null, new Container
        {
            Name = Names.Logical([Path.Replace('/', '-')]),
            Image = a.Image,
            Restart = "no",
            User = a.User,
            MustRun = false,
            Attach = true,
            Logs = true,
            Command = [.. command.Select(c => (Input<string>)c)],
            Envs = [.. a.Environment.Select(e => (Input<string>)Value.Format($"{e.Key}={e.Value}"))],
            NetworksAdvanced = [.. a.Networks.Select(n => new ContainerNetworksAdvanced { Name = n.NetworkName })],
            Memory = l?.MemoryMb,
            Cpus = Input.Optional(l?.Cpus.ToString("0.0##", CultureInfo.InvariantCulture)),
            SecurityOpts = ["no-new-privileges:true"],
            Capabilities = new ContainerCapabilities { Drops = ["ALL"] },
            LogDriver = "json-file",
            LogOpts = new Dictionary<string, Input<string>> { ["max-size"] = "10m", ["max-file"] = "3" },
            Labels = DockerLabels.Of(Program, (k, v) => new ContainerLabel { Label = k, Value = v },
                [("platform.service", service.Name), ("platform.role", ComponentName), .. standIn ? [("platform.standin", "true")] : Array.Empty<(string, string)>()]),
        });
        // The environment carries DATABASE_URL and the service's secrets: encrypted in state, out of diffs.
        foreach (var carrier in new[] { "envs", "containerLogs" })
            if (carrier == "containerLogs" || Container.Properties.Get(carrier) is { IsSecret: true }) Container.Options.AdditionalSecretOutputs.Add(carrier);
        Container.DependsOn(after);
    }

    public override string Kind => "Migration (one-shot)";
    public Resource Container { get; }

    /// <summary>Each container is created after the migration has run.</summary>
    public void RunBefore(IEnumerable<Resource> containers)
    {
        foreach (var c in containers) c.DependsOn([Container]);
    }
}
