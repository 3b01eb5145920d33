using System.IO.Compression;
using System.Text.Json;
using Infra.Components.Core;

namespace Infra.Cli.Preview;

/// <summary>One resource of the last checkpoint (the fields of Pulumi's ResourceV3 that the diff reads).</summary>
public sealed record StateResource(
    string Urn, string Type, string Name, string? Id, DMap Inputs, Lazy<DMap> LazyOutputs, bool Protect, bool RetainOnDelete,
    string? Parent, string? Provider, IReadOnlyList<string> Dependencies, IReadOnlyList<string> AdditionalSecretOutputs, bool PendingDelete)
{
    /// <summary>Outputs are converted only when a reference reads them (most never are: they repeat the inputs).</summary>
    public DMap Outputs => LazyOutputs.Value;

    public static readonly Lazy<DMap> NoOutputs = new(new DMap([]));
}

/// <summary>
/// The last deployed state of a stack, read from the local file backend or a <c>pulumi stack export</c> file.
/// Shapes (Pulumi's apitype, read not copied): a backend checkpoint is <c>{version, checkpoint: {stack, config,
/// latest: {manifest, secrets_providers, resources: [ResourceV3…]}}}</c>; an export is
/// <c>{version, deployment: {manifest, resources: […]}}</c>. Version 3 is the schema; 4 is the same schema with a
/// <c>features</c> list. A secret value is <c>{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
/// "ciphertext": …}</c> (or <c>plaintext</c> in a <c>--show-secrets</c> export).
/// </summary>
public sealed record DeployedState(string Source, string Stack, string Project, int Version, string? Time, IReadOnlyList<StateResource> Resources)
{
    public const string SigKey = "4dabf18193072939515e22adb298388d";
    public const string SecretSig = "1b47061264138c4ac30d75fd1eb44270";
    public const string AssetSig = "c44067f5952c0a294b673a41bacd8c17";
    public const string ArchiveSig = "0def7320c3a5731c473e5ecbe6d01bc7";
    public const string ResourceRefSig = "5cf8f73096256a8f31e491e813e4eb8e";
    public const string OutputValueSig = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
    public const string RootStackType = "pulumi:pulumi:Stack";
    private static readonly int[] KnownVersions = [3, 4];

    /// <summary>Largest state file read (a 10,000-service stack is about 60 MB).</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    /// <summary>
    /// Reads and checks a checkpoint or export: it must be of <paramref name="project"/> and <paramref name="stack"/>.
    /// Any problem is an <see cref="InputException"/> naming the file and the key.
    /// </summary>
    public static DeployedState Read(string file, string project, string stack)
    {
        var info = new FileInfo(file);
        if (!info.Exists) throw new InputException(file, "--state", null, "file not found (give `pulumi stack export` output)");
        if (info.Length > MaxBytes) throw new InputException(file, "size", null, $"state files up to {MaxBytes / (1024 * 1024)} MiB are read");
        byte[] bytes = File.ReadAllBytes(file);
        if (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            bytes = ms.ToArray();
        }
        else if (bytes.Length > 4 && bytes[0] == 0x28 && bytes[1] == 0xb5 && bytes[2] == 0x2f && bytes[3] == 0xfd)
            throw new InputException(file, "compression", "zstd", "zstd-compressed state is not read; use `pulumi stack export` (plain JSON) and --state FILE");
        return Parse(bytes, file, project, stack);
    }

