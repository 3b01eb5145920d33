namespace Infra.Components.Configs;

/// <summary>Resource size of an environment (seed 004: minimal / medium / full).</summary>
public enum SizeClass { Minimal, Medium, Full }
