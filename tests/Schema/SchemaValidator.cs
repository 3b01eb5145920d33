using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Schema;

/// <summary>One finding. <see cref="Path"/> is like <c>resources.api.properties.ports[0].internal</c>.</summary>
public sealed record SchemaError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// Offline checker for a Pulumi YAML program against the provider schemas: template sections, resource
/// tokens and properties (names, types, required), references, options and built-in functions.
/// All findings are collected.
/// </summary>
public sealed partial class SchemaValidator
{
    private readonly ProviderSchemas _schemas;

    public SchemaValidator(ProviderSchemas schemas) => _schemas = schemas ?? throw new ArgumentNullException(nameof(schemas));

    public IReadOnlyList<SchemaError> Validate(string programYaml)
    {
        ArgumentNullException.ThrowIfNull(programYaml);
        return new Run(_schemas).Execute(programYaml);
    }

    private enum VK { Null, Bool, Int, Float, Str, Interp, Expr, Map, Seq, Fn }

    private enum FnResult { Unknown, String, Number, List, Asset, Archive }

    private readonly record struct Value(VK Kind, YamlNode Node, string? Text = null, PropertyPath? Pure = null, string? FnName = null, YamlNode? FnArg = null);

    private sealed partial class Run(ProviderSchemas schemas)
    {
        private static readonly string[] TopLevelKeys = ["name", "description", "config", "variables", "resources", "outputs", "pulumi"];
        private static readonly string[] ResourceKeys = ["type", "name", "properties", "options", "get", "defaultProvider"];
        private static readonly string[] OptionKeys =
        [
            "dependsOn", "parent", "provider", "providers", "protect", "retainOnDelete", "deleteBeforeReplace", "ignoreChanges",
            "replaceOnChanges", "additionalSecretOutputs", "hideDiffs", "import", "version", "pluginDownloadURL", "customTimeouts",
            "aliases", "deletedWith", "replaceWith", "replacementTrigger", "envVarMappings",
        ];
        private static readonly string[] PulumiBuiltins = ["stack", "project", "organization", "cwd", "rootDirectory"];
        private static readonly string[] BuiltinFunctions =
        [
            "invoke", "join", "split", "select", "toJSON", "toBase64", "fromBase64", "secret", "unsecret", "readFile", "filebase64",
            "filebase64sha256", "sha1", "length", "singleOrNone", "pulumiResourceName", "pulumiResourceType", "stringAsset", "fileAsset",
            "remoteAsset", "fileArchive", "remoteArchive", "assetArchive", "stackReference",
        ];
        private static readonly string[] ConfigDeclKeys = ["type", "default", "secret", "name", "items", "value"];
        private static readonly string[] ConfigScalarTypes = ["string", "number", "int", "integer", "bool", "boolean", "object"];

        private List<SchemaError> _errors = [];
        private readonly Dictionary<string, ResourceInfo?> _resources = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _resourceProblems = new(StringComparer.Ordinal);
        private readonly HashSet<string> _variables = new(StringComparer.Ordinal);
        private readonly HashSet<string> _config = new(StringComparer.Ordinal);
        private string? _programName;

        private void Error(string path, string message) => _errors.Add(new SchemaError(path, message));

        public IReadOnlyList<SchemaError> Execute(string yaml)
        {
            var rootNode = BuildTree(yaml);
            if (rootNode == null) return _errors;
            if (rootNode is not YamlMappingNode root)
            {
                Error("", "the program must be a YAML mapping at the top level");
                return _errors;
            }

            var sections = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (k, v) in root.Children)
            {
                var key = KeyText(k, "");
                if (key == null) continue;
                if (!TopLevelKeys.Contains(key, StringComparer.Ordinal))
                {
                    var hint = TopLevelKeys.FirstOrDefault(t => t.Equals(key, StringComparison.OrdinalIgnoreCase));
                    Error(key, hint != null
                        ? $"unknown top-level key '{key}' (did you mean '{hint}'? keys are case-sensitive)"
                        : $"unknown top-level key '{key}'; allowed: {string.Join(", ", TopLevelKeys)}");
                    continue;
                }
                sections[key] = v;
            }

            if (sections.TryGetValue("name", out var nameNode))
            {
                if (nameNode is YamlScalarNode ns && ClassifyScalar(ns).Kind == VK.Str) _programName = ns.Value;
                else Error("name", "the project name must be a literal string");
            }
            if (sections.TryGetValue("description", out var desc) && desc is not YamlScalarNode)
                Error("description", "description must be a string");
            if (sections.TryGetValue("pulumi", out var pulumiNode)) CheckPulumiSection(pulumiNode);

            var configMap = SectionMap(sections, "config");
            var variablesMap = SectionMap(sections, "variables");
            var resourcesMap = SectionMap(sections, "resources");
            var outputsMap = SectionMap(sections, "outputs");

            CollectNames(configMap, variablesMap, resourcesMap);

            if (configMap != null) CheckConfig(configMap);
            if (resourcesMap != null)
                foreach (var (k, v) in resourcesMap.Children)
                    if (k is YamlScalarNode ks && ks.Value != null)
                        CheckResource(ks.Value, v);
            if (variablesMap != null)
                foreach (var (k, v) in variablesMap.Children)
                    if (k is YamlScalarNode ks && ks.Value != null)
                        Walk(v, "variables." + ks.Value);
            if (outputsMap != null)
                foreach (var (k, v) in outputsMap.Children)
                    if (KeyText(k, "outputs") is { } key)
                        Walk(v, "outputs." + key);
            return _errors;
        }

        // ---------------------------------------------------------------- YAML level

