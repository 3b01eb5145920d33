using Infra.Components.Core;

namespace Infra.Components.Docker;

/// <summary>Labels every Docker object carries, so `docker ps --filter label=...` finds a stack's objects.</summary>
public static class DockerLabels
{
    public static IEnumerable<Value> Of(StackProgram program, params (string Label, string Value)[] extra)
    {
        yield return Label("platform.project", program.Project);
        yield return Label("platform.stack", program.Stack);
        foreach (var (l, v) in extra) yield return Label(l, v);
    }

    private static Value Label(string label, string value) => new Props { ["label"] = label, ["value"] = value };
}
