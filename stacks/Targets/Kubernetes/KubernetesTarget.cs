using System.Globalization;
using Infra.Components.Configs;
using Infra.Components.Core;
using Infra.Components.Kubernetes;
using Infra.Components.Workloads;
using Infra.Providers.Kubernetes.Core.V1;
using ServicePort = Infra.Components.Workloads.ServicePort;
using Infra.Stacks.Composed;
using Infra.Stacks.Model;
using Infra.Stacks.Profiles;

namespace Infra.Stacks.Targets.Kubernetes;

/// <summary>
/// The Kubernetes translation: an explicit provider (kubeconfig from secret config), namespaces per environment and
/// for the shared concerns (seed 004), a <see cref="KubeWorkload"/> per service, PostgreSQL and Redis as StatefulSets
/// (primary + replicas), NetworkPolicies that allow exactly the composed edges, Traefik and cert-manager from pinned
/// Helm charts, monitoring, backups and progressive releases. What it cannot express is in <see cref="Capabilities"/>.
/// </summary>
public static class KubernetesTarget
{
    public static readonly TargetCapabilities Capabilities = new("kubernetes",
        new HashSet<Feature> { Feature.Autoscaling, Feature.DisruptionBudgets, Feature.PerEdgeIsolation, Feature.ReadOnlyRootFilesystem, Feature.DataReplicas, Feature.ProgressiveRelease, Feature.AcmeCertificates },
        new Dictionary<Feature, string>
        {
            [Feature.HostPorts] = "nothing is published on a node; public traffic enters through the Traefik ingress, the rest through kubectl port-forward",
            [Feature.LocalImageBuild] = "a cluster cannot build: the tag must be pushed to a registry the cluster pulls from",
            [Feature.StartOrder] = "pods start together; readiness probes keep traffic away until each is ready",
            [Feature.DataExporters] = "kube-prometheus-stack scrapes the cluster; no PostgreSQL/Redis exporter sidecars",
            [Feature.TlsFromStackSecrets] = "cert-manager issues the certificate for platform:host over ACME; tlsCertificate / tlsPrivateKey are not used",
            [Feature.ExternalDatabase] = "the in-cluster PostgreSQL StatefulSet (and its backups) runs instead; the external URL secret is not used",
            [Feature.RegistryLogins] = "no imagePullSecrets: the nodes must be able to pull the images themselves (node credentials or a public registry)",
            [Feature.ReadOnlyVolumes] = "not translated yet: the pods get no such volume, so the image must carry what it reads there",
            [Feature.Migrations] = "not translated yet (no Job before the Deployments): the image must migrate on start",
        });

    /// <summary>Namespaces for the shared concerns (seed 004); the environment's own comes from the profile.</summary>
    public const string DatabaseNamespace = "database";
    public const string MonitoringNamespace = "monitoring";
    public const string NetworkingNamespace = "networking";

    private static readonly string[] PrivateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

    /// <summary>The AWS CLI image the backup job uploads with on a cluster with object storage (pinned).</summary>
    public const string AwsCliImage = "public.ecr.aws/aws-cli/aws-cli:2.22.35";

    public static StackProgram Translate(ComposedSystem c)
    {
        var settings = c.Settings;
        var program = new StackProgram(Composition.StackSettings.Project, settings.Stack);
        var kubeconfig = program.DeclareConfig(new ConfigKey(Composition.StackSettings.KubeconfigKey, ConfigType.String, Secret: true,
            Description: "The cluster's kubeconfig (pulumi config set --secret kubeconfig < ~/.kube/config)."));
        program.DefaultProvider("kubernetes", new Infra.Providers.Kubernetes.Provider { Kubeconfig = kubeconfig.Ref });
        var system = new ComponentGroup(program, c.Definition.Name, "System");
        var images = Deploy(c, system, null);
        program.Export("system", c.Definition.Name);
        program.Export("namespace", c.Profile.Namespace);
        ExportImages(program, images);
        var standIns = c.Services.Where(s => s.StandIn).Select(s => (Value)s.Name).ToList();
        if (standIns.Count > 0) program.Export("standIns", new ListValue(standIns));
        return program;
    }

    /// <summary>
    /// The workloads of <paramref name="c"/> onto a cluster another translation provisions in the same program, under
    /// <paramref name="parent"/>: the explicit provider's kubeconfig is the cluster output, the managed database/cache
    /// replace the in-cluster StatefulSets, images come from the binding's repositories for tag-only settings, spot
    /// services tolerate the spot taint, and the backup job writes to object storage with its IAM role.
    /// </summary>
    public static void DeployOnto(ComposedSystem c, ClusterBinding binding, Construct parent)
    {
        var program = parent.Program;
        var provider = program.DefaultProvider("kubernetes", new Infra.Providers.Kubernetes.Provider { Kubeconfig = binding.Kubeconfig });
        if (binding.ReadyAfter.Count > 0) provider.DependsOn(binding.ReadyAfter);
        var group = new ComponentGroup(parent, "workloads", "Workloads (Kubernetes)");
        var images = Deploy(c, group, binding);
        program.Export("namespace", c.Profile.Namespace);
        ExportImages(program, images);
        var standIns = c.Services.Where(s => s.StandIn).Select(s => (Value)s.Name).ToList();
        if (standIns.Count > 0) program.Export("standIns", new ListValue(standIns));
    }

