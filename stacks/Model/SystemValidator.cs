using Infra.Components.Core;

namespace Infra.Stacks.Model;

/// <summary>
/// Checks a system definition before composition. Each problem is one <see cref="InputException"/>
/// naming the file, the key, the bad value and what is allowed.
/// </summary>
public static class SystemValidator
{
    private static bool IsComponentName(string s) =>
        s.Length is > 0 and <= 40 && char.IsAsciiLetterLower(s[0]) && s[^1] != '-' && Text.All(s, c => Text.IsLowerAlnum(c) || c == '-');

    public static bool IsEnvName(string s) =>
        s.Length > 0 && !char.IsAsciiDigit(s[0]) && Text.All(s, c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public const string NameRule = "a lowercase DNS label: a-z, 0-9 and '-', starting with a letter, at most 40 characters";

    /// <summary>A host port and who publishes it (for clash messages).</summary>
    public sealed record HostPortClaim(int Port, string Owner, string File, string Key);

    /// <param name="overrides">Host ports a stack file set (service, port index): the stack file claims them, not the system.</param>
    public static void Validate(SystemDefinition def, IReadOnlyList<HostPortClaim>? extraClaims = null, ISet<(string Service, int Index)>? overrides = null)
    {
        var file = def.DefinedIn;
        if (!IsComponentName(def.Name)) throw new InputException(file, "name", def.Name, "must be " + NameRule);

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        void Claim(string name, string key)
        {
            if (!IsComponentName(name)) throw new InputException(file, key, name, "must be " + NameRule);
            if (names.TryGetValue(name, out var other))
                throw new InputException(file, key, name, $"duplicate name: '{other}' already uses it; every service, database, cache, proxy and monitoring stack needs its own name");
            names.Add(name, key);
        }

        var networks = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < def.Networks.Count; i++)
        {
            var n = def.Networks[i];
            if (!IsComponentName(n.Name)) throw new InputException(file, $"networks[{i}].name", n.Name, "must be " + NameRule);
            if (!networks.Add(n.Name)) throw new InputException(file, $"networks[{i}].name", n.Name, "duplicate network name");
        }
        void CheckNetworks(IEnumerable<string> used, string key)
        {
            foreach (var n in used)
                if (!networks.Contains(n))
                    throw new InputException(file, key, n, $"undefined network; defined: {(networks.Count == 0 ? "(none)" : string.Join(", ", networks))}");
        }

        if (def.Services.Count == 0) throw new InputException(file, "services", null, "a system needs at least one service");
        foreach (var s in def.Services) Claim(s.Name, $"services[{s.Name}]");
        if (def.Database is { } db)
        {
            Claim(db.Name, "database");
            CheckNetworks(db.Networks, "database.networks");
            foreach (var e in db.ExternalIn)
                if (Infra.Stacks.Profiles.EnvironmentProfile.Find(e) is null)
                    throw new InputException(file, "database.externalIn", e, "unknown environment; one of: " + Infra.Stacks.Profiles.EnvironmentProfile.Allowed);
            if (db.ExternalIn.Count > 0 && (db.ExternalUrlConfig is not { Length: > 0 } k || !char.IsAsciiLetterLower(k[0]) || !Text.All(k, char.IsAsciiLetterOrDigit)))
                throw new InputException(file, "database.externalUrlConfig", db.ExternalUrlConfig, "an external database needs the secret config key holding its URL, e.g. databaseUrl");
        }
        CheckRegistryLogins(def);
        if (def.Cache is { } cache) { Claim(cache.Name, "cache"); CheckNetworks(cache.Networks, "cache.networks"); }
        if (def.Proxy is { } proxy) { Claim(proxy.Name, "proxy"); CheckNetworks(proxy.Networks, "proxy.networks"); }
        if (def.Monitoring is { } mon) { Claim(mon.Name, "monitoring"); CheckNetworks(mon.Networks, "monitoring.networks"); }

        var claims = new List<HostPortClaim>();
        foreach (var s in def.Services)
        {
            var key = $"services[{s.Name}]";
            CheckNetworks(s.Networks, key + ".networks");
            if (s.FixedReplicas is < 1) throw new InputException(file, key + ".replicas", s.FixedReplicas.ToString(), "replicas must be at least 1");
            if (s.MinReplicas < 1) throw new InputException(file, key + ".minReplicas", s.MinReplicas.ToString(), "must be at least 1");
            if (s.MaxReplicas is { } max && max < s.MinReplicas) throw new InputException(file, key + ".maxReplicas", max.ToString(), $"must be at least the minimum ({s.MinReplicas})");
            foreach (var (envName, envOverrides) in s.EnvironmentOverrides)
            {
                if (Infra.Stacks.Profiles.EnvironmentProfile.Find(envName) is null)
                    throw new InputException(file, $"{key}.environment[{envName}]", envName, "unknown environment; one of: " + Infra.Stacks.Profiles.EnvironmentProfile.Allowed);
                foreach (var g in envOverrides.GroupBy(o => o.Key).Where(g => g.Count() > 1))
                    throw new InputException(file, $"{key}.environment[{envName}]", g.Key, "the variable is set twice");
                foreach (var o in envOverrides)
                {
                    if (!IsEnvName(o.Key)) throw new InputException(file, $"{key}.environment[{envName}]", o.Key, "variable names are letters, digits and '_', not starting with a digit");
                    if (s.SecretEnvironment.Exists(e => e.Key == o.Key)) throw new InputException(file, $"{key}.environment[{envName}]", o.Key, "the variable is a secret; secrets do not vary by environment here");
                }
            }
            if (s.Limits.Cpus <= 0 || s.Limits.MemoryMb < 16) throw new InputException(file, key + ".limits", $"{s.Limits.Cpus} CPU / {s.Limits.MemoryMb} MB", "CPU must be > 0 and memory at least 16 MB");
            var ports = new HashSet<int>();
            for (var i = 0; i < s.Ports.Count; i++)
            {
                var p = s.Ports[i];
                CheckPort(file, $"{key}.ports[{i}]", p.ContainerPort);
                if (!ports.Add(p.ContainerPort)) throw new InputException(file, $"{key}.ports[{i}]", p.ContainerPort.ToString(), "the service already listens on this port");
                if (p.HostPort is { } hp && overrides?.Contains((s.Name, i)) != true)
                {
                    CheckPort(file, $"{key}.ports[{i}].publish", hp);
                    claims.Add(new HostPortClaim(hp, $"service '{s.Name}'", file, $"{key}.ports[{i}].publish"));
                }
            }
            foreach (var (envName, _) in s.Environment.Select(e => (e.Key, e.Value)).Concat(s.SecretEnvironment.Select(e => (e.Key, "")))
                         .GroupBy(e => e.Key).Where(g => g.Count() > 1).Select(g => g.First()))
                throw new InputException(file, $"{key}.environment", envName, "the variable is set twice");
            foreach (var e in s.Environment.Select(e => e.Key).Concat(s.SecretEnvironment.Select(e => e.Key)))
                if (!IsEnvName(e)) throw new InputException(file, $"{key}.environment", e, "variable names are letters, digits and '_', not starting with a digit");
            foreach (var f in s.Files)
                if (!f.Path.StartsWith('/')) throw new InputException(file, $"{key}.files", f.Path, "config file paths must be absolute");
            if (s.DataPath is { } dp && !dp.StartsWith('/')) throw new InputException(file, $"{key}.dataVolume", dp, "must be an absolute path");
            CheckVolumesAndMigration(def, s, key);
            if (s.RequestTimeoutSeconds is { } rt)
            {
                if (rt is < 1 or > ServiceDef.MaxRequestTimeoutSeconds)
                    throw new InputException(file, key + ".requestTimeout", rt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        $"seconds, from 1 to {ServiceDef.MaxRequestTimeoutSeconds} (the proxy default is {ServiceDef.DefaultRequestTimeoutSeconds})");
                if (def.Proxy?.Routes.Exists(r => r.Service == s.Name) != true)
                    throw new InputException(file, key + ".requestTimeout", rt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        "only a service the reverse proxy routes to has a proxy timeout; add a proxy route to it or remove the timeout");
            }
            foreach (var r in s.References)
            {
                if (r == s.Name) throw new InputException(file, $"{key}.references", r, "a service cannot reference itself");
                var target = def.FindService(r);
                var isData = r == def.Database?.Name || r == def.Cache?.Name;
                if (target is null && !isData)
                    throw new InputException(file, $"{key}.references", r,
                        $"undefined service; defined: {string.Join(", ", names.Keys.Where(n => n != def.Proxy?.Name && n != def.Monitoring?.Name))}");
                if (target is not null && target.PrimaryPort is null)
                    throw new InputException(file, $"{key}.references", r, "the referenced service listens on no port");
            }
        }
        CheckReferenceCycles(def);

        if (def.Database?.DevHostPort is { } dbp) claims.Add(new HostPortClaim(dbp, $"database '{def.Database.Name}'", file, "database.devHostPort"));
        if (def.Cache?.DevHostPort is { } cp) claims.Add(new HostPortClaim(cp, $"cache '{def.Cache.Name}'", file, "cache.devHostPort"));
        if (def.Proxy is { } px)
        {
            claims.Add(new HostPortClaim(px.HttpHostPort, $"proxy '{px.Name}'", file, "proxy.httpPort"));
            if (px.HttpsHostPort is { } hp) claims.Add(new HostPortClaim(hp, $"proxy '{px.Name}'", file, "proxy.httpsPort"));
            if (px.Routes.Count == 0) throw new InputException(file, "proxy.routes", null, "a reverse proxy needs at least one route");
            foreach (var r in px.Routes)
            {
                var target = def.FindService(r.Service)
                    ?? throw new InputException(file, $"proxy.routes[{r.PathPrefix}]", r.Service, $"undefined service; defined: {string.Join(", ", def.Services.Select(s => s.Name))}");
                if (target.PrimaryPort is null) throw new InputException(file, $"proxy.routes[{r.PathPrefix}]", r.Service, "the service listens on no port");
                if (!r.PathPrefix.StartsWith('/')) throw new InputException(file, $"proxy.routes[{r.PathPrefix}]", r.PathPrefix, "path prefixes start with '/'");
            }
        }
        if (def.Monitoring is { } m)
        {
            claims.Add(new HostPortClaim(m.GrafanaHostPort, $"monitoring '{m.Name}' (Grafana)", file, "monitoring.grafanaPort"));
            if (m.PrometheusHostPort is { } pp) claims.Add(new HostPortClaim(pp, $"monitoring '{m.Name}' (Prometheus)", file, "monitoring.prometheusPort"));
            if (m.LokiHostPort is { } lp) claims.Add(new HostPortClaim(lp, $"monitoring '{m.Name}' (Loki)", file, "monitoring.lokiPort"));
            if (m.LogRetentionDays is < 1) throw new InputException(file, "monitoring.logRetentionDays", m.LogRetentionDays.ToString(), "at least 1 day");
        }
        foreach (var c in claims) CheckPort(c.File, c.Key, c.Port);
        for (var i = 0; i < def.Waivers.Count; i++)
        {
            var w = def.Waivers[i];
            if (Infra.Components.Policies.PolicyCatalog.Find(w.RuleId) is null)
                throw new InputException(file, $"waivers[{i}].rule", w.RuleId, "unknown policy rule; `infra policies` lists them");
            if (!names.ContainsKey(w.Component))
                throw new InputException(file, $"waivers[{i}].component", w.Component, $"not a component of this system; components: {string.Join(", ", names.Keys)}");
            if (string.IsNullOrWhiteSpace(w.Reason) || w.Reason.Trim().Length < 15)
                throw new InputException(file, $"waivers[{i}].reason", w.Reason, "a waiver needs a reason (at least 15 characters) saying why the rule does not apply");
        }
        CheckDepartures(def);
        CheckHostPortClashes([.. claims, .. extraClaims ?? []]);
    }

