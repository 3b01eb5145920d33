using System.Globalization;
using Infra.Components.Core;
using Infra.Components.Host;
using YamlDotNet.RepresentationModel;

namespace Infra.Stacks.Targets.Host;

/// <summary>A server created on AWS for the stack (EC2 instance, elastic IP, security group as firewall, cloud-init).</summary>
public sealed record AwsServer(string InstanceType, string Ami, string SshCidr, string PublicKey, string HostKey, string? Region, int VolumeGb);

/// <summary>
/// One server of <c>platform:servers</c>: an existing machine (address, SSH user and port, pinned host key; the private
/// key is the secret <c>sshPrivateKey</c>) or one created on AWS (<see cref="Aws"/>). Ports: the firewall admits exactly
/// SSH, 80, 443 and the ports the system publishes (<see cref="AllowPorts"/>, when given, is the operator's exact list
/// and must contain every published port); <see cref="ReservedPorts"/> are ports other systems already use on that host.
/// </summary>
public sealed record HostServer(string Name, string? Address, string User, int SshPort, string? HostKey, AwsServer? Aws,
    IReadOnlyList<int>? AllowPorts, IReadOnlyList<int> ReservedPorts, string? DataPath)
{
    public bool Existing => Aws is null;
}

/// <summary>Reads and checks <c>platform:servers</c> (the host target's servers).</summary>
public static class HostConfig
{
    public const string ServersKey = "platform:servers";
    /// <summary>The secret private key the deployer uses for every server (<c>pulumi config set --secret sshPrivateKey &lt; ~/.ssh/id_ed25519</c>).</summary>
    public const string SshPrivateKey = "sshPrivateKey";
    /// <summary>Per AWS server: the secret SSH host private key cloud-init installs, so its public half can be pinned before the machine exists.</summary>
    public static string HostPrivateKeyFor(string server) => "hostPrivateKey-" + server;

    private static readonly string[] ServerKeys = ["address", "user", "port", "hostKey", "aws", "allowPorts", "reservedPorts", "dataPath"];
    private static readonly string[] AwsKeys = ["instanceType", "ami", "sshCidr", "publicKey", "hostKey", "region", "volumeGb"];

    public const string Allowed = "a mapping of server name to {address, user, port, hostKey} (an existing server) or {aws: {instanceType, ami, sshCidr, publicKey, hostKey}} (created on AWS); optional allowPorts, reservedPorts, dataPath";

