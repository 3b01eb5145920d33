namespace Infra.Components.Core;

/// <summary>Pulumi resource options, as the YAML host accepts them.</summary>
public sealed class ResourceOptions
{
    public bool? Protect { get; set; }
    public bool? RetainOnDelete { get; set; }
    public bool? DeleteBeforeReplace { get; set; }
    public List<Resource> DependsOn { get; } = [];
    public Resource? Provider { get; set; }
    public List<string> IgnoreChanges { get; } = [];
    public List<string> ReplaceOnChanges { get; } = [];
    public List<string> AdditionalSecretOutputs { get; } = [];
    public List<string> Aliases { get; } = [];
    public CustomTimeouts? CustomTimeouts { get; set; }
    public string? Version { get; set; }

    public bool IsEmpty =>
        Protect is null && RetainOnDelete is null && DeleteBeforeReplace is null && DependsOn.Count == 0 &&
        Provider is null && IgnoreChanges.Count == 0 && ReplaceOnChanges.Count == 0 &&
        AdditionalSecretOutputs.Count == 0 && Aliases.Count == 0 && CustomTimeouts is null && Version is null;
}

public sealed record CustomTimeouts(string? Create = null, string? Update = null, string? Delete = null);
