using Infra.Codegen;

namespace Infra.Tests.Codegen;

public class NamingTests
{
    [Theory]
    [InlineData("docker:index/network:Network", "Infra.Providers.Docker", "Network")]
    [InlineData("aws:ec2/vpc:Vpc", "Infra.Providers.Aws.Ec2", "Vpc")]
    [InlineData("aws:s3/BucketVersioningVersioningConfiguration:BucketVersioningVersioningConfiguration", "Infra.Providers.Aws.S3", "BucketVersioningVersioningConfiguration")]
    [InlineData("kubernetes:apps/v1:Deployment", "Infra.Providers.Kubernetes.Apps.V1", "Deployment")]
    [InlineData("kubernetes:networking.k8s.io/v1:Ingress", "Infra.Providers.Kubernetes.Networking.V1", "Ingress")]
    [InlineData("kubernetes:index:HelmReleaseSettings", "Infra.Providers.Kubernetes", "HelmReleaseSettings")]
    [InlineData("command:remote:Command", "Infra.Providers.Command.Remote", "Command")]
    [InlineData("pulumi:providers:aws", "Infra.Providers.Aws", "Provider")]
    public void Tokens_map_to_namespaces_and_names(string token, string ns, string name)
    {
        var (package, module, n) = Naming.Split(token);
        Assert.Equal(ns, Naming.Namespace(package, module));
        Assert.Equal(name, Naming.Pascal(n));
    }

    [Theory]
    [InlineData("$ref", "Ref")]
    [InlineData("x_kubernetes_list_type", "XKubernetesListType")]
    [InlineData("max-size", "MaxSize")]
    [InlineData("3d", "P3d")]
    [InlineData("ipamConfigs", "IpamConfigs")]
    public void Schema_names_are_pascal_cased(string schemaName, string member) => Assert.Equal(member, Naming.Pascal(schemaName));

    [Fact]
    public void Taken_names_get_a_deterministic_rename()
    {
        var members = Naming.Members(["token", "outputs", "extra", "secret", "ref", "$ref", "name"], "Secret", Naming.ArgsReserved)
            .ToDictionary(m => m.SchemaName, m => m.Member);
        Assert.Equal("TokenProperty", members["token"]);
        Assert.Equal("OutputsProperty", members["outputs"]);
        Assert.Equal("ExtraProperty", members["extra"]);
        Assert.Equal("SecretProperty", members["secret"]);
        Assert.Equal("Ref", members["$ref"]);
        Assert.Equal("Ref2", members["ref"]);
        Assert.Equal("Name", members["name"]);
    }
}
