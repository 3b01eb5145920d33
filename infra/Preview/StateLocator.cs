using Infra.Components.Core;

namespace Infra.Cli.Preview;

/// <summary>
/// Finds the last checkpoint of a stack: <c>--state FILE</c> (a <c>pulumi stack export</c>, or a checkpoint file) if
/// given; else the file backend of <c>PULUMI_BACKEND_URL</c> when it is a <c>file://</c> URL; else the project's
/// <c>.pulumi-state/</c> (what <c>scripts/dev-up.sh</c> uses). In a backend folder the checkpoint is
/// <c>.pulumi/stacks/&lt;project&gt;/&lt;stack&gt;.json</c> (or <c>.json.gz</c>; the pre-project layout
/// <c>.pulumi/stacks/&lt;stack&gt;.json</c> is read too).
/// </summary>
public static class StateLocator
{
    /// <summary>The state, or null with the reason there is none (a stack never deployed is not an error).</summary>
    public sealed record Located(DeployedState? State, string Where);

    public static Located Find(string? stateFile, string root, string project, string stack, Func<string, string?> env)
    {
        if (stateFile is not null) return new(DeployedState.Read(stateFile, project, stack), stateFile);
        string dir;
        var url = env("PULUMI_BACKEND_URL");
        if (!string.IsNullOrEmpty(url))
        {
            if (!url.StartsWith("file://", StringComparison.Ordinal))
                return new(null, $"PULUMI_BACKEND_URL is not a local file backend ({Scheme(url)}); pass --state FILE from `pulumi stack export --stack {stack}`");
            dir = url["file://".Length..];
            if (dir.StartsWith('~')) dir = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + dir[1..];
            var q = dir.IndexOf('?');
            if (q >= 0) dir = dir[..q];
            if (dir.Length == 0) throw new InputException("environment", "PULUMI_BACKEND_URL", url, "a file:// URL names a folder, e.g. file:///path/to/state");
            if (!Path.IsPathRooted(dir)) dir = Path.Combine(root, dir);
        }
        else dir = Path.Combine(root, ".pulumi-state");

        var stacks = Path.Combine(dir, ".pulumi", "stacks");
        foreach (var candidate in new[]
        {
            Path.Combine(stacks, project, stack + ".json"),
            Path.Combine(stacks, project, stack + ".json.gz"),
            Path.Combine(stacks, stack + ".json"),
            Path.Combine(stacks, stack + ".json.gz"),
        })
            if (File.Exists(candidate)) return new(DeployedState.Read(candidate, project, stack), candidate);
        return new(null, $"no checkpoint for stack '{stack}' in {Path.Combine(stacks, project)} (never deployed, or another backend: pass --state FILE)");
    }

    private static string Scheme(string url)
    {
        var i = url.IndexOf("://", StringComparison.Ordinal);
        return i > 0 && i < 20 ? url[..(i + 3)] : "not a URL";
    }
}
