namespace Infra.Components.Configs;

/// <summary>
/// Resource size class of an environment profile (seed 004: development = Minimal,
/// staging = Medium, production = Full). Generators size servers from it.
/// </summary>
public enum SizeClass
{
    Minimal,
    Medium,
    Full,
}