    /// <summary>
    /// <c>images</c>: per service (stand-ins excluded), the reference its serving pods run, for the next stack's promotion.
    /// What was configured is exported as such: a tag is promoted as a tag, so the chain is pinned only when dev's digests
    /// are promoted (or the stack pins <c>name@sha256:…</c>).
    /// </summary>
    private static void ExportImages(StackProgram program, IReadOnlyList<KeyValuePair<string, Value>> images)
    {
        if (images.Count > 0) program.Export("images", new MapValue(images));
    }

    private static IReadOnlyList<KeyValuePair<string, Value>> Deploy(ComposedSystem c, ComponentGroup system, ClusterBinding? onto)
    {
        var profile = c.Profile;
        var def = c.Definition;
        var storageClass = onto?.StorageClass ?? profile.StorageClass;
        var appNs = profile.Namespace;
        var namespaces = new ComponentGroup(system, "namespaces", "Namespaces");
        var nsResources = new Dictionary<string, Resource>(StringComparer.Ordinal);
        void Namespace(string name, string enforce)
        {
            if (nsResources.ContainsKey(name)) return;
            nsResources[name] = namespaces.Add(name, new Namespace
            {
                Metadata = KubeDefaults.Meta(name, null, new Dictionary<string, Input<string>>
                {
                    [KubeDefaults.PartOfLabel] = def.Name,
                    [KubeDefaults.ManagedByLabel] = "pulumi",
                    ["pod-security.kubernetes.io/enforce"] = enforce,
                    ["pod-security.kubernetes.io/enforce-version"] = "latest",
                    ["pod-security.kubernetes.io/warn"] = "restricted",
                }),
            });
        }
        Namespace(appNs, "restricted");
        if (onto is null && (c.Database is not null || c.Cache is not null)) Namespace(DatabaseNamespace, "restricted");
        if (c.Monitoring is not null) Namespace(MonitoringNamespace, "privileged"); // node-exporter and the log collector read the node
        if (c.Proxy is not null) Namespace(NetworkingNamespace, "baseline");

        Value? dbUrl = null, redisUrl = null;
        if (c.Database is { } db && onto is not null)
        {
            var managed = onto.Database ?? throw new SynthesisException($"the cluster binding has no managed database for '{db.Name}'");
            dbUrl = managed.Url;
            if (c.Backups != BackupSchedule.None)
            {
                var storage = onto.Backup ?? throw new SynthesisException("the cluster binding has no object storage for the backup job");
                var secrets = new ComponentGroup(system, SystemComposer.BackupName + "-secrets", "Secrets");
                secrets.Add("database-password", new Secret
                {
                    Metadata = KubeDefaults.Meta(SystemComposer.BackupName + "-database", appNs, KubeDefaults.Labels(def.Name, SystemComposer.BackupName, "backup")),
                    Type = "Opaque",
                    StringData = new Dictionary<string, Input<string>> { ["PGPASSWORD"] = managed.Password ?? throw new SynthesisException("the managed database has no password for the backup job") },
                }).DependsOn([nsResources[appNs]]);
                new KubeBackup(system, SystemComposer.BackupName, BackupArgs(c, appNs, managed.Host, db.Def, SystemComposer.BackupName + "-database", "PGPASSWORD") with
                {
                    S3 = new KubeS3Target(storage.Bucket, storage.RoleArn, storage.ServiceAccount, storage.CliImage),
                    DumpEnvironment = [new("PGSSLMODE", "require")],
                }).Resources.ToList().ForEach(r => r.DependsOn([nsResources[appNs]]));
            }
        }
        else if (c.Database is { } idb)
        {
            var (w, pw) = Postgres(system, def, idb, c);
            w.Resources.ToList().ForEach(r => r.DependsOn([nsResources[DatabaseNamespace]]));
            if (c.Backups != BackupSchedule.None)
                new KubeBackup(system, SystemComposer.BackupName, BackupArgs(c, DatabaseNamespace, w.Host, idb.Def, idb.Name + "-env", "POSTGRES_PASSWORD") with
                {
                    StorageClass = profile.StorageClass,
                }).Resources.ToList().ForEach(r => r.DependsOn([nsResources[DatabaseNamespace]]));
            dbUrl = Value.Format($"postgresql://{idb.Def.User}:{pw}@{w.Host}:{DataServiceDefaults.PostgresPort}/{idb.Def.Database}");
        }
        if (c.Cache is { } cache)
        {
            if (onto is not null)
                redisUrl = (onto.Cache ?? throw new SynthesisException($"the cluster binding has no managed cache for '{cache.Name}'")).Url;
            else
            {
                var (w, pw) = Redis(system, def, cache, c);
                w.Resources.ToList().ForEach(r => r.DependsOn([nsResources[DatabaseNamespace]]));
                redisUrl = Value.Format($"redis://:{pw}@{w.Host}:{DataServiceDefaults.RedisPort}");
            }
        }

        var services = new Dictionary<string, KubeWorkload>(StringComparer.Ordinal);
        foreach (var svc in c.Services)
        {
            var w = AppService(system, def, svc, c, dbUrl, redisUrl, onto);
            foreach (var r in w.Resources) r.DependsOn([nsResources[appNs]]);
            services[svc.Name] = w;
        }

        AddNetworkPolicies(system, c, nsResources, onto);
        if (c.Proxy is { } proxy) AddIngress(system, c, proxy, services, nsResources, onto);
        if (c.Monitoring is { } monitoring) AddMonitoring(system, c, monitoring, nsResources[MonitoringNamespace], storageClass);
        // The serving track: blue-green's live colour, a canary's stable side, or the only one.
        var deployed = new List<KeyValuePair<string, Value>>();
        foreach (var svc in c.Services.Where(s => !s.StandIn))
        {
            var a = services[svc.Name].Args;
            deployed.Add(new(svc.Name, (a.Tracks.FirstOrDefault(t => t.Name == a.ServiceTrack) ?? a.Tracks[0]).Image));
        }
        return deployed;
    }

