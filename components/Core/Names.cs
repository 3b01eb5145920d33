using System.Security.Cryptography;
using System.Text;

namespace Infra.Components.Core;

/// <summary>Logical names: lowercase, DNS-safe (RFC 1123 label), deterministic, short-hashed when too long.</summary>
public static class Names
{
    public const int MaxLength = 63;

    /// <summary>Joins path segments with '-' and sanitizes; names over 63 characters keep a prefix and an 8-hex hash of the whole.</summary>
    public static string Logical(IEnumerable<string> segments)
    {
        var sb = new StringBuilder();
        foreach (var seg in segments)
        {
            if (string.IsNullOrEmpty(seg)) continue;
            if (sb.Length > 0) sb.Append('-');
            sb.Append(seg);
        }
        return Sanitize(sb.ToString());
    }

    public static string Sanitize(string raw)
    {
        var sb = new StringBuilder(raw.Length);
        var dash = false;
        foreach (var ch in raw.ToLowerInvariant())
        {
            if (ch is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                sb.Append(ch);
                dash = false;
            }
            else if (!dash && sb.Length > 0)
            {
                sb.Append('-');
                dash = true;
            }
        }
        var name = sb.ToString().TrimEnd('-');
        if (name.Length == 0 || !char.IsAsciiLetterLower(name[0])) name = "r-" + name;
        name = name.TrimEnd('-');
        if (name.Length <= MaxLength) return name;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)))[..8];
        return name[..(MaxLength - 9)].TrimEnd('-') + "-" + hash;
    }

    /// <summary>True for a name that is already what <see cref="Sanitize"/> would make of it.</summary>
    public static bool IsValid(string name) => name.Length is > 0 and <= MaxLength && Sanitize(name) == name;
}
