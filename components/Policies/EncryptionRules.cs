using Infra.Components.Core;

namespace Infra.Components.Policies;

public static class EncryptionPolicies
{
    public static IEnumerable<PolicyRule> All =>
    [
        new PropertyRule("ENC-001", "RDS storage encrypted", "Unencrypted storage and snapshots expose data to anyone who can copy them.",
            Severity.Mandatory, "aws:rds/instance:Instance", "storageEncrypted", PropertyRule.IsTrue, "set storageEncrypted: true (with a KMS key)"),
        new PropertyRule("ENC-002", "EBS volumes encrypted", "Unencrypted EBS volumes and their snapshots are readable by whoever gets them.",
            Severity.Mandatory, "aws:ebs/volume:Volume", "encrypted", PropertyRule.IsTrue, "set encrypted: true"),
        new S3EncryptedWithKms(),
        new S3PublicAccessBlocked(),
        new PropertyRule("ENC-005", "ElastiCache encrypted at rest", "Cache snapshots hold sessions and tokens.",
            Severity.Mandatory, "aws:elasticache/replicationGroup:ReplicationGroup", "atRestEncryptionEnabled", PropertyRule.IsTrue, "set atRestEncryptionEnabled: true"),
        new PropertyRule("ENC-006", "ElastiCache encrypted in transit", "Redis traffic carries the auth token and session data in clear text otherwise.",
            Severity.Mandatory, "aws:elasticache/replicationGroup:ReplicationGroup", "transitEncryptionEnabled", PropertyRule.IsTrue, "set transitEncryptionEnabled: true"),
        new PropertyRule("ENC-007", "ECR scan on push", "Images are scanned for known vulnerabilities before they run.",
            Severity.Mandatory, "aws:ecr/repository:Repository", "imageScanningConfiguration.scanOnPush", PropertyRule.IsTrue, "set imageScanningConfiguration.scanOnPush: true"),
        new PropertyRule("ENC-008", "ECR immutable tags", "A pushed tag can never be replaced, so a deployed version stays what was tested.",
            Severity.Mandatory, "aws:ecr/repository:Repository", "imageTagMutability", v => Prop.Text(v) == "IMMUTABLE", "set imageTagMutability: IMMUTABLE"),
        new PropertyRule("ENC-009", "KMS key rotation", "Yearly rotation limits what one leaked key version can decrypt.",
            Severity.Mandatory, "aws:kms/key:Key", "enableKeyRotation", PropertyRule.IsTrue, "set enableKeyRotation: true"),
    ];
}

/// <summary>ENC-003: every S3 bucket has SSE-KMS default encryption.</summary>
public sealed class S3EncryptedWithKms : PolicyRule
{
    public override string Id => "ENC-003";
    public override string Title => "S3 buckets encrypted with SSE-KMS";
    public override string Rationale => "SSE-KMS puts access to the data behind a key policy and CloudTrail-logged decrypts.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var bucket in context.OfType("aws:s3/bucket:Bucket"))
        {
            var configs = context.Referencing(bucket, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "bucket");
            var kms = configs.Any(c => Prop.Maps(c.Properties.Get("rules")).Any(r =>
                (r["applyServerSideEncryptionByDefault"] as MapValue)?["sseAlgorithm"] is Str { Text: "aws:kms" or "aws:kms:dsse" }));
            if (!kms) yield return new Violation(bucket, "", "no SSE-KMS default encryption", "add a BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms");
        }
    }
}

/// <summary>ENC-004: every S3 bucket has all four public-access blocks on.</summary>
public sealed class S3PublicAccessBlocked : PolicyRule
{
    private static readonly string[] Flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

    public override string Id => "ENC-004";
    public override string Title => "S3 public access blocked";
    public override string Rationale => "One public ACL or policy away from a data leak; the block makes it impossible.";
    public override Severity Severity => Severity.Mandatory;

    public override IEnumerable<Violation> Check(PolicyContext context)
    {
        foreach (var bucket in context.OfType("aws:s3/bucket:Bucket"))
        {
            var ok = context.Referencing(bucket, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "bucket")
                .Any(b => Flags.All(f => b.Properties.Get(f) is Bool { Flag: true }));
            if (!ok) yield return new Violation(bucket, "", "no complete public-access block", "add a BucketPublicAccessBlock with all four flags true");
        }
    }
}
