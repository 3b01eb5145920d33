using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Infra.Cli.Preview;
using Infra.Stacks.Composition;
using Infra.Stacks.Model;

namespace Infra.Tests.Preview;

/// <summary>
/// Writes the state Pulumi would hold after deploying a program, in the real shapes: a file-backend checkpoint
/// (<c>{version: 3, checkpoint: {stack, latest: {manifest, secrets_providers, resources}}}</c>) or a
/// <c>pulumi stack export</c> (<c>{version: 3, deployment: {...}}</c>). Inputs are the program's with references
/// resolved to made-up provider outputs; secrets are <c>{"4dabf…": "1b47…", "ciphertext": …}</c>; bridged docker
/// resources carry <c>__defaults</c>, the root stack resource is first, as in a real checkpoint.
/// </summary>
public static class Checkpoints
{
    public const string Ciphertext = "v1:CIPHERTEXTc2VjcmV0LW5ldmVyLXNob3du";
    public const string PlantedPlaintext = "planted-plaintext-never-shown";

    public static ProgramModel Program(string stack, string system, string env, IReadOnlyDictionary<string, int>? replicas = null, IReadOnlyDictionary<string, ImageSetting>? images = null)
    {
        var settings = StackSettings.Create(stack, system, env, "docker", images ?? DefaultImages(system, env), replicas ?? new Dictionary<string, int>(), new Dictionary<string, int>(), env != "dev", "test");
        var synthesis = Synthesizer.Run(settings);
        return ProgramModel.FromSynthesis(synthesis.Program, synthesis.Policies, "test") with { Departures = ProgramModel.DeparturesOf(system, env) };
    }

    public static ProgramModel Generated(string stack, int services)
    {
        var settings = StackSettings.Create(stack, "pliers", "dev", "docker", new Dictionary<string, ImageSetting>(), new Dictionary<string, int>(), new Dictionary<string, int>(), false, "test");
        var synthesis = Synthesizer.Run(settings with { System = "generated" }, GeneratedSystem.Create(services));
        return ProgramModel.FromSynthesis(synthesis.Program, synthesis.Policies, "test");
    }

    public static Dictionary<string, ImageSetting> DefaultImages(string system, string env)
    {
        var d = new Dictionary<string, ImageSetting>();
        if (env != "dev")
            foreach (var svc in Infra.Stacks.Systems.SystemCatalog.Find(system)!.Services.Where(s => s.DefaultImage is null))
                d[svc.Name] = new ImageSetting($"registry.example.com/{system}/{svc.Name}:1.4.2");
        return d;
    }

    /// <summary>The resources as deployed, as JSON objects (tests mutate them before writing the file).</summary>
    public static List<JsonObject> Resources(ProgramModel program, string stack, string project = "platform")
    {
        var outputs = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var list = new List<JsonObject>
        {
            new()
            {
                ["urn"] = $"urn:pulumi:{stack}::{project}::pulumi:pulumi:Stack::{project}-{stack}",
                ["custom"] = false,
                ["type"] = "pulumi:pulumi:Stack",
                ["outputs"] = new JsonObject(),
            },
        };
        foreach (var r in program.Resources)
        {
            var urn = Urn.Of(stack, project, r.Type, r.Name);
            var inputs = (JsonObject)Eval(r.Properties, outputs, r.AdditionalSecretOutputs)!;
            if (r.Type.StartsWith("docker:", StringComparison.Ordinal)) inputs["__defaults"] = new JsonArray();
            var outs = (JsonObject)inputs.DeepClone();
            outs.Remove("__defaults");
            var id = Hex(r.Name);
            switch (r.Type)
            {
                case "docker:index/remoteImage:RemoteImage":
                    outs["imageId"] = "sha256:" + Hex(inputs["name"]!.ToString());
                    outs["repoDigest"] = inputs["name"]!.ToString() + "@sha256:" + Hex("d" + inputs["name"]);
                    break;
                case "random:index/randomPassword:RandomPassword":
                    outs["result"] = Secret();
                    outs["bcryptHash"] = Secret();
                    id = "none";
                    break;
            }
            foreach (var key in r.AdditionalSecretOutputs)
                if (outs[key] is not null) outs[key] = Secret();
            outputs[r.Name] = outs;
            var o = new JsonObject
            {
                ["urn"] = urn,
                ["custom"] = true,
                ["id"] = r.Type.StartsWith("pulumi:providers:", StringComparison.Ordinal) ? "00000000-0000-0000-0000-" + id[..12] : id,
                ["type"] = r.Type,
                ["inputs"] = inputs,
                ["outputs"] = outs,
                ["parent"] = list[0]["urn"]!.ToString(),
                ["dependencies"] = new JsonArray([.. r.References().Select(d => (JsonNode)Urn.Of(stack, project, program.Resources.First(x => x.Name == d).Type, d))]),
                ["created"] = "2026-11-30T12:00:00.000000Z",
                ["modified"] = "2026-11-30T12:00:00.000000Z",
            };
            if (r.Protect) o["protect"] = true;
            if (r.RetainOnDelete) o["retainOnDelete"] = true;
            if (r.AdditionalSecretOutputs.Count > 0) o["additionalSecretOutputs"] = new JsonArray([.. r.AdditionalSecretOutputs.Select(k => (JsonNode)k)]);
            if (!r.Type.StartsWith("pulumi:providers:", StringComparison.Ordinal))
            {
                var provider = program.Resources.First(p => p.Type == "pulumi:providers:" + r.Type[..r.Type.IndexOf(':')]);
                o["provider"] = Urn.Of(stack, project, provider.Type, provider.Name) + "::00000000-0000-0000-0000-" + Hex(provider.Name)[..12];
            }
            list.Add(o);
        }
        return list;
    }