        /// <summary>
        /// Build the node tree from parser events, reporting anchors, aliases (resolved to the anchored node),
        /// duplicate keys (the first one is kept) and the document count. Null when there is nothing to validate.
        /// </summary>
        private YamlNode? BuildTree(string yaml)
        {
            var frames = new Stack<Frame>();
            var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            var documents = 0;
            YamlNode? root = null;
            try
            {
                var parser = new Parser(new StringReader(yaml));
                while (parser.MoveNext())
                {
                    var ev = parser.Current!;
                    switch (ev)
                    {
                        case DocumentStart:
                            documents++;
                            frames.Clear();
                            break;
                        case MappingEnd:
                        case SequenceEnd:
                            frames.Pop();
                            break;
                        case NodeEvent or AnchorAlias:
                        {
                            var path = "";
                            Frame? parent = frames.Count > 0 ? frames.Peek() : null;
                            var isKey = false;
                            if (parent != null)
                            {
                                if (parent.Node is YamlMappingNode)
                                {
                                    isKey = parent.PendingKey == null;
                                    if (isKey)
                                    {
                                        var keyText = ev is Scalar ks ? ks.Value : "?";
                                        parent.CurrentKey = keyText;
                                        parent.Duplicate = !parent.Keys.Add(keyText);
                                        if (parent.Duplicate)
                                            Error(Join(parent.Path, keyText), $"duplicate key '{keyText}' (line {ev.Start.Line}); only the first is validated");
                                    }
                                    path = Join(parent.Path, parent.CurrentKey);
                                }
                                else
                                {
                                    path = $"{parent.Path}[{parent.Index++}]";
                                }
                            }
                            YamlNode node;
                            if (ev is AnchorAlias alias)
                            {
                                Error(path, $"YAML alias '*{alias.Value.Value}' is not allowed (line {ev.Start.Line}); Pulumi YAML rejects anchors and aliases");
                                node = anchors.TryGetValue(alias.Value.Value, out var target) ? target : new YamlScalarNode("");
                            }
                            else
                            {
                                node = ev switch
                                {
                                    Scalar sc => new YamlScalarNode(sc.Value) { Style = sc.Style, Tag = sc.Tag },
                                    MappingStart => new YamlMappingNode(),
                                    _ => new YamlSequenceNode(),
                                };
                                var ne = (NodeEvent)ev;
                                if (!ne.Anchor.IsEmpty)
                                {
                                    Error(path, $"YAML anchor '&{ne.Anchor.Value}' is not allowed (line {ev.Start.Line}); Pulumi YAML rejects anchors and aliases");
                                    anchors[ne.Anchor.Value] = node;
                                }
                            }
                            if (parent == null)
                            {
                                if (documents == 1) root = node;
                            }
                            else if (parent.Node is YamlSequenceNode ps)
                            {
                                ps.Add(node);
                            }
                            else if (isKey)
                            {
                                parent.PendingKey = node;
                            }
                            else
                            {
                                if (!parent.Duplicate) ((YamlMappingNode)parent.Node).Add(parent.PendingKey!, node);
                                parent.PendingKey = null;
                            }
                            if (ev is MappingStart or SequenceStart) frames.Push(new Frame(node, path));
                            break;
                        }
                    }
                }
            }
            catch (YamlException ex)
            {
                Error("", $"YAML syntax error at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}");
                return null;
            }
            if (documents > 1) Error("", $"expected exactly one YAML document, found {documents}");
            if (documents == 0 || root == null)
            {
                Error("", "the program is empty");
                return null;
            }
            return root;
        }

        private sealed class Frame(YamlNode node, string path)
        {
            public YamlNode Node { get; } = node;
            public string Path { get; } = path;
            public YamlNode? PendingKey { get; set; }
            public string CurrentKey { get; set; } = "";
            public bool Duplicate { get; set; }
            public int Index { get; set; }
            public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
        }
        private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

        private string? KeyText(YamlNode key, string path)
        {
            if (key is YamlScalarNode s && s.Value != null) return s.Value;
            Error(path, "mapping keys must be strings");
            return null;
        }

        private YamlMappingNode? SectionMap(Dictionary<string, YamlNode> sections, string name)
        {
            if (!sections.TryGetValue(name, out var node)) return null;
            if (node is YamlMappingNode m) return m;
            if (node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s && PlainType(s.Value ?? "") == VK.Null) return null;
            Error(name, $"'{name}' must be a mapping");
            return null;
        }

        private static bool IsStringScalar(YamlScalarNode s) =>
            s.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || (s.Tag.IsGlobal && s.Tag.Value == "tag:yaml.org,2002:str") || PlainType(s.Value ?? "") == VK.Str;

        [GeneratedRegex("^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$")]
        private static partial Regex IntRegex();

