using Infra.Components.Core;

namespace Infra.Components.Policies;

/// <summary>A rule on every Docker container: one predicate, one message.</summary>
public abstract class ContainerRule : PolicyRule
{
    protected abstract (string Path, string Message, string Fix)? Problem(Resource container);

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var c in context.Containers)
            if (Problem(c) is { } p) yield return new Violation(c, p.Path, p.Message, p.Fix);
    }
}

public sealed class ContainerLimits : ContainerRule
{
    public override string Id => "WRK-001";
    public override string Title => "memory and CPU limits";
    public override string Rationale => "A container without limits can starve every other service on the host.";
    public override Severity Severity => Severity.Mandatory;
    protected override (string, string, string)? Problem(Resource c) =>
        c.Properties.Get("memory") is null || c.Properties.Get("cpus") is null
            ? ("memory", "no memory/CPU limit", "set Limits (WithLimits(cpus, memoryMb))") : null;
}

public sealed class ContainerHealthCheck : ContainerRule
{
    public override string Id => "WRK-002";
    public override string Title => "health checks";
    public override string Rationale => "Without a health check nothing can wait for readiness and a hung process looks alive.";
    public override Severity Severity => Severity.Mandatory;
    protected override (string, string, string)? Problem(Resource c) =>
        c.Properties.Get("healthcheck") is null ? ("healthcheck", "no health check", "give the service WithHttp(port, healthPath) or WithHealth(...)") : null;
}

public sealed class ContainerNonRoot : ContainerRule
{
    public override string Id => "WRK-003";
    public override string Title => "non-root user";
    public override string Rationale => "A process running as root turns any container escape into root on the host.";
    public override Severity Severity => Severity.Mandatory;
    protected override (string, string, string)? Problem(Resource c)
    {
        var user = Prop.Text(c.Properties.Get("user"));
        return user is null || user == "root" || user == "0" || user.StartsWith("0:", StringComparison.Ordinal) || user.StartsWith("root:", StringComparison.Ordinal)
            ? ("user", $"runs as {(user is null ? "the image default (often root)" : user)}", "set a non-root user, e.g. 1000:1000") : null;
    }
}

public sealed class ContainerNotPrivileged : ContainerRule
{
    public override string Id => "WRK-004";
    public override string Title => "no privileged mode";
    public override string Rationale => "Privileged containers get every device and capability of the host.";
    public override Severity Severity => Severity.Mandatory;
    protected override (string, string, string)? Problem(Resource c) =>
        c.Properties.Get("privileged") is Bool { Flag: true } ? ("privileged", "runs privileged", "remove privileged; add only the capability needed") : null;
}

public sealed class ContainerNoHostNamespaces : ContainerRule
{
    public override string Id => "WRK-005";
    public override string Title => "no host network, PID or IPC namespace";
    public override string Rationale => "Sharing the host's namespaces removes the isolation a container is for.";
    public override Severity Severity => Severity.Mandatory;
    protected override (string, string, string)? Problem(Resource c)
    {
        foreach (var p in new[] { "networkMode", "pidMode", "ipcMode" })
            if (Prop.Text(c.Properties.Get(p)) == "host") return (p, $"{p} is host", "use a bridge network and the container's own namespaces");
        return null;
    }
}

public sealed class ReadOnlyConfigFiles : ContainerRule
{
    public override string Id => "WRK-006";
    public override string Title => "read-only config files";
    public override string Rationale => "A service that can rewrite its own configuration can persist a compromise.";
    public override Severity Severity => Severity.Mandatory;
    protected override (string, string, string)? Problem(Resource c)
    {
        foreach (var u in Prop.Maps(c.Properties.Get("uploads")))
        {
            var mode = Prop.Text(u["permissions"]);
            if (mode is null || mode.Length < 3 || mode[^3..].Any(d => d is not ('0' or '1' or '4' or '5')))
                return ("uploads", $"{Prop.Show(u["file"])} is uploaded with mode {mode ?? "default (0644)"}", "upload config files with permissions 0444");
        }
        foreach (var v in Prop.Maps(c.Properties.Get("volumes")))
            if (Prop.Text(v["hostPath"]) is not null && v["readOnly"] is not Bool { Flag: true })
                return ("volumes", $"host path {Prop.Show(v["hostPath"])} is mounted writable", "mount host paths read-only");
        return null;
    }
}

/// <summary>WRK-007: images pinned: no latest or missing tag; in prod a digest or an immutable (version) tag.</summary>
public sealed class PinnedImages : PolicyRule
{
    private static readonly HashSet<string> MovingTags = ["latest", "main", "master", "develop", "dev", "stable", "edge", "nightly"];

