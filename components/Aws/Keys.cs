using Infra.Components.Core;
using Infra.Providers.Aws.Kms;

namespace Infra.Components.Aws;

/// <summary>
/// One customer-managed KMS key per purpose (cluster secrets, data stores, backups) with yearly rotation and an alias.
/// The key policy is AWS's default (the account's IAM policies decide who may use it); a key is stateful: protected
/// where the profile protects data, because deleting it makes everything it encrypted unreadable.
/// </summary>
public sealed class Keys : Construct
{
    private readonly Dictionary<string, Resource<Key.Outputs>> _keys = new(StringComparer.Ordinal);
    private readonly bool _protect;
    private readonly string _prefix;

    public Keys(Construct parent, string name, string aliasPrefix, bool protect) : base(parent, name)
    {
        _protect = protect;
        _prefix = aliasPrefix;
    }

    public override string Kind => "KMS keys";

    /// <summary>The key for <paramref name="purpose"/> (created on first use), e.g. "eks", "data", "backup".</summary>
    public Resource<Key.Outputs> For(string purpose, string description, Resource? provider = null)
    {
        if (_keys.TryGetValue(purpose, out var existing)) return existing;
        var key = Add(purpose, new Key
        {
            Description = description,
            EnableKeyRotation = true,
            DeletionWindowInDays = 30,
            Tags = Tagging.Name($"{_prefix}-{purpose}"),
        });
        key.Traits.Add(Traits.Stateful);
        if (_protect) key.Options.Protect = true;
        if (provider is not null) key.Options.Provider = provider;
        var alias = Add(purpose + "-alias", new Alias { Name = $"alias/{_prefix}-{purpose}", TargetKeyId = key.Outputs.KeyId });
        if (provider is not null) alias.Options.Provider = provider;
        _keys[purpose] = key;
        return key;
    }

    public int Count => _keys.Count;
}
