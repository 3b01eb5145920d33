using Infra.Tests.Schema;

namespace Infra.Tests.Programs;

/// <summary>The schema validator catches realistic mistakes in our own programs (so a green run means something).</summary>
public class ValidatorBitesTests
{
    private static readonly SchemaValidator Validator = new(ProviderSchemas.Shared);

    [Theory]
    [InlineData("      mustRun: true", "      mustRunn: true", "mustRunn")]
    [InlineData("      memory: 256", "      memory: \"256MB\"", "memory")]
    [InlineData("${pliers-postgres-password.result}", "${pliers-postgres-password.nope}", "nope")]
    [InlineData("${pliers-frontend-network.name}", "${pliers-missing-network.name}", "pliers-missing-network")]
    [InlineData("type: docker:index/container:Container", "type: docker:index/container:Containr", "Containr")]
    public void A_mutated_program_is_rejected(string find, string replace, string expectedInMessage)
    {
        var program = Synth.Program("pliers", "dev");
        Assert.Contains(find, program);
        Assert.Empty(Validator.Validate(program));
        var mutated = program.Replace(find, replace);
        var errors = Validator.Validate(mutated);
        Assert.Contains(errors, e => (e.Path + e.Message).Contains(expectedInMessage, StringComparison.Ordinal));
    }
}
