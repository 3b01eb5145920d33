using System.Globalization;
using Infra.Components.Aws;
using Infra.Components.Configs;
using Infra.Components.Core;
using Infra.Stacks.Composed;
using Infra.Stacks.Composition;

namespace Infra.Stacks.Targets.Aws;

/// <summary>
/// The AWS translation: the platform a composed system runs on in AWS (seed 004's production setup) — a VPC across
/// zones, EKS with managed node groups, ECR per application image, RDS PostgreSQL and ElastiCache Redis in place of
/// the in-cluster database and cache, an S3 backup bucket with Glacier, CloudFront with an ACM certificate, and KMS
/// keys. The workloads themselves are the Kubernetes translation's job: it is handed an <see cref="EksBinding"/>
/// through <see cref="ClusterWorkloads"/> (the composition root wires it); without one the program provisions the platform only and says so.
/// </summary>
public static class AwsTarget
{
    public static readonly TargetCapabilities Capabilities = new("aws",
        new HashSet<Feature> { Feature.DataReplicas, Feature.Autoscaling, Feature.DisruptionBudgets, Feature.PerEdgeIsolation, Feature.ReadOnlyRootFilesystem, Feature.ProgressiveRelease, Feature.AcmeCertificates },
        new Dictionary<Feature, string>
        {
            [Feature.HostPorts] = "nothing is published on a node; public traffic enters through CloudFront (HTTPS) to the ingress",
            [Feature.LocalImageBuild] = "the cloud cannot build from a local folder: push the tag to the ECR repository this stack exports (repositoryUrls)",
            [Feature.StartOrder] = "pods start together on EKS; readiness probes keep traffic away until each is ready",
            [Feature.DataExporters] = "RDS and ElastiCache publish their metrics to CloudWatch (and Performance Insights); no exporter sidecars",
            [Feature.TlsFromStackSecrets] = "CloudFront serves platform:aws.domain with an ACM certificate; the ingress gets its origin certificate from ACME; tlsCertificate / tlsPrivateKey are not used",
            [Feature.ExternalDatabase] = "RDS is the managed database here; the external URL secret is not used",
            [Feature.RegistryLogins] = "the EKS nodes pull from the stack's ECR repositories with their IAM role; registry logins from config are not used",
            [Feature.ReadOnlyVolumes] = "not translated yet: the pods get no such volume, so the image must carry what it reads there",
            [Feature.Migrations] = "not translated yet (no Job before the Deployments): the image must migrate on start",
        });

    /// <summary>The service account name of the backup job (its IAM role trusts only this one).</summary>
    public const string BackupServiceAccount = "backup";

    /// <summary>Per-environment sizes, in one place.</summary>
    public sealed record Sizing(string NodeType, IReadOnlyList<string> SpotTypes, int NodesMin, int NodesDesired, int NodesMax, int NodeDiskGb,
        string DbClass, int DbStorageGb, int DbBackupDays, string CacheNode, int CacheSnapshotDays, int LogRetentionDays);

    public static Sizing SizeFor(string environment) => environment switch
    {
        "prod" => new("m6i.large", ["m6i.large", "m5.large", "m5a.large"], 3, 3, 12, 50, "db.m6g.large", 100, 14, "cache.m6g.large", 7, 365),
        "staging" => new("t3.large", ["t3.large", "m5a.large"], 2, 2, 6, 50, "db.t4g.medium", 50, 7, "cache.t4g.small", 1, 90),
        _ => new("t3.medium", ["t3.medium"], 1, 2, 3, 30, "db.t4g.micro", 20, 1, "cache.t4g.micro", 0, 30),
    };

    public static StackProgram Translate(ComposedSystem composed) => Translate(composed, null);

