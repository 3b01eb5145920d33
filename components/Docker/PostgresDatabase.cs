using Infra.Components.Core;
using Infra.Components.Workloads;

namespace Infra.Components.Docker;

public sealed record PostgresArgs : DataServiceArgs
{
    public PostgresArgs() => Image = DataServiceDefaults.PostgresImage;

    public string Database { get; init; } = "app";
    public string User { get; init; } = "app";
    /// <summary>postgresql.conf and pg_hba.conf; when given, the server is started with them.</summary>
    public ConfigFile? PostgresqlConf { get; init; }
    public ConfigFile? HbaConf { get; init; }
    /// <summary>Where archive_command copies WAL segments (postgresql.conf's archive dir); null: archiving is off, no volume.</summary>
    public string? WalArchiveDir { get; init; }
}

/// <summary>PostgreSQL 15 with a data volume, a generated password and a <c>pg_isready</c> health check.</summary>
public sealed class PostgresDatabase : DataService
{
    public const int Port = DataServiceDefaults.PostgresPort;
    /// <summary>/dev/shm in MB: dynamic_shared_memory_type = posix (parallel query, hash joins) lives there; Docker gives 64.</summary>
    public const int ShmSizeMb = 256;

    public PostgresDatabase(Construct parent, string name, PostgresArgs args)
        : base(parent, name, args, "database", Port, "/var/lib/postgresql/data", (svc, password) => Specific(svc, args, password))
    {
        WalArchive = Service.Args.Mounts.Select(m => m.Volume).FirstOrDefault(v => v.Name == WalArchiveVolume);
        Args = args;
        // The replication role's own password (never the superuser's): base backups connect with it.
        if (WalArchive is not null)
            ReplicationPassword = SecretSource.Generated().Resolve(Service, "replication-password", args.Protect);
        Container.Traits.Add(Traits.Database);
    }

    public const string WalArchiveVolume = "wal-archive";

    /// <summary>The WAL archive's own volume (retained, protected with the data), or null when archiving is off.</summary>
    public DockerVolume? WalArchive { get; }

    /// <summary>The password of <see cref="Infra.Components.Configs.PostgresConfig.ReplicationUser"/> (secret), or null when nothing replicates.</summary>
    public Value? ReplicationPassword { get; }

    private static DockerServiceArgs Specific(DockerService svc, PostgresArgs args, Value password)
    {
        // Archived WAL on its own volume: in the container's writable layer it was lost on every recreate.
        var archive = args.WalArchiveDir is { } dir ? new DockerVolume(svc, WalArchiveVolume, args.Protect) : null;
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
            Image = "",
            User = "70:70",
            Environment =
            [
                new("POSTGRES_DB", args.Database),
                new("POSTGRES_USER", args.User),
                new("POSTGRES_PASSWORD", password),
                new("POSTGRES_INITDB_ARGS", "--encoding=UTF8 --auth-host=scram-sha-256"),
                new("PGDATA", "/var/lib/postgresql/data/pgdata"),
            ],
            Health = HealthCheck.Exec("pg_isready", "-q", "-h", "127.0.0.1", "-U", args.User, "-d", args.Database),
            Files = files,
            Command = command,
            ShmSizeMb = ShmSizeMb,
            Mounts = archive is null ? [] : [(archive, args.WalArchiveDir!, false)],
        };
    }

    public PostgresArgs Args { get; }

    /// <summary><c>postgresql://user:password@host:5432/db</c>; secret because the password is.</summary>
    public Value ConnectionUrl => Value.Format($"postgresql://{Args.User}:{Password}@{Host}:{Port}/{Args.Database}");
}
