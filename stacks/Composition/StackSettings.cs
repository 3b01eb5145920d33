using HostConfig = Infra.Stacks.Targets.Host.HostConfig;
using HostServer = Infra.Stacks.Targets.Host.HostServer;
using Infra.Components.Core;
using Infra.Stacks.Profiles;
using Infra.Stacks.Systems;
using System.Text;
using System.Text.Json;
using Infra.Stacks.Model;
using YamlDotNet.RepresentationModel;

namespace Infra.Stacks.Composition;

/// <summary>An application image: pulled by reference, or built from a local context.</summary>
public sealed record ImageSetting(string Reference, string? BuildContext = null, string? Dockerfile = null)
{
    /// <summary>
    /// Not pinned in this stack: the image is read at deployment from the stack reference named here (its output
    /// <c>images</c>, one key per service); <see cref="Reference"/> then only describes where it comes from.
    /// </summary>
    public string? PromotedFrom { get; init; }

    public static ImageSetting Promoted(string stackReference) => new($"(promoted from {stackReference})") { PromotedFrom = stackReference };
}

/// <summary>
/// The shape decisions of one stack: which system, which environment, which target, images, replica
/// and host-port overrides. Read from <c>Pulumi.&lt;stack&gt;.yaml</c> (or given as flags). Secret values
/// are never read: a key of ours holding a <c>secure:</c> value is an error.
/// </summary>
public sealed record StackSettings
{
    public const string Project = "platform";
    public const string Prefix = Project + ":";

