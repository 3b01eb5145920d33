using System.Text;

namespace Infra.Cli;

/// <summary>
/// Content-addressed cache of synthesized programs. The compiler is deterministic and Pulumi runs it about
/// four times per `pulumi up` with the same inputs, so the key is exactly those inputs: the compiler build
/// (module version ids), the arguments, the selected stack and root, and the stack file's bytes. A hit
/// is verified against the full key text stored in the entry, never trusted on the hash alone.
/// Only successful programs are stored; errors are always recomputed.
/// </summary>
public sealed class ProgramCache(string directory)
{
    private const string Separator = "\n--- program ---\n";

    public static string Key(string[] args, Func<string, string?> env)
    {
        var sb = new StringBuilder();
        foreach (var asm in new[] { typeof(ProgramCache).Assembly, typeof(Stacks.Composition.Synthesizer).Assembly, typeof(Components.Core.Resource).Assembly })
            sb.Append(asm.ManifestModule.ModuleVersionId).Append('\n');
        foreach (var a in args) sb.Append("arg ").Append(a).Append('\n');
        var stack = StackArg(args) ?? env("PULUMI_STACK") ?? "";
        var root = RootArg(args) ?? env("PULUMI_ROOT_DIRECTORY") ?? Directory.GetCurrentDirectory();
        sb.Append("stack ").Append(stack).Append("\nroot ").Append(root).Append('\n');
        if (stack.Length > 0 && !stack.Contains('/') && !stack.Contains('\\'))
        {
            var file = Path.Combine(root, $"Pulumi.{stack}.yaml");
            sb.Append("file ").Append(File.Exists(file) ? File.ReadAllText(file) : "(missing)").Append('\n');
        }
        return sb.ToString();
    }

    public string? TryGet(string key)
    {
        var path = PathFor(key);
        if (!File.Exists(path)) return null;
        var text = File.ReadAllText(path);
        var cut = text.IndexOf(Separator, StringComparison.Ordinal);
        return cut >= 0 && text.AsSpan(0, cut).SequenceEqual(key) ? text[(cut + Separator.Length)..] : null;
    }

    public void Put(string key, string program)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var path = PathFor(key);
            var tmp = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(tmp, key + Separator + program);
            File.Move(tmp, path, overwrite: true);
        }
        catch (IOException) { } // a cache that cannot be written is only slower
        catch (UnauthorizedAccessException) { }
    }

    private string PathFor(string key) => Path.Combine(directory, Fnv1a(key).ToString("x16") + ".program");

    private static ulong Fnv1a(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var c in s) { h ^= c; h *= 1099511628211UL; }
        return h;
    }

    private static string? StackArg(string[] args) => ArgValue(args, "--stack");
    private static string? RootArg(string[] args) => ArgValue(args, "--root");

    private static string? ArgValue(string[] args, string name)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == name && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith(name + "=", StringComparison.Ordinal)) return args[i][(name.Length + 1)..];
        }
        return null;
    }
}
