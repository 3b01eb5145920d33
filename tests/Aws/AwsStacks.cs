using Infra.Components.Core;
using Infra.Components.Policies;
using Infra.Stacks.Composition;
using Infra.Stacks.Systems;

namespace Infra.Tests.Aws;

/// <summary>Stack files for the aws target, for every seed system × environment, and their synthesis.</summary>
public static class AwsStacks
{
    public static readonly string[] Environments = ["dev", "staging", "prod"];

    public static IEnumerable<object[]> All() => from s in SystemCatalog.Names from e in Environments select new object[] { s, e };

    /// <summary>A stack file: staging/prod with an image per service, a domain and a replica region in prod, spot for workers.</summary>
    public static string StackFile(string system, string env, string? awsExtra = null, bool withAws = true)
    {
        var def = SystemCatalog.Find(system)!;
        var sb = new System.Text.StringBuilder();
        sb.Append($"config:\n  platform:system: {system}\n  platform:environment: {env}\n  platform:target: aws\n");
        if (env != "dev")
        {
            sb.Append("  platform:images:\n");
            foreach (var svc in def.Services.Where(s => s.DefaultImage is null))
                sb.Append($"    {svc.Name}: registry.example.com/{system}/{svc.Name}:1.4.2\n");
        }
        if (env != "dev") sb.Append("  platform:acmeEmail: ops@example.com\n");
        if (!withAws) return sb.ToString();
        sb.Append("  platform:aws:\n    region: eu-west-1\n    apiAccessCidrs: [203.0.113.0/24]\n");
        if (env != "dev") sb.Append("    domain: app.example.com\n");
        if (env == "prod") sb.Append("    backupReplicaRegion: eu-central-1\n");
        var spot = def.Services.Where(s => s.Name.Contains("worker", StringComparison.Ordinal) && s.DataPath is null && s.FixedReplicas is null).Select(s => s.Name).ToList();
        if (spot.Count > 0) sb.Append($"    spot: [{string.Join(", ", spot)}]\n");
        if (awsExtra is not null) sb.Append(awsExtra);
        return sb.ToString();
    }

    public static StackSettings Settings(string system, string env, string? awsExtra = null) =>
        StackSettings.Parse(StackFile(system, env, awsExtra), $"Pulumi.{env}.yaml", env);

    public static Synthesizer.Synthesis Run(string system, string env, string? awsExtra = null) =>
        Synthesizer.Run(Settings(system, env, awsExtra));

    public static StackProgram Program(string system, string env) => Run(system, env).Program;

    public static string Yaml(string system, string env) => ProgramEmitter.Emit(Program(system, env));

    /// <summary>Every resource of a type token.</summary>
    public static IEnumerable<Resource> OfType(this StackProgram p, string token) => p.AllInOrder.Where(r => r.Type == token);

    /// <summary>Resources referenced by a value.</summary>
    public static IEnumerable<Resource> Refs(Value? v) => v is null ? [] : v.Walk().OfType<OutputRef>().Select(o => o.Resource);

    public static PolicyReport Policies(string system, string env) => Run(system, env).Policies;
}
