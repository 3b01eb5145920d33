using System.Globalization;
using Infra.Components.Core;
using Infra.Components.Docker;
using Infra.Components.Host;
using Infra.Components.Workloads;
using Infra.Stacks.Composed;
using Infra.Stacks.Composition;
using Infra.Stacks.Model;
using Infra.Stacks.Targets.Docker;
using DockerProvider = Infra.Providers.Docker.Provider;
using DockerVolumeArgs = Infra.Providers.Docker.Volume;

namespace Infra.Stacks.Targets.Host;

/// <summary>
/// The host target: the system on one or more servers over SSH. Per server: the machine (existing, or created on AWS),
/// the bootstrap (Docker engine, service user, layout, log rotation), the nftables firewall, the Docker translation
/// reused unchanged through an explicit <c>pulumi:providers:docker</c> at <c>ssh://user@address</c> (host key pinned),
/// data in bind mounts under <c>/opt/&lt;system&gt;/data</c>, scheduled database backups, and a verify step after the
/// containers. Config files stay Docker uploads (read-only, mode 0444, replaced with their container), as on Docker.
/// </summary>
public static class HostTarget
{
    /// <summary>Everything the Docker translation expresses, on each server (it is reused unchanged).</summary>
    public static readonly TargetCapabilities Capabilities = new("host", DockerTarget.Capabilities.Supported, DockerTarget.Capabilities.Instead);

    private static readonly int[] DataPorts = [5432, 3306, 6379, 27017, 9200, 11211];

    /// <summary>
    /// Ports a created server's cloud firewall admits from the deployer's CIDR only: data ports always, and in dev every
    /// published port but 80/443 (a dev server's ports are for its developer, not the internet: policy AWS-018).
    /// </summary>
    private static int[] DeployerOnlyPorts(ComposedSystem composed, IEnumerable<int> admitted) =>
        composed.Profile.PublishDataPorts ? [.. DataPorts.Union(admitted.Where(p => p is not (80 or 443)))] : DataPorts;

