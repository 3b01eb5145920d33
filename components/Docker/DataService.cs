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
    /// <summary>Host address the published port binds to; null binds every interface.</summary>
    public string? PublishAddress { get; init; }
}

/// <summary>
/// A single-instance stateful service on Docker (database, cache): its image and generated password are children of
/// the service, its data lives on a protected volume, and it listens on one TCP port. Subclasses give only what is
/// their own (user, environment, command, health, files); the shared parts are filled in here.
/// </summary>
public abstract class DataService
{
    protected DataService(Construct parent, string name, DataServiceArgs args, string role, int port, string dataPath,
        Func<DockerService, Value, DockerServiceArgs> specific)
    {
        Value password = "";
        Value imageId = "";
        Service = new DockerService(parent, name, svc =>
        {
            imageId = DockerImage.Pull(svc, "image", args.Image).ImageId;
            password = args.Password.Resolve(svc, "password", args.Protect);
            return specific(svc, password) with
            {
                Image = imageId,
                Ports = [new ServicePort(name, port, PortProtocol.Tcp, args.HostPort)],
                DataPath = dataPath,
                ProtectData = args.Protect,
                Networks = args.Networks,
                Limits = args.Limits,
                PublishAddress = args.PublishAddress,
                Labels = [("platform.role", role)],
            };
        }, indexed: false);
        Password = password;
        ImageId = imageId;
    }

    public DockerService Service { get; }
    /// <summary>The password (secret): <c>${name-password.result}</c> or a secret config key.</summary>
    public Value Password { get; }
    /// <summary>The server image, reused by sidecars that need the same client tools.</summary>
    public Value ImageId { get; }
    /// <summary>The DNS name other containers use.</summary>
    public string Host => Service.Host;
    public Resource Container => Service.Containers[0];
}
