using System.Globalization;
using System.Text;

namespace Infra.Cli.Preview;

public enum ChangeAction { Same, Create, Update, Replace, Delete }

/// <summary>One changed input: a path like <c>ports[0].external</c>, old and new rendered (secrets masked).</summary>
public sealed record PropertyChange(string Path, string Old, string New, bool ForcesReplacement, IReadOnlyList<string>? Lines = null);

public sealed record ResourceChange(
    string Urn, string Name, string Type, string Component, ChangeAction Action,
    IReadOnlyList<PropertyChange> Properties, IReadOnlyList<string> Notes)
{
    public bool Changed => Action != ChangeAction.Same;
}

/// <summary>The resources of the side compared against: a deployed state, or an earlier program.</summary>
public sealed record Baseline(string Description, IReadOnlyList<StateResource> Resources, bool FromState, string? Time = null)
{
    public static Baseline FromDeployed(DeployedState s) => new(s.Source, s.Resources, true, s.Time);
}

public sealed record DiffReport(
    string Project, string Stack, ProgramModel Program, Baseline? Against, string? NoBaselineReason,
    IReadOnlyList<ResourceChange> Changes, int Unchanged)
{
    public int Count(ChangeAction a) => Changes.Count(c => c.Action == a);
    public string Key => Project + "/" + Stack;
}

/// <summary>
/// Compares a program with a baseline by URN (<c>urn:pulumi:&lt;stack&gt;::&lt;project&gt;::&lt;type&gt;::&lt;key&gt;</c>;
/// the programs set no parents, so the type is not qualified). Against a deployed state, a program reference
/// <c>${x.path}</c> is resolved from x's recorded outputs when x itself is unchanged (or updated without touching that
/// output), and is "(computed)" otherwise. Secrets are compared only where plaintext is known, and never shown.
/// </summary>
public sealed class DiffEngine
{
    private readonly ProgramModel _program;
    private readonly string _stack;
    private readonly Baseline? _baseline;
    private readonly Dictionary<string, PlannedResource> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StateResource> _old = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ResourceChange?> _memo = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _changedKeys = new(StringComparer.Ordinal);

    /// <summary>Expressions compared by their text (a program-to-program diff), not resolved from a state.</summary>
    private readonly bool _symbolic;

    private DiffEngine(ProgramModel program, string stack, Baseline? baseline, bool symbolic = false)
    {
        _program = program;
        _stack = stack;
        _baseline = baseline;
        _symbolic = symbolic || baseline is { FromState: false };
        foreach (var r in program.Resources) _byName[r.Name] = r;
        if (baseline is not null)
            foreach (var r in baseline.Resources)
                if (r.Type != DeployedState.RootStackType) _old[r.Urn] = r;
    }

    public static DiffReport Compare(ProgramModel program, string stack, Baseline? baseline, string? noBaselineReason = null)
    {
        var engine = new DiffEngine(program, stack, baseline);
        var changes = new List<ResourceChange>();
        var unchanged = 0;
        foreach (var r in program.Resources)
        {
            var c = engine.Evaluate(r)!;
            if (c.Changed) changes.Add(c); else unchanged++;
        }
        if (baseline is not null)
        {
            var planned = program.Resources.Select(r => engine.UrnOf(r)).ToHashSet(StringComparer.Ordinal);
            foreach (var old in baseline.Resources)
            {
                if (old.Type == DeployedState.RootStackType || planned.Contains(old.Urn)) continue;
                var notes = new List<string>();
                if (old.Protect) notes.Add("protected: `pulumi up` refuses to delete it until `pulumi state unprotect`");
                if (old.RetainOnDelete) notes.Add("retainOnDelete: dropped from the stack, kept in the engine");
                if (old.PendingDelete) notes.Add("left over from an earlier replacement");
                changes.Add(new ResourceChange(old.Urn, old.Name, old.Type, "", ChangeAction.Delete, [], notes));
            }
        }
        return new DiffReport(program.Project, stack, program, baseline, baseline is null ? noBaselineReason : null, changes, unchanged);
    }

    /// <summary>An earlier program as the baseline of a program-to-program diff: its inputs with expressions kept as text.</summary>
    public static Baseline FromProgram(ProgramModel old, string stack, string description)
    {
        var engine = new DiffEngine(old, stack, null, symbolic: true);
        var list = new List<StateResource>(old.Resources.Count);
        foreach (var r in old.Resources)
            list.Add(new StateResource(engine.UrnOf(r), r.Type, r.Name, null, (DMap)engine.Eval(r.Properties), StateResource.NoOutputs,
                r.Protect, r.RetainOnDelete, null, null, [.. r.DependsOn], r.AdditionalSecretOutputs, false));
        return new Baseline(description, list, FromState: false);
    }

    private string UrnOf(PlannedResource r) => Urn.Of(_stack, _program.Project, r.Type, r.Name);