    /// <summary>The pg_dump CronJob's arguments both database kinds share (in-cluster StatefulSet or a managed endpoint).</summary>
    private static KubeBackupArgs BackupArgs(ComposedSystem c, string ns, Value host, DatabaseDef db, string passwordSecret, string passwordKey) => new()
    {
        System = c.Definition.Name,
        Namespace = ns,
        Image = DataServiceDefaults.PostgresImage,
        DatabaseHost = host,
        Database = db.Database,
        User = db.User,
        PasswordSecret = passwordSecret,
        PasswordKey = passwordKey,
        BackupScript = BackupScripts.RenderBackup(new BackupSpec(c.Definition.Name, db.Database)),
        Runs = BackupRuns(c),
        SizeGi = c.Profile.DataSizeGi * 2,
        Protect = c.Profile.ProtectData,
    };

    /// <summary>Seed 004: hourly in production (plus the daily dump), daily in staging.</summary>
    private static IReadOnlyList<KubeBackupRun> BackupRuns(ComposedSystem c) => c.Backups == BackupSchedule.HourlyAndDaily
        ? [new KubeBackupRun("hourly", "0 * * * *"), new KubeBackupRun("daily", "0 2 * * *")]
        : [new KubeBackupRun("daily", "0 2 * * *")];

    /// <summary>
    /// An image on a cluster with repositories: a setting that is a tag only (no '/', e.g. <c>1.4.2</c>) names that tag in
    /// the service's repository; a full reference is used as given.
    /// </summary>
    public static Value ImageOn(ClusterBinding? onto, string service, string reference) =>
        onto is not null && !reference.Contains('/') && onto.ImageRepositories.TryGetValue(service, out var repo)
            ? Value.Format($"{repo}:{reference}")
            : reference;

