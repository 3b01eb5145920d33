namespace Infra.Components.Policies;

/// <summary>Every rule, in listing order.</summary>
public static class PolicyCatalog
{
    public static IReadOnlyList<PolicyRule> All { get; } =
    [
        new NoLiteralSecrets(), new NoCredentialsInUrls(), new SecretConfigIsSecret(), new StrongGeneratedPasswords(), new SecretOutputsMarked(),
        new DataPortsNotPublished(), new DataOnInternalNetworks(), new RdsNotPublic(), new NoOpenIngressToDataPorts(),
        new KubernetesDataServicesClusterIp(), new PublicEndpointsUseTls(), new NoDockerSocket(),
        new ContainerLimits(), new ContainerHealthCheck(), new ContainerNonRoot(), new ContainerNotPrivileged(), new ContainerNoHostNamespaces(),
        new ReadOnlyConfigFiles(), new PinnedImages(), new CapabilitiesDropped(), new NoNewPrivileges(), new LogRotation(), new KubernetesPodSecurity(),
        new StatefulProtected(), new VolumesRetained(), new BackupsConfigured(), .. RdsPolicies.All,
        .. EncryptionPolicies.All,
        .. AwsPlatformRules.All,
    ];

    public static PolicyRule? Find(string id) => All.FirstOrDefault(r => r.Id == id);
}