        [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")]
        private static partial Regex FloatRegex();

        /// <summary>YAML 1.2 core schema typing of a plain scalar.</summary>
        private static VK PlainType(string v)
        {
            if (v is "" or "~" or "null" or "Null" or "NULL") return VK.Null;
            if (v is "true" or "True" or "TRUE" or "false" or "False" or "FALSE") return VK.Bool;
            if (IntRegex().IsMatch(v)) return VK.Int;
            if (FloatRegex().IsMatch(v)) return VK.Float;
            return VK.Str;
        }

        private static Value ClassifyScalar(YamlScalarNode s)
        {
            var text = s.Value ?? "";
            if (!IsStringScalar(s)) return new Value(PlainType(text), s, text);
            var interp = Expressions.Parse(text);
            if (interp.Pure is { } pure) return new Value(VK.Expr, s, text, pure);
            if (interp.HasReferences) return new Value(VK.Interp, s, text);
            return new Value(VK.Str, s, text);
        }

        private static Value Classify(YamlNode node)
        {
            switch (node)
            {
                case YamlScalarNode s:
                    return ClassifyScalar(s);
                case YamlSequenceNode:
                    return new Value(VK.Seq, node);
                case YamlMappingNode m:
                    if (m.Children.Count == 1)
                    {
                        var (k, v) = m.Children.First();
                        if (k is YamlScalarNode { Value: { } key } && key.StartsWith("fn::", StringComparison.Ordinal))
                            return new Value(VK.Fn, node, FnName: key[4..], FnArg: v);
                    }
                    return new Value(VK.Map, node);
                default:
                    return new Value(VK.Null, node);
            }
        }

        private static string Describe(Value v) => v.Kind switch
        {
            VK.Null => "null",
            VK.Bool => $"boolean {v.Text}",
            VK.Int or VK.Float => $"number {v.Text}",
            VK.Str => $"string \"{Truncate(v.Text)}\"",
            VK.Interp => $"interpolated string \"{Truncate(v.Text)}\"",
            VK.Expr => $"expression {v.Text}",
            VK.Map => "a mapping",
            VK.Seq => "a list",
            VK.Fn => $"fn::{v.FnName}",
            _ => v.Kind.ToString(),
        };

        private static string Truncate(string? s) => s == null ? "" : s.Length > 60 ? s[..57] + "..." : s;

        // ---------------------------------------------------------------- names

        private void CollectNames(YamlMappingNode? config, YamlMappingNode? variables, YamlMappingNode? resources)
        {
            var owners = new Dictionary<string, string>(StringComparer.Ordinal);
            void Claim(string key, string section)
            {
                var path = section + "." + key;
                if (key == "pulumi") Error(path, "'pulumi' is reserved and cannot be used as a resource, variable or config key");
                if (owners.TryGetValue(key, out var other) && other != section)
                    Error(path, $"'{key}' is declared both in {other} and in {section}; resources, variables and config share one namespace");
                else owners[key] = section;
            }
            if (config != null)
                foreach (var (k, _) in config.Children)
                    if (KeyText(k, "config") is { } key)
                    {
                        Claim(key, "config");
                        _config.Add(key);
                        var colon = key.IndexOf(':');
                        if (colon > 0 && _programName != null && key[..colon] == _programName) _config.Add(key[(colon + 1)..]);
                    }
            if (variables != null)
                foreach (var (k, _) in variables.Children)
                    if (KeyText(k, "variables") is { } key)
                    {
                        Claim(key, "variables");
                        _variables.Add(key);
                    }
            if (resources != null)
                foreach (var (k, v) in resources.Children)
                    if (KeyText(k, "resources") is { } key)
                    {
                        Claim(key, "resources");
                        if (!ResourceKeyRegex().IsMatch(key))
                            Error("resources." + key, $"resource key '{key}' should match ^[A-Za-z][A-Za-z0-9_-]*$");
                        ResourceInfo? info = null;
                        if (v is YamlMappingNode rm && rm.Children.TryGetValue(new YamlScalarNode("type"), out var t)
                            && t is YamlScalarNode { Value: { } token } ts && ClassifyScalar(ts).Kind == VK.Str)
                        {
                            info = schemas.ResolveResource(token, out var problem);
                            if (info == null) _resourceProblems[key] = problem;
                        }
                        _resources[key] = info;
                    }
        }

        [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
        private static partial Regex ResourceKeyRegex();

        private bool IsConfigKey(string root)
        {
            if (_config.Contains(root)) return true;
            var colon = root.IndexOf(':');
            return colon > 0 && (_programName == null || root[..colon] == _programName) && _config.Contains(root[(colon + 1)..]);
        }

        // ---------------------------------------------------------------- sections

        private void CheckPulumiSection(YamlNode node)
        {
            if (node is not YamlMappingNode m)
            {
                Error("pulumi", "'pulumi' must be a mapping with only 'requiredVersion'");
                return;
            }
            foreach (var (k, v) in m.Children)
            {
                var key = KeyText(k, "pulumi");
                if (key == null) continue;
                if (key != "requiredVersion") Error("pulumi." + key, $"unknown key '{key}' in 'pulumi'; only 'requiredVersion' is allowed");
                else if (v is not YamlScalarNode) Error("pulumi.requiredVersion", "requiredVersion must be a string");
            }
        }

        private void CheckConfig(YamlMappingNode config)
        {
            foreach (var (k, v) in config.Children)
            {
                if (k is not YamlScalarNode { Value: { } key }) continue;
                var path = "config." + key;
                if (v is not YamlMappingNode decl)
                {
                    Error(path, $"config declaration must be a mapping such as {{type: string}}, got {Describe(Classify(v))}");
                    continue;
                }
                string? type = null;
                YamlNode? def = null;
                foreach (var (dk, dv) in decl.Children)
                {
                    var field = KeyText(dk, path);
                    if (field == null) continue;
                    var fpath = path + "." + field;
                    if (!ConfigDeclKeys.Contains(field, StringComparer.Ordinal))
                    {
                        Error(fpath, $"unknown config declaration field '{field}'; allowed: {string.Join(", ", ConfigDeclKeys)}");
                        continue;
                    }
                    switch (field)
                    {
                        case "type":
                            if (dv is YamlScalarNode ts && ts.Value is { } tv && ValidConfigType(tv)) type = tv;
                            else Error(fpath, $"invalid config type {Describe(Classify(dv))}; expected string, number, int, integer, bool, boolean, object or List<T>");
                            break;
                        case "default":
                            def = dv;
                            break;
                        case "secret":
                            if (Classify(dv).Kind != VK.Bool) Error(fpath, "secret must be a literal boolean");
                            break;
                        case "name":
                            if (Classify(dv).Kind != VK.Str) Error(fpath, "name must be a literal string (the config key to read)");
                            break;
                    }
                }
                if (type == null && def == null && !decl.Children.ContainsKey(new YamlScalarNode("type")))
                    Error(path, "unable to infer type: either 'default' or 'type' is required");
                if (type != null && def != null && !DefaultMatches(type, def))
                    Error(path + ".default", $"default value {Describe(Classify(def))} does not match type '{type}'");
            }
        }

        private static bool ValidConfigType(string t)
        {
            if (ConfigScalarTypes.Contains(t, StringComparer.OrdinalIgnoreCase)) return true;
            if (t.StartsWith("List<", StringComparison.OrdinalIgnoreCase) && t.EndsWith('>'))
                return ConfigScalarTypes.Contains(t[5..^1], StringComparer.OrdinalIgnoreCase);
            return false;
        }

        private static bool DefaultMatches(string type, YamlNode def)
        {
            var v = Classify(def);
            var t = type.ToLowerInvariant();
            if (t.StartsWith("list<", StringComparison.Ordinal))
                return def is YamlSequenceNode seq && seq.Children.Count > 0 && seq.Children.All(c => DefaultMatches(type[5..^1], c));
            return t switch
            {
                "string" => v.Kind is VK.Str,
                "number" => v.Kind is VK.Int or VK.Float,
                "int" or "integer" => v.Kind == VK.Int || (v.Kind == VK.Float && IsIntegral(v.Text)),
                "bool" or "boolean" => v.Kind == VK.Bool,
                "object" => v.Kind == VK.Map,
                _ => true,
            };
        }

        private static bool IsIntegral(string? text) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && Math.Abs(d % 1) == 0 && !double.IsInfinity(d);

        // ---------------------------------------------------------------- resources

        private void CheckResource(string key, YamlNode node)
        {
            var path = "resources." + key;
            if (node is not YamlMappingNode m)
            {
                Error(path, $"a resource must be a mapping with 'type', got {Describe(Classify(node))}");
                return;
            }
            var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (k, v) in m.Children)
            {
                var field = KeyText(k, path);
                if (field == null) continue;
                if (!ResourceKeys.Contains(field, StringComparer.Ordinal))
                {
                    var hint = OptionKeys.Contains(field, StringComparer.Ordinal) ? " (it is a resource option: move it under 'options')"
                        : " (if it is an input property, move it under 'properties')";
                    Error(path + "." + field, $"invalid resource key '{field}'; allowed: {string.Join(", ", ResourceKeys)}{hint}");
                    continue;
                }
                fields[field] = v;
            }
            _resources.TryGetValue(key, out var info);
            if (!fields.TryGetValue("type", out var typeNode))
                Error(path, "resource is missing the required key 'type'");
            else if (typeNode is not YamlScalarNode ts || ClassifyScalar(ts).Kind != VK.Str)
                Error(path + ".type", "type must be a literal type token string");
            else if (_resourceProblems.TryGetValue(key, out var problem))
                Error(path + ".type", problem);

            if (fields.ContainsKey("properties") && fields.ContainsKey("get"))
                Error(path, "resource fields properties and get are mutually exclusive");

            if (fields.TryGetValue("name", out var nameNode))
            {
                if (nameNode is not YamlScalarNode) Error(path + ".name", "name must be a string");
                Walk(nameNode, path + ".name");
            }

            if (fields.TryGetValue("defaultProvider", out var dp))
            {
                if (Classify(dp).Kind != VK.Bool) Error(path + ".defaultProvider", "defaultProvider must be a literal boolean");
                if (info is { IsProvider: false }) Error(path + ".defaultProvider", "cannot set defaultProvider on non-provider resource");
            }

            if (fields.TryGetValue("properties", out var props))
            {
                var pv = Classify(props);
                var ppath = path + ".properties";
                if (pv.Kind == VK.Map)
                {
                    if (info != null)
                        CheckObject((YamlMappingNode)props, info.Inputs, info.RequiredInputs, info.Package, ppath, info.Token, checkRequired: true);
                }
                else if (pv.Kind == VK.Null)
                {
                    if (info != null) CheckRequired([], info.RequiredInputs, ppath, info.Token);
                }
                else if (pv.Kind != VK.Expr)
                {
                    Error(ppath, $"properties must be a mapping (or a single ${{...}} expression), got {Describe(pv)}");
                }
                Walk(props, ppath);
            }
            else if (!fields.ContainsKey("get") && info != null)
            {
                CheckRequired([], info.RequiredInputs, path, info.Token);
            }

            if (fields.TryGetValue("get", out var get)) CheckGet(get, info, path + ".get");
            if (fields.TryGetValue("options", out var options)) CheckOptions(options, info, path + ".options");
        }

        private void CheckGet(YamlNode get, ResourceInfo? info, string path)
        {
            if (get is not YamlMappingNode gm)
            {
                Error(path, "get must be a mapping {id, state}");
                return;
            }
            var hasId = false;
            foreach (var (k, v) in gm.Children)
            {
                var key = KeyText(k, path);
                if (key == null) continue;
                if (key == "id")
                {
                    hasId = true;
                    var kind = Classify(v).Kind;
                    if (kind is not (VK.Str or VK.Interp or VK.Expr or VK.Fn)) Error(path + ".id", "get.id must be a string");
                    Walk(v, path + ".id");
                }
                else if (key == "state")
                {
                    if (v is YamlMappingNode sm)
                    {
                        if (info != null) CheckObject(sm, info.Inputs, [], info.Package, path + ".state", info.Token, checkRequired: false);
                    }
                    else Error(path + ".state", "get.state must be a mapping");
                    Walk(v, path + ".state");
                }
                else Error(path + "." + key, $"unknown key '{key}' in get; allowed: id, state");
            }
            if (!hasId) Error(path, "get requires 'id'");
        }

        // ---------------------------------------------------------------- type checking

        private void CheckObject(YamlMappingNode m, JsonElement? props, IReadOnlyList<string> required, PackageSchema? pkg,
            string path, string owner, bool checkRequired)
        {
            var present = new List<string>();
            foreach (var (k, v) in m.Children)
            {
                if (k is not YamlScalarNode { Value: { } key })
                {
                    Error(path, "property names must be strings");
                    continue;
                }
                present.Add(key);
                if (props is { } p && p.TryGetProperty(key, out var spec))
                {
                    CheckType(v, spec, pkg, Join(path, key));
                }
                else
                {
                    var valid = props is { } pp ? pp.EnumerateObject().Select(x => x.Name).ToList() : [];
                    Error(Join(path, key), valid.Count == 0
                        ? $"unknown property '{key}': {owner} has no input properties"
                        : $"unknown property '{key}' on {owner}; valid properties include: {string.Join(", ", Suggest(key, valid))}");
                }
            }
            if (checkRequired) CheckRequired(present, required, path, owner);
        }

        private void CheckRequired(IReadOnlyCollection<string> present, IReadOnlyList<string> required, string path, string owner)
        {
            foreach (var r in required)
                if (!present.Contains(r))
                    Error(path, $"missing required property '{r}' of {owner}");
        }

        private static IEnumerable<string> Suggest(string key, List<string> valid) =>
            valid.OrderBy(v => Levenshtein(key.ToLowerInvariant(), v.ToLowerInvariant())).ThenBy(v => v, StringComparer.Ordinal).Take(6);

        private static int Levenshtein(string a, string b)
        {
            var d = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++) d[j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                var prev = d[0];
                d[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var tmp = d[j];
                    d[j] = Math.Min(Math.Min(d[j] + 1, d[j - 1] + 1), prev + (a[i - 1] == b[j - 1] ? 0 : 1));
                    prev = tmp;
                }
            }
            return d[b.Length];
        }

