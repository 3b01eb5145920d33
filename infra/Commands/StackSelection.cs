using System.Globalization;
using Infra.Components.Core;
using Infra.Stacks.Composition;
using Infra.Stacks.Model;

namespace Infra.Cli.Commands;

/// <summary>Resolves which stack (or flag-defined system × environment) a command works on.</summary>
public static class StackSelection
{
    /// <summary>Settings for the selection, or null when nothing is selected (plugin discovery).</summary>
    public static (StackSettings Settings, SystemDefinition? Definition)? Resolve(Options o, Func<string, string?> env)
    {
        var root = o.Get("root") ?? env("PULUMI_ROOT_DIRECTORY") ?? Directory.GetCurrentDirectory();
        if (o.Get("generated") is { } generated)
        {
            var n = o.Int("generated", 0, 1, 1_000_000);
            var envName = o.Get("env") ?? "dev";
            var settings = StackSettings.Create("bench", "pliers", envName, o.Get("target") ?? "docker", new Dictionary<string, ImageSetting>(), new Dictionary<string, int>(), new Dictionary<string, int>(), false, "--generated " + generated);
            return (settings with { System = "generated" }, GeneratedSystem.Create(n));
        }
        if (o.Get("system") is { } system)
        {
            if (o.Has("stack")) throw new InputException("command line", "--system", system, "give either --stack or --system/--env, not both");
            var envName = o.Get("env") ?? throw new InputException("command line", "--env", null, "--system needs --env (dev, staging or prod)");
            if (o.Get("target") is { } flagTarget) StackSettings.CheckTarget(flagTarget, "command line", "--target");
            var images = o.Pairs("image").ToDictionary(p => p.Key, p => new ImageSetting(p.Value));
            var replicas = o.Pairs("replicas").ToDictionary(p => p.Key, p => ParseInt("--replicas", p.Key, p.Value, Limits.MinReplicas, Limits.MaxReplicas, $"replicas must be at least {Limits.MinReplicas} and at most {Limits.MaxReplicas}"));
            var ports = o.Pairs("port").ToDictionary(p => p.Key, p => ParseInt("--port", p.Key, p.Value, 1, 65535, Limits.HostPortRule, Limits.HostPortProblem));
            var tls = o.Get("tls") switch { null or "false" => false, "true" => true, var t => throw new InputException("command line", "--tls", t, "true or false") };
            var stack = o.Get("stack") ?? $"{system}-{envName}";
            var flagged = StackSettings.Create(stack, system, envName, o.Get("target") ?? "docker", images, replicas, ports, tls, "command line")
                with { Host = o.Get("host"), AcmeEmail = o.Get("acme-email") };
            return (flagged, null);
        }
        foreach (var flag in new[] { "env", "image", "replicas", "port", "tls", "host", "acme-email" })
            if (o.Has(flag)) throw new InputException("command line", "--" + flag, null, "only applies with --system (a stack file sets it otherwise)");
        var given = o.Get("stack");
        var stackName = given ?? env("PULUMI_STACK");
        if (string.IsNullOrEmpty(stackName)) return null; // plugin discovery: the host passes no stack
        if (given is null) stackName = ShortStackName(stackName);
        // Under the Pulumi host, PULUMI_CONFIG is the engine's config for the stack and the only source of
        // platform:* values; the stack file is not read (it may not be what the engine used: --config-file, ESC).
        var stackSettings = env(StackSettings.EngineConfig) is { } engineConfig
            ? FromEngine(engineConfig, stackName, given is null ? "PULUMI_STACK" : "--stack", root)
            : StackSettings.Load(root, stackName);
        // --target overrides the stack's platform:target (same checks, so kubernetes still needs the kubeconfig secret).
        if (o.Get("target") is { } target)
        {
            StackSettings.CheckTarget(target, "command line", "--target");
            stackSettings = stackSettings with { Target = target };
        }
        return (stackSettings, null);
    }

    private static StackSettings FromEngine(string json, string stack, string where, string root)
    {
        StackSettings.CheckStackName(stack, where);
        return StackSettings.FromEngineConfig(json, stack, root);
    }

    /// <summary>
    /// The stack name from <c>PULUMI_STACK</c>: the host passes the short name, a user selecting the stack
    /// through the variable may write <c>org/project/stack</c>; every segment must be a valid name.
    /// </summary>
    public static string ShortStackName(string value)
    {
        var segments = value.Split('/');
        if (segments.Length > 3)
            throw new InputException("environment", "PULUMI_STACK", value, "a stack name, or org/project/stack");
        foreach (var segment in segments) StackSettings.CheckStackName(segment, "PULUMI_STACK");
        if (segments.Length == 3 && segments[1] != StackSettings.Project)
            throw new InputException("environment", "PULUMI_STACK", value, $"names project '{segments[1]}'; this is project '{StackSettings.Project}'");
        return segments[^1];
    }

    private static int ParseInt(string flag, string key, string value, int min, int max, string rule, Func<int, string?>? problem = null)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new InputException("command line", $"{flag} {key}", value, rule);
        if (problem?.Invoke(n) is { } why) throw new InputException("command line", $"{flag} {key}", value, why);
        return n;
    }
}