    public static StackProgram Translate(ComposedSystem composed, ClusterWorkloads? workloads)
    {
        var settings = composed.Settings;
        var def = composed.Definition;
        var env = settings.Environment.Name;
        var profile = settings.Environment;
        var aws = (settings.Aws is { } node ? AwsSettings.Parse(settings.File, node) : new AwsSettings()).Resolve(settings.File, def, env);
        var size = SizeFor(env);
        var protect = profile.ProtectData;
        // Names AWS resources carry (cluster, aliases, repositories): unique per system and stack.
        var prefix = Names.Sanitize(settings.Stack.StartsWith(def.Name, StringComparison.Ordinal) ? settings.Stack : $"{def.Name}-{settings.Stack}");

        var program = new StackProgram(StackSettings.Project, settings.Stack);
        var provider = program.DefaultProvider("aws");
        provider.Properties["region"] = aws.Region;
        provider.Properties["defaultTags"] = new Props
        {
            ["tags"] = new Props { ["platform:system"] = def.Name, ["platform:stack"] = settings.Stack, ["platform:environment"] = env, ["managed-by"] = "pulumi" },
        };
        var system = new ComponentGroup(program, def.Name, "System");

        var keys = new Keys(system, "keys", prefix, protect);
        var eksKey = keys.For("eks", $"{prefix}: EKS secrets envelope encryption");
        var dataKey = keys.For("data", $"{prefix}: RDS, ElastiCache, ECR at rest");
        var backupKey = keys.For("backup", $"{prefix}: backup bucket (SSE-KMS)");

        var network = new Network(system, "network", new NetworkArgs
        {
            Prefix = prefix,
            VpcCidr = aws.Vpc.ToString(),
            Zones = aws.Zones,
            PublicSubnetCidrs = [.. aws.Public.Select(c => c.ToString())],
            PrivateSubnetCidrs = [.. aws.Private.Select(c => c.ToString())],
            NatPerZone = env == "prod",
            FlowLogs = env == "prod",
            FlowLogRetentionDays = size.LogRetentionDays,
            ClusterTag = prefix,
        });
        program.Notes.Add(env == "prod"
            ? $"network: {N(aws.Zones.Count)} zones ({string.Join(", ", aws.Zones)}), a NAT gateway per zone (a zone outage leaves the others their egress), VPC flow logs to CloudWatch ({N(size.LogRetentionDays)} days)"
            : $"network: {N(aws.Zones.Count)} zones ({string.Join(", ", aws.Zones)}), one NAT gateway shared by all zones to save cost (~${Money(NatMonth(1))}/month per extra gateway); a loss of {aws.Zones[0]} cuts private egress until it is back; no flow logs outside prod");

        var nodeGroups = new List<NodeGroupSpec> { new("services", false, [size.NodeType], size.NodesMin, size.NodesDesired, size.NodesMax, size.NodeDiskGb) };
        if (aws.Spot.Count > 0)
            nodeGroups.Add(new("spot", true, size.SpotTypes, 0, env == "prod" ? 2 : 1, env == "prod" ? 10 : 4, size.NodeDiskGb));
        var cluster = new Components.Aws.Cluster(system, "cluster", new ClusterArgs
        {
            Prefix = prefix,
            Region = aws.Region,
            KubernetesVersion = aws.KubernetesVersion,
            Network = network,
            SecretsKeyArn = eksKey.Outputs.Arn,
            PublicAccessCidrs = aws.ApiAccessCidrs,
            NodeGroups = nodeGroups,
            Protect = protect,
            LogRetentionDays = size.LogRetentionDays,
        });
        program.Notes.Add(aws.ApiAccessCidrs.Count == 0
            ? "cluster API: private endpoint only (reach it from inside the VPC, e.g. a VPN or bastion; set platform:aws.apiAccessCidrs to allow listed networks)"
            : $"cluster API: private endpoint, plus public access from {string.Join(", ", aws.ApiAccessCidrs)} only");
        if (aws.Spot.Count > 0)
            program.Notes.Add($"spot nodes (tainted {NodeGroupSpec.CapacityLabel}=spot:NoSchedule) for {string.Join(", ", aws.Spot)}; every other service and all data stay on on-demand capacity");

        var images = composed.Services.Where(s => s.Def.DefaultImage is null).Select(s => s.Name).ToList();
        var registry = new Registry(system, "registry", prefix, images, dataKey.Outputs.Arn, protect);

        ManagedDatabase? db = null;
        if (composed.Database is { } cdb)
        {
            db = new ManagedDatabase(system, cdb.Name, new ManagedDatabaseArgs
            {
                Prefix = prefix,
                Database = cdb.Def.Database,
                User = cdb.Def.User,
                Network = network,
                ClientSecurityGroupId = cluster.NodeSecurityGroupId,
                KmsKeyArn = dataKey.Outputs.Arn,
                InstanceClass = size.DbClass,
                StorageGb = size.DbStorageGb,
                Tuning = PostgresTuning.For(profile.Size),
                MultiAz = env == "prod",
                DeletionProtection = protect,
                BackupRetentionDays = size.DbBackupDays,
                ReadReplicas = cdb.Replicas - 1,
                Protect = protect,
            });
            program.Notes.Add($"{cdb.Name}: RDS PostgreSQL 15 ({size.DbClass}{(env == "prod" ? ", Multi-AZ" : "")}{(cdb.Replicas > 1 ? $", {N(cdb.Replicas - 1)} read replicas" : "")}) replaces the in-cluster database; point-in-time recovery over {N(size.DbBackupDays)} day{(size.DbBackupDays == 1 ? "" : "s")}");
        }

        ManagedCache? cache = null;
        if (composed.Cache is { } ccache)
        {
            cache = new ManagedCache(system, ccache.Name, new ManagedCacheArgs
            {
                Prefix = prefix,
                Network = network,
                ClientSecurityGroupId = cluster.NodeSecurityGroupId,
                KmsKeyArn = dataKey.Outputs.Arn,
                NodeType = size.CacheNode,
                Nodes = ccache.Replicas,
                Spec = RedisSpec.For(profile.Size),
                SnapshotRetentionDays = size.CacheSnapshotDays,
                Protect = protect,
            });
            program.Notes.Add($"{ccache.Name}: ElastiCache Redis 7 ({size.CacheNode} × {N(ccache.Replicas)}{(ccache.Replicas > 1 ? ", automatic failover, Multi-AZ" : "")}) replaces the in-cluster cache; clients connect with TLS (rediss://) and the auth token");
        }

        Components.Core.Resource? replicaProvider = null;
        Resource<Providers.Aws.Kms.Key.Outputs>? replicaKey = null;
        if (aws.BackupReplicaRegion is { } rr)
        {
            replicaProvider = program.Add("provider-aws-backup-replica", new Providers.Aws.Provider { Region = rr });
            replicaProvider.Options.Version = ProviderVersions.Of("aws");
            replicaKey = keys.For("backup-replica", $"{prefix}: backup replica in {rr}", replicaProvider);
        }
        var backups = new BackupBucket(system, "backups", new BackupBucketArgs
        {
            Prefix = prefix,
            Key = backupKey,
            RetentionDays = aws.BackupRetentionDays,
            Protect = protect,
            Replica = replicaProvider is null ? null : (replicaProvider, replicaKey!, aws.BackupReplicaRegion!),
        });
        program.Notes.Add($"backups: S3 (versioned, SSE-KMS, public access blocked, TLS only) to Glacier after 30 days, expired after {N(aws.BackupRetentionDays)} days; {(aws.BackupReplicaRegion is { } r2 ? $"replicated to {r2}" : "no cross-region copy (set platform:aws.backupReplicaRegion)")}");
        var backupRole = cluster.ServiceAccountRole("backup-role", profile.Namespace, BackupServiceAccount);
        system.Add("backup-role-policy", new Providers.Aws.Iam.RolePolicy
        {
            Role = backupRole.Id,
            Policy = AwsPolicyDocument.Json(
                AwsPolicyDocument.Statement("Allow", ["s3:ListBucket"], [backups.Arn]),
                AwsPolicyDocument.Statement("Allow", ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"], [Value.Format($"{backups.Arn}/*")]),
                AwsPolicyDocument.Statement("Allow", ["kms:GenerateDataKey", "kms:Decrypt"], [backupKey.Outputs.Arn])),
        });

        Cdn? cdn = null;
        if (aws.Domain is { } domain)
        {
            var usEast1 = program.Add("provider-aws-us-east-1", new Providers.Aws.Provider { Region = "us-east-1" });
            usEast1.Options.Version = ProviderVersions.Of("aws");
            cdn = new Cdn(system, "cdn", new CdnArgs { Prefix = prefix, Domain = domain, Origin = aws.Origin!, UsEast1 = usEast1 });
            program.Notes.Add($"cdn: CloudFront for {domain} (HTTPS only, TLS 1.2+), certificate from ACM in us-east-1: add the validation CNAME (output certificateValidation) to the zone, then point {domain} at the distribution and {aws.Origin} at the ingress load balancer");
        }
        else
            program.Notes.Add("cdn: no CloudFront: set platform:aws.domain to put CloudFront (HTTPS, TLS 1.2+, ACM certificate) in front of the public entry");

        var binding = new EksBinding(cluster.Kubeconfig, cluster.ClusterName, db?.ConnectionUrl, cache?.ConnectionUrl, registry.RepositoryUrls,
            aws.Spot, profile.Namespace, BackupServiceAccount, backupRole.Outputs.Arn, backups.BucketName, "gp3")
        {
            PrivateSubnetCidrs = [.. aws.Private.Select(c => c.ToString())],
            Database = db is null ? null : (db.Address, ManagedDatabase.Port, db.Password),
            CachePort = ManagedCache.Port,
            OriginHost = aws.Origin,
            Ready = [.. cluster.NodeGroups, .. cluster.Resources.Where(r => r.Type == Providers.Aws.Eks.Addon.TypeToken)],
            ManagedReferences = new Dictionary<string, KeyValuePair<string, Value>>(
                new[]
                {
                    composed.Database is { } d && db is not null ? new KeyValuePair<string, KeyValuePair<string, Value>>(d.Name, new("DATABASE_URL", db.ConnectionUrl)) : default,
                    composed.Cache is { } c && cache is not null ? new KeyValuePair<string, KeyValuePair<string, Value>>(c.Name, new("REDIS_URL", cache.ConnectionUrl)) : default,
                }.Where(e => e.Key is not null), StringComparer.Ordinal),
        };
        if (workloads is not null) workloads(composed, binding, system);
        else
            program.Notes.Add($"workloads: not on this target yet: {string.Join(", ", composed.Services.Select(s => s.Name))} are not deployed by this program; the kubernetes translation deploys them onto this cluster (kubeconfig output) once it is wired to EksBinding, with {(db is null && cache is null ? "" : "RDS/ElastiCache connection secrets in place of in-cluster data services, ")}ECR images and IRSA for the backup job");

        program.Export("system", def.Name);
        program.Export("region", aws.Region);
        program.Export("vpcId", network.VpcId);
        program.Export("clusterName", cluster.ClusterName);
        program.Export("clusterEndpoint", cluster.Endpoint);
        program.Export("kubeconfig", cluster.Kubeconfig);
        if (registry.RepositoryUrls.Count > 0)
            program.Export("repositoryUrls", new MapValue([.. registry.RepositoryUrls.Select(e => new KeyValuePair<string, Value>(e.Key, e.Value))]));
        if (db is not null)
        {
            program.Export("databaseEndpoint", db.Address);
            if (db.ReaderAddresses.Count > 0) program.Export("databaseReaderEndpoints", Value.List(db.ReaderAddresses.Select(a => (Value)a)));
            program.Export("databaseUrl", new FnCall("secret", db.ConnectionUrl));
        }
        if (cache is not null)
        {
            program.Export("cacheEndpoint", cache.Address);
            program.Export("cacheUrl", new FnCall("secret", cache.ConnectionUrl));
        }
        program.Export("backupBucket", backups.BucketName);
        program.Export("backupRoleArn", backupRole.Outputs.Arn);
        if (cdn is not null)
        {
            program.Export("cdnDomain", cdn.DomainName);
            program.Export("certificateValidation", cdn.ValidationRecord);
        }

        program.Notes.AddRange(Cost(env, aws, size, nodeGroups, keys.Count, composed));
        return program;
    }

    private static double NatMonth(int n) => n * (AwsPrices.NatGatewayHour + AwsPrices.PublicIpv4Hour) * AwsPrices.HoursPerMonth;

    /// <summary>The estimated monthly cost lines (from <see cref="AwsPrices"/>, dated, with its source).</summary>
    public static IReadOnlyList<string> Cost(string env, AwsSettings.Resolved aws, Sizing size, IReadOnlyList<NodeGroupSpec> nodeGroups, int kmsKeys, ComposedSystem composed)
    {
        var items = new List<(string What, double Usd)>
        {
            ("EKS control plane", AwsPrices.EksClusterHour * AwsPrices.HoursPerMonth),
        };
        foreach (var g in nodeGroups)
        {
            var each = AwsPrices.Month(g.InstanceTypes[0]) * (g.Spot ? AwsPrices.SpotFraction : 1) + g.DiskGb * AwsPrices.Gp3GbMonth;
            items.Add(($"nodes {g.Name}: {N(g.Desired)} × {g.InstanceTypes[0]}{(g.Spot ? " spot (~" + N((int)(AwsPrices.SpotFraction * 100)) + " % of on-demand)" : "")}", each * g.Desired));
        }
        var nats = env == "prod" ? aws.Zones.Count : 1;
        items.Add(($"NAT gateways: {N(nats)} (+ their public IPv4)", NatMonth(nats)));
        if (composed.Database is { } db)
        {
            var azs = env == "prod" ? 2 : 1;
            items.Add(($"RDS {size.DbClass}{(azs == 2 ? " Multi-AZ" : "")} + {N(size.DbStorageGb)} GB gp3", azs * (AwsPrices.Month(size.DbClass) + size.DbStorageGb * AwsPrices.RdsGp3GbMonth)));
            if (db.Replicas > 1)
                items.Add(($"RDS read replicas: {N(db.Replicas - 1)} × {size.DbClass}", (db.Replicas - 1) * (AwsPrices.Month(size.DbClass) + size.DbStorageGb * AwsPrices.RdsGp3GbMonth)));
        }
        if (composed.Cache is { } c)
            items.Add(($"ElastiCache {N(c.Replicas)} × {size.CacheNode}", c.Replicas * AwsPrices.Month(size.CacheNode)));
        items.Add(($"KMS keys: {N(kmsKeys)}", kmsKeys * AwsPrices.KmsKeyMonth));
        var total = items.Sum(i => i.Usd);
        var lines = new List<string>
        {
            $"estimated monthly cost ({env}): ~${Money(total)} USD — prices as of {AwsPrices.AsOf} ({AwsPrices.Source}); excludes usage-priced items: data transfer, NAT processing, CloudFront, CloudWatch logs, S3/Glacier and ECR storage",
        };
        lines.AddRange(items.Select(i => $"  cost: {i.What}: ~${Money(i.Usd)}/month"));
        return lines;
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
    private static string Money(double usd) => Math.Round(usd, 0, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture);
}