    public static JsonObject Secret(string? plaintext = null)
    {
        var o = new JsonObject { [DeployedState.SigKey] = DeployedState.SecretSig };
        if (plaintext is null) o["ciphertext"] = Ciphertext;
        else o["plaintext"] = System.Text.Json.JsonSerializer.Serialize(plaintext);
        return o;
    }

    /// <summary>A file-backend checkpoint (what <c>.pulumi/stacks/&lt;project&gt;/&lt;stack&gt;.json</c> holds).</summary>
    public static string Checkpoint(IEnumerable<JsonObject> resources, string stack, string project = "platform", int version = 3) =>
        new JsonObject
        {
            ["version"] = version,
            ["checkpoint"] = new JsonObject
            {
                ["stack"] = $"organization/{project}/{stack}",
                ["latest"] = Deployment(resources),
            },
        }.ToJsonString();

    /// <summary><c>pulumi stack export</c> output.</summary>
    public static string Export(IEnumerable<JsonObject> resources, int version = 3) =>
        new JsonObject { ["version"] = version, ["deployment"] = Deployment(resources) }.ToJsonString();

    private static JsonObject Deployment(IEnumerable<JsonObject> resources) => new()
    {
        ["manifest"] = new JsonObject
        {
            ["time"] = "2026-11-30T12:00:00.000000000Z",
            ["magic"] = "0000000000000000000000000000000000000000000000000000000000000000",
            ["version"] = "v3.200.0",
        },
        ["secrets_providers"] = new JsonObject { ["type"] = "passphrase", ["state"] = new JsonObject { ["salt"] = "v1:c2FsdA==" } },
        ["resources"] = new JsonArray([.. resources.Select(r => (JsonNode)r.DeepClone())]),
    };

    public static string Hex(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..32];

    public static JsonObject Find(List<JsonObject> resources, string name) =>
        resources.First(r => r["urn"]!.ToString().EndsWith("::" + name, StringComparison.Ordinal));

    private static JsonNode? Eval(PV v, Dictionary<string, JsonObject> outputs, IReadOnlyList<string> aso)
    {
        switch (v)
        {
            case PLit { Value: DStr s }: return s.Text;
            case PLit { Value: DNum n }: return n.Number;
            case PLit { Value: DBool b }: return b.Flag;
            case PLit: return null;
            case PList l: return new JsonArray([.. l.Items.Select(i => Eval(i, outputs, aso))]);
            case PMap m:
                var o = new JsonObject();
                foreach (var (k, x) in m.Entries) o[k] = Eval(x, outputs, aso);
                return o;
            case PConfig: return Secret();
            case PRef r:
                JsonNode? node = outputs[r.Resource];
                foreach (var seg in DiffEngine.PathSegments(r.Path))
                    node = node is JsonObject jo ? jo[seg] : node is JsonArray ja ? ja[int.Parse(seg, System.Globalization.CultureInfo.InvariantCulture)] : null;
                if (r.Path == "id") node = Hex(r.Resource);
                return node?.DeepClone();
            case PInterp i:
                var sb = new StringBuilder();
                var secret = false;
                foreach (var part in i.Parts)
                {
                    var e = Eval(part, outputs, aso);
                    if (e is JsonObject so && so[DeployedState.SigKey] is not null) { secret = true; sb.Append("(secret)"); }
                    else sb.Append(e?.ToString());
                }
                return secret ? Secret() : sb.ToString();
            case PFn { Name: "secret" }: return Secret();
            default: return "(unknown)";
        }
    }
}
