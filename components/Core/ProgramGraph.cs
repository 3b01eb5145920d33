namespace Infra.Components.Core;

/// <summary>
/// Checks the resource graph before anything is printed (no dangling references, no cycles,
/// every config key declared) and orders resources so each comes after what it depends on.
/// </summary>
public static class ProgramGraph
{
    public static IReadOnlyList<Resource> Validate(StackProgram program)
    {
        var declared = program.ConfigKeys.ToHashSet();
        foreach (var r in program.AllInOrder)
        {
            CheckValues(program, declared, r.Properties.ToMap(), r);
            foreach (var d in r.Options.DependsOn)
                CheckTarget(program, d, $"resource '{r.Name}' (dependsOn)");
            if (r.Options.Provider is { } p)
            {
                CheckTarget(program, p, $"resource '{r.Name}' (provider)");
                if (!p.IsProvider) throw new SynthesisException($"resource '{r.Name}' names '{p.Name}' as its provider, but '{p.Name}' is a {p.Type}, not a provider");
            }
        }
        foreach (var (name, value) in program.Outputs)
            foreach (var v in value.Walk())
                CheckValue(program, declared, v, $"stack output '{name}'");
        return Order(program);
    }

    /// <summary>Every expression in a resource's inputs, recursively (no iterator, no message unless one fails).</summary>
    private static void CheckValues(StackProgram program, HashSet<ConfigKey> declared, Value v, Resource r)
    {
        switch (v)
        {
            case OutputRef o when !program.Contains(o.Resource):
            case ConfigRef c when !declared.Contains(c.Key):
                CheckValue(program, declared, v, $"resource '{r.Name}'");
                break;
            case ListValue l: foreach (var item in l.Items) CheckValues(program, declared, item, r); break;
            case MapValue m: foreach (var e in m.Entries) CheckValues(program, declared, e.Value, r); break;
            case Interpolation i: foreach (var part in i.Parts) CheckValues(program, declared, part, r); break;
            case FnCall f: CheckValues(program, declared, f.Argument, r); break;
        }
    }

    private static void CheckValue(StackProgram program, HashSet<ConfigKey> declared, Value v, string where)
    {
        switch (v)
        {
            case OutputRef o: CheckTarget(program, o.Resource, where); break;
            case ConfigRef c when !declared.Contains(c.Key):
                throw new SynthesisException($"{where} reads config key '{c.Key.Name}', which the program does not declare");
        }
    }

    private static void CheckTarget(StackProgram program, Resource target, string where)
    {
        if (!program.Contains(target))
            throw new SynthesisException($"{where} refers to '{target.Name}', which is not a resource of this program (dangling reference)");
    }

    /// <summary>Depth-first topological order, stable with respect to creation order; a cycle names both ends.</summary>
    private static IReadOnlyList<Resource> Order(StackProgram program)
    {
        var all = program.AllInOrder;
        var defaults = program.Providers.ToDictionary(p => p.Package, StringComparer.Ordinal);
        var state = new Dictionary<Resource, int>(ReferenceEqualityComparer.Instance); // 1 = visiting, 2 = done
        var order = new List<Resource>(all.Count);
        var path = new Stack<Resource>();

        // Providers first: every resource of a package implicitly depends on its default provider.
        foreach (var p in program.Providers) Visit(p);
        foreach (var r in all) Visit(r);
        return order;

        void Visit(Resource r)
        {
            if (state.TryGetValue(r, out var s))
            {
                if (s == 2) return;
                var from = path.Peek();
                throw new SynthesisException(
                    $"dependency cycle: '{from.Name}' depends on '{r.Name}', which depends back on '{from.Name}'" +
                    $" (cycle: {string.Join(" -> ", path.Reverse().SkipWhile(x => !ReferenceEquals(x, r)).Select(x => x.Name).Append(r.Name))})");
            }
            state[r] = 1;
            path.Push(r);
            if (!r.IsProvider && defaults.TryGetValue(r.Package, out var prov)) Visit(prov);
            // r.Dependencies() in the same order (references in its inputs depth first, dependsOn, provider), without
            // its iterator and set: visiting a resource twice is a no-op once it is done.
            VisitReferences(r.Properties.ToMap());
            foreach (var d in r.Options.DependsOn) Visit(d);
            if (r.Options.Provider is { } p) Visit(p);
            path.Pop();
            state[r] = 2;
            order.Add(r);
        }

        void VisitReferences(Value v)
        {
            switch (v)
            {
                case OutputRef o: Visit(o.Resource); break;
                case ListValue l: foreach (var item in l.Items) VisitReferences(item); break;
                case MapValue m: foreach (var e in m.Entries) VisitReferences(e.Value); break;
                case Interpolation i: foreach (var part in i.Parts) VisitReferences(part); break;
                case FnCall f: VisitReferences(f.Argument); break;
            }
        }
    }
}
