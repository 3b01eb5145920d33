using Infra.Codegen;

// dotnet run --project tools/Codegen -- generate [--schemas DIR] [--out DIR]
// dotnet run --project tools/Codegen -- cut --from FILE --list FILE [--list FILE ...] [--refs-from FILE] --out FILE
try
{
    var (command, options) = Cli.Parse(args);
    switch (command)
    {
        case "generate":
            var schemas = options.One("--schemas") ?? Path.Combine(Cli.RepoRoot(), "schemas");
            var outDir = options.One("--out") ?? Path.Combine(Cli.RepoRoot(), "components", "Providers");
            var count = Generator.Write(schemas, outDir);
            Console.WriteLine($"wrote {count} files to {outDir}");
            return 0;
        case "cut":
            var from = options.One("--from") ?? throw new ArgumentException("cut needs --from FILE");
            var output = options.One("--out") ?? throw new ArgumentException("cut needs --out FILE");
            var lists = options.All("--list");
            if (lists.Count == 0) throw new ArgumentException("cut needs at least one --list FILE");
            var (resources, types) = SchemaCutter.Cut(from, lists, options.All("--refs-from"), output);
            Console.WriteLine($"wrote {output}: {resources} resources, {types} types");
            return 0;
        default:
            throw new ArgumentException($"unknown command '{command}'; use 'generate' or 'cut'");
    }
}
catch (Exception e) when (e is ArgumentException or FormatException or InvalidDataException or IOException)
{
    Console.Error.WriteLine("codegen: " + e.Message);
    return 1;
}
