using Infra.Components.Core;

namespace Infra.Components.Docker;

/// <summary>
/// An image for containers: pulled from a registry (<c>docker:RemoteImage</c>) or, when a build
/// context is given, built locally (<c>docker:Image</c>, not pushed).
/// </summary>
public sealed class DockerImage : Construct
{
    private DockerImage(Construct parent, string name, string reference, string? buildContext, string? dockerfile) : base(parent, name)
    {
        Reference = reference;
        if (buildContext is null)
        {
            Resource = AddUntyped(null, "docker:index/remoteImage:RemoteImage", new Props
            {
                ["name"] = reference,
                ["keepLocally"] = true,
            });
            ImageId = Resource.Out<string>("imageId");
        }
        else
        {
            Resource = AddUntyped(null, "docker:index/image:Image", new Props
            {
                ["imageName"] = reference,
                ["skipPush"] = true,
                ["build"] = new Props { ["context"] = buildContext }.Set("dockerfile", dockerfile),
            });
            ImageId = Resource.Out<string>("imageName");
        }
    }

    public static DockerImage Pull(Construct parent, string name, string reference) => new(parent, name, reference, null, null);

    public static DockerImage Build(Construct parent, string name, string reference, string context, string? dockerfile = null) =>
        new(parent, name, reference, context, dockerfile);

    public override string Kind => Resource.Type.EndsWith("RemoteImage", StringComparison.Ordinal) ? "Image (pull)" : "Image (build)";
    public string Reference { get; }
    public Resource Resource { get; }

    /// <summary>What a container's <c>image</c> input takes.</summary>
    public Output<string> ImageId { get; }
}