    public override string Id => "WRK-007";
    public override string Title => "pinned images";
    public override string Rationale => "A moving tag makes `pulumi up` deploy whatever was pushed last, and rollbacks impossible.";
    public override Severity Severity => Severity.Mandatory;
    public override Enforcement For(string environment) => HoldsData(environment) ? Enforcement.Mandatory : Enforcement.Advisory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var r in context.OfType(DockerTypes.RemoteImage).Concat(context.OfType(DockerTypes.Image)))
        {
            var prop = r.Type == DockerTypes.RemoteImage ? "name" : "imageName";
            if (Prop.Text(r.Properties.Get(prop)) is not { } reference) continue;
            if (Problem(reference, context.Environment == "prod") is { } why)
                yield return new Violation(r, prop, $"image '{reference}' {why}", "pin a version tag (api:1.4.2) or a digest (@sha256:...)");
        }
    }

    internal static string? Problem(string reference, bool prod)
    {
        if (reference.Contains("@sha256:", StringComparison.Ordinal)) return null;
        var slash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        if (colon <= slash) return "has no tag (means latest)";
        var tag = reference[(colon + 1)..];
        // "latest-1", "v2-latest", "stable-alpine": a moving tag with a suffix still moves.
        var lower = tag.ToLowerInvariant();
        if (MovingTags.Contains(lower) || lower.Contains("latest", StringComparison.Ordinal)
            || lower.Split('-', '.', '_').Any(part => MovingTags.Contains(part) && part != "dev" && !lower.Any(char.IsAsciiDigit)))
            return $"uses the moving tag '{tag}'";
        if (prod && !tag.Any(char.IsAsciiDigit)) return $"uses tag '{tag}', which names no version";
        return null;
    }
}

public sealed class CapabilitiesDropped : ContainerRule
{
    public override string Id => "WRK-008";
    public override string Title => "capabilities dropped";
    public override string Rationale => "Default capabilities (chown, setuid, net_raw...) are rarely needed and widen any exploit.";
    public override Severity Severity => Severity.Advisory;
    protected override (string, string, string)? Problem(Resource c) =>
        Prop.Get(c, "capabilities.drops") is ListValue l && l.Items.Any(i => Prop.Text(i) == "ALL")
            ? null : ("capabilities.drops", "default capabilities kept", "drop ALL and add back only what the service needs");
}

public sealed class NoNewPrivileges : ContainerRule
{
    public override string Id => "WRK-009";
    public override string Title => "no-new-privileges";
    public override string Rationale => "Without it a setuid binary inside the image can regain root.";
    public override Severity Severity => Severity.Mandatory;
    protected override (string, string, string)? Problem(Resource c) =>
        c.Properties.Get("securityOpts") is ListValue l && l.Items.Any(i => Prop.Text(i) == "no-new-privileges:true")
            ? null : ("securityOpts", "no-new-privileges is not set", "add securityOpts: [no-new-privileges:true]");
}

public sealed class LogRotation : ContainerRule
{
    public override string Id => "WRK-010";
    public override string Title => "log rotation";
    public override string Rationale => "Unrotated json-file logs fill the host's disk (seed 003 rotates logs).";
    public override Severity Severity => Severity.Advisory;
    protected override (string, string, string)? Problem(Resource c) =>
        Prop.Get(c, "logOpts") is MapValue m && m["max-size"] is not null ? null : ("logOpts", "logs are not rotated", "set logOpts max-size and max-file");
}

/// <summary>WRK-011: Kubernetes pods: limits, probes, non-root, not privileged.</summary>
public sealed class KubernetesPodSecurity : PolicyRule
{
    private static readonly string[] Workloads = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet"];

    public override string Id => "WRK-011";
    public override string Title => "Kubernetes containers: limits, probes, non-root";
    public override string Rationale => "kube-score's basics: bounded resources, readiness known to the Service, no root, no privilege.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var w in Workloads.SelectMany(context.OfType))
        {
            var podSecurity = Prop.Get(w, "spec.template.spec.securityContext");
            var containers = Prop.Maps(Prop.Get(w, "spec.template.spec.containers")).ToList();
            for (var i = 0; i < containers.Count; i++)
            {
                var c = containers[i];
                var at = $"spec.template.spec.containers[{i}]";
                if ((c["resources"] as MapValue)?["limits"] is null) yield return new Violation(w, at + ".resources.limits", "no resource limits", "set resources.limits (cpu, memory)");
                if (c["readinessProbe"] is null || c["livenessProbe"] is null) yield return new Violation(w, at, "no readiness or liveness probe", "add readinessProbe and livenessProbe");
                var sc = c["securityContext"] as MapValue;
                var nonRoot = sc?["runAsNonRoot"] is Bool { Flag: true } || (podSecurity as MapValue)?["runAsNonRoot"] is Bool { Flag: true };
                if (!nonRoot) yield return new Violation(w, at + ".securityContext.runAsNonRoot", "may run as root", "set securityContext.runAsNonRoot: true");
                if (sc?["privileged"] is Bool { Flag: true }) yield return new Violation(w, at + ".securityContext.privileged", "runs privileged", "remove privileged");
            }
        }
    }
}
