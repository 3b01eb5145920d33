using Infra.Tests.Programs;

namespace Infra.Tests.Kubernetes;

/// <summary>The seam's direction, checked on the sources: model and composition import no target; targets never import each other.</summary>
public class LayeringTests
{
    private static IEnumerable<(string File, string Text)> Sources(string folder) =>
        Directory.GetFiles(Path.Combine(Synth.RepoRoot(), folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (Path.GetRelativePath(Synth.RepoRoot(), f), File.ReadAllText(f)));

    [Fact]
    public void The_neutral_composition_imports_no_target()
    {
        foreach (var (file, text) in Sources("stacks/Composed"))
            foreach (var forbidden in new[] { "Infra.Stacks.Targets", "Infra.Components.Docker", "Infra.Components.Kubernetes", "Infra.Providers." })
                Assert.False(text.Contains(forbidden, StringComparison.Ordinal), $"{file} mentions {forbidden}");
    }

    [Fact]
    public void Targets_never_import_each_other()
    {
        var targets = Directory.GetDirectories(Path.Combine(Synth.RepoRoot(), "stacks", "Targets")).Select(Path.GetFileName).ToList();
        Assert.Equal(["Aws", "Docker", "Host", "Kubernetes"], targets.Order(StringComparer.Ordinal));
        // The one designed exception: a host runs the Docker translation unchanged on each server (issue 12).
        var allowed = new HashSet<(string, string)> { ("Host", "Docker") };
        foreach (var target in targets)
            foreach (var (file, text) in Sources($"stacks/Targets/{target}"))
                foreach (var other in targets.Where(t => t != target && !allowed.Contains((target!, t!))))
                {
                    Assert.False(text.Contains($"Infra.Stacks.Targets.{other}", StringComparison.Ordinal), $"{file} imports the {other} target");
                    Assert.False(text.Contains($"Infra.Components.{other}", StringComparison.Ordinal), $"{file} uses {other} components");
                }
    }
}
