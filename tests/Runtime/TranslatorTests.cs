using System.Text.Json;
using Infra.Tests.Programs;

namespace Infra.Tests.Runtime;

/// <summary>The generic Container → docker create translator, checked against the provider schema and the programs.</summary>
[Trait("Category", RuntimeCollection.Category)]
public class TranslatorTests
{
    /// <summary>The docker schema vendored in the repository (schemas/docker.json).</summary>
    public static string DockerSchemaPath() => Path.Combine(Synth.RepoRoot(), "schemas", "docker.json");

    private static HashSet<string> SchemaInputs(string token)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(DockerSchemaPath()));
        return doc.RootElement.GetProperty("resources").GetProperty(token).GetProperty("inputProperties")
            .EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void Every_container_property_the_programs_use_is_translated_or_listed_not_applicable()
    {
        var schema = SchemaInputs(PulumiProgram.ContainerType);
        var handled = ContainerTranslator.Translated.Concat(ContainerTranslator.HarnessHandled.Keys).Concat(ContainerTranslator.NotApplicable.Keys).ToList();
        // Every name the translator knows is a real input of the schema (no typos, no invented names).
        var unknown = handled.Where(p => !schema.Contains(p)).ToList();
        Assert.True(unknown.Count == 0, "not Container inputs in the schema: " + string.Join(", ", unknown));
        Assert.Equal(handled.Count, handled.Distinct().Count());

        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var combo in Synth.AllCombinations())
        {
            var program = new PulumiProgram(Synth.Program((string)combo[0], (string)combo[1]));
            foreach (var c in program.OfType(PulumiProgram.ContainerType)) used.UnionWith(c.Properties.Keys);
        }
        Assert.NotEmpty(used);
        var missing = used.Where(p => !handled.Contains(p)).ToList();
        Assert.True(missing.Count == 0, "Container properties used by the programs but neither translated nor listed not-applicable: " + string.Join(", ", missing));
    }

    [Fact]
    public void Network_and_volume_properties_the_programs_use_are_translated()
    {
        var net = SchemaInputs(PulumiProgram.NetworkType);
        var vol = SchemaInputs(PulumiProgram.VolumeType);
        foreach (var combo in Synth.AllCombinations())
        {
            var program = new PulumiProgram(Synth.Program((string)combo[0], (string)combo[1]));
            program.ImageFor = _ => "local/busybox";
            foreach (var n in program.OfType(PulumiProgram.NetworkType))
            {
                Assert.All(n.Properties.Keys, k => Assert.Contains(k, net));
                ContainerTranslator.NetworkCreate(program.ResolvedProperties(n)); // throws on an untranslated property
            }
            foreach (var v in program.OfType(PulumiProgram.VolumeType))
            {
                Assert.All(v.Properties.Keys, k => Assert.Contains(k, vol));
                ContainerTranslator.VolumeCreate(program.ResolvedProperties(v));
            }
        }
    }

    [Fact]
    public void A_container_translates_to_the_equivalent_docker_create_arguments()
    {
        var yaml = """
            name: t
            resources:
              pw:
                type: random:index/randomPassword:RandomPassword
                properties: { length: 20, special: false }
              net:
                type: docker:index/network:Network
                properties: { name: n1, internal: true, ipamConfigs: [ { subnet: 172.30.0.0/16 } ] }
              net2:
                type: docker:index/network:Network
                properties: { name: n2 }
              vol:
                type: docker:index/volume:Volume
                properties: { name: v1 }
              img:
                type: docker:index/remoteImage:RemoteImage
                properties: { name: "postgres:15.10-alpine" }
              c:
                type: docker:index/container:Container
                properties:
                  name: c1
                  image: "${img.imageId}"
                  user: "70:70"
                  restart: unless-stopped
                  readOnly: true
                  tmpfs: { /tmp: "rw,size=64m" }
                  memory: 512
                  cpus: "0.5"
                  shmSize: 256
                  capabilities: { drops: [ALL], adds: [CHOWN] }
                  securityOpts: ["no-new-privileges:true"]
                  envs: ["P=${pw.result}", "LIT=$${HOME}"]
                  entrypoints: ["sh", "-c"]
                  command: ["echo hi"]
                  ports: [ { internal: 5432, external: 15432, ip: 127.0.0.1 } ]
                  volumes: [ { volumeName: "${vol.name}", containerPath: /data } ]
                  mounts: [ { type: tmpfs, target: /run/x } ]
                  networksAdvanced: [ { name: "${net.name}", aliases: [db] }, { name: "${net2.name}", aliases: [db2] } ]
                  healthcheck: { tests: [CMD, pg_isready, -q], interval: 10s, timeout: 5s, retries: 5, startPeriod: 20s }
                  labels: [ { label: a.b, value: c } ]
                  logDriver: json-file
                  logOpts: { max-size: 10m }
                  uploads: [ { file: /etc/x.conf, content: "k=v\n", permissions: "0440" } ]
                  wait: true
                  waitTimeout: 30
            """;
        var program = new PulumiProgram(yaml) { ImageFor = _ => "local/postgres" };
        var plan = ContainerTranslator.Translate(program.ResolvedProperties(program.Get("c")));
        var a = string.Join(' ', plan.CreateArgs);
        var pw = program.Generated("pw");
        Assert.Equal(20, pw.Length);
        Assert.True(pw.All(char.IsAsciiLetterOrDigit));
        foreach (var expected in new[]
                 {
                     "--name c1", "--user 70:70", "--read-only", "--tmpfs /tmp:rw,size=64m", "--memory 512m", "--cpus 0.5",
                     "--shm-size 256m", "--cap-drop ALL", "--cap-add CHOWN", "--security-opt no-new-privileges:true",
                     $"--env P={pw}", "--env LIT=${HOME}", "--publish 127.0.0.1:15432:5432/tcp", "--volume v1:/data",
                     "--mount type=tmpfs,target=/run/x", "--health-cmd pg_isready -q", "--health-interval 10s", "--health-timeout 5s",
                     "--health-start-period 20s", "--health-retries 5", "--label a.b=c", "--log-driver json-file", "--log-opt max-size=10m",
                     "--restart unless-stopped", "--network n1 --network-alias db", "--entrypoint sh local/postgres -c echo hi",
                 })
            Assert.Contains(expected, a);
        Assert.Equal(["network", "connect", "--alias", "db2", "n2", "c1"], plan.BeforeStart[0].Args);
        Assert.True(plan.Wait);
        Assert.Equal(TimeSpan.FromSeconds(30), plan.WaitTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), plan.Health!.StartPeriod);

        // The upload is a tar entry owned by root with the declared mode.
        var upload = plan.BeforeStart.Single(s => s.Args[0] == "cp");
        Assert.Equal(["cp", "-", "c1:/"], upload.Args);
        using var reader = new System.Formats.Tar.TarReader(new MemoryStream(upload.Stdin!));
        var entry = reader.GetNextEntry()!;
        Assert.Equal("etc/x.conf", entry.Name);
        Assert.Equal(Convert.ToInt32("440", 8), (int)entry.Mode);
        Assert.Equal(0, entry.Uid);

        var net = ContainerTranslator.NetworkCreate(program.ResolvedProperties(program.Get("net")));
        Assert.Equal(["network", "create", "--internal", "--subnet", "172.30.0.0/16", "n1"], net);
    }

    [Fact]
    public void An_unknown_container_property_is_an_error_not_silently_dropped()
    {
        var e = Assert.Throws<NotSupportedException>(() => ContainerTranslator.Translate(new Dictionary<string, object?> { ["name"] = "x", ["image"] = "i", ["frobnicate"] = "1" }));
        Assert.Contains("frobnicate", e.Message);
    }

    [Fact]
    public void Every_program_image_has_a_local_image_and_stand_ins_are_named()
    {
        foreach (var combo in Synth.AllCombinations().Where(c => (string)c[1] == "dev"))
        {
            var program = new PulumiProgram(Synth.Program((string)combo[0], "dev"));
            foreach (var img in program.OfType(PulumiProgram.RemoteImageType))
            {
                var local = LocalImages.For((string)img.Properties["name"]!);
                Assert.StartsWith("local/", local.Image);
                if (local.IsStandIn) Assert.StartsWith("STAND-IN", local.Note);
            }
        }
    }
}
