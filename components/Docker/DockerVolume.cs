using Infra.Components.Core;
using Infra.Providers.Docker;

namespace Infra.Components.Docker;

/// <summary>
/// A named data volume. Always <c>retainOnDelete</c> (removing it from the program never drops data);
/// <c>protect</c> where the environment holds real data.
/// </summary>
public sealed class DockerVolume : Construct
{
    public DockerVolume(Construct parent, string name, bool protect) : base(parent, name)
    {
        var volume = Add(null, new Volume
        {
            Name = Names.Logical([parent.Path.Replace('/', '-'), name]),
            Driver = "local",
            Labels = DockerLabels.Of(Program, (l, v) => new VolumeLabel { Label = l, Value = v }, ("platform.volume", name)),
        });
        Resource = volume;
        VolumeName = volume.Outputs.Name;
        Resource.Traits.Add(Traits.Stateful);
        Resource.Traits.Add(Traits.Volume);
        Resource.Options.RetainOnDelete = true;
        if (protect) Resource.Options.Protect = true;
    }

    public override string Kind => "Volume";
    public Resource Resource { get; }
    public Output<string> VolumeName { get; }
}
