using System.Text.RegularExpressions;
using Infra.Components.Core;
using Infra.Providers.Kubernetes.Helm.V3;

namespace Infra.Components.Kubernetes;

public sealed record HelmChartArgs
{
    public required string Chart { get; init; }
    /// <summary>An exact chart version (1.2.3 or v1.2.3, optionally -prerelease); ranges, "latest" and none are refused.</summary>
    public required string? Version { get; init; }
    public required string Repository { get; init; }
    public required string Namespace { get; init; }
    public string? ReleaseName { get; init; }
    public Value? Values { get; init; }
    public string Kind { get; init; } = "Helm chart";
}

/// <summary>
/// A Helm release through <c>kubernetes:helm.sh/v3:Release</c> (the YAML host runs it inside the provider), always at a
/// pinned chart version so that `pulumi up` installs the same manifests tomorrow as today.
/// </summary>
public sealed partial class HelmChart : Construct
{
    [GeneratedRegex(@"^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex PinnedVersion();

    public HelmChart(Construct parent, string name, HelmChartArgs args) : base(parent, name)
    {
        Args = args;
        if (!IsPinned(args.Version))
            throw new InputException($"helm chart '{args.Chart}'", "version", args.Version,
                "not pinned: give an exact chart version (e.g. 37.3.0 or v1.16.2); ranges (^, ~, *, x, >=), 'latest' and no version would install whatever was published last");
        Release = Add(null, new Release
        {
            Name = args.ReleaseName ?? name,
            Chart = args.Chart,
            Version = args.Version!,
            Namespace = args.Namespace,
            RepositoryOpts = new RepositoryOpts { Repo = args.Repository },
            Atomic = true,
            CleanupOnFail = true,
            Timeout = 600,
            Values = args.Values,
        });
    }

    public static bool IsPinned(string? version) => version is not null && PinnedVersion().IsMatch(version);

    public HelmChartArgs Args { get; }
    public Resource Release { get; }
    public override string Kind => Args.Kind;
}
