using Infra.Components.Core;

namespace Infra.Components.Docker;

/// <summary>
/// A named data volume. Always <c>retainOnDelete</c> (removing it from the program never drops data);
/// <c>protect</c> where the environment holds real data.
/// </summary>
public sealed class DockerVolume : Construct
{
    public DockerVolume(Construct parent, string name, bool protect) : base(parent, name)
    {
        Resource = AddUntyped(null, "docker:index/volume:Volume", new Props()
            .Set("name", Names.Logical([parent.Path.Replace('/', '-'), name]))
            .Set("driver", "local")
            .SetList("labels", DockerLabels.Of(Program, ("platform.volume", name))));
        Resource.Traits.Add(Traits.Stateful);
        Resource.Traits.Add(Traits.Volume);
        Resource.Options.RetainOnDelete = true;
        if (protect) Resource.Options.Protect = true;
    }

    public override string Kind => "Volume";
    public Resource Resource { get; }
    public Output<string> VolumeName => Resource.Out<string>("name");
}