    public required string Stack { get; init; }
    public required string System { get; init; }
    public required EnvironmentProfile Environment { get; init; }
    public string Target { get; init; } = "docker";
    public IReadOnlyDictionary<string, ImageSetting> Images { get; init; } = new Dictionary<string, ImageSetting>();
    public IReadOnlyDictionary<string, int> Replicas { get; init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, int> Ports { get; init; } = new Dictionary<string, int>();
    public bool Tls { get; init; }
    /// <summary>Progressive releases per service (<c>platform:releases</c>); the Kubernetes target carries them out.</summary>
    public IReadOnlyDictionary<string, Composed.ReleaseStrategy> Releases { get; init; } = new Dictionary<string, Composed.ReleaseStrategy>();
    /// <summary>The public host name (<c>platform:host</c>) the ingress serves, with a certificate from ACME.</summary>
    public string? Host { get; init; }
    /// <summary>The ACME account e-mail (<c>platform:acmeEmail</c>) for the cluster's certificate issuer.</summary>
    public string? AcmeEmail { get; init; }
    /// <summary>Whether the stack's config holds <c>platform:kubeconfig</c> (a secret: its value is never read); null when no config was read (flags).</summary>
    public bool? HasKubeconfig { get; init; }
    /// <summary>
    /// <c>platform:promoteFrom</c>: the stack (organization/project/stack) whose exported <c>images</c> this one deploys
    /// for every service it does not pin in <c>platform:images</c>; "none" turns promotion off. Null: the default (<see cref="PromoteFrom"/>).
    /// </summary>
    public string? PromoteFromSetting { get; init; }

    /// <summary>The value that turns promotion off.</summary>
    public const string NoPromotion = "none";

    /// <summary>
    /// Where unpinned images come from, or null (dev, or "none"): by default the previous environment's stack of the same
    /// chain on the same backend: the stack name with its environment replaced (<c>staging</c> → <c>organization/platform/dev</c>,
    /// <c>pliers-prod</c> → <c>organization/platform/pliers-staging</c>), or the previous environment's name when the
    /// stack's name does not end in its environment.
    /// </summary>
    public string? PromoteFrom => PromoteFromSetting == NoPromotion ? null
        : PromoteFromSetting ?? (Environment.Name switch { "staging" => "dev", "prod" => "staging", _ => null } is { } previous
            ? $"organization/{Project}/{PreviousStack(Stack, Environment.Name, previous)}"
            : null);

    private static string PreviousStack(string stack, string environment, string previous) =>
        stack == environment ? previous
        : stack.EndsWith("-" + environment, StringComparison.Ordinal) ? stack[..^environment.Length] + previous
        : previous;

    /// <summary>The aws target's settings (<c>platform:aws</c>, a mapping), read by stacks/Targets/Aws/AwsSettings.</summary>
    public YamlNode? Aws { get; init; }
    /// <summary>The servers of the host target (<c>platform:servers</c>): existing machines or ones created on AWS.</summary>
    public IReadOnlyList<HostServer> Servers { get; init; } = [];
    /// <summary>The non-shape <c>platform:*</c> keys the stack's config holds (secrets: names only, values never read); null when no config was read (flags).</summary>
    public IReadOnlySet<string>? SecretKeys { get; init; }
    /// <summary>The file settings came from, named in errors ("--flags" when given on the command line).</summary>
    public string File { get; init; } = "(command line)";

    /// <summary>Targets with a translation (stacks/Targets/&lt;Name&gt;).</summary>
    public static readonly string[] Targets = ["docker", "kubernetes", "aws", "host"];

    /// <summary>Refuses a target with no translation, naming the key and the allowed values.</summary>
    public static void CheckTarget(string target, string file, string key = Prefix + "target")
    {
        if (Targets.Contains(target)) return;
        throw new InputException(file, key, target, $"unknown target; one of: {string.Join(", ", Targets)}");
    }

    private static bool IsStackName(string s) =>
        s.Length is > 0 and <= 100 && char.IsAsciiLetterOrDigit(s[0]) && Text.All(s, c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    public static bool IsValidImage(string reference) => ImageReference.IsValid(reference);

    public static void CheckStackName(string stack, string where)
    {
        if (!IsStackName(stack))
            throw new InputException(where, "stack", stack, "stack names are letters, digits, '-', '_' and '.', starting with a letter or digit, at most 100 characters");
    }

    /// <summary>The keys that decide the program's shape: never secrets, so their values may appear in errors.</summary>
    public static readonly string[] ShapeKeys =
        [Prefix + "system", Prefix + "environment", Prefix + "target", Prefix + "images", Prefix + "replicas", Prefix + "ports", Prefix + "tls",
         Prefix + "releases", Prefix + "host", Prefix + "acmeEmail", Prefix + "aws", HostConfig.ServersKey, Prefix + "promoteFrom",
         Prefix + "memory", Prefix + "updateTimeout"];

    /// <summary>The secret holding the cluster's kubeconfig (the Kubernetes target's provider reads it as <c>${kubeconfig}</c>).</summary>
    public const string KubeconfigKey = "kubeconfig";

    // ---- Alerting (issue 9) ----

    /// <summary>The secret webhook URL Alertmanager posts notifications to (staging/prod, where alert rules exist).</summary>
    public const string AlertWebhookKey = "alertWebhookUrl";

    /// <summary>
    /// <c>platform:memory</c>: a container memory limit in MB per service (an application service, the database, the
    /// cache or the proxy), replacing the environment's scaled limit; what is derived from the limit (PostgreSQL's
    /// shared_buffers, Redis's maxmemory) follows it. Checked against the system in the composer (names, per-server minimums).
    /// </summary>
    public IReadOnlyDictionary<string, int> Memory { get; init; } = new Dictionary<string, int>();
    /// <summary>
    /// <c>platform:updateTimeout</c>: seconds a container may take to become healthy when it is created or replaced
    /// (Docker's <c>waitTimeout</c> and the resource's Pulumi <c>customTimeouts</c>); null: derived from each health check.
    /// </summary>
    public int? UpdateTimeoutSeconds { get; init; }

    /// <summary>Bounds of <c>platform:memory</c> values; the per-server minimum is the composer's.</summary>
    public const int MaxMemoryMb = 65536;
    public const int MinUpdateTimeoutSeconds = 10;
    public const int MaxUpdateTimeoutSeconds = 3600;
    public static readonly string MemoryRule = $"a whole number of MB, at most {MaxMemoryMb}, and at least what the server needs (PostgreSQL 128, Redis 32, Traefik 64, nginx and application services 16)";
    public static readonly string UpdateTimeoutRule = $"a whole number of seconds, {MinUpdateTimeoutSeconds} to {MaxUpdateTimeoutSeconds}, longer than every health check's start period + interval × retries";

    /// <summary>Whether the stack's config holds <c>platform:alertWebhookUrl</c> (its value is never read).</summary>
    public bool HasAlertWebhook => SecretKeys?.Contains(AlertWebhookKey) == true;

    /// <summary>
    /// Under the engine the webhook URL arrives decrypted: checked for shape (http or https, no quote, space or control
    /// character: it is written single-quoted into alertmanager.yml) without ever showing it.
    /// </summary>
    private static void CheckAlertWebhook(string file, string key, YamlNode v, bool fromEngine)
    {
        if (!fromEngine)
            throw new InputException(file, key, null, $"must be a secret: pulumi config set --secret {AlertWebhookKey} https://hooks.example.com/...");
        var url = (v as YamlScalarNode)?.Value ?? "";
        var ok = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            && !url.Any(c => c is '\'' or '"' or ' ' || char.IsControl(c));
        if (!ok) throw new InputException(file, key, null, "not an http(s) URL without quotes, spaces or control characters (the value is a secret and not shown)");
    }

    // ---- end alerting ----

    /// <summary>Where the engine's config comes from when the Pulumi YAML host runs the compiler (pulumi-yaml 1.8+).</summary>
    public const string EngineConfig = "PULUMI_CONFIG";

    /// <summary>Reads <c>Pulumi.&lt;stack&gt;.yaml</c> from <paramref name="root"/>.</summary>
    public static StackSettings Load(string root, string stack)
    {
        CheckStackName(stack, "--stack");
        var fileName = $"Pulumi.{stack}.yaml";
        var path = global::System.IO.Path.Combine(root, fileName);
        if (!global::System.IO.File.Exists(path) && !Directory.Exists(path))
        {
            var known = Directory.Exists(root)
                ? Directory.GetFiles(root, "Pulumi.*.yaml").Select(f => global::System.IO.Path.GetFileName(f)[7..^5]).Where(s => s.Length > 0).Order(StringComparer.Ordinal).ToList()
                : [];
            throw new InputException(fileName, "stack", stack,
                $"unknown stack: {fileName} does not exist in {root}; stacks here: {(known.Count == 0 ? "(none)" : string.Join(", ", known))} (create one with `pulumi stack init {stack}` and set {Prefix}system)");
        }
        return Parse(StackInput.ReadStackFile(path, fileName), fileName, stack, root);
    }

    /// <summary>Settings from the text of a stack file.</summary>
    public static StackSettings Parse(string text, string file, string stack, string? root = null)
    {
        if (StackInput.Load(text, file, "(document)") is not YamlMappingNode top)
            throw new InputException(file, "(top level)", null, "a stack file is a YAML mapping with a 'config:' section");
        var entries = new List<(string Key, YamlNode Value)>();
        if (top.Children.TryGetValue(new YamlScalarNode("config"), out var configNode))
        {
            if (configNode is YamlMappingNode config)
            {
                foreach (var (k, v) in config.Children)
                    entries.Add(((k as YamlScalarNode)?.Value ?? throw new InputException(file, "config", null, "config keys must be strings"), v));
            }
            else if (configNode is not YamlScalarNode { Value: null or "" or "~" })
                throw new InputException(file, "config", null, "must be a mapping of config keys");
        }
        return FromConfig(entries, file, stack, root, fromEngine: false);
    }

    /// <summary>
    /// Settings from <c>PULUMI_CONFIG</c>, the engine's merged stack config (stack file or <c>--config-file</c>,
    /// ESC environments, project defaults; secrets decrypted): a JSON object of string to string, where objects
    /// and arrays are JSON text. Only <c>platform:*</c> keys are looked at; no value of any other key, nor of a
    /// <c>platform:*</c> key that may be a secret, ever appears in an error.
    /// </summary>
    public static StackSettings FromEngineConfig(string json, string stack, string? root)
    {
        const string file = EngineConfig;
        if (Encoding.UTF8.GetByteCount(json) > Limits.MaxConfigBytes) throw StackInput.TooLarge(file);
        var entries = new List<(string Key, YamlNode Value)>();
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = Limits.MaxDepth });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InputException(file, "(top level)", null, "must be a JSON object of config keys to string values (what the Pulumi YAML host passes)");
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!p.Name.StartsWith(Prefix, StringComparison.Ordinal)) continue; // provider and other projects' keys: never looked at
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new InputException(file, p.Name, null, "must be a string (the host passes every value as text; objects as JSON text)");
                var text = p.Value.GetString()!;
                YamlNode node = p.Name is Prefix + "images" or Prefix + "replicas" or Prefix + "ports" or Prefix + "releases" or Prefix + "aws" or HostConfig.ServersKey or Prefix + "memory"
                    ? StackInput.Load(text, file, p.Name) ?? new YamlScalarNode("")
                    : new YamlScalarNode(text);
                entries.Add((p.Name, node));
            }
        }
        catch (JsonException e)
        {
            throw new InputException(file, $"(line {(e.LineNumber ?? 0) + 1})", null, "not a JSON object of config keys to string values, or nested too deeply");
        }
        catch (ArgumentException)
        {
            throw new InputException(file, "(text)", null, "not valid Unicode text");
        }
        return FromConfig(entries, file, stack, root, fromEngine: true);
    }

    private static StackSettings FromConfig(List<(string Key, YamlNode Value)> entries, string file, string stack, string? root, bool fromEngine)
    {
        string? system = null, environment = null, target = null, host = null, acmeEmail = null;
        var releases = new Dictionary<string, Composed.ReleaseStrategy>(StringComparer.Ordinal);
        var kubeconfigSeen = false;
        YamlNode? aws = null;
        string? promoteFrom = null;
        bool tls = false;
        var images = new Dictionary<string, ImageSetting>(StringComparer.Ordinal);
        var replicas = new Dictionary<string, int>(StringComparer.Ordinal);
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var memory = new Dictionary<string, int>(StringComparer.Ordinal);
        int? updateTimeout = null;
        var otherKeys = new List<string>();
        var plainKeys = new List<string>();
        IReadOnlyList<HostServer> servers = [];
        foreach (var (key, v) in entries)
        {
            if (!key.StartsWith(Prefix, StringComparison.Ordinal)) continue; // other namespaces (docker:, aws:) are for providers
            if (v is YamlMappingNode secureNode && secureNode.Children.ContainsKey(new YamlScalarNode("secure")) && !fromEngine)
            {
                if (ShapeKeys.Contains(key))
                    throw new InputException(file, key, null, "must not be a secret: the compiler reads it to decide the program's shape");
                if (key == Prefix + KubeconfigKey) kubeconfigSeen = true;
                otherKeys.Add(key);
                continue; // secrets are for the engine, never read here
            }
            switch (key)
            {
                case "platform:system": system = Scalar(file, key, v, "one of: " + string.Join(", ", SystemCatalog.Names)); break;
                case "platform:environment": environment = Scalar(file, key, v, "one of: " + EnvironmentProfile.Allowed); break;
                case "platform:target": target = Scalar(file, key, v, "one of: " + string.Join(", ", Targets)); break;
                case "platform:tls":
                    var t = Scalar(file, key, v, "true or false");
                    tls = t switch { "true" => true, "false" => false, _ => throw new InputException(file, key, t, "must be true or false") };
                    break;
                case "platform:images":
                    foreach (var (svc, node) in Map(file, key, v, "a mapping of service name to image reference"))
                        images[svc] = Image(file, $"{key}.{svc}", node, root);
                    break;
                case "platform:replicas":
                    foreach (var (svc, node) in Map(file, key, v, "a mapping of service name to a replica count"))
                        replicas[svc] = Integer(file, $"{key}.{svc}", node, ReplicaRule);
                    break;
                case "platform:host": host = Scalar(file, key, v, "a DNS name, e.g. app.example.com"); break;
                case "platform:acmeEmail": acmeEmail = Scalar(file, key, v, "an e-mail address for the ACME account"); break;
                case "platform:releases":
                    foreach (var (svc, node) in Map(file, key, v, "a mapping of service name to {strategy: canary, step: 25} or {strategy: blue-green, active: green}"))
                        releases[svc] = Release(file, $"{key}.{svc}", node);
                    break;
                case "platform:aws": aws = v; break;
                case HostConfig.ServersKey: servers = HostConfig.Parse(file, v); break;
                case "platform:promoteFrom": promoteFrom = Scalar(file, key, v, "a stack reference organization/project/stack, or none"); break;
                case "platform:kubeconfig":
                    // Under the engine every value arrives decrypted and unmarked; in a stack file it must be a secret.
                    if (!fromEngine) throw new InputException(file, key, null, "must be a secret: pulumi config set --secret kubeconfig < ~/.kube/config");
                    kubeconfigSeen = true;
                    otherKeys.Add(key);
                    break;
                case Prefix + "memory":
                    foreach (var (svc, node) in Map(file, key, v, "a mapping of service name to a memory limit in MB"))
                    {
                        var mb = Integer(file, $"{key}.{svc}", node, MemoryRule);
                        if (mb is < 1 or > MaxMemoryMb) throw new InputException(file, $"{key}.{svc}", mb.ToString(global::System.Globalization.CultureInfo.InvariantCulture), "must be " + MemoryRule);
                        memory[svc] = mb;
                    }
                    break;
                case Prefix + "updateTimeout":
                    var ut = Integer(file, key, v, UpdateTimeoutRule);
                    if (ut is < MinUpdateTimeoutSeconds or > MaxUpdateTimeoutSeconds)
                        throw new InputException(file, key, ut.ToString(global::System.Globalization.CultureInfo.InvariantCulture), "must be " + UpdateTimeoutRule);
                    updateTimeout = ut;
                    break;
                case Prefix + AlertWebhookKey:
                    CheckAlertWebhook(file, key, v, fromEngine);
                    otherKeys.Add(key);
                    break;
                case "platform:ports":
                    foreach (var (svc, node) in Map(file, key, v, "a mapping of service name to the host port it publishes"))
                        ports[svc] = Integer(file, $"{key}.{svc}", node, Limits.HostPortRule);
                    break;
                default:
                    otherKeys.Add(key);
                    if (!fromEngine) plainKeys.Add(key[Prefix.Length..]);
                    break;
            }
        }

        if (system is null)
            throw new InputException(file, "platform:system", null, $"missing: set it to one of: {string.Join(", ", SystemCatalog.Names)} (pulumi config set platform:system pliers)");
        if (fromEngine && environment is null)
            throw new InputException(file, "platform:environment", null,
                $"missing: under Pulumi the environment comes from stack config, never from the stack name (an exported PULUMI_STACK can override the host's); set one of: {EnvironmentProfile.Allowed} (pulumi config set platform:environment dev)");
        environment ??= EnvironmentProfile.Find(stack)?.Name
            ?? throw new InputException(file, "platform:environment", null, $"missing: stack '{stack}' is not named after an environment, so set one of: {EnvironmentProfile.Allowed}");
        if (fromEngine && EnvironmentProfile.Find(stack) is { } named && named.Name != environment)
            throw new InputException(file, "platform:environment", environment,
                $"disagrees with the stack name '{stack}' (PULUMI_STACK): a stack named after an environment deploys that environment; if you did not pick stack '{stack}', an exported PULUMI_STACK is overriding the one Pulumi passes: unset it");
        var settings = Create(stack, system, environment, target ?? "docker", images, replicas, ports, tls, file) with
        {
            Releases = releases, Host = host, AcmeEmail = acmeEmail, HasKubeconfig = kubeconfigSeen, Aws = aws, PromoteFromSetting = promoteFrom,
            Servers = servers, SecretKeys = otherKeys.Select(k => k[Prefix.Length..]).ToHashSet(StringComparer.Ordinal),
            Memory = memory, UpdateTimeoutSeconds = updateTimeout,
        };
        CheckClusterInputs(settings);
        HostConfig.CheckTargetAndServers(settings);
        CheckKnownKeys(otherKeys, SystemCatalog.Find(system)!, file, servers);
        foreach (var key in StackSecretKeys(SystemCatalog.Find(system)!).Where(plainKeys.Contains))
            throw new InputException(file, Prefix + key, null, $"must be a secret (it is a password or a URL with one): pulumi config set --secret {key} ...");
        return settings;
    }

    /// <summary>The <c>platform:*</c> keys a stack may set: the shape keys and the secrets its system reads.</summary>
    public static IReadOnlyList<string> KnownKeys(SystemDefinition def) =>
    [
        .. ShapeKeys,
        .. def.Services.SelectMany(s => s.SecretEnvironment).Select(e => e.Value).OfType<ConfigSecret>().Select(c => Prefix + c.Key),
        .. StackSecretKeys(def).Select(k => Prefix + k),
        .. def.RegistryLogins.Select(l => l.UsernameKey).OfType<string>().Distinct().Select(k => Prefix + k),
        Prefix + "tlsCertificate", Prefix + "tlsPrivateKey", Prefix + KubeconfigKey,
        .. def.Monitoring is null ? Array.Empty<string>() : [Prefix + AlertWebhookKey],
    ];

    /// <summary>
    /// Secret keys the system itself declares besides its services' (the external database URL, registry passwords):
    /// in a stack file they must be <c>secure:</c> values.
    /// </summary>
    public static IEnumerable<string> StackSecretKeys(SystemDefinition def) =>
        new[] { def.Database is { ExternalIn.Count: > 0, ExternalUrlConfig: { } url } ? url : null }
            .Concat(def.RegistryLogins.Select(l => l.PasswordKey)).OfType<string>().Distinct();

    /// <summary>A misspelt or unused <c>platform:*</c> key is an error naming it and the nearest valid key (never its value: it may be a secret).</summary>
    private static void CheckKnownKeys(List<string> keys, SystemDefinition def, string file, IReadOnlyList<HostServer> servers)
    {
        if (keys.Count == 0) return;
        var known = KnownKeys(def).Concat(HostConfig.SecretKeys(servers,
            def.Services.SelectMany(s => s.SecretEnvironment).Select(e => e.Value).OfType<ConfigSecret>().Select(c => c.Key)).Select(k => Prefix + k)).Distinct().ToList();
        foreach (var key in keys)
        {
            if (known.Contains(key)) continue;
            var nearest = StackInput.Nearest(key, known);
            throw new InputException(file, key, null,
                (nearest is null ? "unknown key" : $"unknown key; did you mean {nearest}?") +
                $" (system {def.Name} reads: {string.Join(", ", known)})");
        }
    }

    private static readonly string ReplicaRule = $"a whole number of replicas, at least {Limits.MinReplicas} and at most {Limits.MaxReplicas}";

    /// <summary>Validates names and builds settings (used by the stack-file reader and by command-line flags).</summary>
    public static StackSettings Create(string stack, string system, string environment, string target,
        IReadOnlyDictionary<string, ImageSetting> images, IReadOnlyDictionary<string, int> replicas,
        IReadOnlyDictionary<string, int> ports, bool tls, string file)
    {
        if (SystemCatalog.Find(system) is null)
            throw new InputException(file, "platform:system", system, $"unknown system; one of: {string.Join(", ", SystemCatalog.Names)}");
        var profile = EnvironmentProfile.Find(environment)
            ?? throw new InputException(file, "platform:environment", environment, $"unknown environment; one of: {EnvironmentProfile.Allowed}");
        CheckTarget(target, file);
        foreach (var (svc, n) in replicas)
            if (n is < Limits.MinReplicas or > Limits.MaxReplicas)
                throw new InputException(file, $"platform:replicas.{svc}", n.ToString(global::System.Globalization.CultureInfo.InvariantCulture), ReplicaRule);
        foreach (var (svc, port) in ports)
            if (Limits.HostPortProblem(port) is { } why)
                throw new InputException(file, $"platform:ports.{svc}", port.ToString(global::System.Globalization.CultureInfo.InvariantCulture), why);
        foreach (var (svc, img) in images)
            if (!IsValidImage(img.Reference))
                throw new InputException(file, $"platform:images.{svc}", img.Reference,
                    "not a valid image reference: [registry[:port]/]name[:tag][@sha256:digest], lowercase name, e.g. ghcr.io/acme/api:1.4.2");
        return new StackSettings
        {
            Stack = stack, System = system, Environment = profile, Target = target,
            Images = images, Replicas = replicas, Ports = ports, Tls = tls, File = file,
        };
    }

    /// <summary>
    /// Checks what the cluster targets need from a stack: host name and ACME e-mail shapes, release steps, and the
    /// kubeconfig secret when the target is kubernetes and a stack's config was read (flags carry no config: the engine enforces it).
    /// </summary>
    public static void CheckClusterInputs(StackSettings s)
    {
        if (s.Host is { } host && !IsDnsName(host))
            throw new InputException(s.File, Prefix + "host", host, "not a DNS name: labels of a-z, 0-9 and '-' (not at either end), separated by dots, at most 253 characters, e.g. app.example.com");
        if (s.AcmeEmail is { } mail && !IsEmail(mail))
            throw new InputException(s.File, Prefix + "acmeEmail", mail, "not an e-mail address: local@domain.tld");
        foreach (var (svc, r) in s.Releases) CheckRelease(s.File, $"{Prefix}releases.{svc}", r);
        if (s.PromoteFromSetting is { } from and not NoPromotion)
        {
            if (!IsStackReference(from))
                throw new InputException(s.File, Prefix + "promoteFrom", from, $"not a stack reference: organization/project/stack, each part letters, digits, '-', '_' or '.', e.g. organization/{Project}/dev (the local file backend's organization is literally 'organization'), or none");
            if (from.Split('/') is [_, var project, var stack] && project == Project && stack == s.Stack)
                throw new InputException(s.File, Prefix + "promoteFrom", from, "a stack cannot promote from itself; name the previous environment's stack");
        }
        if (s.Target == "kubernetes" && s.HasKubeconfig == false)
            throw new InputException(s.File, Prefix + KubeconfigKey, null,
                "missing: the kubernetes target deploys through an explicit provider whose kubeconfig is this secret; set it with `pulumi config set --secret kubeconfig < ~/.kube/config`");
    }

    /// <summary><c>organization/project/stack</c>, the form a <c>pulumi:pulumi:StackReference</c> name takes on every backend.</summary>
    public static bool IsStackReference(string s) => s.Split('/') is [var org, var project, var stack] && IsStackName(org) && IsStackName(project) && IsStackName(stack);

    public static bool IsDnsName(string s)
    {
        if (s.Length is 0 or > 253) return false;
        foreach (var label in s.Split('.'))
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !Text.All(label, c => Text.IsLowerAlnum(c) || c == '-')) return false;
        return s.Contains('.') && !char.IsAsciiDigit(s.Split('.')[^1][0]);
    }

    private static bool IsEmail(string s)
    {
        var at = s.IndexOf('@');
        return at > 0 && at == s.LastIndexOf('@') && s.Length <= 254 && IsDnsName(s[(at + 1)..])
            && Text.All(s.AsSpan(0, at), c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+');
    }

    private static void CheckRelease(string file, string key, Composed.ReleaseStrategy r)
    {
        if (r.Kind != Composed.ReleaseKind.Canary) return;
        var steps = r.Steps ?? Composed.ReleaseStrategy.DefaultCanarySteps;
        static string Show(IEnumerable<int> xs) => string.Join(", ", xs.Select(x => x.ToString(global::System.Globalization.CultureInfo.InvariantCulture)));
        if (steps.Any(w => w is < 0 or > 100))
            throw new InputException(file, key + ".steps", Show(steps), "canary weights are percentages from 0 to 100");
        if (steps.Count == 0 || steps[^1] != 100 || steps.Zip(steps.Skip(1)).Any(p => p.First >= p.Second))
            throw new InputException(file, key + ".steps", Show(steps), "canary steps rise strictly and end at 100 (e.g. 5, 25, 50, 100)");
        if (r.Step is < 0 or > 100)
            throw new InputException(file, key + ".step", r.Step.ToString(global::System.Globalization.CultureInfo.InvariantCulture), "a canary weight is a percentage from 0 to 100");
        if (!steps.Contains(r.Step))
            throw new InputException(file, key + ".step", r.Step.ToString(global::System.Globalization.CultureInfo.InvariantCulture), $"not one of the steps: {Show(steps)}");
    }

    private static Composed.ReleaseStrategy Release(string file, string key, YamlNode node)
    {
        if (node is not YamlMappingNode m) throw new InputException(file, key, null, "must be {strategy: canary, step: 25} or {strategy: blue-green, active: green}");
        string? Get(string k) => m.Children.TryGetValue(new YamlScalarNode(k), out var n) ? Scalar(file, $"{key}.{k}", n, "a plain value") : null;
        foreach (var (k, _) in m.Children)
            if ((k as YamlScalarNode)?.Value is not ("strategy" or "step" or "steps" or "image" or "active" or "blue" or "green"))
                throw new InputException(file, key, null, "keys are strategy, step, steps, image (canary) and active, blue, green (blue-green)");
        string? ImageOf(string k)
        {
            var reference = Get(k);
            if (reference is not null && !IsValidImage(reference))
                throw new InputException(file, $"{key}.{k}", reference, "not a valid image reference: [registry[:port]/]name[:tag][@sha256:digest], e.g. ghcr.io/acme/api:1.4.3");
            return reference;
        }
        switch (Get("strategy"))
        {
            case "canary":
                var step = Get("step") is { } st ? Integer(file, key + ".step", new YamlScalarNode(st), "a weight in percent, 0 to 100") : Composed.ReleaseStrategy.DefaultCanarySteps[0];
                List<int>? steps = null;
                if (m.Children.TryGetValue(new YamlScalarNode("steps"), out var sn))
                {
                    if (sn is not YamlSequenceNode seq) throw new InputException(file, key + ".steps", null, "a list of weights ending at 100, e.g. [5, 25, 50, 100]");
                    steps = [.. seq.Children.Select((c, i) => Integer(file, $"{key}.steps[{i}]", c, "a weight in percent, 0 to 100"))];
                }
                return new Composed.ReleaseStrategy(Composed.ReleaseKind.Canary, Step: step, Steps: steps) { CanaryImage = ImageOf("image") };
            case "blue-green":
                var active = Get("active") ?? "blue";
                if (active is not ("blue" or "green")) throw new InputException(file, key + ".active", active, "blue or green");
                return new Composed.ReleaseStrategy(Composed.ReleaseKind.BlueGreen, active) { BlueImage = ImageOf("blue"), GreenImage = ImageOf("green") };
            case var other:
                throw new InputException(file, key + ".strategy", other, "canary or blue-green");
        }
    }

    private static string Scalar(string file, string key, YamlNode node, string allowed) =>
        node is YamlScalarNode { Value: { Length: > 0 } s } ? s : throw new InputException(file, key, null, "must be a plain value: " + allowed);

    private static int Integer(string file, string key, YamlNode node, string allowed)
    {
        var s = Scalar(file, key, node, allowed);
        // Out of int range ("2147483648", "1e9") is refused here, in our words, like any other non-number.
        return int.TryParse(s, global::System.Globalization.NumberStyles.AllowLeadingSign, global::System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : throw new InputException(file, key, s, "must be " + allowed);
    }

    private static IEnumerable<(string, YamlNode)> Map(string file, string key, YamlNode node, string allowed)
    {
        if (node is not YamlMappingNode map) throw new InputException(file, key, (node as YamlScalarNode)?.Value, "must be " + allowed);
        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? throw new InputException(file, key, null, "keys must be service names");
            if (!Names.IsValid(name))
                throw new InputException(file, $"{key}.{name}", null, $"not a service name: lowercase letters, digits and '-', starting with a letter, at most {Names.MaxLength} characters");
            yield return (name, v);
        }
    }

    private static ImageSetting Image(string file, string key, YamlNode node, string? root)
    {
        if (node is YamlScalarNode { Value: { } s }) return new ImageSetting(s);
        if (node is YamlMappingNode m)
        {
            string? Get(string k) => m.Children.TryGetValue(new YamlScalarNode(k), out var n) ? (n as YamlScalarNode)?.Value : null;
            var tag = Get("tag") ?? throw new InputException(file, key + ".tag", null, "a build needs 'tag' (the image name to build, e.g. pliers/api:dev)");
            var context = Get("build") ?? throw new InputException(file, key + ".build", null, "a build needs 'build' (the context directory)");
            var dockerfile = Get("dockerfile");
            root ??= Directory.GetCurrentDirectory();
            if (StackInput.PathProblem(root, context) is { } why)
                throw new InputException(file, key + ".build", context, "the build context " + why);
            if (dockerfile is not null && StackInput.PathProblem(root, dockerfile, global::System.IO.Path.GetFullPath(global::System.IO.Path.Combine(root, context))) is { } whyFile)
                throw new InputException(file, key + ".dockerfile", dockerfile, "the Dockerfile " + whyFile);
            return new ImageSetting(tag, context, dockerfile);
        }
        throw new InputException(file, key, null, "must be an image reference or {build: DIR, tag: NAME, dockerfile: FILE}");
    }
}
