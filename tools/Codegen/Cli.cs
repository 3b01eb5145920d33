namespace Infra.Codegen;

/// <summary>Command-line parsing for the two modes, and the repository root (the folder holding Infra.sln).</summary>
public static class Cli
{
    public sealed class Options(Dictionary<string, List<string>> values)
    {
        public string? One(string name) => values.TryGetValue(name, out var v) ? v[^1] : null;
        public IReadOnlyList<string> All(string name) => values.TryGetValue(name, out var v) ? v : [];
    }

    public static (string Command, Options Options) Parse(string[] args)
    {
        if (args.Length == 0) throw new ArgumentException("usage: generate [--schemas DIR] [--out DIR] | cut --from FILE --list FILE [--refs-from FILE] --out FILE");
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected '--option value' at '{args[i]}'");
            if (!values.TryGetValue(args[i], out var list)) values[args[i]] = list = [];
            list.Add(args[i + 1]);
        }
        return (args[0], new Options(values));
    }

    /// <summary>Walks up from the current directory to the folder with <c>Infra.sln</c>.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Infra.sln"))) return dir.FullName;
        throw new IOException($"no Infra.sln in '{Directory.GetCurrentDirectory()}' or any parent");
    }
}
