using Infra.Components.Core;
using Infra.Providers.Aws.Iam;
using Infra.Providers.Aws.S3;

namespace Infra.Components.Aws;

public sealed record BackupBucketArgs
{
    public required string Prefix { get; init; }
    public required Resource<Providers.Aws.Kms.Key.Outputs> Key { get; init; }
    /// <summary>Days in S3 Standard before the move to Glacier (seed 004: long-term archival).</summary>
    public int GlacierAfterDays { get; init; } = 30;
    /// <summary>Days until a backup expires (current and noncurrent versions).</summary>
    public required int RetentionDays { get; init; }
    public bool Protect { get; init; }
    /// <summary>Cross-region copy: a provider for the other region and a KMS key there (null: no replication).</summary>
    public (Resource Provider, Resource<Providers.Aws.Kms.Key.Outputs> Key, string Region)? Replica { get; init; }
}

/// <summary>
/// The backup bucket: versioned, SSE-KMS with a bucket key, every public-access block on, a bucket policy that
/// refuses plain HTTP, objects to Glacier after 30 days and expired after the retention; optionally replicated to a
/// second region (its own versioned, encrypted, blocked, TLS-only bucket).
/// </summary>
public sealed class BackupBucket : Construct
{
    public BackupBucket(Construct parent, string name, BackupBucketArgs args) : base(parent, name)
    {
        Args = args;
        var (bucket, versioning) = SecureBucket("bucket", args.Key.Outputs.Arn, args.Protect, null);
        Bucket = bucket;
        BucketName = bucket.Outputs.Bucket;
        Arn = bucket.Outputs.Arn;

        Lifecycle("lifecycle", bucket, versioning, null);

        if (args.Replica is { } r)
        {
            var (replica, replicaVersioning) = SecureBucket("replica", r.Key.Outputs.Arn, args.Protect, r.Provider);
            Lifecycle("replica-lifecycle", replica, replicaVersioning, r.Provider);
            var role = Add("replication-role", new Role { AssumeRolePolicy = AwsPolicyDocument.ServiceTrust("s3.amazonaws.com"), Description = "S3 replication of backups" });
            Add("replication-policy", new RolePolicy
            {
                Role = role.Id,
                Policy = AwsPolicyDocument.Json(
                    AwsPolicyDocument.Statement("Allow", ["s3:GetReplicationConfiguration", "s3:ListBucket"], [bucket.Outputs.Arn]),
                    AwsPolicyDocument.Statement("Allow", ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], [Value.Format($"{bucket.Outputs.Arn}/*")]),
                    AwsPolicyDocument.Statement("Allow", ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], [Value.Format($"{replica.Outputs.Arn}/*")]),
                    AwsPolicyDocument.Statement("Allow", ["kms:Decrypt"], [args.Key.Outputs.Arn]),
                    AwsPolicyDocument.Statement("Allow", ["kms:Encrypt", "kms:GenerateDataKey"], [r.Key.Outputs.Arn])),
            });
            var replication = Add("replication", new BucketReplicationConfig
            {
                Bucket = bucket.Id,
                Role = role.Outputs.Arn,
                Rules =
                [
                    new BucketReplicationConfigRule
                    {
                        Id = "all-backups",
                        Status = "Enabled",
                        Filter = new BucketReplicationConfigRuleFilter { Prefix = "" },
                        DeleteMarkerReplication = new BucketReplicationConfigRuleDeleteMarkerReplication { Status = "Disabled" },
                        SourceSelectionCriteria = new BucketReplicationConfigRuleSourceSelectionCriteria
                        {
                            SseKmsEncryptedObjects = new BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjects { Status = "Enabled" },
                        },
                        Destination = new BucketReplicationConfigRuleDestination
                        {
                            Bucket = replica.Outputs.Arn,
                            StorageClass = "STANDARD_IA",
                            EncryptionConfiguration = new BucketReplicationConfigRuleDestinationEncryptionConfiguration { ReplicaKmsKeyId = r.Key.Outputs.Arn },
                        },
                    },
                ],
            });
            replication.DependsOn([versioning, replicaVersioning]);
            ReplicaRegion = r.Region;
        }
    }

    /// <summary>Glacier after <see cref="BackupBucketArgs.GlacierAfterDays"/>, expiry after the retention, old versions after 30 days.</summary>
    private void Lifecycle(string local, Resource bucket, Resource versioning, Resource? provider)
    {
        var lifecycle = Add(local, new BucketLifecycleConfiguration
        {
            Bucket = bucket.Id,
            Rules =
            [
                new BucketLifecycleConfigurationRule
                {
                    Id = "glacier-then-expire",
                    Status = "Enabled",
                    Filter = new BucketLifecycleConfigurationRuleFilter { Prefix = "" },
                    Transitions = [new BucketLifecycleConfigurationRuleTransition { Days = Args.GlacierAfterDays, StorageClass = "GLACIER" }],
                    Expiration = new BucketLifecycleConfigurationRuleExpiration { Days = Args.RetentionDays },
                    NoncurrentVersionExpiration = new BucketLifecycleConfigurationRuleNoncurrentVersionExpiration { NoncurrentDays = 30 },
                    AbortIncompleteMultipartUpload = new BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 7 },
                },
            ],
        });
        lifecycle.DependsOn([versioning]);
        if (provider is not null) lifecycle.Options.Provider = provider;
    }

    /// <summary>A bucket with versioning, SSE-KMS, the four public-access blocks and a TLS-only policy.</summary>
    private (Resource<Bucket.Outputs> Bucket, Resource Versioning) SecureBucket(string local, Output<string> keyArn, bool protect, Resource? provider)
    {
        // S3 allows a bucket prefix of at most 37 characters (the provider appends a unique suffix).
        var bucketPrefix = $"{Args.Prefix}-{local}-";
        if (bucketPrefix.Length > 37) bucketPrefix = bucketPrefix[..36].TrimEnd('-') + "-";
        var bucket = Add(local, new Bucket { BucketPrefix = bucketPrefix, ForceDestroy = false, Tags = Tagging.Name($"{Args.Prefix}-{local}") });
        bucket.Traits.Add(Traits.Stateful);
        bucket.Traits.Add(Traits.Backup);
        if (protect) bucket.Options.Protect = true;
        var versioning = Add(local + "-versioning", new BucketVersioning
        {
            Bucket = bucket.Id,
            VersioningConfiguration = new BucketVersioningVersioningConfiguration { Status = "Enabled" },
        });
        var sse = Add(local + "-sse", new BucketServerSideEncryptionConfiguration
        {
            Bucket = bucket.Id,
            Rules =
            [
                new BucketServerSideEncryptionConfigurationRule
                {
                    ApplyServerSideEncryptionByDefault = new BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault { SseAlgorithm = "aws:kms", KmsMasterKeyId = keyArn },
                    BucketKeyEnabled = true,
                },
            ],
        });
        var pab = Add(local + "-public-access", new BucketPublicAccessBlock
        {
            Bucket = bucket.Id,
            BlockPublicAcls = true,
            BlockPublicPolicy = true,
            IgnorePublicAcls = true,
            RestrictPublicBuckets = true,
        });
        var policy = Add(local + "-tls-only", new BucketPolicy
        {
            Bucket = bucket.Id,
            Policy = AwsPolicyDocument.Json(AwsPolicyDocument.Statement("Deny", ["s3:*"],
                [bucket.Outputs.Arn, Value.Format($"{bucket.Outputs.Arn}/*")],
                principal: "*",
                condition: new Props { ["Bool"] = new Props { ["aws:SecureTransport"] = "false" } },
                sid: "DenyInsecureTransport")),
        });
        policy.DependsOn([pab]);
        if (provider is not null)
            foreach (var r in new Resource[] { bucket, versioning, sse, pab, policy }) r.Options.Provider = provider;
        return (bucket, versioning);
    }

    public override string Kind => "Backup bucket (S3)";
    public BackupBucketArgs Args { get; }
    public Resource Bucket { get; }
    public Output<string> BucketName { get; }
    public Output<string> Arn { get; }
    public string? ReplicaRegion { get; }
}