        private static string? Str(JsonElement el, string name) =>
            el.ValueKind == JsonValueKind.Object && el.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static string DescribeSpec(JsonElement spec)
        {
            if (Str(spec, "$ref") is { } r) return r.StartsWith("#/types/", StringComparison.Ordinal) ? r[8..] : r;
            if (spec.TryGetProperty("oneOf", out var one) && one.ValueKind == JsonValueKind.Array)
                return "one of (" + string.Join(" | ", one.EnumerateArray().Select(DescribeSpec)) + ")";
            var t = Str(spec, "type") ?? "any";
            if (t == "array" && spec.TryGetProperty("items", out var items)) return $"array of {DescribeSpec(items)}";
            if (t == "object" && spec.TryGetProperty("additionalProperties", out var ap)) return $"map of {DescribeSpec(ap)}";
            return t;
        }

        private static FnResult ResultOf(string fnName) => fnName.ToLowerInvariant() switch
        {
            "tojson" or "join" or "tobase64" or "frombase64" or "readfile" or "sha1" or "filebase64" or "filebase64sha256" => FnResult.String,
            "length" => FnResult.Number,
            "split" => FnResult.List,
            "stringasset" or "fileasset" or "remoteasset" => FnResult.Asset,
            "filearchive" or "remotearchive" or "assetarchive" => FnResult.Archive,
            _ => FnResult.Unknown,
        };

