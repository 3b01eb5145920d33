using Infra.Components.Core;

namespace Infra.Stacks.Composed;

/// <summary>
/// Promotion by stack reference, the same on every target: a service whose image the stack does not pin runs the image
/// the previous stack exported (<c>images.&lt;service&gt;</c>, a digest), read through ONE
/// <c>pulumi:pulumi:StackReference</c> per program named by <c>platform:promoteFrom</c>. Each key is read on its own so
/// a secret output stays secret. The engine resolves it at preview: an unknown stack or a missing key fails there.
/// </summary>
public static class Promotion
{
    /// <summary>The resource key of the stack reference promoted images are read from.</summary>
    public const string ReferenceKey = "promoted-from";

    public const string StackReferenceType = "pulumi:pulumi:StackReference";

    /// <summary><c>${promoted-from.outputs["images"]["service"]}</c>, creating the reference under <paramref name="system"/> once.</summary>
    public static Value Image(Construct system, string from, string service)
    {
        // One reference per program, found once (not by a scan of the program per promoted service).
        var reference = References.GetValue(system.Program, _ => system.AddUntyped(ReferenceKey, StackReferenceType, new Props { ["name"] = from }));
        if (Name(reference) != from) throw new SynthesisException($"two promotion sources in one program: {Name(reference)} and {from}");
        return new OutputRef(reference, $"outputs[\"images\"][\"{service}\"]");
    }

    /// <summary>The plan's note for the services that run promoted images (nothing when none does).</summary>
    public static void Note(StackProgram program, IReadOnlyList<ComposedService> services)
    {
        var promoted = services.Where(s => s.Image?.PromotedFrom is not null).ToList();
        if (promoted.Count == 0) return;
        program.Notes.Add($"promotion: {string.Join(", ", promoted.Select(s => s.Name))} run the images stack {promoted[0].Image!.PromotedFrom} exported (output images, read at deployment; " +
            "an unknown stack or a missing key fails `pulumi preview`); pin platform:images.<service> to override or roll back");
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<StackProgram, Resource> References = new();

    private static string? Name(Resource r) => r.Properties.Get("name") is Str { Text: var t } ? t : null;
}
