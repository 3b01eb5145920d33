using System.Text.RegularExpressions;
using Infra.Cli.Preview;
using Infra.Tests.Programs;

namespace Infra.Tests.Preview;

public sealed class GraphTests
{
    [Fact]
    public void Mermaid_has_every_service_and_network_grouped_by_component_with_ports_and_dependencies()
    {
        var r = Synth.CliIn(Synth.RepoRoot(), "graph", "--stack", "pliers-dev");
        Assert.True(r.Exit == 0, r.Stderr);
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal("flowchart LR", lines[0]);
        // Balanced subgraphs, one per component, the system outermost.
        Assert.Equal(lines.Count(l => l.TrimStart().StartsWith("subgraph ", StringComparison.Ordinal)), lines.Count(l => l.Trim() == "end"));
        Assert.Contains("  subgraph g0[\"pliers\"]", lines);
        foreach (var component in new[] { "postgres", "redis", "api", "ai-service", "web", "traefik", "monitoring" })
            Assert.Contains(lines, l => Regex.IsMatch(l, $"^    subgraph g\\d+\\[\"{component}\"\\]$"));
        // Services as boxes, networks as hexagons, volumes as cylinders.
        var program = Checkpoints.Program("dev", "pliers", "dev");
        foreach (var c in program.Resources.Where(x => x.Type == "docker:index/container:Container"))
            Assert.Contains(lines, l => Regex.IsMatch(l, $"^\\s+n\\d+\\[\"{Regex.Escape(c.Name)}\"\\]$"));
        foreach (var n in new[] { "pliers-frontend", "pliers-backend", "pliers-database" })
            Assert.Contains(lines, l => Regex.IsMatch(l, $"^\\s+n\\d+\\{{\\{{\"{n}\"\\}}\\}}$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, "^\\s+n\\d+\\[\\(\"pliers-postgres-data\"\\)\\]$"));
        // Published ports (dev publishes the database) and dependencies (api waits for postgres).
        Assert.Contains(lines, l => Regex.IsMatch(l, "^  p\\d+\\(\\[\"host :5432\"\\]\\)$"));
        var id = (string name) => Regex.Match(r.Stdout, $"(n\\d+)\\[\"{Regex.Escape(name)}\"\\]").Groups[1].Value;
        Assert.Contains($"  {id("pliers-api-1")} -.->|depends on| {id("pliers-postgres")}", lines);
        // Every edge joins declared nodes.
        var declared = Regex.Matches(r.Stdout, "^\\s+([np]\\d+)[\\[\\{(]", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        foreach (Match m in Regex.Matches(r.Stdout, "^  ([np]\\d+) (?:---|-.->\\|depends on\\||-->\\|\"[^\"]*\"\\|) ([np]\\d+)$", RegexOptions.Multiline))
        {
            Assert.Contains(m.Groups[1].Value, declared);
            Assert.Contains(m.Groups[2].Value, declared);
        }
        Assert.DoesNotContain("classDef", r.Stdout);   // no diff: nothing highlighted
    }

    [Fact]
    public void With_a_diff_changed_nodes_are_classed_and_removed_ones_drawn()
    {
        var program = Checkpoints.Program("dev", "pliers", "dev");
        var resources = Checkpoints.Resources(program, "dev");
        Checkpoints.Find(resources, "pliers-api-1")["inputs"]!["memory"] = 64;
        Checkpoints.Find(resources, "pliers-web-1")["inputs"]!["name"] = "old-web";
        resources.RemoveAll(r => r["urn"]!.ToString().EndsWith("::pliers-redis", StringComparison.Ordinal));
        var gone = (System.Text.Json.Nodes.JsonObject)Checkpoints.Find(resources, "pliers-postgres").DeepClone();
        gone["urn"] = Urn.Of("dev", "platform", "docker:index/container:Container", "pliers-old-worker");
        resources.Add(gone);
        var state = DeployedState.Parse(System.Text.Encoding.UTF8.GetBytes(Checkpoints.Checkpoint(resources, "dev")), "state.json", "platform", "dev");
        var report = DiffEngine.Compare(program, "dev", Baseline.FromDeployed(state));
        var mermaid = Topology.Build(program, report).Mermaid();
        string Id(string label) => Regex.Match(mermaid, $"(n\\d+)\\[\"{Regex.Escape(label)}\"\\]").Groups[1].Value;
        Assert.Contains($"  class {Id("pliers-redis")} create\n", mermaid);
        Assert.Contains($"  class {Id("pliers-api-1")} update\n", mermaid);
        Assert.Contains($"  class {Id("pliers-web-1")} replace\n", mermaid);
        Assert.Contains($"  class {Id("pliers-old-worker")} delete\n", mermaid);
        Assert.Contains("subgraph g", mermaid);
        Assert.Contains("[\"(removed)\"]", mermaid);
        Assert.Contains("classDef replace ", mermaid);
    }

    [Fact]
    public void Dot_is_a_digraph_with_clusters()
    {
        var r = Synth.CliIn(Synth.RepoRoot(), "graph", "--stack", "pliers-staging", "--format", "dot");
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.StartsWith("digraph topology {\n", r.Stdout);
        Assert.EndsWith("}\n", r.Stdout);
        Assert.Contains("subgraph \"cluster_0\" {", r.Stdout);
        Assert.Contains("label=\"pliers\";", r.Stdout);
        Assert.Contains("shape=hexagon", r.Stdout);
        Assert.Contains("[label=\"host :443\", shape=ellipse]", r.Stdout);
        Assert.Equal(r.Stdout.Count(c => c == '{'), r.Stdout.Count(c => c == '}'));
    }

    [Fact]
    public void Labels_cannot_break_out_of_mermaid_or_dot_quotes()
    {
        Assert.Equal("a#quot;]b#lt;script#gt;", Topology.MermaidText("a\"]b<script>"));
    }
}

public sealed class PromoteTests
{
    private const string Digest = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    private static string Root(string dev, string staging)
    {
        var root = Directory.CreateTempSubdirectory("promote-").FullName;
        File.WriteAllText(Path.Combine(root, "Pulumi.dev.yaml"), dev);
        File.WriteAllText(Path.Combine(root, "Pulumi.staging.yaml"), staging);
        return root;
    }

    private static readonly string Dev = $"""
        config:
          platform:system: pliers
          platform:environment: dev
          platform:images:
            api: ghcr.io/pliers/api@{Digest}
            ai-service: ghcr.io/pliers/ai-service:1.5.0
            web: {"{"}build: ./web, tag: pliers-web:dev{"}"}
          platform:replicas: {"{"}api: 1{"}"}

        """;

    private const string Staging = """
        # Staging: real images, two replicas.
        encryptionsalt: v1:c2FsdA==:v1:abc
        config:
          platform:system: pliers
          platform:environment: staging   # never promoted
          platform:images:
            api: ghcr.io/pliers/api:1.4.2
            ai-service: ghcr.io/pliers/ai-service:1.4.2
            web: ghcr.io/pliers/web:1.4.2
          # TLS certificate set with pulumi config set --secret
          tlsCertificate:
            secure: v1:c2VjcmV0LWNpcGhlcnRleHQ=
          platform:tls: true

        """;

    [Fact]
    public void Dry_run_lists_the_differences_and_writes_nothing()
    {
        var root = Root(Dev, Staging);
        var r = Synth.CliIn(root, "promote", "--from", "dev", "--to", "staging", "--dry-run");
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Equal(Staging, File.ReadAllText(Path.Combine(root, "Pulumi.staging.yaml")));
        Assert.Contains("would copy (must match):", r.Stdout);
        Assert.Contains($"platform:images.api: ghcr.io/pliers/api:1.4.2 -> ghcr.io/pliers/api@{Digest}", r.Stdout);
        Assert.Contains("platform:images.ai-service: ghcr.io/pliers/ai-service:1.5.0 is not pinned by digest", r.Stdout);
        Assert.Contains("platform:images.web: a build from source in dev", r.Stdout);
        Assert.Contains("platform:environment: dev: dev, staging: staging", r.Stdout);
        Assert.Contains("platform:replicas: dev: {api: 1}, staging: (not set)", r.Stdout);
        Assert.Contains("platform:tls: dev: (not set), staging: true", r.Stdout);
        Assert.Contains("tlsCertificate: set only in staging (secret)", r.Stdout);
        Assert.DoesNotContain("c2VjcmV0", r.Stdout);
    }

    [Fact]
    public void Promote_edits_only_the_copied_keys_and_keeps_comments_and_secrets()
    {
        var root = Root(Dev, Staging);
        var r = Synth.CliIn(root, "promote", "--from", "dev", "--to", "staging");
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Contains("wrote Pulumi.staging.yaml (1 key)", r.Stdout);
        var after = File.ReadAllText(Path.Combine(root, "Pulumi.staging.yaml"));
        Assert.Equal(Staging.Replace("api: ghcr.io/pliers/api:1.4.2", $"api: ghcr.io/pliers/api@{Digest}", StringComparison.Ordinal), after);
        var again = Synth.CliIn(root, "promote", "--from", "dev", "--to", "staging");
        Assert.Contains("nothing to copy; Pulumi.staging.yaml is unchanged", again.Stdout);
    }

    [Fact]
    public void A_digest_is_not_copied_where_the_target_promotes_from_the_source_by_stack_reference()
    {
        // staging pins ai-service and web, not api: api comes from dev's exported images (organization/platform/dev).
        var staging = Staging.Replace("    api: ghcr.io/pliers/api:1.4.2\n", "", StringComparison.Ordinal);
        var root = Root(Dev, staging);
        var r = Synth.CliIn(root, "promote", "--from", "dev", "--to", "staging");
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Contains("platform:images.api: promoted by stack reference: staging runs what organization/platform/dev exports as images.api", r.Stdout);
        Assert.DoesNotContain("wrote Pulumi.staging.yaml", r.Stdout);
        Assert.Equal(staging, File.ReadAllText(Path.Combine(root, "Pulumi.staging.yaml")));
        // A target that promotes from another stack gets the tested digest as a pin.
        File.WriteAllText(Path.Combine(root, "Pulumi.staging.yaml"),
            staging.Replace("  platform:tls: true\n", "  platform:tls: true\n  platform:promoteFrom: organization/platform/qa\n", StringComparison.Ordinal));
        var copied = Synth.CliIn(root, "promote", "--from", "dev", "--to", "staging");
        Assert.True(copied.Exit == 0, copied.Stderr);
        Assert.Contains($"api: ghcr.io/pliers/api@{Digest}", File.ReadAllText(Path.Combine(root, "Pulumi.staging.yaml")));
    }

    [Fact]
    public void A_missing_key_is_appended_to_the_config_section()
    {
        var root = Root(Dev.Replace("platform:system: pliers", "platform:system: pliers\n  platform:target: docker", StringComparison.Ordinal), Staging);
        var r = Synth.CliIn(root, "promote", "--from", "dev", "--to", "staging");
        Assert.True(r.Exit == 0, r.Stderr);
        var after = File.ReadAllText(Path.Combine(root, "Pulumi.staging.yaml"));
        Assert.Contains("  platform:tls: true\n  platform:target: docker\n", after);
        Assert.Contains("    secure: v1:c2VjcmV0LWNpcGhlcnRleHQ=\n", after);
    }

    [Theory]
    [InlineData(new[] { "promote", "--from", "dev" }, "--to: promote needs --from STACK and --to STACK")]
    [InlineData(new[] { "promote", "--from", "dev", "--to", "dev" }, "must name another stack")]
    [InlineData(new[] { "promote", "--from", "dev", "--to", "nope" }, "unknown stack")]
    [InlineData(new[] { "promote", "--from", "dev", "--to", "staging", "--dry-run=yes" }, "--dry-run: takes no value")]
    [InlineData(new[] { "promote", "--from", "dev", "--to", "staging", "--stack", "dev" }, "does not apply to promote")]
    public void Bad_promote_command_lines_are_one_line_exit_2(string[] args, string expected)
    {
        var root = Root(Dev, Staging);
        var r = Synth.CliIn(root, args);
        Assert.True(r.Exit == 2, r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.Contains(expected, r.Stderr);
        Assert.Equal(Staging, File.ReadAllText(Path.Combine(root, "Pulumi.staging.yaml")));
    }
}
