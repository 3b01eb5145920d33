using Infra.Tests.Programs;
using Xunit.Abstractions;

namespace Infra.Tests.Runtime;

/// <summary>
/// Seed row 001-35 on the engine: Pliers' dev program brings up the database, then the one-shot migration from the api
/// image (a STAND-IN in dev, which has no migrations and says so; it must exit 0), then the api.
/// </summary>
[Trait("Category", RuntimeCollection.Category)]
[Collection("runtime pliers")]
public sealed class PliersMigrationRuntimeTests(ITestOutputHelper output)
{
    private static DateTimeOffset When(string container, string field) =>
        DateTimeOffset.Parse(DockerCli.Ok("inspect", "-f", "{{.State." + field + "}}", container), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Migration_runs_after_the_database_and_before_the_api()
    {
        var program = new PulumiProgram(Synth.Program("pliers", "dev"));
        using var d = new Deployment("pliers", program);
        try
        {
            var containers = program.OfType(PulumiProgram.ContainerType).ToList();
            var db = containers.Single(c => Deployment.Label(c, "platform.role") == "database");
            var migrate = containers.Single(c => Deployment.Label(c, "platform.role") == "migrate");
            var api = containers.Where(c => Deployment.Label(c, "platform.service") == "api" && Deployment.Label(c, "platform.role") is null).ToList();
            Assert.NotEmpty(api);
            d.CreateNetworksAndVolumes();
            d.Up([db, .. api]); // brings up the one-shots they depend on: the volume-init chowns and the migration

            var (m, pg) = (d.Plan(migrate).Name, d.Plan(db).Name);
            Assert.Equal("0", DockerCli.Ok("inspect", "-f", "{{.State.ExitCode}}", m));
            Assert.Contains("no migrations run", DockerCli.Ok("logs", m));
            // The migration started once the database was up (healthy: the harness waits as wait: true does) and ended before any api replica started.
            Assert.True(When(m, "StartedAt") > When(pg, "StartedAt"), "the migration started before the database");
            foreach (var c in api)
            {
                var name = d.Plan(c).Name;
                Assert.True(When(m, "FinishedAt") <= When(name, "StartedAt"), $"{name} started before the migration finished");
                Assert.Equal("healthy", DockerCli.Ok("inspect", "-f", "{{.State.Health.Status}}", name));
            }
        }
        finally
        {
            output.WriteLine(d.Log);
        }
    }
}
