using Infra.Components.Core;

namespace Infra.Components.Policies;

/// <summary>EXP-001: databases and caches publish no host port outside dev.</summary>
public sealed class DataPortsNotPublished : PolicyRule
{
    public override string Id => "EXP-001";
    public override string Title => "data services not published on host ports";
    public override string Rationale => "A published database or cache port is one firewall mistake away from the internet.";
    public override Severity Severity => Severity.Mandatory;
    public override Enforcement For(string environment) => HoldsData(environment) ? Enforcement.Mandatory : Enforcement.Advisory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var r in context.Containers.Where(IsDataService))
            foreach (var p in Prop.Maps(r.Properties.Get("ports")))
                if (p["external"] is not null)
                    yield return new Violation(r, "ports", $"publishes host port {Prop.Show(p["external"])}", "leave the port unpublished; use `docker exec` or an SSH tunnel");
    }

    internal static bool IsDataService(Resource r) => r.Traits.Contains(Traits.Database) || r.Traits.Contains(Traits.Cache);
}

/// <summary>EXP-002: data services sit only on internal networks.</summary>
public sealed class DataOnInternalNetworks : PolicyRule
{
    public override string Id => "EXP-002";
    public override string Title => "data services on internal networks only";
    public override string Rationale => "An internal network has no route out; a database on it cannot be reached from, or leak to, outside.";
    public override Severity Severity => Severity.Advisory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        var internalNets = context.OfType(DockerTypes.Network).Where(n => n.Properties.Get("internal") is Bool { Flag: true }).ToHashSet();
        foreach (var r in context.Containers.Where(DataPortsNotPublished.IsDataService))
            foreach (var n in Prop.Maps(r.Properties.Get("networksAdvanced")))
                if (n["name"] is OutputRef { Resource: var net } && !internalNets.Contains(net))
                    yield return new Violation(r, "networksAdvanced", $"attached to non-internal network '{net.Name}'", "put data services on an internal network (AddNetwork(name, internal: true))");
    }
}

/// <summary>EXP-003: RDS instances are not publicly accessible.</summary>
public sealed class RdsNotPublic() : PolicyRule
{
    public override string Id => "EXP-003";
    public override string Title => "RDS not publicly accessible";
    public override string Rationale => "publiclyAccessible gives the database a public DNS name and address.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context) =>
        context.OfType("aws:rds/instance:Instance")
            .Where(r => !PropertyRule.IsFalseOrUnset(r.Properties.Get("publiclyAccessible")))
            .Select(r => new Violation(r, "publiclyAccessible", "the instance is publicly accessible", "set publiclyAccessible: false and reach it from private subnets"));
}

/// <summary>EXP-004: no 0.0.0.0/0 ingress to data ports.</summary>
public sealed class NoOpenIngressToDataPorts : PolicyRule
{
    private static readonly int[] DataPorts = [5432, 3306, 6379, 27017, 9200, 11211];

    public override string Id => "EXP-004";
    public override string Title => "no 0.0.0.0/0 ingress to data ports";
    public override string Rationale => "Open ingress on a database port invites credential stuffing from the whole internet.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var sg in context.OfType("aws:ec2/securityGroup:SecurityGroup"))
        {
            var rules = Prop.Maps(sg.Properties.Get("ingress")).ToList();
            for (var i = 0; i < rules.Count; i++)
                if (OpensData(rules[i]["fromPort"], rules[i]["toPort"]) && rules[i]["cidrBlocks"] is ListValue cidrs && cidrs.Items.Any(c => Prop.Text(c) == "0.0.0.0/0"))
                    yield return new Violation(sg, $"ingress[{i}]", "opens a data port to 0.0.0.0/0", "allow only the application's security group or private CIDRs");
        }
        foreach (var rule in context.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"))
            if (Prop.Text(rule.Properties.Get("cidrIpv4")) == "0.0.0.0/0" && OpensData(rule.Properties.Get("fromPort"), rule.Properties.Get("toPort")))
                yield return new Violation(rule, "cidrIpv4", "opens a data port to 0.0.0.0/0", "reference the application's security group instead");
    }

    private static bool OpensData(Value? from, Value? to) =>
        Prop.Number(from) is { } f && Prop.Number(to) is { } t && DataPorts.Any(p => p >= f && p <= t);
}

/// <summary>EXP-005: Kubernetes Services for data ports stay inside the cluster.</summary>
public sealed class KubernetesDataServicesClusterIp : PolicyRule
{
    private static readonly double[] DataPorts = [5432, 3306, 6379, 27017];

    public override string Id => "EXP-005";
    public override string Title => "Kubernetes data Services are ClusterIP";
    public override string Rationale => "A LoadBalancer or NodePort Service for a database exposes it outside the cluster.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var svc in context.OfType("kubernetes:core/v1:Service"))
        {
            var type = Prop.Text(Prop.Get(svc, "spec.type")) ?? "ClusterIP";
            if (type == "ClusterIP") continue;
            if (Prop.Maps(Prop.Get(svc, "spec.ports")).Any(p => Prop.Number(p["port"]) is { } n && DataPorts.Contains(n)))
                yield return new Violation(svc, "spec.type", $"a data port is exposed through a {type} Service", "use type ClusterIP (or a headless Service)");
        }
    }
}

/// <summary>EXP-006: in staging and prod every public endpoint terminates TLS.</summary>
public sealed class PublicEndpointsUseTls : PolicyRule
{
    public override string Id => "EXP-006";
    public override string Title => "public endpoints use TLS";
    public override string Rationale => "Plain HTTP on a public port exposes sessions and tokens to anyone on the path.";
    public override Severity Severity => Severity.Mandatory;
    public override Enforcement For(string environment) => HoldsData(environment) ? Enforcement.Mandatory : Enforcement.Off;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var r in context.Containers)
        {
            var published = Prop.Maps(r.Properties.Get("ports")).Where(p => p["external"] is not null).ToList();
            if (published.Count == 0) continue;
            if (r.Traits.Contains(Traits.Proxy))
            {
                if (!published.Any(p => Prop.Number(p["external"]) == 443))
                    yield return new Violation(r, "ports", "the reverse proxy publishes no HTTPS port", "enable TLS (platform:tls: true with the secrets tlsCertificate / tlsPrivateKey)");
            }
            else
                yield return new Violation(r, "ports", $"publishes host port(s) {string.Join(", ", published.Select(p => Prop.Show(p["external"])))} without TLS termination", "route it through the reverse proxy, or waive with the reason TLS is handled elsewhere");
        }
    }
}

/// <summary>EXP-007: no container mounts the Docker socket.</summary>
public sealed class NoDockerSocket : PolicyRule
{
    public override string Id => "EXP-007";
    public override string Title => "no Docker socket mounts";
    public override string Rationale => "The Docker socket is root on the host for anything that can reach it.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var r in context.Containers)
            foreach (var v in Prop.Maps(r.Properties.Get("volumes")))
                if (Prop.Text(v["hostPath"]) is { } hp && hp.EndsWith("docker.sock", StringComparison.Ordinal))
                    yield return new Violation(r, "volumes", $"mounts {hp}", "use a file provider or the API over TLS instead of the socket");
    }
}
