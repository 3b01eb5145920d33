using Infra.Tests.Aws;

namespace Infra.Tests.Programs;

/// <summary>Every seed system × environment on the aws target equals its reviewed snapshot (snapshots/&lt;system&gt;.&lt;env&gt;.aws.snap).</summary>
public class AwsProgramSnapshotTests
{
    [Theory]
    [MemberData(nameof(AwsStacks.All), MemberType = typeof(AwsStacks))]
    public void Aws_program_matches_its_snapshot(string system, string env) =>
        Infra.Tests.Support.Snapshot.Match($"{system}.{env}.aws.snap", AwsStacks.Yaml(system, env));
}
