using System.Globalization;

namespace Infra.Stacks.Targets.Aws;

/// <summary>An IPv4 CIDR block: parsing (host bits must be zero), containment, overlap and sub-blocks.</summary>
public readonly record struct Cidr(uint Address, int PrefixLength)
{
    public uint Size => PrefixLength == 0 ? uint.MaxValue : 1u << (32 - PrefixLength);
    public uint Mask => PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);
    public uint Last => Address + (Size - 1);

    public static bool TryParse(string text, out Cidr cidr)
    {
        cidr = default;
        var slash = text.IndexOf('/');
        if (slash < 0 || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix is < 0 or > 32) return false;
        var parts = text[..slash].Split('.');
        if (parts.Length != 4) return false;
        uint address = 0;
        foreach (var p in parts)
        {
            if (p.Length is 0 or > 3 || (p.Length > 1 && p[0] == '0') || !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var octet) || octet > 255) return false;
            address = (address << 8) | (uint)octet;
        }
        var c = new Cidr(address, prefix);
        if ((address & ~c.Mask) != 0) return false; // host bits set: 10.0.0.1/16 is not a network
        cidr = c;
        return true;
    }

    public bool Contains(Cidr other) => other.PrefixLength >= PrefixLength && (other.Address & Mask) == Address;
    public bool Overlaps(Cidr other) => Address <= other.Last && other.Address <= Last;

    /// <summary>The <paramref name="index"/>-th block of prefix <paramref name="newPrefix"/> inside this one.</summary>
    public Cidr Subnet(int newPrefix, int index) => new(Address + (uint)index * (1u << (32 - newPrefix)), newPrefix);

    public static readonly Cidr[] PrivateRanges = [new(0x0A000000, 8), new(0xAC100000, 12), new(0xC0A80000, 16)];
    public bool IsPrivate { get { var self = this; return PrivateRanges.Any(r => r.Contains(self)); } }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Address >> 24) & 255}.{(Address >> 16) & 255}.{(Address >> 8) & 255}.{Address & 255}/{PrefixLength}");
}
