using System.Runtime.InteropServices;
using System.Text;
using Infra.Components.Core;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Infra.Stacks.Composition;

/// <summary>The limits on what a stack's configuration may hold (README "Limits").</summary>
public static class Limits
{
    /// <summary>Largest stack file, and largest PULUMI_CONFIG (bytes).</summary>
    public const int MaxConfigBytes = 1024 * 1024;
    /// <summary>Deepest nesting of mappings and sequences in a stack file or a PULUMI_CONFIG value.</summary>
    public const int MaxDepth = 32;
    public const int MinReplicas = 1;
    public const int MaxReplicas = 100;

    /// <summary>
    /// Host ports a stack may not publish: below 1024 (except 80 and 443), and the ports of daemons whose
    /// exposure hands over the machine: Docker (2375, 2376, 2377, 4243), Swarm gossip (7946), etcd (2379, 2380),
    /// the Kubernetes API (6443), kubelet and control plane (10250, 10255, 10256, 10257, 10259).
    /// </summary>
    public static readonly int[] DangerousHostPorts = [2375, 2376, 2377, 2379, 2380, 4243, 6443, 7946, 10250, 10255, 10256, 10257, 10259];

    public const string HostPortRule = "host ports are 1024 to 65535, or 80 / 443; never 2375-2377, 2379-2380, 4243, 6443, 7946, 10250, 10255-10257, 10259 (Docker, etcd, Kubernetes control)";

    /// <summary>Why a host port may not be published, or null when it may.</summary>
    public static string? HostPortProblem(int port) =>
        port is < 1 or > 65535 ? "ports are 1 to 65535"
        : port < 1024 && port is not (80 or 443) ? "a privileged port: " + HostPortRule
        : Array.IndexOf(DangerousHostPorts, port) >= 0 ? "a control-plane port (publishing it hands over the host): " + HostPortRule
        : null;
}

