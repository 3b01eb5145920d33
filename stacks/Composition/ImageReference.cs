using Infra.Components.Core;

namespace Infra.Stacks.Composition;

/// <summary>
/// The Docker image reference grammar (distribution/reference):
/// <c>[domain[:port]/]path[:tag][@sha256:digest]</c>, path components lowercase alphanumerics joined by
/// <c>.</c>, <c>_</c>, <c>__</c> or dashes; a tag is up to 128 of <c>[A-Za-z0-9_.-]</c> not starting with . or -.
/// </summary>
public static class ImageReference
{
    public static bool IsValid(string reference)
    {
        if (reference.Length is 0 or > 255) return false;
        var rest = reference;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            var digest = rest[(at + 1)..];
            if (!digest.StartsWith("sha256:", StringComparison.Ordinal) || digest.Length != 71 || !Text.All(digest.AsSpan(7), c => c is >= '0' and <= '9' or >= 'a' and <= 'f')) return false;
            rest = rest[..at];
        }
        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        if (colon > lastSlash)
        {
            var tag = rest[(colon + 1)..];
            if (tag.Length is 0 or > 128 || tag[0] is '.' or '-' || !Text.All(tag, c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')) return false;
            rest = rest[..colon];
        }
        var parts = rest.Split('/');
        var start = 0;
        if (parts.Length > 1 && (parts[0].Contains('.') || parts[0].Contains(':') || parts[0] == "localhost"))
        {
            if (!IsDomain(parts[0])) return false;
            start = 1;
        }
        for (var i = start; i < parts.Length; i++)
            if (!IsPathComponent(parts[i])) return false;
        return parts.Length > start;
    }

    /// <summary>The registry host of a valid reference, lowercase: its domain (with port), or docker.io when it names none.</summary>
    public static string Registry(string reference)
    {
        var slash = reference.IndexOf('/');
        var first = slash < 0 ? "" : reference[..slash];
        return slash > 0 && (first.Contains('.') || first.Contains(':') || first == "localhost") ? first.ToLowerInvariant() : "docker.io";
    }

    private static bool IsDomain(string d)
    {
        var colon = d.IndexOf(':');
        if (colon >= 0)
        {
            var port = d[(colon + 1)..];
            if (port.Length == 0 || !Text.All(port, char.IsAsciiDigit)) return false;
            d = d[..colon];
        }
        foreach (var label in d.Split('.'))
            if (label.Length == 0 || label[0] == '-' || label[^1] == '-' || !Text.All(label, c => char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
        return true;
    }

    private static bool IsPathComponent(string p)
    {
        if (p.Length == 0 || !Text.IsLowerAlnum(p[0]) || !Text.IsLowerAlnum(p[^1])) return false;
        for (var i = 0; i < p.Length; i++)
        {
            var c = p[i];
            if (Text.IsLowerAlnum(c) || c == '-') continue;
            if (c is '.' or '_')
            {
                // separators: '.', '_', '__' (never '._', '..', '___'); dashes may repeat
                if (!Text.IsLowerAlnum(p[i - 1]) && !(c == '_' && p[i - 1] == '_' && i >= 2 && Text.IsLowerAlnum(p[i - 2]))) return false;
                continue;
            }
            return false;
        }
        return true;
    }
}