        private void CheckType(YamlNode node, JsonElement spec, PackageSchema? pkg, string path)
        {
            var v = Classify(node);
            if (v.Kind == VK.Null) return;
            if (v.Kind == VK.Fn && v.FnName!.ToLowerInvariant() is "secret" or "unsecret")
            {
                CheckType(v.FnArg!, spec, pkg, path);
                return;
            }
            var fnResult = v.Kind == VK.Fn ? ResultOf(v.FnName!) : FnResult.Unknown;
            if (v.Kind == VK.Fn && fnResult == FnResult.Unknown) return;

            if (Str(spec, "$ref") is { } reference)
            {
                var target = schemas.ResolveRef(reference, pkg);
                switch (target.Kind)
                {
                    case RefKind.Any:
                    case RefKind.Unknown:
                        return;
                    case RefKind.Asset:
                        if (v.Kind != VK.Expr && fnResult is not (FnResult.Asset or FnResult.Archive))
                            Error(path, $"expected an asset or archive (fn::stringAsset, fn::fileAsset, fn::remoteAsset, fn::fileArchive, fn::remoteArchive, fn::assetArchive), got {Describe(v)}");
                        return;
                    case RefKind.Archive:
                        if (v.Kind != VK.Expr && fnResult != FnResult.Archive)
                            Error(path, $"expected an archive (fn::fileArchive, fn::remoteArchive, fn::assetArchive), got {Describe(v)}");
                        return;
                    case RefKind.Resource:
                        CheckResourceRef(v, target.Token, path);
                        return;
                    case RefKind.Type:
                        if (target.Type.TryGetProperty("enum", out var en) && en.ValueKind == JsonValueKind.Array)
                        {
                            CheckPrimitive(v, Str(target.Type, "type") ?? "string", spec, path, target.Token);
                            if (v.Kind is VK.Str or VK.Int or VK.Float or VK.Bool)
                            {
                                var allowed = en.EnumerateArray().Select(e => e.TryGetProperty("value", out var ev) ? ev.ToString() : e.ToString()).ToList();
                                if (!allowed.Contains(v.Text!, StringComparer.Ordinal))
                                    Error(path, $"value \"{v.Text}\" is not allowed for enum {target.Token}; allowed: {string.Join(", ", allowed)}");
                            }
                            return;
                        }
                        if (v.Kind == VK.Expr) return;
                        if (v.Kind != VK.Map)
                        {
                            Error(path, $"expected object {target.Token}, got {Describe(v)}");
                            return;
                        }
                        CheckObject((YamlMappingNode)node, PackageSchema.Prop(target.Type, "properties"), PackageSchema.Strings(target.Type, "required"),
                            target.Package, path, target.Token, checkRequired: true);
                        return;
                }
                return;
            }

            if (spec.TryGetProperty("oneOf", out var oneOf) && oneOf.ValueKind == JsonValueKind.Array)
            {
                CheckOneOf(node, v, oneOf, pkg, path);
                return;
            }

            if (v.Kind == VK.Expr) return;
            var type = Str(spec, "type");
            switch (type)
            {
                case "array":
                    if (v.Kind == VK.Seq)
                    {
                        var seq = (YamlSequenceNode)node;
                        if (spec.TryGetProperty("items", out var items))
                            for (var i = 0; i < seq.Children.Count; i++)
                                CheckType(seq.Children[i], items, pkg, $"{path}[{i}]");
                    }
                    else if (fnResult != FnResult.List)
                        Error(path, $"expected {DescribeSpec(spec)}, got {Describe(v)}");
                    return;
                case "object":
                    if (v.Kind == VK.Map)
                    {
                        if (spec.TryGetProperty("additionalProperties", out var ap))
                            foreach (var (k, val) in ((YamlMappingNode)node).Children)
                                if (k is YamlScalarNode { Value: { } key })
                                    CheckType(val, ap, pkg, Join(path, key));
                    }
                    else
                        Error(path, $"expected {DescribeSpec(spec)}, got {Describe(v)}");
                    return;
                case "string" or "integer" or "number" or "boolean":
                    CheckPrimitive(v, type, spec, path, null);
                    return;
            }
        }

        private void CheckPrimitive(Value v, string type, JsonElement spec, string path, string? typeName)
        {
            if (v.Kind is VK.Expr or VK.Null) return;
            var fn = v.Kind == VK.Fn ? ResultOf(v.FnName!) : FnResult.Unknown;
            if (v.Kind == VK.Fn && fn == FnResult.Unknown) return;
            var ok = type switch
            {
                "string" => v.Kind is VK.Str or VK.Interp or VK.Int or VK.Float or VK.Bool || fn is FnResult.String or FnResult.Number,
                "integer" => v.Kind == VK.Int || (v.Kind == VK.Float && IsIntegral(v.Text)) || fn == FnResult.Number,
                "number" => v.Kind is VK.Int or VK.Float || fn == FnResult.Number,
                "boolean" => v.Kind == VK.Bool,
                _ => true,
            };
            if (!ok)
            {
                var hint = v.Kind == VK.Str && type != "string" ? " (a quoted or block scalar is a string)" : "";
                Error(path, $"expected {typeName ?? type}, got {Describe(v)}{hint}");
                return;
            }
            if (type == "string" && v.Kind == VK.Str && Str(spec, "const") is { } c && v.Text != c)
                Error(path, $"expected the constant \"{c}\", got \"{v.Text}\"");
        }

        private void CheckOneOf(YamlNode node, Value v, JsonElement oneOf, PackageSchema? pkg, string path)
        {
            var saved = _errors;
            List<SchemaError>? best = null;
            var alternatives = oneOf.EnumerateArray().ToList();
            try
            {
                foreach (var alt in alternatives)
                {
                    _errors = [];
                    CheckType(node, alt, pkg, path);
                    if (_errors.Count == 0) return;
                    if (ShapeMatches(v, alt) && best == null) best = _errors;
                }
            }
            finally
            {
                _errors = saved;
            }
            if (best != null) _errors.AddRange(best);
            else Error(path, $"expected one of ({string.Join(" | ", alternatives.Select(DescribeSpec))}), got {Describe(v)}");
        }

        private bool ShapeMatches(Value v, JsonElement spec)
        {
            var t = Str(spec, "type");
            if (Str(spec, "$ref") is { } r)
                t = schemas.ResolveRef(r, null).Kind == RefKind.Type || r.StartsWith("#/types/", StringComparison.Ordinal) ? "object" : null;
            return (v.Kind == VK.Map && t == "object") || (v.Kind == VK.Seq && t == "array");
        }

        private void CheckResourceRef(Value v, string expectedToken, string path)
        {
            if (v.Kind != VK.Expr)
            {
                Error(path, $"expected a reference to a {expectedToken} resource such as ${{res}}, got {Describe(v)}");
                return;
            }
            var p = v.Pure!;
            if (p.Accessors.Count == 0 && _resources.TryGetValue(p.Root, out var info) && info != null
                && !info.Token.Equals(expectedToken, StringComparison.OrdinalIgnoreCase))
                Error(path, $"expected a reference to a {expectedToken} resource, but '{p.Root}' is a {info.Token}");
        }

        // ---------------------------------------------------------------- references and functions

        /// <summary>Check every string for interpolation syntax and references, and every fn:: call.</summary>
        private void Walk(YamlNode node, string path)
        {
            switch (node)
            {
                case YamlScalarNode s when IsStringScalar(s):
                    CheckString(s.Value ?? "", path);
                    break;
                case YamlSequenceNode seq:
                    for (var i = 0; i < seq.Children.Count; i++) Walk(seq.Children[i], $"{path}[{i}]");
                    break;
                case YamlMappingNode m:
                    var v = Classify(m);
                    if (v.Kind == VK.Fn)
                    {
                        CheckFunction(v.FnName!, v.FnArg!, Join(path, "fn::" + v.FnName));
                        break;
                    }
                    foreach (var (k, val) in m.Children)
                    {
                        var key = (k as YamlScalarNode)?.Value ?? "?";
                        if (key.StartsWith("fn::", StringComparison.Ordinal))
                            Error(Join(path, key), $"'fn::' is a reserved prefix: a function call '{key}' must be the only key of its mapping");
                        Walk(val, Join(path, key));
                    }
                    break;
            }
        }