    public static StackProgram Translate(ComposedSystem composed)
    {
        var def = composed.Definition;
        var settings = composed.Settings;
        var sys = def.Name;
        if (settings.Servers.Count == 0)
            throw new InputException(settings.File, HostConfig.ServersKey, null, "missing: the host target deploys to the servers of platform:servers: " + HostConfig.Allowed);

        var program = new StackProgram(StackSettings.Project, settings.Stack);
        var multi = settings.Servers.Count > 1;
        Construct parent = multi ? new ComponentGroup(program, sys, "System") : program;
        var privateKey = program.DeclareConfig(new ConfigKey(HostConfig.SshPrivateKey, ConfigType.String, Secret: true)).Ref;
        var waivers = def.Waivers.ToList();
        var outputs = new Props();
        var checkedPorts = false;
        var grafana = new List<(string Name, Value Value)>();
        // Registry logins go on each server's Docker provider, which every pull of the Docker translation goes through.
        var registryAuth = DockerTarget.RegistryAuth(composed, program);

        foreach (var server in settings.Servers)
        {
            // Each server of several has its own copy of every system secret (e.g. validator keys): key-<server>.
            var original = def.Services.ToDictionary(s => s, s => s.SecretEnvironment.ToList());
            if (multi)
                foreach (var svc in def.Services)
                    for (var i = 0; i < svc.SecretEnvironment.Count; i++)
                        if (svc.SecretEnvironment[i].Value is ConfigSecret cs)
                            svc.SecretEnvironment[i] = new(svc.SecretEnvironment[i].Key, cs with { Key = HostConfig.PerServer(cs.Key, server.Name) });
            DockerTarget.Translate(composed, new DockerTarget.Placement(parent, multi ? server.Name : sys, Export: false));
            foreach (var (svc, env) in original) { svc.SecretEnvironment.Clear(); svc.SecretEnvironment.AddRange(env); }
            if (multi) def.Waivers.AddRange(waivers.Select(w => w with { Component = server.Name + "/" + w.Component }));
            var system = parent.Children[^1];
            var resources = system.AllResources().ToList();
            var containers = resources.Where(r => r.Type == Infra.Providers.Docker.Container.TypeToken).ToList();
            var published = Published(containers);

            if (!checkedPorts)
            {
                HostConfig.Check(settings, sys, [.. published.Select(p => p.External).Distinct()]);
                checkedPorts = true;
            }

            var dataPath = server.DataPath ?? HostLayout.Data(sys);
            var volumeDirs = new List<string>();
            foreach (var volume in resources.Where(r => r.Type == DockerVolumeArgs.TypeToken))
            {
                var name = ((Str)volume.Properties.Get("name")!).Text;
                volumeDirs.Add(name);
                volume.Properties.Set("driverOpts", new MapValue(
                [
                    new("type", "none"),
                    new("o", "bind"),
                    new("device", dataPath + "/" + name),
                ]));
            }

            var admitted = new List<int> { server.SshPort, 80, 443 };
            admitted.AddRange(server.AllowPorts ?? published.Select(p => p.External));
            admitted.AddRange(server.ReservedPorts);
            admitted = [.. admitted.Distinct().Order()];

            // The server's commands live under the system's component ("vru/server", "pinai/pinai-a/server"), so a waiver names them.
            var host = new HostMachine(system, "server", new HostMachineArgs
            {
                Address = server.Address,
                User = server.User,
                Port = server.SshPort,
                HostKey = server.HostKey ?? server.Aws!.HostKey,
                PrivateKey = privateKey,
                Aws = server.Aws is { } aws ? new AwsMachineArgs(sys, aws.InstanceType, aws.Ami, aws.SshCidr, aws.PublicKey, aws.HostKey,
                    program.DeclareConfig(new ConfigKey(HostConfig.HostPrivateKeyFor(server.Name), ConfigType.String, Secret: true)).Ref,
                    aws.Region, aws.VolumeGb, [.. admitted.Where(p => p != server.SshPort)], DeployerOnlyPorts(composed, admitted)) : null,
            });
            def.Waivers.Add(new Infra.Components.Policies.Waiver("SEC-001", (multi ? server.Name + "/" : "") + "server",
                "connection.hostKey and SSH_HOST_KEY hold the server's public SSH host key, pinned on purpose; it is not a secret (the private key is the secret sshPrivateKey)"));
            var bootstrap = new Bootstrap(host, "bootstrap", host, new BootstrapArgs { System = sys, DataPath = dataPath, VolumeDirs = volumeDirs });
            var firewall = new Firewall(host, "firewall", host, admitted, [bootstrap.Engine]);

            var provider = host.Add("docker", new DockerProvider { Host = host.DockerHost, SshOpts = host.SshOpts(), RegistryAuth = registryAuth.Count > 0 ? registryAuth : null });
            provider.Options.Version = ProviderVersions.Of("docker");
            provider.DependsOn([.. bootstrap.Steps, firewall.Command]);
            foreach (var r in resources.Where(r => r.Package == "docker" && !r.IsProvider)) r.Options.Provider = provider;

            HostBackup? backup = null;
            if (composed.Backups != BackupSchedule.None && resources.FirstOrDefault(r => r.Traits.Contains(Traits.Database)) is { } db)
            {
                var hourly = composed.Backups == BackupSchedule.HourlyAndDaily;
                backup = new HostBackup(host, "backups", host,
                    new BackupPlan(sys, ((Str)db.Properties.Get("name")!).Text, KeepHourly: hourly ? 48 : 0, KeepDaily: hourly ? 14 : 7), [bootstrap.Layout, db]);
            }

            var verify = new Verify(host, "verify", host, VerifyTargets(composed, containers, published), containers);
            outputs.Set(server.Name, ServerOutputs(host, settings.Stack, sys, published, containers, backup));
            // A separate output, so the secret does not make the whole servers map secret.
            if (resources.FirstOrDefault(r => r.Name.EndsWith("-grafana-admin-password", StringComparison.Ordinal)) is { } pw)
                grafana.Add((multi ? "grafanaAdminPassword-" + server.Name : "grafanaAdminPassword", pw.Out<string>("result", secret: true)));
            _ = verify;
        }

        program.Export("system", sys);
        program.Export("servers", outputs.ToMap());
        foreach (var (name, value) in grafana) program.Export(name, value);
        return program;
    }

