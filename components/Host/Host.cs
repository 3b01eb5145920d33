using Infra.Components.Core;
using Infra.Providers.Aws.Ec2;
using Remote = Infra.Providers.Command.Remote;
using Local = Infra.Providers.Command.Local;

namespace Infra.Components.Host;

/// <summary>The AWS side of a created server: instance type, AMI, who may reach SSH, the deployer's public key, the host key pair.</summary>
public sealed record AwsMachineArgs(string System, string InstanceType, string Ami, string SshCidr, string PublicKey, string HostPublicKey, Value HostPrivateKey,
    string? Region, int VolumeGb, IReadOnlyList<int> PublicPorts, IReadOnlyList<int> DataPorts);

/// <summary>One server: an existing machine (<see cref="Address"/> given) or one created on AWS (<see cref="Aws"/> given).</summary>
public sealed record HostMachineArgs
{
    public string? Address { get; init; }
    public AwsMachineArgs? Aws { get; init; }
    public required string User { get; init; }
    public int Port { get; init; } = 22;
    /// <summary>The pinned host public key, "ssh-ed25519 AAAA..." (for AWS: the public half of the key cloud-init installs).</summary>
    public required string HostKey { get; init; }
    /// <summary>The deployer's SSH private key: a secret config reference, never a literal.</summary>
    public required Value PrivateKey { get; init; }
}

/// <summary>
/// A server the host target deploys to. Existing: address, user, port and pinned host key from the stack. Created:
/// an EC2 instance (encrypted root volume, IMDSv2) with an elastic IP, a security group as its cloud firewall (SSH
/// from one CIDR, 80/443 and the published ports from anywhere, data ports — and in dev every published port — only from that CIDR), the deployer's key
/// pair and cloud-init installing the pinned host key. Either way it offers the SSH connection every remote command
/// uses and a local copy of the identity for the Docker provider's ssh client.
/// </summary>
public sealed class HostMachine : Construct
{
    public HostMachine(Construct parent, string name, HostMachineArgs args) : base(parent, name)
    {
        if (!args.PrivateKey.IsSecret) throw new SynthesisException($"server '{Path}': the SSH private key must be a secret reference");
        Args = args;
        if (args.Aws is { } aws)
        {
            var tags = new Dictionary<string, Input<string>> { ["Name"] = Names.Logical([Path.Replace('/', '-')]), ["platform.project"] = Program.Project, ["platform.stack"] = Program.Stack };
            var key = Add("key", new KeyPair { PublicKey = aws.PublicKey, Region = Input.Optional(aws.Region), Tags = tags });
            var ingress = new List<SecurityGroupIngress>
            {
                new() { Description = "SSH from the deployer", Protocol = "tcp", FromPort = args.Port, ToPort = args.Port, CidrBlocks = [aws.SshCidr] },
            };
            foreach (var p in aws.PublicPorts.Distinct().Order())
                ingress.Add(new SecurityGroupIngress
                {
                    Description = aws.DataPorts.Contains(p) ? $"port {p}, deployer only" : $"published port {p}",
                    Protocol = "tcp", FromPort = p, ToPort = p,
                    CidrBlocks = [aws.DataPorts.Contains(p) ? aws.SshCidr : "0.0.0.0/0"],
                });
            var sg = Add("firewall-rules", new SecurityGroup
            {
                Description = $"{Path}: SSH, 80, 443 and the published ports",
                Region = Input.Optional(aws.Region),
                Ingress = ingress,
                Egress = [new SecurityGroupEgress { Description = "all outbound", Protocol = "-1", FromPort = 0, ToPort = 0, CidrBlocks = ["0.0.0.0/0"] }],
                Tags = tags,
            });
            var userData = new FnCall("join", Value.List("", Value.List(
                Scripts.CloudInitHead(aws.System), new FnCall("toBase64", aws.HostPrivateKey), Scripts.CloudInitTail(aws.HostPublicKey))));
            var instance = Add("instance", new Instance
            {
                Ami = aws.Ami,
                InstanceType = aws.InstanceType,
                KeyName = key.Outputs.KeyName,
                VpcSecurityGroupIds = [sg.Id],
                Region = Input.Optional(aws.Region),
                UserData = userData,
                UserDataReplaceOnChange = false,
                MetadataOptions = new InstanceMetadataOptions { HttpTokens = "required", HttpEndpoint = "enabled" },
                RootBlockDevice = new InstanceRootBlockDevice { Encrypted = true, VolumeSize = aws.VolumeGb, VolumeType = "gp3", DeleteOnTermination = false },
                Tags = tags,
            });
            instance.Traits.Add(Traits.Stateful);
            instance.Options.Protect = true;
            var eip = Add("address", new Eip { Domain = "vpc", Instance = instance.Id, Region = Input.Optional(aws.Region), Tags = tags });
            Machine = instance;
            Address = eip.Outputs.PublicIp;
        }
        else
        {
            Address = args.Address ?? throw new SynthesisException($"server '{Path}' has neither an address nor an AWS definition");
        }

        // The Docker provider's ssh client reads files: the identity and the pinned host key, written locally from the secret.
        IdentityDir = $".ssh/platform/{Program.Stack}/{Path.Replace('/', '-')}";
        Identity = Add("identity", new Local.Command
        {
            Create = Scripts.LocalIdentity(IdentityDir),
            Delete = Scripts.LocalIdentityDelete(IdentityDir),
            Environment = new Dictionary<string, Input<string>>
            {
                ["SSH_PRIVATE_KEY"] = args.PrivateKey,
                ["SSH_ADDRESS"] = Address,
                ["SSH_PORT"] = args.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["SSH_HOST_KEY"] = args.HostKey,
            },
            Logging = Local.Logging.Stderr,
        });
        HostCommands.RefuseSecretText(Identity);
    }

