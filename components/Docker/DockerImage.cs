using Infra.Components.Core;
using Infra.Providers.Docker;

namespace Infra.Components.Docker;

/// <summary>
/// An image for containers: pulled from a registry (<c>docker:RemoteImage</c>) or, when a build
/// context is given, built locally (<c>docker:Image</c>, not pushed).
/// </summary>
public sealed class DockerImage : Construct
{
    private DockerImage(Construct parent, string name, string reference, string? buildContext, string? dockerfile, Value? promoted = null) : base(parent, name)
    {
        Reference = reference;
        if (buildContext is null)
        {
            var remote = Add(null, new RemoteImage { Name = promoted ?? (Input<string>)reference, KeepLocally = true });
            Resource = remote;
            ImageId = remote.Outputs.ImageId;
        }
        else
        {
            var image = Add(null, new Image
            {
                ImageName = reference,
                SkipPush = true,
                Build = new DockerBuild { Context = buildContext, Dockerfile = Input.Optional(dockerfile) },
            });
            Resource = image;
            ImageId = image.Outputs.ImageName;
        }
    }

    public static DockerImage Pull(Construct parent, string name, string reference) => new(parent, name, reference, null, null);

    /// <summary>
    /// Pulls the image another stack exported (<paramref name="reference"/>: a stack-reference output, a digest);
    /// <paramref name="description"/> names it in the plan.
    /// </summary>
    public static DockerImage PullPromoted(Construct parent, string name, Value reference, string description) => new(parent, name, description, null, null, reference);

    public static DockerImage Build(Construct parent, string name, string reference, string context, string? dockerfile = null) =>
        new(parent, name, reference, context, dockerfile);

    public override string Kind => Resource.Type == RemoteImage.TypeToken ? "Image (pull)" : "Image (build)";
    public string Reference { get; }
    public Resource Resource { get; }

    /// <summary>What a container's <c>image</c> input takes.</summary>
    public Output<string> ImageId { get; }
}