/// <summary>
/// Reading the stack's configuration safely: regular files only, bounded size, bounded nesting, and our own
/// error text for every way it can fail.
/// </summary>
public static class StackInput
{
    /// <summary>
    /// The text of a stack file: it must be a regular file (a FIFO, device or directory is refused before it is
    /// opened, so nothing hangs), at most <see cref="Limits.MaxConfigBytes"/>, and UTF-8.
    /// </summary>
    public static string ReadStackFile(string path, string file)
    {
        var kind = FileKind(path);
        if (kind is not (Kind.Regular or Kind.Unknown))
            throw new InputException(file, "(file)", null, $"not a regular file ({(kind == Kind.Directory ? "a directory" : kind == Kind.Missing ? "missing" : "a device, FIFO or socket")}); a stack file is a regular YAML file");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            var buffer = new byte[Limits.MaxConfigBytes + 1];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0) total += n;
            if (total > Limits.MaxConfigBytes) throw TooLarge(file);
            return Utf8(buffer.AsSpan(0, total), file);
        }
        catch (UnauthorizedAccessException) { throw new InputException(file, "(file)", null, "cannot be read: permission denied (or it is a directory)"); }
        catch (IOException) { throw new InputException(file, "(file)", null, "cannot be read (I/O error)"); }
    }

    public static InputException TooLarge(string file) =>
        new(file, "(size)", null, $"larger than {Limits.MaxConfigBytes / 1024 / 1024} MiB, the most a stack's configuration may hold");

    public static string Utf8(ReadOnlySpan<byte> bytes, string file)
    {
        try
        {
            if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException) { throw new InputException(file, "(encoding)", null, "not UTF-8 text"); }
    }

    /// <summary>
    /// Parses YAML (or JSON, which is YAML) with nesting capped at <see cref="Limits.MaxDepth"/>, counted on the
    /// parser's event stream, so a hostile document is refused after reading at most that many levels.
    /// <paramref name="key"/> names what is parsed in errors ("(document)" for a whole file).
    /// </summary>
    public static YamlNode? Load(string text, string file, string key)
    {
        if (Encoding.UTF8.GetByteCount(text) > Limits.MaxConfigBytes) throw TooLarge(file);
        var stream = new YamlStream();
        try { stream.Load(new DepthLimitedParser(new Parser(new StringReader(text)), file, key)); }
        catch (YamlException e) when (e is not DepthException)
        {
            throw new InputException(file, key == "(document)" ? $"line {e.Start.Line}" : $"{key} (line {e.Start.Line})", null,
                "malformed " + (key == "(document)" ? "YAML" : "YAML/JSON") + ": " + YamlProblem(e));
        }
        catch (DepthException e) { throw e.Error; }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            // The parser giving up in a way it does not describe: still the file, the key and our own words.
            throw new InputException(file, key == "(document)" ? "(document)" : key, null, "malformed YAML: the parser could not read it");
        }
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    /// <summary>YamlDotNet's description of the problem without its position prefix (our error carries the line).</summary>
    private static string YamlProblem(YamlException e)
    {
        var m = e.Message;
        var close = m.IndexOf("): ", StringComparison.Ordinal);
        return m.StartsWith('(') && close > 0 ? m[(close + 3)..] : m;
    }

    private sealed class DepthException(InputException error) : YamlException(error.Message)
    {
        public InputException Error { get; } = error;
    }

    private sealed class DepthLimitedParser(IParser inner, string file, string key) : IParser
    {
        private int _depth;
        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext()) return false;
            switch (inner.Current)
            {
                case MappingStart or SequenceStart:
                    if (++_depth > Limits.MaxDepth)
                        throw new DepthException(new InputException(file, key == "(document)" ? $"line {inner.Current.Start.Line}" : key, null,
                            $"nested more than {Limits.MaxDepth} levels deep, the most a stack's configuration may be"));
                    break;
                case MappingEnd or SequenceEnd:
                    _depth--;
                    break;
            }
            return true;
        }
    }

    private enum Kind { Regular, Directory, Other, Missing, Unknown }

    private static Kind FileKind(string path)
    {
        if (Directory.Exists(path)) return Kind.Directory;
        if (OperatingSystem.IsLinux())
        {
            // statx's buffer layout is the same on every architecture; stx_mode is the u16 at offset 28.
            var buffer = new byte[256];
            try
            {
                if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return File.Exists(path) ? Kind.Unknown : Kind.Missing;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return Kind.Unknown; }
            var mode = BitConverter.ToUInt16(buffer, 28) & 0xF000;
            return mode switch { 0x8000 => Kind.Regular, 0x4000 => Kind.Directory, _ => Kind.Other };
        }
        return File.Exists(path) ? Kind.Unknown : Kind.Missing;
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 1;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    /// <summary>
    /// A build context (or Dockerfile) must be a relative path that stays inside the project root once symbolic
    /// links are resolved: no URL, no git remote, no absolute path, no way out through "..".
    /// </summary>
    public static string? PathProblem(string root, string relative, string? within = null)
    {
        if (relative.Length == 0) return "must not be empty";
        if (relative.Contains("://", StringComparison.Ordinal) || relative.StartsWith("git@", StringComparison.Ordinal) || relative.StartsWith("github.com/", StringComparison.Ordinal))
            return "must be a directory of this project, not a URL or git remote";
        if (relative.Any(c => c == '\0' || char.IsControl(c)))
            return "must not contain control characters";
        if (Path.IsPathRooted(relative) || relative.StartsWith('~'))
            return "must be a relative path inside the project (e.g. ./services/api), not an absolute one";
        try
        {
            var realRoot = RealPath(Path.GetFullPath(root));
            var target = RealPath(Path.GetFullPath(Path.Combine(within ?? realRoot, relative)));
            var rootWithSlash = realRoot.EndsWith('/') ? realRoot : realRoot + "/";
            return target == realRoot || target.StartsWith(rootWithSlash, StringComparison.Ordinal)
                ? null
                : "must stay inside the project folder (symbolic links resolved); it leads outside it";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return "could not be resolved inside the project folder (a symbolic-link loop or an unreadable folder)";
        }
    }

    /// <summary>The path with every symbolic link along it resolved (the parts that exist).</summary>
    private static string RealPath(string full)
    {
        var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            var info = new FileInfo(next);
            if (info.LinkTarget is not null)
            {
                var resolved = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? next;
                // The target may itself sit below links; resolve it again from the top.
                next = resolved == next ? next : RealPath(Path.GetFullPath(resolved));
            }
            current = next;
        }
        return current;
    }

    /// <summary>The nearest of <paramref name="candidates"/> by edit distance, when it is close enough to be a typo.</summary>
    public static string? Nearest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = EditDistance(word.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance || d == bestDistance && string.CompareOrdinal(c, best) < 0) (best, bestDistance) = (c, d);
        }
        return best is not null && bestDistance <= Math.Max(2, word.Length / 3) ? best : null;
    }

    public static int EditDistance(string a, string b)
    {
        if (a.Length > 200 || b.Length > 200) return int.MaxValue; // a key that long is no typo
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