        private void CheckString(string text, string path)
        {
            var interp = Expressions.Parse(text);
            if (interp.Error != null) Error(path, interp.Error);
            foreach (var r in interp.References)
            {
                CheckReference(r, path);
                if (interp.Pure == null && r.Accessors.Count == 0 && _resources.ContainsKey(r.Root))
                    Error(path, $"'{r.Text}' (a whole resource) inside a longer string prints an object; use ${{{r.Root}.id}} or an output property");
            }
        }

        private void CheckReference(PropertyPath p, string path)
        {
            var root = p.Root;
            if (_resources.TryGetValue(root, out var info))
            {
                if (info == null || p.Accessors.Count == 0) return;
                var first = p.Accessors[0];
                if (first.Name == null)
                {
                    Error(path, $"reference '{p.Text}': a resource cannot be indexed with {first}");
                    return;
                }
                if (first.Name is "id" or "urn")
                {
                    if (p.Accessors.Count > 1) Error(path, $"reference '{p.Text}': '{first.Name}' is a string and has no {p.Accessors[1]}");
                    return;
                }
                if (info.Outputs is { } outs && outs.TryGetProperty(first.Name, out var spec))
                {
                    FollowOutput(spec, info.Package, p, 1, path, $"{info.Token}.{first.Name}");
                    return;
                }
                var valid = new List<string> { "id", "urn" };
                if (info.Outputs is { } o) valid.AddRange(o.EnumerateObject().Select(x => x.Name));
                Error(path, $"reference '{p.Text}': '{first.Name}' is not an output property of {info.Token} (resource '{root}'); valid include: {string.Join(", ", Suggest(first.Name, valid))}");
                return;
            }
            if (root == "pulumi")
            {
                if (p.Accessors.Count > 0 && (p.Accessors[0].Name is not { } n || !PulumiBuiltins.Contains(n, StringComparer.Ordinal)))
                    Error(path, $"reference '{p.Text}': unknown built-in; use one of {string.Join(", ", PulumiBuiltins.Select(b => "pulumi." + b))}");
                return;
            }
            if (_variables.Contains(root) || IsConfigKey(root)) return;
            Error(path, $"reference '{p.Text}': resource, variable, or config value \"{root}\" not found");
        }

        private void FollowOutput(JsonElement spec, PackageSchema? pkg, PropertyPath p, int index, string path, string where)
        {
            var cur = spec;
            for (var i = index; i < p.Accessors.Count; i++)
            {
                var a = p.Accessors[i];
                var resolvedRefs = 0;
                while (Str(cur, "$ref") is { } reference && resolvedRefs++ < 32)
                {
                    var target = schemas.ResolveRef(reference, pkg);
                    if (target.Kind != RefKind.Type) return; // Any, assets, resources: stop following
                    if (target.Type.TryGetProperty("enum", out _))
                    {
                        Error(path, $"reference '{p.Text}': {where} is an enum value and has no {a}");
                        return;
                    }
                    if (a.Name == null)
                    {
                        Error(path, $"reference '{p.Text}': {where} is an object ({target.Token}) and cannot be indexed with {a}");
                        return;
                    }
                    if (PackageSchema.Prop(target.Type, "properties") is { } props && props.TryGetProperty(a.Name, out var next))
                    {
                        cur = next;
                        pkg = target.Package;
                        where = $"{target.Token}.{a.Name}";
                        goto nextAccessor;
                    }
                    var names = PackageSchema.Prop(target.Type, "properties") is { } ps ? ps.EnumerateObject().Select(x => x.Name).ToList() : [];
                    Error(path, $"reference '{p.Text}': '{a.Name}' is not a property of {target.Token}; valid include: {string.Join(", ", Suggest(a.Name, names))}");
                    return;
                }
                if (cur.TryGetProperty("oneOf", out _)) return;
                switch (Str(cur, "type"))
                {
                    case "array":
                        if (a.Index == null)
                        {
                            Error(path, $"reference '{p.Text}': {where} is a list; use [index], not {a}");
                            return;
                        }
                        if (!cur.TryGetProperty("items", out cur)) return;
                        where += $"{a}";
                        break;
                    case "object":
                        if (a.Index != null)
                        {
                            Error(path, $"reference '{p.Text}': {where} is a map and cannot be indexed with {a}");
                            return;
                        }
                        if (!cur.TryGetProperty("additionalProperties", out cur)) return;
                        where += $"{a}";
                        break;
                    case null:
                        return;
                    default:
                        Error(path, $"reference '{p.Text}': {where} is a {Str(cur, "type")} and has no {a}");
                        return;
                }
                nextAccessor: ;
            }
        }