    private static void CheckDepartures(SystemDefinition def)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < def.Departures.Count; i++)
        {
            var d = def.Departures[i];
            var key = $"departures[{i}]";
            var parts = d.Id.Split('-');
            if (parts.Length != 2 || parts[0].Length != 3 || parts[1].Length != 2 || !Text.All(parts[0], char.IsAsciiDigit) || !Text.All(parts[1], char.IsAsciiDigit))
                throw new InputException(def.DefinedIn, key + ".id", d.Id, "a departure id is the seed and row number, e.g. 001-07 (the row in docs/seed-fidelity.md)");
            if (!ids.Add(d.Id)) throw new InputException(def.DefinedIn, key + ".id", d.Id, "declared twice; one departure per seed requirement");
            if (string.IsNullOrWhiteSpace(d.Requirement)) throw new InputException(def.DefinedIn, key + ".requirement", d.Requirement, "quote the seed requirement");
            if (string.IsNullOrWhiteSpace(d.Reason) || d.Reason.Trim().Length < 15)
                throw new InputException(def.DefinedIn, key + ".reason", d.Reason, "a departure needs a reason (at least 15 characters) saying why, or what is missing");
            foreach (var e in d.Environments ?? [])
                if (Infra.Stacks.Profiles.EnvironmentProfile.Find(e) is null)
                    throw new InputException(def.DefinedIn, key + ".environments", e, "unknown environment; one of: " + Infra.Stacks.Profiles.EnvironmentProfile.Allowed);
        }
    }

    public static void CheckPort(string file, string key, int port)
    {
        if (port is < 1 or > 65535) throw new InputException(file, key, port.ToString(), "ports are 1 to 65535");
    }

    private static void CheckHostPortClashes(IReadOnlyList<HostPortClaim> claims)
    {
        var byPort = new Dictionary<int, HostPortClaim>();
        foreach (var c in claims)
        {
            if (byPort.TryGetValue(c.Port, out var first))
                throw new InputException(c.File, c.Key, c.Port.ToString(),
                    $"host port {c.Port} is published twice: by {first.Owner} ({first.File}: {first.Key}) and by {c.Owner}; each host port can be published once");
            byPort.Add(c.Port, c);
        }
    }

    private static bool IsConfigKeyName(string? k) => k is { Length: > 0 } && char.IsAsciiLetterLower(k[0]) && Text.All(k, char.IsAsciiLetterOrDigit);

    /// <summary>Read-only volumes have names and absolute paths of their own; a migration runs from a service that uses the database.</summary>
    private static void CheckVolumesAndMigration(SystemDefinition def, ServiceDef s, string key)
    {
        var file = def.DefinedIn;
        foreach (var v in s.ReadOnlyVolumes)
        {
            if (!IsComponentName(v.Name) || v.Name.StartsWith("data", StringComparison.Ordinal))
                throw new InputException(file, $"{key}.readOnlyVolumes", v.Name, "must be " + NameRule + ", not starting with 'data' (the data volume's name)");
            if (!v.Path.StartsWith('/') || v.Path == s.DataPath || s.ReadOnlyVolumes.Count(o => o.Path == v.Path || o.Name == v.Name) > 1)
                throw new InputException(file, $"{key}.readOnlyVolumes[{v.Name}]", v.Path, "an absolute path, not the data volume's and not another volume's; one name per volume");
        }
        if (s.MigrationCommand.Count > 0 && (def.Database is not { } db || !s.References.Contains(db.Name)))
            throw new InputException(file, $"{key}.migration", string.Join(" ", s.MigrationCommand), "a migration runs against the database: the service must reference it (WithReference(db))");
    }

    /// <summary>Each registry login has a name, a host pattern, a secret password key and exactly one user name source.</summary>
    private static void CheckRegistryLogins(SystemDefinition def)
    {
        var file = def.DefinedIn;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var l in def.RegistryLogins)
        {
            var key = $"registryLogins[{l.Name}]";
            if (!IsComponentName(l.Name) || !seen.Add(l.Name)) throw new InputException(file, "registryLogins", l.Name, "must be " + NameRule + ", one per login");
            var colon = l.Host.IndexOf(':');
            var labels = (colon < 0 ? l.Host : l.Host[..colon]).Split('.');
            if ((labels.Length < 2 && labels[0] != "localhost") || labels.Any(x => x != "*" && (x.Length == 0 || !Text.All(x, c => Text.IsLowerAlnum(c) || c == '-')))
                || (colon >= 0 && (l.Host.Length == colon + 1 || !Text.All(l.Host.AsSpan(colon + 1), char.IsAsciiDigit))))
                throw new InputException(file, key + ".host", l.Host, "a registry host name with an optional port (e.g. ghcr.io, localhost:5000), where a label may be '*' (e.g. *.dkr.ecr.*.amazonaws.com)");
            if (!IsConfigKeyName(l.PasswordKey)) throw new InputException(file, key + ".passwordKey", l.PasswordKey, "the secret config key holding the password, e.g. githubToken");
            if ((l.Username is null) == (l.UsernameKey is null) || (l.UsernameKey is not null && !IsConfigKeyName(l.UsernameKey)) || l.Username is { Length: 0 })
                throw new InputException(file, key + ".username", l.Username ?? l.UsernameKey, "give a user name or the plain config key holding it (e.g. githubUser), not both");
            foreach (var e in l.Environments)
                if (Infra.Stacks.Profiles.EnvironmentProfile.Find(e) is null)
                    throw new InputException(file, key + ".environments", e, "unknown environment; one of: " + Infra.Stacks.Profiles.EnvironmentProfile.Allowed);
        }
    }

    private static void CheckReferenceCycles(SystemDefinition def)
    {
        var state = new Dictionary<string, int>();
        foreach (var s in def.Services) Visit(s, []);

        void Visit(ServiceDef s, List<string> path)
        {
            if (state.GetValueOrDefault(s.Name) == 2) return;
            if (state.GetValueOrDefault(s.Name) == 1)
                throw new InputException(def.DefinedIn, $"services[{path[^1]}].references", s.Name,
                    $"reference cycle: {string.Join(" -> ", path.SkipWhile(p => p != s.Name).Append(s.Name))}; services wait for what they reference, so references must not loop");
            state[s.Name] = 1;
            path.Add(s.Name);
            foreach (var r in s.References)
                if (def.FindService(r) is { } t) Visit(t, path);
            path.RemoveAt(path.Count - 1);
            state[s.Name] = 2;
        }
    }
}
