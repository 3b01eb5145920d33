using Infra.Components.Core;
using Infra.Providers.Kubernetes.Core.V1;

namespace Infra.Components.Kubernetes;

/// <summary>Persistent data on Kubernetes: claim templates with the profile's storage class and size.</summary>
public static class KubeData
{
    public static PersistentVolumeClaimType Claim(string name, string storageClass, int sizeGi) => new()
    {
        Metadata = new Providers.Kubernetes.Meta.V1.ObjectMeta { Name = name },
        Spec = new PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = storageClass,
            Resources = new VolumeResourceRequirements { Requests = new Dictionary<string, Input<string>> { ["storage"] = sizeGi.ToString(System.Globalization.CultureInfo.InvariantCulture) + "Gi" } },
        },
    };
}