    private sealed record PublishedPort(Resource Container, int Internal, int External);

    private static List<PublishedPort> Published(IEnumerable<Resource> containers)
    {
        var list = new List<PublishedPort>();
        foreach (var c in containers)
            if (c.Properties.Get("ports") is ListValue ports)
                foreach (var p in ports.Items.OfType<MapValue>())
                    if (p["external"] is Num ext && p["internal"] is Num inner)
                        list.Add(new PublishedPort(c, (int)inner.Number, (int)ext.Number));
        return list;
    }

    private static string ContainerName(Resource c) => ((Str)c.Properties.Get("name")!).Text;

    /// <summary>Every service's containers, and the URL of its health endpoint on the server when it is published over HTTP.</summary>
    private static List<VerifyTarget> VerifyTargets(ComposedSystem composed, List<Resource> containers, List<PublishedPort> published)
    {
        var targets = new List<VerifyTarget>();
        foreach (var group in containers.GroupBy(c => c.Owner))
        {
            var service = group.Key.Name;
            string? url = null;
            if (composed.Find(service) is { Health: { Kind: HealthKind.Http, Path: { } path, Port: { } port } }
                && published.FirstOrDefault(p => group.Contains(p.Container) && p.Internal == port) is { } pub)
                url = $"http://127.0.0.1:{pub.External.ToString(CultureInfo.InvariantCulture)}{path}";
            targets.Add(new VerifyTarget(service, [.. group.Select(ContainerName)], url));
        }
        return targets;
    }

    private static Value ServerOutputs(HostMachine host, string stack, string system, List<PublishedPort> published, List<Resource> containers, HostBackup? backup)
    {
        var urls = new Props();
        foreach (var group in published.GroupBy(p => p.Container))
            foreach (var p in group)
            {
                var scheme = p.External == 443 || p.Internal == ReverseProxy.HttpsPort ? "https" : "http";
                var key = ContainerName(p.Container) + (group.Count() > 1 ? "-" + p.Internal.ToString(CultureInfo.InvariantCulture) : "");
                urls.Set(key, Value.Format($"{scheme}://{host.UrlAddress}:{p.External.ToString(CultureInfo.InvariantCulture)}"));
            }
        var logs = new Props();
        foreach (var c in containers) logs.Set(ContainerName(c), host.SshLine($"docker logs --tail 200 --follow {ContainerName(c)}"));
        var o = new Props();
        o.Set("address", host.Address);
        o.Set("urls", urls.ToMap());
        o.Set("status", host.SshLine($"docker ps --all --filter label=platform.stack={stack} --format \"table {{{{.Names}}}}\\t{{{{.Status}}}}\""));
        o.Set("logs", logs.ToMap());
        o.Set("firewall", host.SshLine("nft list table inet " + Scripts.FirewallTable, asRoot: true));
        if (backup is not null)
        {
            o.Set("backup", host.SshLine(Scripts.BackupScriptPath(system) + " manual", asRoot: true));
            o.Set("backups", host.SshLine("ls -l " + HostLayout.Backups(system), asRoot: true));
            o.Set("restore", host.SshLine(Scripts.RestoreScriptPath(system) + " " + HostLayout.Backups(system) + "/FILE.dump [--force]", asRoot: true));
        }
        return o.ToMap();
    }
}
