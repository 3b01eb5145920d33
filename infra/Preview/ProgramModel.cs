using System.Globalization;
using Infra.Components.Core;
using Infra.Components.Policies;

namespace Infra.Cli.Preview;

/// <summary>A program-side value: a literal, or an expression the diff resolves against the state where it can.</summary>
public abstract record PV;
public sealed record PLit(DV Value) : PV;
public sealed record PList(IReadOnlyList<PV> Items) : PV;
public sealed record PMap(IReadOnlyList<KeyValuePair<string, PV>> Entries) : PV;
/// <summary><c>${resource.path}</c>.</summary>
public sealed record PRef(string Resource, string Path, bool Secret) : PV;
/// <summary><c>${key}</c> of a declared config key.</summary>
public sealed record PConfig(string Key, bool Secret) : PV;
public sealed record PInterp(IReadOnlyList<PV> Parts) : PV;
public sealed record PFn(string Name, PV Argument) : PV;
/// <summary>An expression the model does not follow (an unknown name); always computed.</summary>
public sealed record PExpr(string Text) : PV;

/// <summary>One resource of a program, independent of where the program came from.</summary>
public sealed record PlannedResource(
    string Name, string Type, PMap Properties, bool Protect, bool RetainOnDelete,
    IReadOnlyList<string> DependsOn, IReadOnlyList<string> AdditionalSecretOutputs, IReadOnlyList<string> ReplaceOnChanges,
    string Component, IReadOnlyCollection<string> Traits)
{
    /// <summary>Every resource this one references (inputs, dependsOn).</summary>
    public IEnumerable<string> References()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in ProgramModel.Walk(Properties))
            if (v is PRef r && seen.Add(r.Resource)) yield return r.Resource;
        foreach (var d in DependsOn) if (seen.Add(d)) yield return d;
    }
}

/// <summary>A seed requirement the stack does not honour as written (from the system definition; docs/seed-fidelity.md).</summary>
public sealed record SeedDeparture(string Id, string Kind, string Requirement, string Reason);

/// <summary>Policy counts of a synthesized program (absent when the program came from a file).</summary>
public sealed record PolicyCounts(int Rules, int Advisory, int Waived, IReadOnlyList<string> AdvisoryFindings);

/// <summary>A program to compare: from an in-memory synthesis (with its component tree) or a program YAML file.</summary>
public sealed record ProgramModel(string Project, IReadOnlyList<PlannedResource> Resources, IReadOnlyList<string> Notes, PolicyCounts? Policies, string Origin)
{
    /// <summary>Seed departures in this environment; null when unknown (a program file, a generated system).</summary>
    public IReadOnlyList<SeedDeparture>? Departures { get; init; }

    /// <summary>The departures a seed system declares for <paramref name="environment"/> (null for a system that is not a seed).</summary>
    public static IReadOnlyList<SeedDeparture>? DeparturesOf(string system, string environment) =>
        Infra.Stacks.Systems.SystemCatalog.Find(system)?.DeparturesIn(environment)
            .OrderBy(d => d.Kind).ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(d => new SeedDeparture(d.Id, d.Label, d.Requirement, d.Reason)).ToList();

