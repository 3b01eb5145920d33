namespace Infra.Components.Core;

public enum ConfigType { String, Integer, Boolean, Number, Object }

/// <summary>
/// A stack config key the program reads as <c>${Name}</c>; declared in the program's <c>config:</c> section.
/// Secret keys are never read by the compiler: the engine resolves them.
/// </summary>
public sealed record ConfigKey(string Name, ConfigType Type, bool Secret, Value? Default = null, string? Description = null)
{
    public ConfigRef Ref => new(this);
    public static implicit operator Value(ConfigKey key) => key.Ref;
}
