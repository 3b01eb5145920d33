using Infra.Tests.Programs;

namespace Infra.Tests.Aws;

/// <summary>Bad aws settings: one clear error line naming the file and key and what is allowed, exit 2, nothing on stdout.</summary>
public class AwsBadInputTests
{
    private static Synth.Result SynthWith(string stackFile, string env = "prod")
    {
        var root = Directory.CreateTempSubdirectory("aws-bad").FullName;
        File.WriteAllText(Path.Combine(root, $"Pulumi.{env}.yaml"), stackFile);
        return Synth.CliIn(root, "synth", "--stack", env);
    }

    private static void AssertRefused(Synth.Result r, string env, string key, string allowed)
    {
        Assert.Equal(2, r.Exit);
        Assert.Equal("", r.Stdout);
        var line = Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains($"Pulumi.{env}.yaml", line, StringComparison.Ordinal);
        Assert.Contains(key, line, StringComparison.Ordinal);
        Assert.Contains(allowed, line, StringComparison.Ordinal);
    }

    /// <summary>The normaldance stack file with the platform:aws mapping replaced.</summary>
    private static string With(string awsBlock, string env = "prod", string system = "normaldance") =>
        AwsStacks.StackFile(system, env, withAws: false) + "  platform:aws:\n" + awsBlock;

    [Theory]
    [InlineData("    region: eu-west-1\n    vpcCidr: 10.0.0.1/16\n", "platform:aws.vpcCidr", "no host bits set")]
    [InlineData("    region: eu-west-1\n    vpcCidr: 300.0.0.0/16\n", "platform:aws.vpcCidr", "private IPv4 network")]
    [InlineData("    region: eu-west-1\n    vpcCidr: 8.8.0.0/16\n", "platform:aws.vpcCidr", "private IPv4 network")]
    [InlineData("    region: eu-west-1\n    vpcCidr: 10.0.0.0/8\n", "platform:aws.vpcCidr", "from /16 to /20")]
    [InlineData("    region: eu-west-1\n    vpcCidr: 10.1.0.0/16\n    privateSubnets: [10.1.0.0/19, 10.1.16.0/20, 10.1.64.0/19]\n", "platform:aws.privateSubnets[1]", "overlaps platform:aws.privateSubnets[0]")]
    [InlineData("    region: eu-west-1\n    vpcCidr: 10.1.0.0/16\n    publicSubnets: [10.1.224.0/22, 10.1.228.0/22, 10.1.0.0/24]\n", "platform:aws.publicSubnets[2]", "overlaps platform:aws.privateSubnets[0]")]
    [InlineData("    region: eu-west-1\n    vpcCidr: 10.1.0.0/16\n    publicSubnets: [10.1.224.0/22, 10.1.228.0/22, 10.2.0.0/22]\n", "platform:aws.publicSubnets[2]", "outside the VPC 10.1.0.0/16")]
    [InlineData("    region: eu-west-1\n    publicSubnets: [10.0.224.0/22]\n", "platform:aws.publicSubnets", "one CIDR per availability zone")]
    [InlineData("    region: eu-west-1\n    apiAccessCidrs: [203.0.113.7/24]\n", "platform:aws.apiAccessCidrs[0]", "no host bits set")]
    [InlineData("    region: eu-west-1\n    zones: 1\n", "platform:aws.zones", "prod needs at least 2 availability zones")]
    [InlineData("    region: eu-west-1\n    zones: [eu-west-1a]\n", "platform:aws.zones", "prod needs at least 2 availability zones")]
    [InlineData("    region: eu-west-1\n    zones: [eu-west-1a, us-east-1b]\n", "platform:aws.zones[1]", "an availability zone of eu-west-1")]
    [InlineData("    region: europe-west\n", "platform:aws.region", "not an AWS region of the commercial partition")]
    [InlineData("    region: eu-west-9\n", "platform:aws.region", "one of: us-east-1")]
    [InlineData("    region: us-gov-west-1\n", "platform:aws.region", "not an AWS region of the commercial partition")]
    [InlineData("    region: eu-west-1\n    backupReplicaRegion: mars-1\n", "platform:aws.backupReplicaRegion", "not an AWS region")]
    [InlineData("    region: eu-west-1\n    backupReplicaRegion: eu-west-1\n", "platform:aws.backupReplicaRegion", "must differ from the stack's region")]
    [InlineData("    region: eu-west-1\n    domain: app_example.com\n", "platform:aws.domain", "not a host name")]
    [InlineData("    region: eu-west-1\n    domain: -app.example.com\n", "platform:aws.domain", "not a host name")]
    [InlineData("    region: eu-west-1\n    spot: [ipfs]\n", "platform:aws.spot[0]", "spot is allowed for stateless services only")]
    [InlineData("    region: eu-west-1\n    spot: [postgres]\n", "platform:aws.spot[0]", "not a service of system 'normaldance'")]
    [InlineData("    region: eu-west-1\n    regoin: eu-west-2\n", "platform:aws.regoin", "did you mean platform:aws.region?")]
    [InlineData("    vpcCidr: 10.0.0.0/16\n", "platform:aws.region", "missing: the aws target needs a region")]
    [InlineData("    region: eu-west-1\n    kubernetesVersion: \"2.0\"\n", "platform:aws.kubernetesVersion", "an EKS Kubernetes version")]
    [InlineData("    region: eu-west-1\n    backupRetentionDays: 7\n", "platform:aws.backupRetentionDays", "from 31 to 3650")]
    public void Bad_aws_settings_are_one_clear_error(string awsBlock, string key, string allowed) =>
        AssertRefused(SynthWith(With(awsBlock)), "prod", key, allowed);