    public static IReadOnlyList<HostServer> Parse(string file, YamlNode node)
    {
        const string key = ServersKey;
        if (node is not YamlMappingNode map || map.Children.Count == 0)
            throw new InputException(file, key, null, "must be " + Allowed);
        var list = new List<HostServer>();
        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? throw new InputException(file, key, null, "keys must be server names");
            if (!Names.IsValid(name))
                throw new InputException(file, $"{key}.{name}", null, $"not a server name: lowercase letters, digits and '-', starting with a letter, at most {Names.MaxLength} characters");
            list.Add(Server(file, $"{key}.{name}", name, v));
        }
        if (list.Count > 32) throw new InputException(file, key, null, "at most 32 servers per stack");
        return list;
    }

    private static HostServer Server(string file, string key, string name, YamlNode node)
    {
        if (node is not YamlMappingNode m) throw new InputException(file, key, null, "must be {address, user, port, hostKey} or {aws: {...}}");
        foreach (var (k, v) in m.Children)
        {
            var field = (k as YamlScalarNode)?.Value ?? "";
            if (!ServerKeys.Contains(field))
                throw new InputException(file, $"{key}.{field}", null, $"unknown key; a server has: {string.Join(", ", ServerKeys)}");
            if (v is YamlMappingNode sec && sec.Children.ContainsKey(new YamlScalarNode("secure")))
                throw new InputException(file, $"{key}.{field}", null,
                    "must not be a secret: it would end up in command text or the Docker host URL; the only secrets a server takes are sshPrivateKey (and hostPrivateKey-<server> on AWS), which reach commands through their environment");
        }
        string? Get(string k) => m.Children.TryGetValue(new YamlScalarNode(k), out var n)
            ? (n is YamlScalarNode { Value: { Length: > 0 } s } ? s : throw new InputException(file, $"{key}.{k}", null, "must be a plain value"))
            : null;
        var address = Get("address");
        var user = Get("user") ?? "root";
        var port = Get("port") is { } p ? Port(file, $"{key}.port", p, ssh: true) : 22;
        var hostKey = Get("hostKey");
        var dataPath = Get("dataPath");
        var allow = m.Children.TryGetValue(new YamlScalarNode("allowPorts"), out var an) ? Ports(file, $"{key}.allowPorts", an) : null;
        var reserved = m.Children.TryGetValue(new YamlScalarNode("reservedPorts"), out var rn) ? Ports(file, $"{key}.reservedPorts", rn) : [];
        if (!IsUser(user)) throw new InputException(file, $"{key}.user", user, "a POSIX user name: lowercase letters, digits, '_' and '-', starting with a letter or '_', at most 32 characters");

        AwsServer? aws = null;
        if (m.Children.TryGetValue(new YamlScalarNode("aws"), out var awsNode))
        {
            if (address is not null || hostKey is not null)
                throw new InputException(file, $"{key}.aws", null, "a server is either existing (address, hostKey) or created on AWS (aws: {...}), not both");
            aws = Aws(file, $"{key}.aws", awsNode);
        }
        else
        {
            if (address is null)
                throw new InputException(file, $"{key}.address", null, "missing: an existing server needs its address (an IPv4/IPv6 address or a host name), or use aws: {...} to create one");
            if (!IsAddress(address))
                throw new InputException(file, $"{key}.address", address, "neither an IP address nor a host name: an IPv4 address (203.0.113.10), an IPv6 address (2001:db8::10) or a host name (labels of letters, digits and '-', e.g. app-1.example.com)");
            if (hostKey is null)
                throw new InputException(file, $"{key}.hostKey", null,
                    $"missing: the server's SSH host key is pinned (no trust on first use); take it from the server, e.g. `ssh-keyscan -t ed25519 {address}` checked against `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the console, and set the 'ssh-ed25519 AAAA...' part");
            CheckHostKey(file, $"{key}.hostKey", hostKey);
        }
        return new HostServer(name, address, user, port, hostKey, aws, allow, reserved, dataPath);
    }

    private static AwsServer Aws(string file, string key, YamlNode node)
    {
        if (node is not YamlMappingNode m) throw new InputException(file, key, null, "must be {instanceType, ami, sshCidr, publicKey, hostKey}");
        foreach (var (k, v) in m.Children)
        {
            var field = (k as YamlScalarNode)?.Value ?? "";
            if (!AwsKeys.Contains(field)) throw new InputException(file, $"{key}.{field}", null, $"unknown key; aws has: {string.Join(", ", AwsKeys)}");
            if (v is YamlMappingNode sec && sec.Children.ContainsKey(new YamlScalarNode("secure")))
                throw new InputException(file, $"{key}.{field}", null, "must not be a secret: public keys, addresses and sizes are not secrets (the host private key is the secret hostPrivateKey-<server>)");
        }
        string Req(string k, string what) => m.Children.TryGetValue(new YamlScalarNode(k), out var n) && n is YamlScalarNode { Value: { Length: > 0 } s }
            ? s : throw new InputException(file, $"{key}.{k}", null, "missing: " + what);
        string? Opt(string k) => m.Children.TryGetValue(new YamlScalarNode(k), out var n) ? (n as YamlScalarNode)?.Value : null;
        var type = Req("instanceType", "an EC2 instance type, e.g. t3.large");
        var ami = Req("ami", "a Debian 12 AMI id for the region, e.g. ami-0123456789abcdef0");
        var cidr = Req("sshCidr", "the CIDR SSH is admitted from (your deployer's address), e.g. 203.0.113.7/32; 0.0.0.0/0 is refused");
        var pub = Req("publicKey", "the deployer's SSH public key (the half of sshPrivateKey), 'ssh-ed25519 AAAA...'");
        var hostKey = Req("hostKey", "the public half of the secret hostPrivateKey-<server> cloud-init installs, 'ssh-ed25519 AAAA...' (ssh-keygen -t ed25519 -N '' -f hostkey)");
        if (!System.Text.RegularExpressions.Regex.IsMatch(type, "^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.[a-z0-9]+$"))
            throw new InputException(file, $"{key}.instanceType", type, "an EC2 instance type, e.g. t3.large");
        if (!System.Text.RegularExpressions.Regex.IsMatch(ami, "^ami-[0-9a-f]{8,17}$"))
            throw new InputException(file, $"{key}.ami", ami, "an AMI id: ami- followed by 8 to 17 hex digits");
        if (!IsCidr(cidr) || cidr.EndsWith("/0", StringComparison.Ordinal))
            throw new InputException(file, $"{key}.sshCidr", cidr, "an IPv4 CIDR narrower than /0, e.g. 203.0.113.7/32 (SSH is never open to the world)");
        CheckHostKey(file, $"{key}.publicKey", pub);
        CheckHostKey(file, $"{key}.hostKey", hostKey);
        var region = Opt("region");
        if (region is not null && !System.Text.RegularExpressions.Regex.IsMatch(region, "^[a-z]{2}(-[a-z]+)+-[0-9]$"))
            throw new InputException(file, $"{key}.region", region, "an AWS region, e.g. eu-west-1");
        var gb = Opt("volumeGb") is { } g ? Integer(file, $"{key}.volumeGb", g, 8, 16384, "a root volume size in GiB, 8 to 16384") : 40;
        return new AwsServer(type, ami, cidr, pub, hostKey, region, gb);
    }

    private static void CheckHostKey(string file, string key, string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ok = parts.Length is 2 or 3 && parts[0] is "ssh-ed25519" or "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384" or "ecdsa-sha2-nistp521" or "ssh-rsa"
            && parts[1].Length >= 16 && Text.All(parts[1], c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')
            && (parts.Length == 2 || Text.All(parts[2], c => c > ' ' && c < 127 && c is not ('\'' or '"' or '\\' or '$' or '`')));
        if (!ok) throw new InputException(file, key, null, "an OpenSSH public key: 'ssh-ed25519 AAAA...' (type, base64 key, optional comment)");
    }

    private static IReadOnlyList<int> Ports(string file, string key, YamlNode node)
    {
        if (node is not YamlSequenceNode seq) throw new InputException(file, key, null, "must be a list of ports, e.g. [8000, 3000]");
        var list = new List<int>();
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var s = (seq.Children[i] as YamlScalarNode)?.Value ?? throw new InputException(file, $"{key}[{i}]", null, "a port number");
            list.Add(Port(file, $"{key}[{i}]", s, ssh: false));
        }
        return list;
    }

    private static int Port(string file, string key, string s, bool ssh)
    {
        var n = Integer(file, key, s, 1, 65535, "a port number from 1 to 65535");
        if (!ssh && Infra.Stacks.Composition.Limits.HostPortProblem(n) is { } why) throw new InputException(file, key, s, why);
        return n;
    }

    private static int Integer(string file, string key, string s, int min, int max, string allowed) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : throw new InputException(file, key, s, "must be " + allowed);

    private static bool IsUser(string s) =>
        s.Length is > 0 and <= 32 && (char.IsAsciiLetterLower(s[0]) || s[0] == '_') && Text.All(s, c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-');

    /// <summary>An IPv4 dotted quad, an IPv6 address, or a host name (RFC 1123 labels; the last label not all digits).</summary>
    public static bool IsAddress(string s)
    {
        if (s.Length is 0 or > 253) return false;
        if (s.Contains(':'))
            return System.Net.IPAddress.TryParse(s, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                && Text.All(s, c => char.IsAsciiHexDigit(c) || c is ':' or '.');
        var labels = s.Split('.');
        if (labels.All(l => l.Length > 0 && Text.All(l, char.IsAsciiDigit)))
            return labels.Length == 4 && labels.All(l => l.Length <= 3 && int.Parse(l, CultureInfo.InvariantCulture) <= 255 && (l.Length == 1 || l[0] != '0'));
        foreach (var l in labels)
            if (l.Length is 0 or > 63 || l[0] == '-' || l[^1] == '-' || !Text.All(l, c => char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
        return !Text.All(labels[^1], char.IsAsciiDigit);
    }

    private static bool IsCidr(string s)
    {
        var slash = s.IndexOf('/');
        return slash > 0 && IsAddress(s[..slash]) && !s[..slash].Contains(':') && s[..slash].Split('.').Length == 4 && char.IsAsciiDigit(s[..slash][^1])
            && int.TryParse(s[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bits) && bits is >= 0 and <= 32;
    }

    /// <summary>The secret keys the host target reads: the SSH key, per-AWS-server host keys, and per-server copies of the system's secrets when there are several servers.</summary>
    public static IEnumerable<string> SecretKeys(IReadOnlyList<HostServer> servers, IEnumerable<string> systemSecrets)
    {
        if (servers.Count == 0) yield break;
        yield return SshPrivateKey;
        foreach (var s in servers.Where(s => s.Aws is not null)) yield return HostPrivateKeyFor(s.Name);
        if (servers.Count > 1)
            foreach (var secret in systemSecrets)
                foreach (var s in servers) yield return PerServer(secret, s.Name);
    }

    /// <summary>A system secret's key for one server of several (each server has its own, e.g. validator keys).</summary>
    public static string PerServer(string key, string server) => key + "-" + server;

    /// <summary>The host target needs servers; servers are only for the host target.</summary>
    public static void CheckTargetAndServers(Infra.Stacks.Composition.StackSettings settings)
    {
        if (settings.Target == "host" && settings.Servers.Count == 0)
            throw new InputException(settings.File, ServersKey, null, "missing: the host target deploys to the servers of platform:servers: " + Allowed);
        if (settings.Target != "host" && settings.Servers.Count > 0)
            throw new InputException(settings.File, ServersKey, null, $"servers are for the host target, but platform:target is '{settings.Target}'; set platform:target: host or remove platform:servers");
    }

    /// <summary>Checks a server list against the system and stack (after parsing): data paths, ports, clashes, the SSH key.</summary>
    public static void Check(Infra.Stacks.Composition.StackSettings settings, string system, IReadOnlyList<int> published)
    {
        var file = settings.File;
        if (settings.Servers.Count == 0)
            throw new InputException(file, ServersKey, null, "missing: the host target deploys to the servers of platform:servers: " + Allowed);
        if (settings.SecretKeys is { } secrets)
        {
            if (!secrets.Contains(SshPrivateKey))
                throw new InputException(file, "platform:" + SshPrivateKey, null,
                    "missing: the host target connects with this secret SSH private key; set it with `pulumi config set --secret sshPrivateKey < ~/.ssh/id_ed25519`");
            foreach (var s in settings.Servers.Where(s => s.Aws is not null))
                if (!secrets.Contains(HostPrivateKeyFor(s.Name)))
                    throw new InputException(file, "platform:" + HostPrivateKeyFor(s.Name), null,
                        $"missing: server '{s.Name}' is created on AWS with this secret SSH host key so that its public half (aws.hostKey) is pinned; `ssh-keygen -t ed25519 -N '' -f hostkey && pulumi config set --secret {HostPrivateKeyFor(s.Name)} < hostkey`");
        }
        var root = HostLayout.Root(system);
        var byAddress = new Dictionary<string, (string Server, Dictionary<int, string> Ports)>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in settings.Servers)
        {
            var key = $"{ServersKey}.{s.Name}";
            if (s.DataPath is { } dp && !HostLayout.IsUnder(dp, root))
                throw new InputException(file, key + ".dataPath", dp, $"data lives under {root} (e.g. {root}/data): an absolute path below it, without '..', '.', '//' or a trailing '/'");
            if (s.AllowPorts is { } allow)
                foreach (var port in published)
                    if (!allow.Contains(port) && port is not (80 or 443))
                        throw new InputException(file, key + ".allowPorts", string.Join(", ", allow.Select(p => p.ToString(CultureInfo.InvariantCulture))),
                            $"the system publishes port {port.ToString(CultureInfo.InvariantCulture)}, which this firewall list would block; add it (the firewall admits SSH, 80, 443 and exactly this list)");
            if (published.Contains(s.SshPort))
                throw new InputException(file, key + ".port", s.SshPort.ToString(CultureInfo.InvariantCulture),
                    $"system '{system}' publishes this port, and SSH listens on it; two cannot claim one port on one host: move one (platform:ports)");
            foreach (var port in s.ReservedPorts)
                if (published.Contains(port) || port == s.SshPort)
                    throw new InputException(file, key + ".reservedPorts", port.ToString(CultureInfo.InvariantCulture),
                        $"port {port.ToString(CultureInfo.InvariantCulture)} is reserved for another system on this host, but system '{system}' {(port == s.SshPort ? "connects over it (SSH)" : "publishes it")}; two systems cannot claim one port on one host: move one (platform:ports)");
            if (s.Address is { } a)
            {
                if (byAddress.TryGetValue(a, out var other))
                {
                    var clash = published.FirstOrDefault(p => other.Ports.ContainsKey(p));
                    throw new InputException(file, key + ".address", a,
                        $"server '{other.Server}' has the same address, so two copies of system '{system}' would claim port {(clash == 0 ? s.SshPort : clash).ToString(CultureInfo.InvariantCulture)} on one host; give each server its own address");
                }
                byAddress[a] = (s.Name, published.ToDictionary(p => p, _ => system));
            }
        }
    }
}
