namespace Infra.Stacks.Composed;

/// <summary>
/// What one target can express, as data: every <see cref="Feature"/> is either supported or has the text of what
/// the target does instead. A feature the stack uses and the target cannot express is listed by <c>plan</c> as
/// "not on this target" (never dropped silently); a test fails when a new feature is declared by neither.
/// </summary>
public sealed record TargetCapabilities(string Target, IReadOnlySet<Feature> Supported, IReadOnlyDictionary<Feature, string> Instead)
{
    public static string Describe(Feature f) => f switch
    {
        Feature.HostPorts => "host ports",
        Feature.LocalImageBuild => "image builds from a local context",
        Feature.StartOrder => "start order (wait until dependencies are healthy)",
        Feature.Autoscaling => "autoscaling",
        Feature.DisruptionBudgets => "disruption budgets",
        Feature.PerEdgeIsolation => "per-edge network isolation",
        Feature.ReadOnlyRootFilesystem => "read-only root filesystem",
        Feature.DataReplicas => "database/cache replicas",
        Feature.ProgressiveRelease => "blue-green / canary releases",
        Feature.DataExporters => "PostgreSQL/Redis exporters",
        Feature.AcmeCertificates => "ACME certificates for a host name",
        Feature.TlsFromStackSecrets => "TLS from the secrets tlsCertificate / tlsPrivateKey",
        Feature.ExternalDatabase => "an external managed database",
        Feature.RegistryLogins => "registry logins for image pulls",
        Feature.ReadOnlyVolumes => "read-only volumes",
        Feature.Migrations => "run-once migrations",
        _ => f.ToString(),
    };

    /// <summary>One line per used feature this target cannot express: what, for which parts, and what happens instead.</summary>
    public IReadOnlyList<string> NotOnTarget(ComposedSystem system) =>
        [.. system.Uses.Where(u => !Supported.Contains(u.Feature))
            .Select(u => $"{Describe(u.Feature)}: {u.Detail} ({Instead.GetValueOrDefault(u.Feature, "not expressed")})")];

    /// <summary>Features this target neither supports nor explains (a test asserts there are none).</summary>
    public IEnumerable<Feature> Undeclared => Enum.GetValues<Feature>().Where(f => !Supported.Contains(f) && !Instead.ContainsKey(f));
}