    [Fact]
    public void Fewer_than_two_zones_outside_prod_is_refused_too()
    {
        AssertRefused(SynthWith(With("    region: eu-west-1\n    zones: 1\n", "dev"), "dev"), "dev", "platform:aws.zones", "at least 2 availability zones");
    }

    [Fact]
    public void Spot_for_a_stateful_service_is_refused_on_every_system_that_has_one()
    {
        foreach (var def in Stacks.Systems.SystemCatalog.Names.Select(n => Stacks.Systems.SystemCatalog.Find(n)!))
            foreach (var svc in def.Services.Where(s => s.DataPath is not null || s.FixedReplicas is not null))
                AssertRefused(SynthWith(With($"    region: eu-west-1\n    spot: [{svc.Name}]\n", "prod", def.Name)), "prod", "platform:aws.spot[0]", "stateful");
    }

    [Fact]
    public void A_missing_aws_mapping_asks_for_the_region()
    {
        AssertRefused(SynthWith(AwsStacks.StackFile("pliers", "prod", withAws: false)), "prod", "platform:aws.region", "missing");
    }

    [Fact]
    public void A_scalar_aws_value_is_refused()
    {
        AssertRefused(SynthWith(AwsStacks.StackFile("pliers", "prod", withAws: false) + "  platform:aws: eu-west-1\n"), "prod", "platform:aws", "must be a mapping");
    }

    [Fact]
    public void Under_the_engine_the_aws_mapping_arrives_as_json_and_is_checked_the_same_way()
    {
        var config = "{\"platform:system\":\"pliers\",\"platform:environment\":\"dev\",\"platform:target\":\"aws\",\"platform:aws\":\"{\\\"region\\\":\\\"nowhere-1\\\"}\"}";
        var r = Synth.CliEnv(Directory.CreateTempSubdirectory("aws-engine").FullName, new Dictionary<string, string> { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = config }, "synth");
        Assert.Equal(2, r.Exit);
        Assert.Equal("", r.Stdout);
        Assert.Contains("PULUMI_CONFIG: platform:aws.region", r.Stderr, StringComparison.Ordinal);
        var ok = "{\"platform:system\":\"pliers\",\"platform:environment\":\"dev\",\"platform:target\":\"aws\",\"platform:aws\":\"{\\\"region\\\":\\\"eu-west-1\\\"}\"}";
        var good = Synth.CliEnv(Directory.CreateTempSubdirectory("aws-engine").FullName, new Dictionary<string, string> { ["PULUMI_STACK"] = "dev", ["PULUMI_CONFIG"] = ok }, "synth");
        Assert.True(good.Exit == 0, good.Stderr);
        Assert.Contains("aws:eks/cluster:Cluster", good.Stdout, StringComparison.Ordinal);
    }
}
