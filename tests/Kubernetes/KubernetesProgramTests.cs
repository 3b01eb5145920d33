using Infra.Tests.Programs;
using Infra.Tests.Schema;

namespace Infra.Tests.Kubernetes;

/// <summary>Every system × environment on kubernetes: valid against the vendored schemas, deterministic, equal to its reviewed snapshot.</summary>
public class KubernetesProgramTests
{
    private static readonly SchemaValidator Validator = new(ProviderSchemas.Shared);

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Program_passes_the_provider_schemas(string system, string env)
    {
        var errors = Validator.Validate(K8s.Program(system, env));
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
    }

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Program_is_byte_identical_across_runs(string system, string env) =>
        Assert.Equal(K8s.Program(system, env), Synth.Cli(K8s.Args(system, env)).Stdout);

    [Theory]
    [MemberData(nameof(Synth.AllCombinations), MemberType = typeof(Synth))]
    public void Program_matches_its_snapshot(string system, string env) =>
        Infra.Tests.Support.Snapshot.Match($"{system}.{env}.kubernetes.snap", K8s.Program(system, env));
}
