using Infra.Components.Core;

namespace Infra.Components.Docker;

/// <summary>Labels every Docker object carries, so `docker ps --filter label=...` finds a stack's objects.</summary>
public static class DockerLabels
{
    /// <summary>
    /// The project and stack labels, then <paramref name="extra"/>, each made by <paramref name="label"/> (every Docker
    /// resource type has its own generated label type: <c>ContainerLabel</c>, <c>NetworkLabel</c>, <c>VolumeLabel</c>).
    /// </summary>
    public static IReadOnlyList<TLabel> Of<TLabel>(StackProgram program, Func<string, string, TLabel> label, params (string Label, string Value)[] extra) =>
        [label("platform.project", program.Project), label("platform.stack", program.Stack), .. extra.Select(e => label(e.Label, e.Value))];
}