    private ResourceChange? Evaluate(PlannedResource r)
    {
        if (_memo.TryGetValue(r.Name, out var done)) return done;
        if (!_inProgress.Add(r.Name)) return null;
        var urn = UrnOf(r);
        ResourceChange change;
        if (_baseline is null || !_old.TryGetValue(urn, out var old))
            change = new ResourceChange(urn, r.Name, r.Type, r.Component, ChangeAction.Create, [], r.Protect ? ["protected"] : []);
        else
        {
            var inputs = (DMap)Eval(r.Properties);
            var masked = new HashSet<string>(r.AdditionalSecretOutputs.Concat(old.AdditionalSecretOutputs), StringComparer.Ordinal);
            var props = new List<PropertyChange>();
            var top = new HashSet<string>(StringComparer.Ordinal);
            DiffMap("", old.Inputs, inputs, props, masked, top);
            var forced = new HashSet<string>(top.Where(k => ReplacementRules.ForcesReplacement(r.Type, k, r.ReplaceOnChanges)), StringComparer.Ordinal);
            props = [.. props.Select(p => forced.Contains(TopKey(p.Path)) ? p with { ForcesReplacement = true } : p)];
            var notes = new List<string>();
            if (old.Protect != r.Protect) props.Add(new PropertyChange("(option) protect", Flag(old.Protect), Flag(r.Protect), false));
            if (old.RetainOnDelete != r.RetainOnDelete) props.Add(new PropertyChange("(option) retainOnDelete", Flag(old.RetainOnDelete), Flag(r.RetainOnDelete), false));
            var action = props.Count == 0 ? ChangeAction.Same : forced.Count > 0 ? ChangeAction.Replace : ChangeAction.Update;
            if (action == ChangeAction.Replace)
            {
                notes.Add("may replace: " + string.Join(", ", forced.Order(StringComparer.Ordinal)) + (forced.Count == 1 ? " forces" : " force") + " a new resource");
                if (old.Protect || r.Protect) notes.Add("protected: `pulumi up` refuses to replace it until unprotected");
                if (r.Traits.Contains("stateful") || r.Traits.Contains("database") || r.Traits.Contains("volume"))
                    notes.Add("holds data: a replacement starts it anew");
            }
            _changedKeys[r.Name] = top;
            change = new ResourceChange(urn, r.Name, r.Type, r.Component, action, props, notes);
        }
        _inProgress.Remove(r.Name);
        _memo[r.Name] = change;
        return change;
    }

    private static string Flag(bool b) => b ? "true" : "false";

    private static string TopKey(string path)
    {
        var i = path.IndexOfAny(['.', '[']);
        return i < 0 ? path : path[..i];
    }

    // ------------------------------------------------------------------ evaluation of program values

    private DV Eval(PV v)
    {
        switch (v)
        {
            case PLit l: return l.Value;
            case PList l: return new DList([.. l.Items.Select(Eval)]);
            case PMap m: return new DMap([.. m.Entries.Select(e => new KeyValuePair<string, DV>(e.Key, Eval(e.Value)))]);
            case PConfig c:
                // The compiler prints non-secret config as literals; a config reference is a secret the engine resolves.
                return c.Secret ? new DSecret(_symbolic ? new DStr("${" + c.Key + "}") : null) : Symbolic("${" + c.Key + "}", false);
            case PRef r: return Resolve(r);
            case PFn f when f.Name == "secret": return Secretly(Eval(f.Argument));
            case PFn f: return Symbolic("fn::" + f.Name, ProgramModel.Walk(f.Argument).Any(x => x is PConfig { Secret: true } or PRef { Secret: true }));
            case PInterp i:
                var parts = i.Parts.Select(Eval).ToList();
                var secret = parts.Any(DValues.ContainsSecret);
                if (parts.Any(p => p is DComputed)) return new DComputed("(interpolation)", secret);
                var sb = new StringBuilder();
                var known = true;
                foreach (var p in parts)
                {
                    var inner = p is DSecret s ? s.Plain : p;
                    switch (inner)
                    {
                        case DStr t: sb.Append(t.Text); break;
                        case DNum n: sb.Append(DValues.Number(n.Number)); break;
                        case DBool b: sb.Append(b.Flag ? "true" : "false"); break;
                        case DOpaque o: sb.Append(o.Identity); break;
                        default: known = false; break;
                    }
                }
                if (!secret) return known ? new DStr(sb.ToString()) : new DComputed("(interpolation)", false);
                return new DSecret(known ? new DStr(sb.ToString()) : null);
            default: return new DComputed(v is PExpr e ? e.Text : "(expression)", false);
        }
    }

    private static DV Secretly(DV v) => v switch
    {
        DSecret => v,
        DComputed c => c with { Secret = true },
        _ => new DSecret(v),
    };

    /// <summary>In a program-to-program diff a reference is compared by its text (it is the same expression or not).</summary>
    private DV Symbolic(string text, bool secret) =>
        _symbolic
            ? (secret ? new DSecret(new DStr(text)) : new DOpaque("computed", text))
            : new DComputed(text, secret);

