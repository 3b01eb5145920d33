namespace Infra.Components.Configs;

/// <summary>A generated text file: relative path (forward slashes) and its content (<c>\n</c> line endings).</summary>
public sealed record GeneratedFile(string Path, string Content);