    public static IEnumerable<PV> Walk(PV root)
    {
        var stack = new Stack<PV>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var v = stack.Pop();
            yield return v;
            switch (v)
            {
                case PList l: for (var i = l.Items.Count - 1; i >= 0; i--) stack.Push(l.Items[i]); break;
                case PMap m: for (var i = m.Entries.Count - 1; i >= 0; i--) stack.Push(m.Entries[i].Value); break;
                case PInterp s: for (var i = s.Parts.Count - 1; i >= 0; i--) stack.Push(s.Parts[i]); break;
                case PFn f: stack.Push(f.Argument); break;
            }
        }
    }

    // ---------------------------------------------------------------- from a synthesized program

    public static ProgramModel FromSynthesis(StackProgram program, PolicyReport? policies, string origin)
    {
        var resources = new List<PlannedResource>(program.AllInOrder.Count);
        foreach (var r in ProgramGraph.Validate(program))
            resources.Add(new PlannedResource(
                r.Name, r.Type, (PMap)Convert(r.Properties.ToMap()), r.Options.Protect == true, r.Options.RetainOnDelete == true,
                [.. r.Options.DependsOn.Select(d => d.Name).Concat(r.Options.Provider is { } p ? [p.Name] : [])],
                [.. r.Options.AdditionalSecretOutputs], [.. r.Options.ReplaceOnChanges], r.Owner.Path, r.Traits));
        PolicyCounts? counts = policies is null ? null : new PolicyCounts(
            PolicyCatalog.All.Count, policies.Advisory.Count(), policies.Waived.Count(), [.. policies.Advisory.Select(a => a.ToString() ?? "")]);
        return new ProgramModel(program.Project, resources, [.. program.Notes], counts, origin);
    }

    private static PV Convert(Value v) => v switch
    {
        Str s => new PLit(new DStr(s.Text)),
        Num n => new PLit(new DNum(n.Number)),
        Bool b => new PLit(new DBool(b.Flag)),
        ListValue l => new PList([.. l.Items.Select(Convert)]),
        MapValue m => new PMap([.. m.Entries.Select(e => new KeyValuePair<string, PV>(e.Key, Convert(e.Value)))]),
        OutputRef o => new PRef(o.Resource.Name, o.Path, o.Secret),
        ConfigRef c => new PConfig(c.Key.Name, c.Key.Secret),
        Interpolation i => new PInterp([.. i.Parts.Select(Convert)]),
        FnCall f => new PFn(f.Name, Convert(f.Argument)),
        _ => new PExpr(v.GetType().Name),
    };

    // ---------------------------------------------------------------- from a program YAML file

    /// <summary>
    /// Reads a Pulumi YAML program as this compiler prints it (or any program with <c>resources:</c>): expressions
    /// <c>${name.path}</c> become references to resources or config keys; secret config keys are the declared
    /// <c>secret: true</c> ones. There is no component tree: resources are not grouped.
    /// <para>Straight from YamlDotNet's parser events into a light tree (<see cref="YamlTree"/>), then into the model once
    /// every resource and config name is known: no representation model (YamlStream's dictionaries of nodes with marks
    /// cost more than twice the parse itself on a 7 MB program).</para>
    /// </summary>
    public static ProgramModel FromYaml(string text, string origin)
    {
        object? root;
        try
        {
            using (Phases.Time("yaml tree (both sides)")) root = YamlTree.Read(text, origin);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InputException(origin, "(document)", null, $"not a YAML program (line {e.Start.Line}): a Pulumi YAML program with resources:");
        }
        if (root is not YamlTree.Map top)
            throw new InputException(origin, "(document)", null, "not a YAML program: a mapping with name and resources");
        var project = top.Get("name") is YamlTree.Scalar ns ? ns.Value : "";
        var secretKeys = new HashSet<string>(StringComparer.Ordinal);
        var configKeys = new HashSet<string>(StringComparer.Ordinal);
        if (top.Get("config") is YamlTree.Map cm)
            foreach (var (key, decl) in cm.Entries)
            {
                configKeys.Add(key);
                if (decl is YamlTree.Map dm && dm.Get("secret") is YamlTree.Scalar { Value: "true" }) secretKeys.Add(key);
            }
        if (top.Get("resources") is not YamlTree.Map rm)
            throw new InputException(origin, "resources", null, "missing: a program lists its resources under resources:");
        var names = new HashSet<string>(rm.Entries.Count, StringComparer.Ordinal);
        foreach (var (name, _) in rm.Entries) names.Add(name);
        var ctx = new YamlContext(names, configKeys, secretKeys, origin);
        using var model = Phases.Time("program model (both sides)");
        var list = new List<PlannedResource>(rm.Entries.Count);
        foreach (var (name, node) in rm.Entries)
        {
            if (node is not YamlTree.Map r) throw new InputException(origin, $"resources.{name}", null, "a resource is a mapping with type and properties");
            var type = r.Get("type") is YamlTree.Scalar ts ? ts.Value : throw new InputException(origin, $"resources.{name}.type", null, "missing");
            var props = r.Get("properties") is { } p ? ctx.Convert(p) as PMap ?? new PMap([]) : new PMap([]);
            var options = r.Get("options") as YamlTree.Map;
            list.Add(new PlannedResource(name, type, props,
                OptBool(options, "protect"), OptBool(options, "retainOnDelete"),
                [.. OptList(options, "dependsOn").Concat(OptScalar(options, "provider") is { } pr ? [pr] : []).Select(StripRef)],
                OptList(options, "additionalSecretOutputs"), OptList(options, "replaceOnChanges"), "", []));
        }
        return new ProgramModel(project, list, [], null, origin);
    }

    private static string StripRef(string s) => s.StartsWith("${", StringComparison.Ordinal) && s.EndsWith('}') ? s[2..^1] : s;

    private static bool OptBool(YamlTree.Map? o, string key) => o?.Get(key) is YamlTree.Scalar { Value: "true" };

    private static string? OptScalar(YamlTree.Map? o, string key) => o?.Get(key) is YamlTree.Scalar s ? s.Value : null;

    private static IReadOnlyList<string> OptList(YamlTree.Map? o, string key) =>
        o?.Get(key) is YamlTree.Seq s ? [.. s.Items.OfType<YamlTree.Scalar>().Select(x => x.Value)] : [];

    private sealed record YamlContext(HashSet<string> Resources, HashSet<string> ConfigKeys, HashSet<string> SecretKeys, string Origin)
    {
        public PV Convert(object node)
        {
            switch (node)
            {
                case YamlTree.Seq s:
                    var items = new PV[s.Items.Count];
                    for (var i = 0; i < items.Length; i++) items[i] = Convert(s.Items[i]);
                    return new PList(items);
                case YamlTree.Map m:
                    if (m.Entries.Count == 1 && m.Entries[0].Key.StartsWith("fn::", StringComparison.Ordinal))
                        return new PFn(m.Entries[0].Key[4..], Convert(m.Entries[0].Value));
                    var entries = new KeyValuePair<string, PV>[m.Entries.Count];
                    for (var i = 0; i < entries.Length; i++) entries[i] = new(m.Entries[i].Key, Convert(m.Entries[i].Value));
                    return new PMap(entries);
                case YamlTree.Scalar sc:
                    var text = sc.Value;
                    if (sc.Plain)
                    {
                        if (text is "true" or "false") return new PLit(new DBool(text == "true"));
                        if (text is "null" or "~" or "") return new PLit(DV.Null);
                        if ((char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.') && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                            return new PLit(new DNum(d));
                    }
                    return Interpolate(text);
                default: return new PLit(DV.Null);
            }
        }

        /// <summary>Splits <c>a ${x.y} b</c> into parts; <c>$$</c> is a literal <c>$</c>.</summary>
        private PV Interpolate(string text)
        {
            if (!text.Contains('$')) return new PLit(new DStr(text));
            var parts = new List<PV>();
            var lit = new System.Text.StringBuilder();
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '$') { lit.Append('$'); i++; continue; }
                if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
                {
                    var end = text.IndexOf('}', i + 2);
                    if (end < 0) { lit.Append(text, i, text.Length - i); break; }
                    if (lit.Length > 0) { parts.Add(new PLit(new DStr(lit.ToString()))); lit.Clear(); }
                    parts.Add(Reference(text[(i + 2)..end]));
                    i = end;
                    continue;
                }
                lit.Append(text[i]);
            }
            if (lit.Length > 0) parts.Add(new PLit(new DStr(lit.ToString())));
            return parts.Count == 1 ? parts[0] : new PInterp(parts);
        }

        private PV Reference(string expr)
        {
            var cut = expr.IndexOfAny(['.', '[']);
            var head = cut < 0 ? expr : expr[..cut];
            var path = cut < 0 ? "" : expr[cut] == '.' ? expr[(cut + 1)..] : expr[cut..];
            if (Resources.Contains(head)) return new PRef(head, path, false);
            if (ConfigKeys.Contains(head) && path.Length == 0) return new PConfig(head, SecretKeys.Contains(head));
            return new PExpr("${" + expr + "}");
        }
    }
}