    private DV Resolve(PRef r)
    {
        var text = "${" + r.Resource + (r.Path.Length == 0 ? "" : (r.Path[0] == '[' ? "" : ".") + r.Path) + "}";
        var secret = r.Secret;
        if (_symbolic || _baseline is null) return Symbolic(text, secret);
        if (!_byName.TryGetValue(r.Resource, out var target)) return new DComputed(text, secret);
        var tc = Evaluate(target);
        if (tc is null || tc.Action is ChangeAction.Create or ChangeAction.Replace) return new DComputed(text, secret);
        var segments = PathSegments(r.Path);
        if (segments.Count == 0) return new DOpaque("resource " + r.Resource, text);
        if (tc.Action == ChangeAction.Update && _changedKeys.TryGetValue(target.Name, out var changed) && changed.Contains(segments[0])) return new DComputed(text, secret);
        var old = _old[UrnOf(target)];
        DV? value = segments[0] == "id" && segments.Count == 1 && old.Id is not null ? new DStr(old.Id) : old.Outputs;
        if (!(segments[0] == "id" && segments.Count == 1 && old.Id is not null))
            foreach (var s in segments)
            {
                if (value is DSecret sec) { value = sec.Plain; secret = true; }
                value = value switch
                {
                    DMap m => m.Get(s),
                    DList l when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var idx) && idx < l.Items.Count => l.Items[idx],
                    _ => null,
                };
                if (value is null) return new DComputed(text, secret || target.AdditionalSecretOutputs.Contains(segments[0]));
            }
        if (target.AdditionalSecretOutputs.Contains(segments[0]) || old.AdditionalSecretOutputs.Contains(segments[0])) secret = true;
        return secret ? Secretly(value!) : value!;
    }

    /// <summary><c>a.b[0]["c"]</c> → a, b, 0, c.</summary>
    public static List<string> PathSegments(string path)
    {
        var list = new List<string>();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.') { i++; continue; }
            if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0) break;
                list.Add(path[(i + 1)..end].Trim('"'));
                i = end + 1;
                continue;
            }
            var next = path.IndexOfAny(['.', '['], i);
            if (next < 0) next = path.Length;
            list.Add(path[i..next]);
            i = next;
        }
        return list;
    }

    // ------------------------------------------------------------------ structural diff

    private static void DiffMap(string prefix, DMap old, DMap neu, List<PropertyChange> acc, HashSet<string> masked, HashSet<string>? top)
    {
        var defaults = old.Get("__defaults") is DList dl ? dl.Items.OfType<DStr>().Select(s => s.Text).ToHashSet(StringComparer.Ordinal) : null;
        foreach (var (key, value) in neu.Entries)
        {
            var path = prefix.Length == 0 ? key : prefix + "." + key;
            DiffAt(path, old.Get(key), value, acc, prefix.Length == 0 && masked.Contains(key), top, key);
        }
        foreach (var (key, value) in old.Entries)
        {
            if (key.StartsWith("__", StringComparison.Ordinal) || neu.Get(key) is not null) continue;
            if (defaults is not null && defaults.Contains(key)) continue;   // a default the provider filled in
            var path = prefix.Length == 0 ? key : prefix + "." + key;
            DiffAt(path, value, null, acc, prefix.Length == 0 && masked.Contains(key), top, key);
        }
    }

    private static void DiffAt(string path, DV? old, DV? neu, List<PropertyChange> acc, bool mask, HashSet<string>? top, string topKey)
    {
        if ((old is null or DNull) && (neu is null or DNull)) return;
        if (mask)
        {
            if (old is not null && neu is not null && DValues.Same(old, neu)) return;
            top?.Add(topKey);
            acc.Add(new PropertyChange(path, old is null ? DValues.Absent : DValues.SecretMask, neu is null ? DValues.Absent : neu is DComputed ? DValues.SecretMask + " " + DValues.ComputedMark : DValues.SecretMask, false));
            return;
        }
        var before = acc.Count;
        switch (old, neu)
        {
            case (DMap om, DMap nm):
                DiffMap(path, om, nm, acc, [], null);
                break;
            case (DList ol, DList nl) when !DValues.ContainsSecret(ol) || ol.Items.Count == nl.Items.Count:
                for (var i = 0; i < Math.Max(ol.Items.Count, nl.Items.Count); i++)
                    DiffAt($"{path}[{i}]", i < ol.Items.Count ? ol.Items[i] : null, i < nl.Items.Count ? nl.Items[i] : null, acc, false, null, topKey);
                break;
            default:
                if (old is not null && neu is not null && DValues.Same(old, neu)) return;
                var lines = old is DStr os && neu is DStr ns && (os.Text.Contains('\n') || ns.Text.Contains('\n')) ? LineDiff.Changed(os.Text, ns.Text) : null;
                acc.Add(new PropertyChange(path, DValues.Render(old), DValues.Render(neu), false, lines));
                break;
        }
        if (acc.Count > before) top?.Add(topKey);
    }
}