    public override string Kind => Args.Aws is null ? "Server (existing)" : "Server (AWS EC2)";
    public HostMachineArgs Args { get; }
    /// <summary>The address commands and URLs use: a literal for an existing server, the elastic IP for a created one.</summary>
    public Value Address { get; }
    public Resource? Machine { get; }
    public Resource Identity { get; }
    public string IdentityDir { get; }

    /// <summary>The SSH connection of every remote command: pinned host key, the secret private key, and the instance first when it is created here.</summary>
    public Remote.Connection Connection() => new()
    {
        Host = Address,
        Port = Args.Port,
        User = Args.User,
        PrivateKey = Args.PrivateKey,
        HostKey = Args.HostKey,
        DialErrorLimit = Args.Aws is null ? null : 30,
    };

    /// <summary><c>ssh://user@address:port</c> for the Docker provider.</summary>
    public Value DockerHost => Value.Format($"ssh://{Args.User}@{UrlAddress}:{Args.Port}");

    /// <summary>The address as a URL host: an IPv6 address in brackets.</summary>
    public Value UrlAddress => Args.Address is { } a && a.Contains(':') ? "[" + a + "]" : Address;

    /// <summary>The ssh client options that pin the host key and use the local identity (the directory is the identity command's output).</summary>
    public IReadOnlyList<Input<string>> SshOpts()
    {
        Value dir = ((Resource<Local.Command.Outputs>)Identity).Outputs.Stdout;
        return
        [
            "-o", "StrictHostKeyChecking=yes",
            "-o", Value.Format($"UserKnownHostsFile={dir}/known_hosts"),
            "-o", "IdentitiesOnly=yes",
            "-i", Value.Format($"{dir}/id"),
        ];
    }

    /// <summary>A shell line an operator runs from the deployer machine: <c>ssh -p PORT user@address 'COMMAND'</c> (with sudo when it needs root and the user is not).</summary>
    public Value SshLine(string command, bool asRoot = false) =>
        Value.Format($"ssh -p {Args.Port} {Args.User}@{Address} '{(asRoot && Args.User != "root" ? "sudo -n " : "")}{command}'");
}

/// <summary>Remote commands of the host target: secrets only through the environment, never in command text.</summary>
public static class HostCommands
{
    /// <summary>
    /// A <c>command:remote:Command</c> running <paramref name="create"/> (and <paramref name="delete"/>) as root on the server,
    /// after <paramref name="after"/>. Re-run when the text changes (the provider runs create again on update).
    /// </summary>
    public static Resource Run(Construct owner, string? name, HostMachine host, string create, string? delete, IEnumerable<Resource> after, Value? triggers = null)
    {
        var cmd = owner.Add(name, new Remote.Command
        {
            Connection = host.Connection(),
            Create = Scripts.AsRoot(host.Args.User, create),
            Delete = Input.Optional(delete is null ? null : Scripts.AsRoot(host.Args.User, delete)),
            Triggers = triggers,
            Logging = Remote.Logging.StdoutAndStderr,
        });
        if (host.Machine is { } m) cmd.DependsOn([m]);
        cmd.DependsOn(after);
        RefuseSecretText(cmd);
        return cmd;
    }

    /// <summary>Fails synthesis when a secret would end up inside a command's text (create, update, delete) rather than its environment.</summary>
    public static void RefuseSecretText(Resource command)
    {
        foreach (var field in new[] { "create", "update", "delete" })
            if (command.Properties.Get(field) is { IsSecret: true })
                throw new SynthesisException(
                    $"{command.Name}: a secret would end up in the command text ({field}); secrets reach commands only through 'environment'");
    }
}