    private static KubeWorkload AppService(ComponentGroup system, SystemDefinition def, ComposedService svc, ComposedSystem c, Value? dbUrl, Value? redisUrl, ClusterBinding? onto)
    {
        var profile = c.Profile;
        var env = new List<KeyValuePair<string, Value>>(svc.Def.Environment.Select(e => new KeyValuePair<string, Value>(e.Key, e.Value)));
        foreach (var reference in svc.Def.References)
        {
            if (reference == def.Database?.Name && dbUrl is not null) env.Add(new("DATABASE_URL", dbUrl));
            else if (reference == def.Cache?.Name && redisUrl is not null) env.Add(new("REDIS_URL", redisUrl));
            else if (def.FindService(reference) is { PrimaryPort: { } port })
                env.Add(new(reference.ToUpperInvariant().Replace('-', '_') + "_URL", $"http://{reference}:{port.ContainerPort.ToString(CultureInfo.InvariantCulture)}"));
        }
        Construct? group = null; // generated secrets get a group of their own (they are named after the service)
        foreach (var (envName, source) in svc.Def.SecretEnvironment)
        {
            var effective = source is ConfigSecret cs && profile.AllowStandIns ? cs with { Optional = true } : source;
            var owner = effective is GeneratedSecret ? group ??= new ComponentGroup(system, svc.Name + "-secrets", "Secrets") : system;
            env.Add(new(envName, effective.Resolve(owner, svc.Name + "-" + Names.Sanitize(envName), profile.ProtectData)));
        }
        if (svc.Def.MinReplicas > 1 && c.Settings.Replicas.TryGetValue(svc.Name, out var wanted) && wanted < svc.Def.MinReplicas)
            throw new InputException(c.Settings.File, $"platform:replicas.{svc.Name}", wanted.ToString(CultureInfo.InvariantCulture),
                $"below what its disruption budget needs: system '{def.Name}' keeps {svc.Def.MinReplicas - 1} of '{svc.Name}' available during disruptions, so it needs at least {svc.Def.MinReplicas} replicas");
        var image = svc.Image is { PromotedFrom: { } from } ? Promotion.Image(system, from, svc.Name) : (Value)(svc.Image?.Reference ?? SystemComposer.StandInImage);
        if (svc.StandIn)
            system.Program.Notes.Add($"stand-in: '{svc.Name}' has no image configured (platform:images.{svc.Name}); dev runs {SystemComposer.StandInImage} answering {(svc.Def.PrimaryPort is null ? "nothing (worker)" : $"HTTP on port {svc.Def.PrimaryPort.ContainerPort}")} in its place");
        var tracks = Tracks(svc, image, c, onto);
        var spot = onto is not null && onto.SpotServices.Contains(svc.Name);
        var writable = new List<string>(svc.WritablePaths);
        return new KubeWorkload(system, svc.Name, new KubeWorkloadArgs
        {
            System = def.Name,
            Namespace = profile.Namespace,
            Tracks = tracks.Tracks,
            ServiceTrack = tracks.Live,
            Ports = svc.Def.Ports,
            Environment = env,
            Files = svc.Def.Files,
            Health = svc.Health,
            User = svc.StandIn ? "1000:1000" : svc.Def.User,
            Limits = svc.Limits,
            WritablePaths = writable,
            Command = svc.Command,
            DataPath = svc.Def.DataPath,
            StorageClass = onto?.StorageClass ?? profile.StorageClass,
            DataSizeGi = profile.DataSizeGi,
            Protect = profile.ProtectData,
            NodeSelector = onto is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [onto.CapacityLabel] = spot ? "spot" : "on-demand" },
            Tolerations = spot ? [(onto!.CapacityLabel, "spot", "NoSchedule")] : [],
            Autoscale = svc.Scaling is { } s ? new KubeAutoscale(s.Min, s.Max, s.CpuPercent, s.MemoryPercent) : null,
            MinAvailable = svc.Def.MinReplicas > 1 ? svc.Def.MinReplicas - 1 : null,
            Component = "service",
            Kind = svc.StandIn ? "Service (stand-in)" : "Service",
            PodLabels = svc.StandIn ? new Dictionary<string, string> { ["platform/stand-in"] = "true" } : new Dictionary<string, string>(),
        });
    }

    /// <summary>Pods of the ingress controller (Traefik chart) and of Prometheus (kube-prometheus-stack), as policies select them.</summary>
    public static readonly IReadOnlyDictionary<string, string> TraefikPods = new Dictionary<string, string> { [KubeDefaults.NameLabel] = "traefik" };
    public static readonly IReadOnlyDictionary<string, string> PrometheusPods = new Dictionary<string, string> { [KubeDefaults.NameLabel] = "prometheus" };
    /// <summary>cert-manager's HTTP-01 solver pods (created in the Ingress's namespace, reached by Traefik on 8089).</summary>
    public static readonly IReadOnlyDictionary<string, string> AcmeSolverPods = new Dictionary<string, string> { ["acme.cert-manager.io/http01-solver"] = "true" };
    public const string AcmeSolver = "acme-http01-solver";
    public static readonly int[] TraefikPorts = [8000, 8443];

    private static Dictionary<string, string> Pods(string system, string name) =>
        new() { [KubeDefaults.NameLabel] = name, [KubeDefaults.PartOfLabel] = system };

    /// <summary>Default deny everywhere, then exactly the composed edges (references, public entry, metrics, backup, replication) and DNS.</summary>
    private static void AddNetworkPolicies(ComponentGroup system, ComposedSystem c, Dictionary<string, Resource> nsResources, ClusterBinding? onto)
    {
        var namespaces = nsResources.Keys.ToList();
        var sys = c.Name;
        var appNs = c.Profile.Namespace;
        var endpoints = new List<KubeEndpoint>();
        foreach (var s in c.Services)
            endpoints.Add(new KubeEndpoint(s.Name, appNs, Pods(sys, s.Name), [.. s.Def.Ports.Select(p => p.ContainerPort)]) { InternetEgress = s.InternetEgress });
        // Managed data (onto a cluster with a binding) is named by the private subnets it lives in, not by pods.
        if (c.Database is { } db)
            endpoints.Add(onto is null
                ? new KubeEndpoint(db.Name, DatabaseNamespace, Pods(sys, db.Name), [DataServiceDefaults.PostgresPort])
                : new KubeEndpoint(db.Name, appNs, new Dictionary<string, string>(), [onto.Database?.Port ?? DataServiceDefaults.PostgresPort]) { Cidrs = onto.DataCidrs });
        if (c.Cache is { } cache)
            endpoints.Add(onto is null
                ? new KubeEndpoint(cache.Name, DatabaseNamespace, Pods(sys, cache.Name), [DataServiceDefaults.RedisPort])
                : new KubeEndpoint(cache.Name, appNs, new Dictionary<string, string>(), [onto.Cache?.Port ?? DataServiceDefaults.RedisPort]) { Cidrs = onto.DataCidrs });
        if (c.Proxy is { } proxy) endpoints.Add(new KubeEndpoint(proxy.Name, NetworkingNamespace, TraefikPods, TraefikPorts) { PublicPorts = TraefikPorts });
        if (c.Monitoring is { } mon) endpoints.Add(new KubeEndpoint(mon.Name, MonitoringNamespace, PrometheusPods, [9090]));
        if (c.Database is not null && c.Backups != BackupSchedule.None)
            // Onto a cluster with object storage the job also reaches the bucket (and the token service) over HTTPS.
            endpoints.Add(new KubeEndpoint(SystemComposer.BackupName, onto is null ? DatabaseNamespace : appNs, Pods(sys, SystemComposer.BackupName), []) { InternetEgress = onto is not null });
        var edges = c.Edges.Select(e => new KubeEdge(e.From, e.To, e.Port)).ToList();
        if (c.Proxy is { } p && Tls(c))
        {
            endpoints.Add(new KubeEndpoint(AcmeSolver, appNs, AcmeSolverPods, [8089]));
            edges.Add(new KubeEdge(p.Name, AcmeSolver, 8089));
        }
        var addOns = new List<(string, IReadOnlyList<int>, IReadOnlyList<int>)>();
        // Prometheus scrapes kubelets (10250) and node-exporter (9100); webhooks are called by the API server on 10250.
        if (c.Monitoring is not null) addOns.Add((MonitoringNamespace, [10250, 9100], [10250]));
        // cert-manager reaches ACME over 443 and self-checks HTTP-01 on 80; its webhook is called by the API server.
        if (c.Proxy is not null) addOns.Add((NetworkingNamespace, [80], [10250]));
        var policies = new KubeNetworkPolicies(system, "network-policies", new KubeNetworkArgs
        {
            System = sys,
            Namespaces = namespaces,
            AddOnNamespaces = addOns,
            Endpoints = endpoints,
            Edges = edges,
        });
        foreach (var r in policies.Resources)
            if (r.Properties.Get("metadata") is MapValue { } meta && meta["namespace"] is Str { Text: var ns } && nsResources.TryGetValue(ns, out var nsResource))
                r.DependsOn([nsResource]);
    }

    /// <summary>Charts this target installs, each at a pinned version (README "Deploy to Kubernetes" says why these).</summary>
    public static class Charts
    {
        public const string TraefikRepo = "https://traefik.github.io/charts";
        public const string TraefikVersion = "37.3.0";
        public const string CertManagerRepo = "https://charts.jetstack.io";
        public const string CertManagerVersion = "v1.16.2";
        public const string PrometheusRepo = "https://prometheus-community.github.io/helm-charts";
        public const string KubePrometheusStackVersion = "65.1.1";
        public const string GrafanaRepo = "https://grafana.github.io/helm-charts";
        public const string LokiVersion = "6.16.0";
        public const string PromtailVersion = "6.16.6";
    }

    public const string ClusterIssuerName = "letsencrypt";

    /// <summary>Traefik (pinned chart) as the ingress controller, cert-manager (pinned) with an ACME ClusterIssuer, and the routes.</summary>
    private static void AddIngress(ComponentGroup system, ComposedSystem c, ProxyDef proxy, Dictionary<string, KubeWorkload> services, Dictionary<string, Resource> ns, ClusterBinding? onto)
    {
        var tls = Tls(c);
        var file = c.Settings.File;
        var host = c.Settings.Host ?? onto?.OriginHost;
        if (tls && host is null)
            throw new InputException(file, "platform:host", null,
                $"missing: {c.Profile.Name} on kubernetes serves {string.Join(", ", proxy.Routes.Select(r => r.PathPrefix))} over TLS at a public host name with a certificate from ACME; set platform:host (e.g. {c.Name}.example.com)");
        if (tls && c.Settings.AcmeEmail is null)
            throw new InputException(file, "platform:acmeEmail", null, "missing: the ACME issuer needs an account e-mail for expiry notices; set platform:acmeEmail (e.g. ops@example.com)");
        var group = new ComponentGroup(system, "ingress", "Ingress (Traefik + cert-manager)");
        foreach (var slow in proxy.Routes.Select(r => c.Definition.FindService(r.Service)!).Distinct().Where(s => s.RequestTimeoutSeconds is not null))
            system.Program.Notes.Add($"kubernetes: '{slow.Name}' declares a {slow.RequestTimeoutSeconds} s request timeout; the Traefik ingress does not apply per-service timeouts yet (Traefik waits for its response without a limit)");
        var prod = c.Profile.Name == "prod";
        var traefik = new HelmChart(group, "traefik", new HelmChartArgs
        {
            Chart = "traefik", Version = Charts.TraefikVersion, Repository = Charts.TraefikRepo, Namespace = NetworkingNamespace, ReleaseName = "traefik",
            Kind = "Ingress controller (Traefik, Helm)",
            Values = ClusterObjects.Map(
                ("deployment", ClusterObjects.Map(("replicas", prod ? 2 : 1))),
                ("ingressClass", ClusterObjects.Map(("enabled", true), ("isDefaultClass", false), ("name", "traefik"))),
                ("providers", ClusterObjects.Map(
                    ("kubernetesIngress", ClusterObjects.Map(("enabled", true))),
                    ("kubernetesCRD", ClusterObjects.Map(("enabled", true))))),
                ("ports", ClusterObjects.Map(
                    ("web", ClusterObjects.Map(("port", 8000), ("redirections", tls ? ClusterObjects.Map(("entryPoint", ClusterObjects.Map(("to", "websecure"), ("scheme", "https"), ("permanent", true)))) : null))),
                    ("websecure", ClusterObjects.Map(("port", 8443))))),
                ("logs", ClusterObjects.Map(("access", ClusterObjects.Map(("enabled", true))))),
                ("podDisruptionBudget", prod ? ClusterObjects.Map(("enabled", true), ("minAvailable", 1)) : null)),
        });
        traefik.Release.DependsOn([ns[NetworkingNamespace]]);
        var dependsOn = new List<Resource> { traefik.Release };
        string? issuer = null;
        if (tls)
        {
            var certManager = new HelmChart(group, "cert-manager", new HelmChartArgs
            {
                Chart = "cert-manager", Version = Charts.CertManagerVersion, Repository = Charts.CertManagerRepo, Namespace = NetworkingNamespace, ReleaseName = "cert-manager",
                Kind = "Certificates (cert-manager, Helm)",
                Values = ClusterObjects.Map(("crds", ClusterObjects.Map(("enabled", true)))),
            });
            certManager.Release.DependsOn([ns[NetworkingNamespace]]);
            var acme = ClusterObjects.Map(
                ("server", "https://acme-v02.api.letsencrypt.org/directory"),
                ("email", c.Settings.AcmeEmail!),
                ("privateKeySecretRef", ClusterObjects.Map(("name", ClusterIssuerName + "-account-key"))),
                ("solvers", new ListValue([ClusterObjects.Map(("http01", ClusterObjects.Map(("ingress", ClusterObjects.Map(("ingressClassName", "traefik"))))))])));
            var issuerObjects = new ClusterObjects(group, "cluster-issuer",
                [ClusterObjects.Object("cert-manager.io/v1", "ClusterIssuer", ClusterIssuerName, null, Pods(c.Name, "cluster-issuer"), ClusterObjects.Map(("acme", acme)))],
                "ACME ClusterIssuer (cert-manager)");
            issuerObjects.Group.DependsOn([certManager.Release]);
            dependsOn.Add(issuerObjects.Group);
            issuer = ClusterIssuerName;
        }
        var routes = proxy.Routes.Select(r =>
        {
            var svc = c.Find(r.Service)!;
            var port = svc.Def.PrimaryPort!.ContainerPort;
            return svc.Release is { Kind: ReleaseKind.Canary } rel
                ? new KubeRoute(r.PathPrefix, r.Service, port) { Canary = (r.Service + "-stable", r.Service + "-canary", rel.Step) }
                : new KubeRoute(r.PathPrefix, r.Service, port);
        }).ToList();
        var ingress = new KubeIngress(group, "routes", new KubeIngressArgs
        {
            System = c.Name,
            Namespace = c.Profile.Namespace,
            Host = host,
            ClusterIssuer = issuer,
            Routes = routes,
            DependsOn = [.. dependsOn, .. routes.Select(r => services[r.Service].Service!).Distinct()],
        });
        foreach (var canary in c.Services.Where(s => s.Release is { Kind: ReleaseKind.Canary } && !proxy.Routes.Any(r => r.Service == s.Name)))
            system.Program.Notes.Add($"kubernetes: '{canary.Name}' is not routed through Traefik, so its canary weight ({canary.Release!.Step} %) is approximated by pod counts behind one Service");
    }

    /// <summary>
    /// kube-prometheus-stack (Prometheus, Alertmanager, Grafana, node-exporter) and Loki with promtail as the log collector,
    /// all pinned; ServiceMonitors for the services with metrics, the alert rules the Docker target writes as a file turned
    /// into a PrometheusRule from the same definitions, and the Grafana dashboards as ConfigMaps.
    /// </summary>
    private static void AddMonitoring(ComponentGroup system, ComposedSystem c, MonitoringDef m, Resource ns, string storageClass)
    {
        var group = new ComponentGroup(system, m.Name, "Monitoring (kube-prometheus-stack + Loki)");
        var rules = c.Profile.Monitoring != MonitoringLevel.Basic;
        if (rules)
            system.Program.Notes.Add(c.Settings.HasAlertWebhook
                ? $"kubernetes: platform:{Composition.StackSettings.AlertWebhookKey} is not wired into kube-prometheus-stack's Alertmanager yet: NOBODY IS NOTIFIED (the docker and host targets post to it)"
                : $"kubernetes: Alertmanager (kube-prometheus-stack) has no notification receiver: NOBODY IS NOTIFIED");
        var adminPassword = SecretSource.Generated(24).Resolve(group, "grafana-admin-password", c.Profile.ProtectData);
        const string lokiUrl = "http://loki-gateway.monitoring.svc.cluster.local";
        var stack = new HelmChart(group, "kube-prometheus-stack", new HelmChartArgs
        {
            Chart = "kube-prometheus-stack", Version = Charts.KubePrometheusStackVersion, Repository = Charts.PrometheusRepo, Namespace = MonitoringNamespace,
            ReleaseName = "kube-prometheus-stack", Kind = "Metrics (kube-prometheus-stack, Helm)",
            Values = ClusterObjects.Map(
                ("alertmanager", ClusterObjects.Map(("enabled", rules))),
                ("prometheus", ClusterObjects.Map(("prometheusSpec", ClusterObjects.Map(
                    ("ruleSelectorNilUsesHelmValues", false),
                    ("serviceMonitorSelectorNilUsesHelmValues", false),
                    ("retention", c.Profile.Name == "prod" ? "30d" : "7d"))))),
                ("grafana", ClusterObjects.Map(
                    ("adminPassword", adminPassword),
                    ("sidecar", ClusterObjects.Map(("dashboards", ClusterObjects.Map(("enabled", true), ("label", "grafana_dashboard"), ("searchNamespace", MonitoringNamespace))))),
                    ("additionalDataSources", new ListValue([ClusterObjects.Map(("name", "Loki"), ("type", "loki"), ("url", lokiUrl), ("access", "proxy"))]))))),
        });
        stack.Release.DependsOn([ns]);
        var loki = new HelmChart(group, "loki", new HelmChartArgs
        {
            Chart = "loki", Version = Charts.LokiVersion, Repository = Charts.GrafanaRepo, Namespace = MonitoringNamespace, ReleaseName = "loki",
            Kind = "Logs (Loki, Helm)",
            Values = ClusterObjects.Map(
                ("deploymentMode", "SingleBinary"),
                ("loki", ClusterObjects.Map(
                    ("auth_enabled", false),
                    ("commonConfig", ClusterObjects.Map(("replication_factor", 1))),
                    ("storage", ClusterObjects.Map(("type", "filesystem"))),
                    ("schemaConfig", ClusterObjects.Map(("configs", new ListValue([ClusterObjects.Map(
                        ("from", "2024-01-01"), ("store", "tsdb"), ("object_store", "filesystem"), ("schema", "v13"),
                        ("index", ClusterObjects.Map(("prefix", "index_"), ("period", "24h"))))])))))),
                ("singleBinary", ClusterObjects.Map(("replicas", 1), ("persistence", ClusterObjects.Map(("storageClass", storageClass), ("size", c.Profile.DataSizeGi.ToString(CultureInfo.InvariantCulture) + "Gi"))))),
                ("read", ClusterObjects.Map(("replicas", 0))),
                ("write", ClusterObjects.Map(("replicas", 0))),
                ("backend", ClusterObjects.Map(("replicas", 0))),
                ("chunksCache", ClusterObjects.Map(("enabled", false))),
                ("resultsCache", ClusterObjects.Map(("enabled", false)))),
        });
        loki.Release.DependsOn([ns]);
        var promtail = new HelmChart(group, "promtail", new HelmChartArgs
        {
            Chart = "promtail", Version = Charts.PromtailVersion, Repository = Charts.GrafanaRepo, Namespace = MonitoringNamespace, ReleaseName = "promtail",
            Kind = "Log collector (promtail, Helm)",
            Values = ClusterObjects.Map(("config", ClusterObjects.Map(("clients", new ListValue([ClusterObjects.Map(("url", lokiUrl + "/loki/api/v1/push"))]))))),
        });
        promtail.Release.DependsOn([loki.Release]);

        var objects = new List<MapValue>();
        foreach (var s in c.Services.Where(s => s.Def.MetricsPath is not null && s.Def.PrimaryPort is not null))
            objects.Add(ClusterObjects.Object("monitoring.coreos.com/v1", "ServiceMonitor", s.Name, MonitoringNamespace, Pods(c.Name, s.Name), ClusterObjects.Map(
                ("selector", ClusterObjects.Map(("matchLabels", ClusterObjects.Map((KubeDefaults.NameLabel, s.Name), (KubeDefaults.PartOfLabel, c.Name))))),
                ("namespaceSelector", ClusterObjects.Map(("matchNames", Value.Strings([c.Profile.Namespace])))),
                ("endpoints", new ListValue([ClusterObjects.Map(("port", s.Def.PrimaryPort!.Name), ("path", s.Def.MetricsPath!), ("interval", "30s"))])))));
        if (rules)
            objects.Add(ClusterObjects.Object("monitoring.coreos.com/v1", "PrometheusRule", c.Name + "-alerts", MonitoringNamespace, Pods(c.Name, "alerts"),
                ClusterObjects.Map(("groups", new ListValue([ClusterObjects.Map(("name", c.Name), ("rules", new ListValue([..
                    PrometheusAlertRules.Rules(new AlertRuleSpec(c.Name)).Select(r => (Value)ClusterObjects.Map(
                        ("alert", r.Name), ("expr", r.Expr), ("for", r.For),
                        ("labels", ClusterObjects.Map(("severity", r.Severity), ("system", c.Name))),
                        ("annotations", ClusterObjects.Map(("summary", r.Summary)))))])))])))));
        if (objects.Count > 0)
            new ClusterObjects(group, "monitoring-objects", objects, "ServiceMonitors and PrometheusRule").Group.DependsOn([stack.Release]);

        var jobs = c.Services.Where(s => s.Def.MetricsPath is not null).Select(s => s.Name).ToList();
        var grafana = GrafanaProvisioning.Render(new GrafanaSpec(c.Name, "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090", lokiUrl,
            jobs.Count > 0 ? jobs : ["prometheus"], "/var/lib/grafana/dashboards")
        {
            // The promtail chart labels every stream with its pod's namespace (no system label): the system's namespaces.
            LogSelector = $"{{namespace=~\"{c.Profile.Namespace}|{DatabaseNamespace}\"}}",
        });
        foreach (var dashboard in grafana.Where(f => f.Path.StartsWith("dashboards/", StringComparison.Ordinal)))
        {
            var key = System.IO.Path.GetFileName(dashboard.Path);
            group.Add("dashboard-" + Names.Sanitize(System.IO.Path.GetFileNameWithoutExtension(key)), new ConfigMap
            {
                Metadata = KubeDefaults.Meta($"{c.Name}-dashboard-{Names.Sanitize(System.IO.Path.GetFileNameWithoutExtension(key))}", MonitoringNamespace,
                    new Dictionary<string, Input<string>>(KubeDefaults.Labels(c.Name, "dashboards", "monitoring")) { ["grafana_dashboard"] = "1" }),
                Data = new Dictionary<string, Input<string>> { [key] = dashboard.Content },
            }).DependsOn([ns]);
        }
        system.Program.Export("grafanaAdminPassword", adminPassword);
    }

    /// <summary>TLS at the public entry: always outside dev, and in dev when the stack asks for it.</summary>
    public static bool Tls(ComposedSystem c) => c.Profile.RequireTls || c.Settings.Tls;

    /// <summary>The sets of pods of a service: one, two colours (blue-green), or stable + canary.</summary>
    private static (IReadOnlyList<KubeTrack> Tracks, string? Live) Tracks(ComposedService svc, Value image, ComposedSystem c, ClusterBinding? onto)
    {
        Value On(Value reference) => svc.StandIn || reference is not Str { Text: var text } ? reference : ImageOn(onto, svc.Name, text);
        if (svc.Release is not { } r) return ([new KubeTrack("", On(image), svc.Replicas)], null);
        if (r.Kind == ReleaseKind.BlueGreen)
            return ([new KubeTrack("blue", On(r.BlueImage ?? image), svc.Replicas), new KubeTrack("green", On(r.GreenImage ?? image), svc.Replicas)], r.Active);
        var canaryReplicas = Math.Max(1, (int)Math.Ceiling(svc.Replicas * r.Step / 100.0));
        return ([new KubeTrack("stable", On(image), svc.Replicas), new KubeTrack("canary", On(r.CanaryImage ?? image), canaryReplicas)], null);
    }

    private static (KubeWorkload, Value) Postgres(ComponentGroup system, SystemDefinition def, ComposedDatabase db, ComposedSystem c)
    {
        var profile = c.Profile;
        var name = db.Name;
        var group = new ComponentGroup(system, name + "-secrets", "Secrets");
        var password = SecretSource.Generated().Resolve(group, name + "-password", profile.ProtectData);
        var hba = PostgresConfig.RenderPgHba(PrivateRanges) + string.Concat(PrivateRanges.Select(r => $"host    replication  all  {r}  scram-sha-256\n"));
        var files = new List<ConfigFile>
        {
            new("/etc/postgresql/postgresql.conf", PostgresConfig.RenderPostgresqlConf(PostgresTuning.For(profile.Size))),
            new("/etc/postgresql/pg_hba.conf", hba),
        };
        string[] serve = ["postgres", "-c", "config_file=/etc/postgresql/postgresql.conf", "-c", "hba_file=/etc/postgresql/pg_hba.conf"];
        var primaryHost = $"{name}-primary-0.{name}-headless.{DatabaseNamespace}.svc.cluster.local";
        // A replica clones the primary once (pg_basebackup -R writes standby.signal and primary_conninfo), then serves read-only.
        var replicaScript = "set -eu; if [ ! -s \"$PGDATA/PG_VERSION\" ]; then PGPASSWORD=\"$POSTGRES_PASSWORD\" pg_basebackup -h " + primaryHost +
            " -U \"$POSTGRES_USER\" -D \"$PGDATA\" -R -X stream; fi; exec " + string.Join(' ', serve);
        // A pod's `command` replaces the image ENTRYPOINT: name docker-entrypoint.sh (it initialises an empty PGDATA from
        // POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB, then execs postgres); `command: [postgres, ...]` alone never runs
        // initdb, and the primary exits on first start (found by tests/Kubernetes/Runtime).
        var tracks = new List<KubeTrack> { new("primary", DataServiceDefaults.PostgresImage, 1) { Command = ["docker-entrypoint.sh", .. serve] } };
        if (db.Replicas > 1) tracks.Add(new KubeTrack("replica", DataServiceDefaults.PostgresImage, db.Replicas - 1) { Command = ["sh", "-c", replicaScript] });
        var w = new KubeWorkload(system, name, new KubeWorkloadArgs
        {
            System = def.Name,
            Namespace = DatabaseNamespace,
            Tracks = tracks,
            ServiceTrack = "primary",
            Ports = [new ServicePort("postgres", DataServiceDefaults.PostgresPort, PortProtocol.Tcp)],
            Environment =
            [
                new("POSTGRES_DB", db.Def.Database),
                new("POSTGRES_USER", db.Def.User),
                new("POSTGRES_PASSWORD", password),
                new("POSTGRES_INITDB_ARGS", "--encoding=UTF8 --auth-host=scram-sha-256"),
                new("PGDATA", "/var/lib/postgresql/data/pgdata"),
            ],
            Files = files,
            Health = HealthCheck.Exec("pg_isready", "-q", "-h", "127.0.0.1", "-U", db.Def.User, "-d", db.Def.Database),
            User = "70:70",
            Limits = db.Limits,
            WritablePaths = ["/tmp", "/var/run/postgresql"],
            DataPath = "/var/lib/postgresql/data",
            StorageClass = profile.StorageClass,
            DataSizeGi = profile.DataSizeGi,
            Protect = profile.ProtectData,
            Component = "database",
            Kind = "Database (PostgreSQL)",
        });
        foreach (var r in w.Workloads) r.Traits.Add(Traits.Database);
        return (w, password);
    }

    private static (KubeWorkload, Value) Redis(ComponentGroup system, SystemDefinition def, ComposedCache cache, ComposedSystem c)
    {
        var profile = c.Profile;
        var name = cache.Name;
        var group = new ComponentGroup(system, name + "-secrets", "Secrets");
        var password = SecretSource.Generated().Resolve(group, name + "-password", profile.ProtectData);
        const string conf = "/usr/local/etc/redis/redis.conf";
        var primaryHost = $"{name}-primary-0.{name}-headless.{DatabaseNamespace}.svc.cluster.local";
        var tracks = new List<KubeTrack> { new("primary", DataServiceDefaults.RedisImage, 1) { Command = RedisConfig.StartCommand(conf) } };
        if (cache.Replicas > 1)
            tracks.Add(new KubeTrack("replica", DataServiceDefaults.RedisImage, cache.Replicas - 1)
            {
                Command = ["sh", "-c", ": \"${REDIS_PASSWORD:?REDIS_PASSWORD must be set}\"; exec redis-server " + conf +
                    " --requirepass \"$REDIS_PASSWORD\" --masterauth \"$REDIS_PASSWORD\" --replicaof " + primaryHost + " " + DataServiceDefaults.RedisPort.ToString(CultureInfo.InvariantCulture)],
            });
        var w = new KubeWorkload(system, name, new KubeWorkloadArgs
        {
            System = def.Name,
            Namespace = DatabaseNamespace,
            Tracks = tracks,
            ServiceTrack = "primary",
            Ports = [new ServicePort("redis", DataServiceDefaults.RedisPort, PortProtocol.Tcp)],
            Environment = [new("REDIS_PASSWORD", password), new("REDISCLI_AUTH", password)],
            Files = [new ConfigFile(conf, RedisConfig.Render(RedisSpec.For(profile.Size)))],
            Health = HealthCheck.Exec("redis-cli ping | grep -q PONG"),
            User = "999:1000",
            Limits = cache.Limits,
            WritablePaths = ["/tmp"],
            DataPath = "/data",
            StorageClass = profile.StorageClass,
            DataSizeGi = profile.DataSizeGi,
            Protect = profile.ProtectData,
            Component = "cache",
            Kind = "Cache (Redis)",
        });
        foreach (var r in w.Workloads) r.Traits.Add(Traits.Cache);
        return (w, password);
    }
}