        private void CheckFunction(string name, YamlNode arg, string path)
        {
            var canonical = BuiltinFunctions.FirstOrDefault(b => b.Equals(name, StringComparison.OrdinalIgnoreCase));
            var av = Classify(arg);
            switch (canonical)
            {
                case null when name.Contains(':'):
                    // Invoke shorthand fn::pkg:mod:fn
                    if (!schemas.TryResolveFunction(name, out _, out _, out _, out var problem))
                        Error(path, $"invoke shorthand 'fn::{name}': {problem}");
                    if (av.Kind is not (VK.Map or VK.Null or VK.Expr))
                        Error(path, $"fn::{name} takes a mapping of arguments, got {Describe(av)}");
                    Walk(arg, path);
                    return;
                case null:
                    Error(path, $"unknown built-in function 'fn::{name}'; known: {string.Join(", ", BuiltinFunctions.Select(b => "fn::" + b))}, or invoke shorthand fn::pkg:module:function");
                    Walk(arg, path);
                    return;
                case "invoke":
                    CheckInvoke(arg, path);
                    return;
                case "join":
                case "split":
                case "select":
                case "stackReference":
                    if (arg is not YamlSequenceNode { Children.Count: 2 } seq)
                    {
                        var shape = canonical switch
                        {
                            "join" => "[delimiter, list]",
                            "split" => "[delimiter, source]",
                            "select" => "[index, list]",
                            _ => "[stackName, outputName]",
                        };
                        Error(path, $"fn::{canonical} takes a 2-element list {shape}, got {Describe(av)}");
                        Walk(arg, path);
                        return;
                    }
                    var first = Classify(seq.Children[0]);
                    var second = Classify(seq.Children[1]);
                    if (canonical == "join")
                    {
                        if (first.Kind is VK.Map or VK.Seq) Error(path + "[0]", $"fn::join delimiter must be a string, got {Describe(first)}");
                        if (second.Kind is not (VK.Seq or VK.Expr or VK.Fn)) Error(path + "[1]", $"fn::join second argument must be a list, got {Describe(second)}");
                        if (second.Kind == VK.Seq)
                        {
                            var items = ((YamlSequenceNode)seq.Children[1]).Children;
                            for (var i = 0; i < items.Count; i++)
                                if (Classify(items[i]).Kind is VK.Int or VK.Float or VK.Bool or VK.Map or VK.Seq)
                                    Error($"{path}[1][{i}]", $"fn::join elements must be strings, got {Describe(Classify(items[i]))}");
                        }
                    }
                    else if (canonical == "select")
                    {
                        var okIndex = first.Kind is VK.Expr or VK.Fn
                                      || ((first.Kind == VK.Int || (first.Kind == VK.Float && IsIntegral(first.Text)))
                                          && double.Parse(first.Text!, NumberStyles.Float, CultureInfo.InvariantCulture) >= 0);
                        if (!okIndex) Error(path + "[0]", $"fn::select index must be a non-negative integer, got {Describe(first)}");
                        if (second.Kind is not (VK.Seq or VK.Expr or VK.Fn)) Error(path + "[1]", $"fn::select second argument must be a list, got {Describe(second)}");
                    }
                    else if (canonical == "stackReference")
                    {
                        if (first.Kind != VK.Str) Error(path + "[0]", "fn::stackReference stack name must be a literal string");
                    }
                    Walk(arg, path);
                    return;
                case "toBase64" or "fromBase64" or "readFile" or "filebase64" or "filebase64sha256" or "sha1"
                    or "stringAsset" or "fileAsset" or "remoteAsset" or "fileArchive" or "remoteArchive":
                    if (av.Kind is VK.Map or VK.Seq or VK.Null)
                        Error(path, $"fn::{canonical} takes a string, got {Describe(av)}");
                    Walk(arg, path);
                    return;
                case "assetArchive":
                    if (arg is not YamlMappingNode am || av.Kind == VK.Fn)
                    {
                        Error(path, $"fn::assetArchive takes a mapping of path → asset/archive, got {Describe(av)}");
                        Walk(arg, path);
                        return;
                    }
                    foreach (var (k, val) in am.Children)
                    {
                        var ev = Classify(val);
                        var key = (k as YamlScalarNode)?.Value ?? "?";
                        if (ev.Kind != VK.Expr && !(ev.Kind == VK.Fn && ResultOf(ev.FnName!) is FnResult.Asset or FnResult.Archive))
                            Error(Join(path, key), $"fn::assetArchive entries must be assets or archives, got {Describe(ev)}");
                        Walk(val, Join(path, key));
                    }
                    return;
                case "pulumiResourceName" or "pulumiResourceType":
                    if (av.Kind != VK.Expr || av.Pure!.Accessors.Count > 0 || !_resources.ContainsKey(av.Pure.Root))
                        Error(path, $"fn::{canonical} takes a resource reference ${{res}}, got {Describe(av)}");
                    Walk(arg, path);
                    return;
                default:
                    Walk(arg, path);
                    return;
            }
        }

        private void CheckInvoke(YamlNode arg, string path)
        {
            if (arg is not YamlMappingNode m)
            {
                Error(path, $"fn::invoke takes a mapping {{function, arguments, options, return}}, got {Describe(Classify(arg))}");
                return;
            }
            JsonElement fn = default;
            var resolved = false;
            string? fnToken = null;
            YamlNode? ret = null;
            foreach (var (k, v) in m.Children)
            {
                var key = KeyText(k, path);
                if (key == null) continue;
                var kpath = Join(path, key);
                switch (key)
                {
                    case "function":
                        var fv = Classify(v);
                        if (fv.Kind != VK.Str)
                        {
                            Error(kpath, $"fn::invoke function must be a literal token string, got {Describe(fv)}");
                            break;
                        }
                        fnToken = fv.Text!;
                        resolved = schemas.TryResolveFunction(fnToken, out _, out _, out fn, out var problem);
                        if (!resolved) Error(kpath, problem);
                        break;
                    case "arguments":
                        if (Classify(v).Kind is not (VK.Map or VK.Expr or VK.Null))
                            Error(kpath, "fn::invoke arguments must be a mapping");
                        Walk(v, kpath);
                        break;
                    case "options":
                        if (v is YamlMappingNode om)
                        {
                            foreach (var (ok, ov) in om.Children)
                            {
                                var okey = (ok as YamlScalarNode)?.Value ?? "?";
                                if (okey is not ("provider" or "parent" or "dependsOn" or "version" or "pluginDownloadURL"))
                                    Error(Join(kpath, okey), $"unknown invoke option '{okey}'; allowed: provider, parent, dependsOn, version, pluginDownloadURL");
                                Walk(ov, Join(kpath, okey));
                            }
                        }
                        else Error(kpath, "fn::invoke options must be a mapping");
                        break;
                    case "return":
                        ret = v;
                        if (Classify(v).Kind != VK.Str) Error(kpath, "fn::invoke return must be a literal property name");
                        break;
                    default:
                        Error(kpath, $"unknown fn::invoke key '{key}'; allowed: function, arguments, options, return");
                        break;
                }
            }
            if (fnToken == null && !m.Children.ContainsKey(new YamlScalarNode("function")))
                Error(path, "fn::invoke requires 'function'");
            if (resolved && ret is YamlScalarNode { Value: { } field } && Classify(ret).Kind == VK.Str
                && fn.TryGetProperty("outputs", out var outputs) && PackageSchema.Prop(outputs, "properties") is { } outProps
                && !outProps.TryGetProperty(field, out _))
            {
                Error(Join(path, "return"), $"'{field}' does not exist on {fnToken}; existing properties: {string.Join(", ", Suggest(field, outProps.EnumerateObject().Select(x => x.Name).ToList()))}");
            }
        }

        // ---------------------------------------------------------------- options

        [GeneratedRegex(@"^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")]
        private static partial Regex SemverRegex();