    public static DeployedState Parse(byte[] json, string file, string project, string stack)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new InputException(file, "(document)", null, $"not valid JSON (line {(e.LineNumber ?? 0) + 1}); expected a Pulumi checkpoint or `pulumi stack export` output");
        }
        // Not disposed: resource outputs are read lazily from it (its buffers are then left to the GC).
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InputException(file, "(document)", null, "expected a JSON object with version and checkpoint (backend file) or deployment (stack export)");
            if (!root.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version))
                throw new InputException(file, "version", null, "missing or not a number; a Pulumi checkpoint has version 3 (4 with features)");
            if (!KnownVersions.Contains(version))
                throw new InputException(file, "version", version.ToString(System.Globalization.CultureInfo.InvariantCulture), "unknown checkpoint version; this reads version 3 (and 4, version 3 with a features list)");

            JsonElement deployment;
            string keyPrefix;
            string? stackName = null;
            if (root.TryGetProperty("checkpoint", out var cp))
            {
                if (cp.ValueKind != JsonValueKind.Object) throw new InputException(file, "checkpoint", null, "must be an object");
                if (cp.TryGetProperty("stack", out var s) && s.ValueKind == JsonValueKind.String) stackName = s.GetString();
                if (!cp.TryGetProperty("latest", out deployment) || deployment.ValueKind == JsonValueKind.Null)
                    return new DeployedState(file, stack, project, version, null, []);   // a stack created but never deployed
                keyPrefix = "checkpoint.latest";
            }
            else if (root.TryGetProperty("deployment", out deployment))
                keyPrefix = "deployment";
            else
                throw new InputException(file, "(document)", null, "has neither checkpoint (backend file) nor deployment (`pulumi stack export`)");
            if (deployment.ValueKind != JsonValueKind.Object) throw new InputException(file, keyPrefix, null, "must be an object");

            if (stackName is not null) CheckStackName(file, "checkpoint.stack", stackName, project, stack);
            string? time = deployment.TryGetProperty("manifest", out var m) && m.ValueKind == JsonValueKind.Object
                && m.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

            var resources = new List<StateResource>();
            if (deployment.TryGetProperty("resources", out var rs) && rs.ValueKind != JsonValueKind.Null)
            {
                if (rs.ValueKind != JsonValueKind.Array) throw new InputException(file, keyPrefix + ".resources", null, "must be a list");
                var i = 0;
                foreach (var r in rs.EnumerateArray())
                {
                    resources.Add(ReadResource(r, file, $"{keyPrefix}.resources[{i}]", project, stack));
                    i++;
                }
            }
            return new DeployedState(file, stack, project, version, time, resources);
        }
    }

    private static void CheckStackName(string file, string key, string value, string project, string stack)
    {
        var parts = value.Split('/');
        var ok = parts.Length switch
        {
            1 => parts[0] == stack,
            2 => parts[1] == stack,
            3 => parts[1] == project && parts[2] == stack,
            _ => false,
        };
        if (!ok) throw new InputException(file, key, value, $"this state is of another stack; expected stack '{stack}' of project '{project}' (organization/{project}/{stack})");
    }

    private static StateResource ReadResource(JsonElement r, string file, string key, string project, string stack)
    {
        if (r.ValueKind != JsonValueKind.Object) throw new InputException(file, key, null, "must be an object");
        var urn = Str(r, "urn") ?? throw new InputException(file, key + ".urn", null, "missing; every resource has a URN");
        var u = Urn.Parse(urn) ?? throw new InputException(file, key + ".urn", urn, "not a URN of the form urn:pulumi:<stack>::<project>::<type>::<name>");
        if (u.Project != project || u.Stack != stack)
            throw new InputException(file, key + ".urn", urn, $"belongs to stack '{u.Stack}' of project '{u.Project}'; expected stack '{stack}' of project '{project}'");
        var type = Str(r, "type") ?? u.Type;
        return new StateResource(
            urn, type, u.Name, Str(r, "id"),
            r.TryGetProperty("inputs", out var inp) && inp.ValueKind == JsonValueKind.Object ? (DMap)FromJson(inp) : new DMap([]),
            r.TryGetProperty("outputs", out var outp) && outp.ValueKind == JsonValueKind.Object ? new Lazy<DMap>(() => (DMap)FromJson(outp), LazyThreadSafetyMode.None) : StateResource.NoOutputs,
            Bool(r, "protect"), Bool(r, "retainOnDelete"), Str(r, "parent"), Str(r, "provider"),
            Strings(r, "dependencies"), Strings(r, "additionalSecretOutputs"), Bool(r, "delete"));
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    private static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static IReadOnlyList<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];

    /// <summary>A state property value: Pulumi's signature objects become secrets, assets or references.</summary>
    public static DV FromJson(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String: return new DStr(e.GetString()!);
            case JsonValueKind.Number: return new DNum(e.GetDouble());
            case JsonValueKind.True: return new DBool(true);
            case JsonValueKind.False: return new DBool(false);
            case JsonValueKind.Array:
                var items = new DV[e.GetArrayLength()];
                var i = 0;
                foreach (var item in e.EnumerateArray()) items[i++] = FromJson(item);
                return new DList(items);
            case JsonValueKind.Object:
                if (e.TryGetProperty(SigKey, out var sig) && sig.ValueKind == JsonValueKind.String)
                {
                    switch (sig.GetString())
                    {
                        case SecretSig:
                            DV? plain = null;
                            if (Str(e, "plaintext") is { } text)
                                try { using var d = JsonDocument.Parse(text); plain = FromJson(d.RootElement); }
                                catch (JsonException) { plain = new DStr(text); }
                            return new DSecret(plain);
                        case AssetSig: return new DOpaque("asset", e.GetRawText());
                        case ArchiveSig: return new DOpaque("archive", e.GetRawText());
                        case ResourceRefSig: return new DOpaque("resource " + (Str(e, "urn") is { } ru ? Urn.Parse(ru)?.Name ?? ru : "?"), e.GetRawText());
                        case OutputValueSig:
                            if (e.TryGetProperty("secret", out var sec) && sec.ValueKind == JsonValueKind.True) return new DSecret(null);
                            return e.TryGetProperty("value", out var ov) ? FromJson(ov) : new DComputed("(unknown output)", false);
                    }
                }
                var entries = new List<KeyValuePair<string, DV>>();
                foreach (var p in e.EnumerateObject()) entries.Add(new(p.Name, FromJson(p.Value)));
                return new DMap(entries);
            default: return DV.Null;
        }
    }
}

/// <summary><c>urn:pulumi:&lt;stack&gt;::&lt;project&gt;::&lt;parent types$…&gt;type::&lt;name&gt;</c>.</summary>
public sealed record Urn(string Stack, string Project, string QualifiedType, string Name)
{
    /// <summary>The resource's own type (the last segment of the qualified type).</summary>
    public string Type => QualifiedType[(QualifiedType.LastIndexOf('$') + 1)..];

    public static string Of(string stack, string project, string type, string name) => $"urn:pulumi:{stack}::{project}::{type}::{name}";

    public static Urn? Parse(string urn)
    {
        if (!urn.StartsWith("urn:pulumi:", StringComparison.Ordinal)) return null;
        var rest = urn["urn:pulumi:".Length..];
        var i1 = rest.IndexOf("::", StringComparison.Ordinal);
        if (i1 <= 0) return null;
        var i2 = rest.IndexOf("::", i1 + 2, StringComparison.Ordinal);
        if (i2 <= i1 + 2) return null;
        // The name may itself contain "::"; the type never does.
        var i3 = rest.IndexOf("::", i2 + 2, StringComparison.Ordinal);
        if (i3 <= i2 + 2) return null;
        return new Urn(rest[..i1], rest[(i1 + 2)..i2], rest[(i2 + 2)..i3], rest[(i3 + 2)..]);
    }
}
