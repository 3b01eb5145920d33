namespace Infra.Tests.Runtime;

/// <summary>Runtime tests share one Docker daemon (and 2 CPUs): they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RuntimeCollection
{
    public const string Name = "runtime (docker)";
    public const string Category = "Runtime";
}