        [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")]
        private static partial Regex DurationRegex();

        private void CheckOptions(YamlNode node, ResourceInfo? info, string path)
        {
            if (node is not YamlMappingNode m)
            {
                Error(path, "options must be a mapping");
                return;
            }
            foreach (var (k, v) in m.Children)
            {
                var key = KeyText(k, path);
                if (key == null) continue;
                var p = Join(path, key);
                var val = Classify(v);
                switch (key)
                {
                    case "dependsOn":
                    case "replaceWith":
                    case "providers":
                        if (v is YamlSequenceNode seq)
                        {
                            for (var i = 0; i < seq.Children.Count; i++)
                                CheckResourceReference(seq.Children[i], $"{p}[{i}]", providerOnly: key == "providers");
                        }
                        else
                        {
                            Error(p, $"{key} must be a list of resource references such as [\"${{res}}\"], got {Describe(val)}");
                            Walk(v, p);
                        }
                        break;
                    case "parent":
                    case "deletedWith":
                    case "provider":
                        CheckResourceReference(v, p, providerOnly: key == "provider");
                        break;
                    case "protect":
                        if (val.Kind is not (VK.Bool or VK.Expr))
                            Error(p, $"protect must be a boolean or a ${{...}} expression, got {Describe(val)}");
                        Walk(v, p);
                        break;
                    case "retainOnDelete":
                    case "deleteBeforeReplace":
                        if (val.Kind != VK.Bool) Error(p, $"{key} must be a literal boolean (true/false), got {Describe(val)}");
                        break;
                    case "ignoreChanges":
                    case "replaceOnChanges":
                    case "additionalSecretOutputs":
                    case "hideDiffs":
                        CheckLiteralStringList(v, key, p, info);
                        break;
                    case "import":
                    case "pluginDownloadURL":
                        if (v is not YamlScalarNode s1 || !IsStringScalar(s1) || (s1.Value ?? "").Contains("${", StringComparison.Ordinal))
                            Error(p, $"{key} must be a literal string (no ${{...}}), got {Describe(val)}");
                        break;
                    case "version":
                        if (v is not YamlScalarNode vs || vs.Style is ScalarStyle.Plain or ScalarStyle.Any)
                            Error(p, $"version must be a quoted string literal such as \"5.4.0\", got {Describe(val)}" +
                                     (val.Kind is VK.Int or VK.Float ? " (an unquoted version is read as a number)" : ""));
                        else if ((vs.Value ?? "").Contains("${", StringComparison.Ordinal))
                            Error(p, "version must be a literal; ${...} is not allowed");
                        else if (!SemverRegex().IsMatch(vs.Value ?? ""))
                            Error(p, $"version \"{vs.Value}\" is not a semantic version");
                        break;
                    case "customTimeouts":
                        if (v is YamlMappingNode ct && val.Kind == VK.Map)
                        {
                            foreach (var (tk, tv) in ct.Children)
                            {
                                var tkey = (tk as YamlScalarNode)?.Value ?? "?";
                                var tp = Join(p, tkey);
                                if (tkey is not ("create" or "update" or "delete" or "read"))
                                    Error(tp, $"unknown customTimeouts key '{tkey}'; allowed: create, update, delete, read");
                                var t = Classify(tv);
                                if (t.Kind == VK.Str && !DurationRegex().IsMatch(t.Text ?? ""))
                                    Error(tp, $"'{t.Text}' is not a duration such as \"10m\" or \"1h30m\"");
                                else if (t.Kind is not (VK.Str or VK.Expr or VK.Interp or VK.Fn))
                                    Error(tp, $"customTimeouts.{tkey} must be a duration string such as \"10m\", got {Describe(t)}");
                                Walk(tv, tp);
                            }
                        }
                        else Error(p, $"customTimeouts must be a mapping {{create, update, delete, read}}, got {Describe(val)}");
                        break;
                    case "aliases":
                        if (v is YamlSequenceNode aseq)
                        {
                            for (var i = 0; i < aseq.Children.Count; i++)
                            {
                                var item = aseq.Children[i];
                                var iv = Classify(item);
                                if (item is YamlMappingNode am && iv.Kind == VK.Map)
                                {
                                    foreach (var (ak, _) in am.Children)
                                        if ((ak as YamlScalarNode)?.Value is not ("name" or "type" or "parent" or "noParent" or "stack" or "project" or "urn"))
                                            Error($"{p}[{i}]", $"unknown alias field '{(ak as YamlScalarNode)?.Value}'; allowed: name, type, parent, noParent, stack, project, urn");
                                }
                                else if (iv.Kind is not (VK.Str or VK.Interp or VK.Expr))
                                    Error($"{p}[{i}]", $"an alias must be a URN string or a mapping, got {Describe(iv)}");
                            }
                        }
                        else Error(p, $"aliases must be a literal list, got {Describe(val)}");
                        Walk(v, p);
                        break;
                    case "replacementTrigger":
                        Walk(v, p);
                        break;
                    case "envVarMappings":
                        if (v is YamlMappingNode em && val.Kind == VK.Map)
                        {
                            foreach (var (ek, ev) in em.Children)
                                if (Classify(ev).Kind is VK.Map or VK.Seq)
                                    Error(Join(p, (ek as YamlScalarNode)?.Value ?? "?"), "envVarMappings values must be strings");
                        }
                        else Error(p, "envVarMappings must be a mapping of string to string");
                        Walk(v, p);
                        break;
                    default:
                        var hint = OptionKeys.FirstOrDefault(o => o.Equals(key, StringComparison.OrdinalIgnoreCase));
                        Error(p, hint != null
                            ? $"unknown resource option '{key}' (did you mean '{hint}'?)"
                            : $"unknown resource option '{key}'; valid options: {string.Join(", ", OptionKeys)}");
                        break;
                }
            }
        }

        private void CheckResourceReference(YamlNode node, string path, bool providerOnly)
        {
            var v = Classify(node);
            if (v.Kind != VK.Expr || v.Pure!.Accessors.Count > 0)
            {
                Error(path, $"expected a resource reference such as \"${{res}}\", got {Describe(v)}");
                Walk(node, path);
                return;
            }
            var root = v.Pure.Root;
            if (!_resources.TryGetValue(root, out var info))
            {
                Error(path, $"'{root}' in {v.Text} is not a resource" + (_variables.Contains(root) || IsConfigKey(root) ? " (it is a variable or config key)" : ""));
                return;
            }
            if (providerOnly && info != null && !info.Token.StartsWith("pulumi:providers:", StringComparison.Ordinal))
                Error(path, $"'{root}' is a {info.Token}, not a provider (pulumi:providers:*) resource");
        }

        private void CheckLiteralStringList(YamlNode node, string key, string path, ResourceInfo? info)
        {
            if (node is not YamlSequenceNode seq)
            {
                Error(path, $"{key} must be a literal list of strings, got {Describe(Classify(node))}");
                return;
            }
            for (var i = 0; i < seq.Children.Count; i++)
            {
                var item = seq.Children[i];
                var ip = $"{path}[{i}]";
                if (item is not YamlScalarNode s || !IsStringScalar(s))
                {
                    Error(ip, $"{key} entries must be literal strings, got {Describe(Classify(item))}");
                    continue;
                }
                if ((s.Value ?? "").Contains("${", StringComparison.Ordinal))
                {
                    Error(ip, $"{key} takes literals only; ${{...}} is not allowed");
                    continue;
                }
                if (key == "additionalSecretOutputs" && info?.Outputs is { } outs && !outs.TryGetProperty(s.Value ?? "", out _))
                    Error(ip, $"'{s.Value}' is not an output property of {info.Token}; valid include: {string.Join(", ", Suggest(s.Value ?? "", outs.EnumerateObject().Select(x => x.Name).ToList()))}");
            }
        }
    }
}
