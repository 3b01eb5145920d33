using System.Text.Json;
using Infra.Components.Core;
using Infra.Providers.Aws.Ecr;

namespace Infra.Components.Aws;

/// <summary>
/// One ECR repository per application image: scan on push, immutable tags, KMS encryption, and seed 004's retention
/// as a lifecycle policy (production images 90 days, all others 30 days).
/// </summary>
public sealed class Registry : Construct
{
    /// <summary>Release tags (<c>v1.4.2</c>, <c>prod-…</c>) are production images; everything else (commit SHAs, develop, branches) is not.</summary>
    public static readonly string[] ProductionTagPrefixes = ["v", "prod"];
    public const int ProductionDays = 90;
    public const int OtherDays = 30;

    public Registry(Construct parent, string name, string prefix, IReadOnlyList<string> images, Output<string> kmsKeyArn, bool protect) : base(parent, name)
    {
        var urls = new Dictionary<string, Output<string>>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            var repo = Add(image, new Repository
            {
                Name = $"{prefix}/{image}",
                ImageTagMutability = "IMMUTABLE",
                ImageScanningConfiguration = new RepositoryImageScanningConfiguration { ScanOnPush = true },
                EncryptionConfigurations = [new RepositoryEncryptionConfiguration { EncryptionType = "KMS", KmsKey = kmsKeyArn }],
                Tags = Tagging.Name($"{prefix}/{image}"),
            });
            repo.Traits.Add(Traits.Stateful);
            if (protect) repo.Options.Protect = true;
            Add(image + "-lifecycle", new LifecyclePolicy { Repository = repo.Outputs.Name, Policy = LifecyclePolicyJson });
            urls[image] = repo.Outputs.RepositoryUrl;
        }
        RepositoryUrls = urls;
    }

    public override string Kind => "Container registry (ECR)";
    public IReadOnlyDictionary<string, Output<string>> RepositoryUrls { get; }

    /// <summary>
    /// The lifecycle policy: rule 1 expires production-tagged images 90 days after push; rule 2 (lower priority, so it
    /// never touches an image rule 1 matched) expires every other image after 30 days.
    /// </summary>
    public static string LifecyclePolicyJson { get; } = BuildLifecyclePolicy();

    private static string BuildLifecyclePolicy()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartArray("rules");
            Rule(w, 1, $"production images (tags {string.Join(", ", ProductionTagPrefixes.Select(p => p + "*"))}): {ProductionDays} days", "tagged", ProductionTagPrefixes, ProductionDays);
            Rule(w, 2, $"all other images: {OtherDays} days", "any", null, OtherDays);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());

        static void Rule(Utf8JsonWriter w, int priority, string description, string tagStatus, string[]? prefixes, int days)
        {
            w.WriteStartObject();
            w.WriteNumber("rulePriority", priority);
            w.WriteString("description", description);
            w.WriteStartObject("selection");
            w.WriteString("tagStatus", tagStatus);
            if (prefixes is not null)
            {
                w.WriteStartArray("tagPrefixList");
                foreach (var p in prefixes) w.WriteStringValue(p);
                w.WriteEndArray();
            }
            w.WriteString("countType", "sinceImagePushed");
            w.WriteString("countUnit", "days");
            w.WriteNumber("countNumber", days);
            w.WriteEndObject();
            w.WriteStartObject("action");
            w.WriteString("type", "expire");
            w.WriteEndObject();
            w.WriteEndObject();
        }
    }
}
