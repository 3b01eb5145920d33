using Infra.Stacks.Systems;

namespace Infra.Tests.Programs;

/// <summary>Runs the CLI in-process, capturing stdout, stderr and the exit code.</summary>
public static class Synth
{
    public sealed record Result(int Exit, string Stdout, string Stderr);

    public static Result Cli(params string[] args) => CliIn(null, args);

    public static Result CliIn(string? root, params string[] args) => CliEnv(root, new Dictionary<string, string>(), args);

    public static Result CliEnv(string? root, IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var all = root is null ? args : [.. args, "--root", root];
        var exit = Infra.Cli.Cli.Run(all, stdout, stderr, k => env.TryGetValue(k, out var v) ? v : null);
        return new Result(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The CLI as the Pulumi YAML host runs it: PULUMI_STACK and the engine's config as PULUMI_CONFIG (JSON).</summary>
    public static Result Engine(string root, string stack, IReadOnlyDictionary<string, string> config, string command = "synth") =>
        CliEnv(root, new Dictionary<string, string> { ["PULUMI_STACK"] = stack, ["PULUMI_CONFIG"] = System.Text.Json.JsonSerializer.Serialize(config) }, command);

    public static readonly string[] Environments = ["dev", "staging", "prod"];

    /// <summary>Every seed system × environment (staging/prod with an image for every service).</summary>
    public static IEnumerable<object[]> AllCombinations() =>
        from s in SystemCatalog.Names from e in Environments select new object[] { s, e };

    public static string[] Args(string system, string env)
    {
        var args = new List<string> { "synth", "--system", system, "--env", env };
        if (env != "dev")
            foreach (var svc in SystemCatalog.Find(system)!.Services.Where(s => s.DefaultImage is null))
                args.AddRange(["--image", $"{svc.Name}=registry.example.com/{system}/{svc.Name}:1.4.2"]);
        return [.. args];
    }

    public static string Program(string system, string env)
    {
        var r = Cli(Args(system, env));
        Assert.True(r.Exit == 0, $"synth {system}/{env} failed: {r.Stderr}");
        return r.Stdout;
    }

    /// <summary>The repository root (where Infra.sln is), found from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Infra.sln"))) return dir.FullName;
        throw new InvalidOperationException("Infra.sln not found above " + AppContext.BaseDirectory);
    }
}
