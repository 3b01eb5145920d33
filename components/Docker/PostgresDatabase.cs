using Infra.Components.Core;
using Infra.Components.Workloads;

namespace Infra.Components.Docker;

public sealed record PostgresArgs : DataServiceArgs
{
    public PostgresArgs() => Image = "postgres:15.10-alpine";

    public string Database { get; init; } = "app";
    public string User { get; init; } = "app";
    /// <summary>postgresql.conf and pg_hba.conf; when given, the server is started with them.</summary>
    public ConfigFile? PostgresqlConf { get; init; }
    public ConfigFile? HbaConf { get; init; }
}

/// <summary>PostgreSQL 15 with a data volume, a generated password and a <c>pg_isready</c> health check.</summary>
public sealed class PostgresDatabase
{
    public const int Port = 5432;

    public PostgresDatabase(Construct parent, string name, PostgresArgs args)
    {
        Args = args;
        Value password = "";
        Value imageId = "";
        Service = new DockerService(parent, name, svc =>
        {
            var image = DockerImage.Pull(svc, "image", args.Image);
            imageId = image.ImageId;
            password = args.Password.Resolve(svc, "password", args.Protect);
            var command = new List<string>();
            var files = new List<ConfigFile>();
            if (args.PostgresqlConf is { } conf)
            {
                files.Add(conf);
                command.AddRange(["postgres", "-c", $"config_file={conf.Path}"]);
            }
            if (args.HbaConf is { } hba)
            {
                files.Add(hba);
                if (command.Count == 0) command.Add("postgres");
                command.AddRange(["-c", $"hba_file={hba.Path}"]);
            }
            return new DockerServiceArgs
            {
                Kind = "Database (PostgreSQL)",
                Image = image.ImageId,
                User = "70:70",
                Environment =
                [
                    new("POSTGRES_DB", args.Database),
                    new("POSTGRES_USER", args.User),
                    new("POSTGRES_PASSWORD", password),
                    new("POSTGRES_INITDB_ARGS", "--encoding=UTF8 --auth-host=scram-sha-256"),
                    new("PGDATA", "/var/lib/postgresql/data/pgdata"),
                ],
                Ports = [new ServicePort("postgres", Port, PortProtocol.Tcp, args.HostPort)],
                DataPath = "/var/lib/postgresql/data",
                ProtectData = args.Protect,
                Networks = args.Networks,
                Health = HealthCheck.Exec("pg_isready", "-q", "-h", "127.0.0.1", "-U", args.User, "-d", args.Database),
                Limits = args.Limits,
                Files = files,
                Command = command,
                Labels = [("platform.role", "database")],
            };
        }, indexed: false);
        Password = password;
        ImageId = imageId;
        Container.Traits.Add(Traits.Database);
    }

    public PostgresArgs Args { get; }
    public DockerService Service { get; }
    public Value Password { get; }
    /// <summary>The server image, reused by sidecars that need the PostgreSQL client tools.</summary>
    public Value ImageId { get; }
    public string Host => Service.Host;
    public Resource Container => Service.Containers[0];

    /// <summary><c>postgresql://user:password@host:5432/db</c>; secret because the password is.</summary>
    public Value ConnectionUrl => Value.Format($"postgresql://{Args.User}:{Password}@{Host}:{Port}/{Args.Database}");
}
