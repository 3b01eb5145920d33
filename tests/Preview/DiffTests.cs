using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Cli.Commands;
using Infra.Cli.Preview;
using Infra.Stacks.Composition;
using Infra.Tests.Programs;
using Infra.Tests.Support;

namespace Infra.Tests.Preview;

public sealed class DiffTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static DeployedState Parse(string json, string stack = "staging") =>
        DeployedState.Parse(Encoding.UTF8.GetBytes(json), "state.json", "platform", stack);

    private static DiffReport Diff(ProgramModel program, string stack, string json) =>
        DiffEngine.Compare(program, stack, Baseline.FromDeployed(Parse(json, stack)));

    [Theory]
    [InlineData("pliers", "staging")]
    [InlineData("pliers", "dev")]
    [InlineData("normaldance", "prod")]
    [InlineData("consensusnet", "staging")]
    public void A_state_deployed_from_the_same_program_shows_no_change(string system, string env)
    {
        var program = Checkpoints.Program(env, system, env);
        var resources = Checkpoints.Resources(program, env);
        foreach (var json in new[] { Checkpoints.Checkpoint(resources, env), Checkpoints.Export(resources) })
        {
            var report = Diff(program, env, json);
            Assert.True(report.Changes.Count == 0, DiffRenderer.Text(report));
            Assert.Equal(program.Resources.Count, report.Unchanged);
        }
    }

    /// <summary>staging was deployed with 2 api replicas, no web service, postgres 15.9, a 24-character redis password.</summary>
    private static (ProgramModel Program, string State) RepresentativeChange()
    {
        var deployed = Checkpoints.Program("staging", "pliers", "staging");
        var resources = Checkpoints.Resources(deployed, "staging");
        resources.RemoveAll(r => r["urn"]!.ToString().Contains("::pliers-web-", StringComparison.Ordinal));
        var image = Checkpoints.Find(resources, "pliers-postgres-image");
        image["inputs"]!["name"] = "postgres:15.9-alpine";
        image["outputs"]!["name"] = "postgres:15.9-alpine";
        image["outputs"]!["imageId"] = "sha256:" + Checkpoints.Hex("postgres:15.9-alpine");
        var pg = Checkpoints.Find(resources, "pliers-postgres");
        pg["inputs"]!["image"] = "sha256:" + Checkpoints.Hex("postgres:15.9-alpine");
        var password = Checkpoints.Find(resources, "pliers-redis-password");
        password["inputs"]!["length"] = 24;
        var program = Checkpoints.Program("staging", "pliers", "staging", replicas: new Dictionary<string, int> { ["api"] = 3 });
        return (program, Checkpoints.Checkpoint(resources, "staging"));
    }

    [Fact]
    public void Golden_markdown_added_service_changed_replicas_database_may_be_replaced_changed_secret_masked()
    {
        var (program, state) = RepresentativeChange();
        var report = Diff(program, "staging", state);
        var md = DiffRenderer.Markdown(report);
        Snapshot.Match("pliers-staging.md", md);

        Assert.StartsWith("<!-- infra-preview:platform/staging -->\n", md);
        Assert.Contains(report.Changes, c => c.Name == "pliers-web-1" && c.Action == ChangeAction.Create);
        Assert.Contains(report.Changes, c => c.Name == "pliers-api-3" && c.Action == ChangeAction.Create);
        var pg = Assert.Single(report.Changes, c => c.Name == "pliers-postgres");
        Assert.Equal(ChangeAction.Replace, pg.Action);
        Assert.Contains(pg.Properties, p => p.Path == "image" && p.New == "(computed)" && p.ForcesReplacement);
        Assert.Contains(pg.Notes, n => n.StartsWith("holds data", StringComparison.Ordinal));
        var pw = Assert.Single(report.Changes, c => c.Name == "pliers-redis-password");
        Assert.Equal(ChangeAction.Replace, pw.Action);
        var redis = Assert.Single(report.Changes, c => c.Name == "pliers-redis");
        Assert.Contains(redis.Properties, p => p.Path == "envs" && p.Old == "[secret]" && p.New.StartsWith("[secret]", StringComparison.Ordinal));
        Assert.DoesNotContain(Checkpoints.Ciphertext, md);
        Assert.Matches(@"\*\*Departures from the seed:\*\* \d+ deliberate, \d+ not yet", md);
        Assert.Contains("<details><summary>Departures from the seed</summary>", md);
    }

    [Fact]
    public void Text_and_json_say_the_same_and_json_has_the_documented_schema()
    {
        var (program, state) = RepresentativeChange();
        var report = Diff(program, "staging", state);
        var text = DiffRenderer.Text(report);
        Assert.Contains("+- pliers-postgres  docker:Container  (may replace)", text);
        Assert.Contains("image: \"sha256:", text);
        using var doc = JsonDocument.Parse(DiffRenderer.Json(report));
        var root = doc.RootElement;
        Assert.Equal("infra-preview/v1", root.GetProperty("schema").GetString());
        Assert.Equal("state", root.GetProperty("against").GetProperty("kind").GetString());
        Assert.Equal(report.Count(ChangeAction.Create), root.GetProperty("summary").GetProperty("create").GetInt32());
        Assert.Equal(report.Count(ChangeAction.Replace), root.GetProperty("summary").GetProperty("replace").GetInt32());
        var first = root.GetProperty("changes")[0];
        foreach (var key in new[] { "urn", "name", "type", "component", "action", "notes", "properties" }) Assert.True(first.TryGetProperty(key, out _), key);
    }

    [Fact]
    public void Secrets_are_masked_on_both_sides_in_every_format()
    {
        var program = Checkpoints.Program("staging", "pliers", "staging");
        var resources = Checkpoints.Resources(program, "staging");
        // The state holds a secret (with plaintext, as a --show-secrets export would) where the program has a
        // literal, and the program holds a secret config reference where the state has plaintext.
        var api = Checkpoints.Find(resources, "pliers-api-1");
        api["inputs"]!["user"] = Checkpoints.Secret(Checkpoints.PlantedPlaintext);
        var pw = Checkpoints.Find(resources, "pliers-redis-password");
        pw["outputs"]!["result"] = Checkpoints.Secret(Checkpoints.PlantedPlaintext);
        var report = Diff(program, "staging", Checkpoints.Export(resources));
        var change = Assert.Single(report.Changes, c => c.Name == "pliers-api-1");
        Assert.Contains(change.Properties, p => p.Path == "user" && p.Old == "[secret]");
        foreach (var output in new[] { DiffRenderer.Text(report), DiffRenderer.Markdown(report), DiffRenderer.Json(report) })
        {
            Assert.DoesNotContain(Checkpoints.PlantedPlaintext, output);
            Assert.DoesNotContain(Checkpoints.Ciphertext, output);
        }
    }

    [Fact]
    public void Without_state_the_diff_says_so_and_shows_creates()
    {
        var root = Directory.CreateTempSubdirectory("preview-").FullName;
        File.Copy(Path.Combine(Synth.RepoRoot(), "Pulumi.pliers-dev.yaml"), Path.Combine(root, "Pulumi.dev.yaml"));
        var r = Synth.CliIn(root, "diff", "--stack", "dev");
        Assert.Equal(0, r.Exit);
        Assert.Contains("nothing deployed: no checkpoint for stack 'dev'", r.Stdout);
        Assert.Contains("0 to update, 0 may be replaced, 0 to delete, 0 unchanged", r.Stdout);
        Assert.Contains(" + pliers-postgres  docker:Container  (create)", r.Stdout);
        var plan = Synth.CliIn(root, "plan", "--stack", "dev");
        Assert.Contains("Compared with the deployed state: nothing deployed (no checkpoint for stack 'dev'", plan.Stdout);
        Assert.Contains($"all {ResourceCount(root, "dev")} resources would be created.", plan.Stdout);
    }

    [Fact]
    public void The_file_backend_is_found_from_PULUMI_BACKEND_URL_or_the_project_state_folder()
    {
        var root = Directory.CreateTempSubdirectory("preview-").FullName;
        File.Copy(Path.Combine(Synth.RepoRoot(), "Pulumi.pliers-dev.yaml"), Path.Combine(root, "Pulumi.dev.yaml"));
        var program = Checkpoints.Program("dev", "pliers", "dev");
        var json = Checkpoints.Checkpoint(Checkpoints.Resources(program, "dev"), "dev");
        var local = Path.Combine(root, ".pulumi-state", ".pulumi", "stacks", "platform");
        Directory.CreateDirectory(local);
        File.WriteAllText(Path.Combine(local, "dev.json"), json);
        var r = Synth.CliIn(root, "diff", "--stack", "dev");
        Assert.Equal(0, r.Exit);
        Assert.Contains($"0 to create, 0 to update, 0 may be replaced, 0 to delete, {ResourceCount(root, "dev")} unchanged", r.Stdout);
        var plan = Synth.CliIn(root, "plan", "--stack", "dev");
        Assert.Contains("Diff for stack 'dev' (project platform) against the last deployed state (" + Path.Combine(local, "dev.json"), plan.Stdout);
        Assert.Contains("No changes.", plan.Stdout);

        var elsewhere = Directory.CreateTempSubdirectory("backend-").FullName;
        var dir = Path.Combine(elsewhere, ".pulumi", "stacks", "platform");
        Directory.CreateDirectory(dir);
        var resources = Checkpoints.Resources(program, "dev");
        resources.RemoveAll(x => x["urn"]!.ToString().EndsWith("::pliers-redis", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir, "dev.json"), Checkpoints.Checkpoint(resources, "dev"));
        var env = new Dictionary<string, string> { ["PULUMI_BACKEND_URL"] = "file://" + elsewhere };
        var viaUrl = Synth.CliEnv(root, env, "diff", "--stack", "dev");
        Assert.Equal(0, viaUrl.Exit);
        Assert.Contains("1 to create", viaUrl.Stdout);
        Assert.Contains(" + pliers-redis  docker:Container  (create)", viaUrl.Stdout);

        var s3 = Synth.CliEnv(root, new Dictionary<string, string> { ["PULUMI_BACKEND_URL"] = "s3://bucket" }, "diff", "--stack", "dev");
        Assert.Contains("not a local file backend (s3://); pass --state FILE", s3.Stdout);
    }

    [Fact]
    public void The_marker_is_keyed_by_project_and_stack()
    {
        Assert.Equal("<!-- infra-preview:platform/dev -->", DiffRenderer.Marker("platform", "dev"));
        Assert.NotEqual(DiffRenderer.Marker("platform", "dev"), DiffRenderer.Marker("platform", "dev-tokyo"));
        var dev = DiffRenderer.Markdown(DiffEngine.Compare(Checkpoints.Program("dev", "pliers", "dev"), "dev", null, "none"));
        var tokyo = DiffRenderer.Markdown(DiffEngine.Compare(Checkpoints.Program("dev-tokyo", "pliers", "dev"), "dev-tokyo", null, "none"));
        var devMarker = dev.Split('\n')[0];
        var tokyoMarker = tokyo.Split('\n')[0];
        Assert.NotEqual(devMarker, tokyoMarker);
        // Neither marker is a prefix of the other, so a search for one never finds the other's comment.
        Assert.False(tokyoMarker.StartsWith(devMarker[..^4], StringComparison.Ordinal) && tokyoMarker.Contains(devMarker, StringComparison.Ordinal));
        Assert.DoesNotContain(devMarker, tokyo);
    }

    [Fact]
    public void Ten_thousand_changes_render_within_the_bound_with_the_summary_whole_in_under_a_second()
    {
        var program = Checkpoints.Generated("dev", 3_334);
        Assert.True(program.Resources.Count >= 10_000, program.Resources.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var resources = Checkpoints.Resources(program, "dev");
        foreach (var r in resources.Where(r => r["type"]?.ToString() == "docker:index/container:Container"))
            r["inputs"]!["memory"] = 1;
        foreach (var r in resources.Where(r => r["type"]?.ToString() is "docker:index/volume:Volume" or "docker:index/remoteImage:RemoteImage"))
            r["inputs"]!["labels"] = new JsonArray();
        var json = Checkpoints.Checkpoint(resources, "dev");
        resources = null;
        if (Environment.GetEnvironmentVariable("INFRA_PREVIEW_DUMP") is { Length: > 0 } dump) File.WriteAllText(dump, json);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var parse = Stopwatch.StartNew();
        var state = Parse(json, "dev");
        parse.Stop();

        // CPU time of this thread: the machine is shared (2 cores, often a load of 20), so wall time says little.
        var cpu = ThreadCpu();
        var sw = Stopwatch.StartNew();
        var report = DiffEngine.Compare(program, "dev", Baseline.FromDeployed(state));
        var compared = sw.Elapsed;
        var md = DiffRenderer.Markdown(report);
        sw.Stop();
        cpu = ThreadCpu() - cpu;
        var other = Stopwatch.StartNew();
        var jsonLength = DiffRenderer.Json(report).Length;
        var textLength = DiffRenderer.Text(report).Length;
        other.Stop();
        output.WriteLine($"{program.Resources.Count} resources, {report.Changes.Count} changes; state {json.Length / 1024 / 1024.0:0.0} MB parsed in {parse.ElapsedMilliseconds} ms; " +
            $"compare {compared.TotalMilliseconds:0} ms, markdown {(sw.Elapsed - compared).TotalMilliseconds:0} ms ({md.Length} chars); json + text {other.ElapsedMilliseconds} ms ({jsonLength + textLength} chars)");
        output.WriteLine($"compare + markdown: {cpu.TotalMilliseconds:0} ms CPU on this thread ({sw.ElapsedMilliseconds} ms wall)");
        Assert.True(cpu.TotalMilliseconds < 1000, $"diff + markdown of {report.Changes.Count} changes took {cpu.TotalMilliseconds:0} ms CPU");
        Assert.True(report.Changes.Count >= 3_000, report.Changes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(md.Length <= DiffRenderer.DefaultMaxChars, md.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Matches(@"_truncated — \d+ more changes_\n$", md);
        Assert.Contains("| unchanged |", md);
        Assert.Contains("**Departures from the seed:**", md);

        var small = DiffRenderer.Markdown(report, 5_000);
        Assert.True(small.Length <= 5_000);
        Assert.Contains("| - delete | 0 |", small);
        Assert.Contains("**Policies:**", small);

        var all = DiffEngine.Compare(program, "dev", null, "none");
        var big = DiffRenderer.Markdown(all);
        Assert.True(big.Length <= DiffRenderer.DefaultMaxChars);
        var more = int.Parse(System.Text.RegularExpressions.Regex.Match(big, @"truncated — (\d+) more").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var shown = big.Split('\n').Count(l => l.StartsWith("- `", StringComparison.Ordinal));
        Assert.Equal(all.Changes.Count, shown + more);
    }

    /// <summary>CPU time the calling thread has run (Linux: /proc/thread-self/schedstat, nanoseconds on CPU).</summary>
    private static TimeSpan ThreadCpu()
    {
        var first = File.ReadAllText("/proc/thread-self/schedstat").Split(' ')[0];
        return TimeSpan.FromTicks(long.Parse(first, System.Globalization.CultureInfo.InvariantCulture) / 100);
    }

    [Fact]
    public void Two_programs_are_compared_from_files()
    {
        var dir = Directory.CreateTempSubdirectory("programs-").FullName;
        var a = Path.Combine(dir, "a.yaml");
        var b = Path.Combine(dir, "b.yaml");
        File.WriteAllText(a, Synth.Program("pliers", "staging"));
        File.WriteAllText(b, Synth.Cli([.. Synth.Args("pliers", "staging"), "--replicas", "api=3"]).Stdout);
        var r = Synth.Cli("diff", "--from", a, "--to", b, "--stack", "pliers-staging");
        Assert.True(r.Exit == 0, r.Stderr);
        // A third api replica: one container more, and the configs that list the replicas change with it.
        Assert.Contains("1 to create, 0 to update, 2 may be replaced, 0 to delete", r.Stdout);
        Assert.Contains(" + pliers-api-3  docker:Container  (create)", r.Stdout);
        Assert.Contains("+- pliers-monitoring-prometheus  docker:Container  (may replace)", r.Stdout);
        Assert.Contains("uploads: [secret] → [secret]  [forces replacement]", r.Stdout);
        var same = Synth.Cli("diff", "--from", a, "--to", a, "--stack", "pliers-staging");
        Assert.Contains("No changes.", same.Stdout);
        var bad = Synth.Cli("diff", "--from", Path.Combine(dir, "missing.yaml"), "--to", b, "--stack", "pliers-staging");
        Assert.Equal(2, bad.Exit);
        Assert.Equal("", bad.Stdout);
        Assert.Contains("--from", bad.Stderr);
    }

    [Fact]
    public void A_git_revision_side_is_resolved_with_git_and_its_program_kept_per_commit()
    {
        // The build of a revision's compiler takes a minute; the cache it fills is what is exercised here.
        var root = Directory.CreateTempSubdirectory("rev-").FullName;
        void Git(params string[] args)
        {
            var psi = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = System.Diagnostics.Process.Start(psi)!;
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, string.Join(' ', args) + ": " + p.StandardError.ReadToEnd());
        }
        Git("init", "-q");
        File.WriteAllText(Path.Combine(root, "Pulumi.dev.yaml"), "config:\n  platform:system: pliers\n  platform:environment: dev\n");
        Git("add", ".");
        Git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "one");
        var sha = File.ReadAllText(Path.Combine(root, ".git", File.ReadAllText(Path.Combine(root, ".git", "HEAD")).Trim()[5..])).Trim();
        var cached = Path.Combine(root, ".build", "preview", sha, "dev.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        File.WriteAllText(cached, Synth.Program("pliers", "dev"));
        var r = Synth.CliIn(root, "diff", "--from", "HEAD", "--to", cached, "--stack", "dev");
        Assert.True(r.Exit == 0, r.Stderr);
        Assert.Contains($"against program HEAD ({sha[..7]})", r.Stdout);
        Assert.Contains("No changes.", r.Stdout);
    }

    // ------------------------------------------------------------------ bad input

    public static IEnumerable<object[]> BadStates()
    {
        var program = Checkpoints.Program("dev", "pliers", "dev");
        var dev = Checkpoints.Resources(program, "dev");
        yield return ["another stack", Checkpoints.Checkpoint(Checkpoints.Resources(program, "prod"), "prod"), "checkpoint.stack = 'organization/platform/prod': this state is of another stack"];
        yield return ["another stack (export)", Checkpoints.Export(Checkpoints.Resources(program, "prod")), "deployment.resources[0].urn"];
        yield return ["another project", Checkpoints.Export(Checkpoints.Resources(program, "dev", project: "other")), "belongs to stack 'dev' of project 'other'"];
        yield return ["unknown version", Checkpoints.Checkpoint(dev, "dev", version: 7), "version = '7': unknown checkpoint version"];
        yield return ["not JSON", "{\"version\": 3, ", "not valid JSON"];
        yield return ["no deployment", "{\"version\": 3}", "has neither checkpoint"];
        yield return ["resources not a list", "{\"version\": 3, \"deployment\": {\"resources\": 7}}", "deployment.resources: must be a list"];
        yield return ["bad urn", "{\"version\": 3, \"deployment\": {\"resources\": [{\"urn\": \"x\"}]}}", "deployment.resources[0].urn = 'x'"];
    }

    [Theory]
    [MemberData(nameof(BadStates))]
    public void Bad_state_is_one_line_exit_2_nothing_on_stdout(string what, string json, string expected)
    {
        var dir = Directory.CreateTempSubdirectory("state-").FullName;
        var file = Path.Combine(dir, "state.json");
        File.WriteAllText(file, json);
        var r = Synth.CliIn(Synth.RepoRoot(), "diff", "--stack", "dev", "--state", file);
        Assert.True(r.Exit == 2, what + ": " + r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: " + file + ": ", r.Stderr);
        Assert.Contains(expected, r.Stderr);
    }

    [Theory]
    [InlineData(new[] { "diff", "--stack", "dev", "--format", "html" }, "--format = 'html': text, markdown or json")]
    [InlineData(new[] { "diff", "--stack", "dev", "--max-chars", "5000" }, "--max-chars = '5000': only applies with --format markdown")]
    [InlineData(new[] { "diff", "--stack", "dev", "--format", "markdown", "--max-chars", "10" }, "a whole number from 2000")]
    [InlineData(new[] { "diff", "--system", "pliers", "--env", "dev" }, "diff compares a stack with its deployed state")]
    [InlineData(new[] { "diff", "--stack", "dev", "--state", "/nonexistent/state.json" }, "file not found")]
    [InlineData(new[] { "diff", "--to", "x.yaml", "--stack", "dev" }, "--to needs --from")]
    [InlineData(new[] { "diff", "--from", "no-such-rev-or-file", "--stack", "dev" }, "--from = 'no-such-rev-or-file': neither a program file nor a git revision")]
    [InlineData(new[] { "graph", "--stack", "dev", "--format", "png" }, "mermaid or dot")]
    public void Bad_command_lines_are_one_line_exit_2(string[] args, string expected)
    {
        var r = Synth.CliIn(Synth.RepoRoot(), args);
        Assert.True(r.Exit == 2, r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.Contains(expected, r.Stderr);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Replacement_table_says_may_replace_for_force_new_inputs_only()
    {
        Assert.True(ReplacementRules.ForcesReplacement("docker:index/container:Container", "image", []));
        Assert.True(ReplacementRules.ForcesReplacement("docker:index/container:Container", "name", []));
        Assert.False(ReplacementRules.ForcesReplacement("docker:index/container:Container", "memory", []));
        Assert.False(ReplacementRules.ForcesReplacement("docker:index/container:Container", "restart", []));
        Assert.True(ReplacementRules.ForcesReplacement("docker:index/volume:Volume", "driver", []));
        Assert.True(ReplacementRules.ForcesReplacement("docker:index/network:Network", "internal", []));
        Assert.True(ReplacementRules.ForcesReplacement("docker:index/network:Network", "ipamConfigs", []));
        Assert.True(ReplacementRules.ForcesReplacement("docker:index/remoteImage:RemoteImage", "name", []));
        Assert.False(ReplacementRules.ForcesReplacement("docker:index/remoteImage:RemoteImage", "keepLocally", []));
        Assert.False(ReplacementRules.ForcesReplacement("pulumi:providers:docker", "version", []));
        Assert.True(ReplacementRules.ForcesReplacement("some:type:Unknown", "x", ["x"]));
    }

    [Fact]
    public void Names_and_values_from_a_state_file_are_made_safe_for_terminals_and_markdown()
    {
        var program = Checkpoints.Program("dev", "pliers", "dev");
        var resources = Checkpoints.Resources(program, "dev");
        var hostile = (JsonObject)Checkpoints.Find(resources, "pliers-postgres-data").DeepClone();
        hostile["urn"] = Urn.Of("dev", "platform", "docker:index/volume:Volume", "evil\u001b[31m\u202e</details><script>");
        resources.Add(hostile);
        Checkpoints.Find(resources, "pliers-api-1")["inputs"]!["restart"] = "\u001b]0;title\u0007";
        var report = Diff(program, "dev", Checkpoints.Checkpoint(resources, "dev"));
        var text = DiffRenderer.Text(report);
        var md = DiffRenderer.Markdown(report);
        var mermaid = Topology.Build(program, report).Mermaid();
        foreach (var output in new[] { text, md, mermaid })
        {
            Assert.DoesNotContain('\u001b', output);
            Assert.DoesNotContain('\u202e', output);
            Assert.DoesNotContain('\u0007', output);
        }
        Assert.Contains("evil\\u001B[31m\\u202E", text);
        Assert.DoesNotContain("<script>", md);
        Assert.DoesNotContain("</details><script>", md);
    }

    [Fact]
    public void Multi_line_texts_show_their_changed_lines_bounded()
    {
        Assert.Equal(["- b", "+ B", "+ c2"], LineDiff.Changed("a\nb\nc\nd", "a\nB\nc\nc2\nd"));
        Assert.Equal(["+ x"], LineDiff.Changed("a\nb", "a\nx\nb"));
        var many = LineDiff.Changed(string.Join('\n', Enumerable.Range(0, 100)), string.Join('\n', Enumerable.Range(1000, 100)));
        Assert.Equal(LineDiff.MaxLines + 1, many.Count);
        Assert.Equal("(170 more changed lines)", many[^1]);
    }

    [Fact]
    public void A_list_stored_as_one_secret_is_not_reported_as_changed()
    {
        var program = Checkpoints.Program("dev", "pliers", "dev");
        var resources = Checkpoints.Resources(program, "dev");
        Checkpoints.Find(resources, "pliers-api-1")["inputs"]!["envs"] = Checkpoints.Secret();
        var report = Diff(program, "dev", Checkpoints.Checkpoint(resources, "dev"));
        Assert.True(report.Changes.Count == 0, DiffRenderer.Text(report));
    }

    [Fact]
    public void Memory_change_is_an_update_in_place()
    {
        var program = Checkpoints.Program("dev", "pliers", "dev");
        var resources = Checkpoints.Resources(program, "dev");
        Checkpoints.Find(resources, "pliers-api-1")["inputs"]!["memory"] = 64;
        var report = Diff(program, "dev", Checkpoints.Checkpoint(resources, "dev"));
        var c = Assert.Single(report.Changes);
        Assert.Equal(ChangeAction.Update, c.Action);
        var p = Assert.Single(c.Properties);
        Assert.Equal(("memory", "64", false), (p.Path, p.Old, p.ForcesReplacement));
    }

    [Fact]
    public void Removed_resources_are_deletes_and_protected_ones_are_called_out()
    {
        var program = Checkpoints.Program("staging", "pliers", "staging");
        var resources = Checkpoints.Resources(program, "staging");
        var extra = (JsonObject)Checkpoints.Find(resources, "pliers-postgres-data").DeepClone();
        extra["urn"] = Urn.Of("staging", "platform", "docker:index/volume:Volume", "pliers-old-data");
        extra["protect"] = true;
        resources.Add(extra);
        var report = Diff(program, "staging", Checkpoints.Checkpoint(resources, "staging"));
        var d = Assert.Single(report.Changes);
        Assert.Equal(ChangeAction.Delete, d.Action);
        Assert.Contains(d.Notes, n => n.StartsWith("protected", StringComparison.Ordinal));
        Assert.Contains("**Warning:** 1 protected resource would be deleted", DiffRenderer.Markdown(report));
    }

    /// <summary>How many resources the stack's program has (the plan's first line says it).</summary>
    private static int ResourceCount(string root, string stack)
    {
        var plan = Synth.CliIn(root, "plan", "--stack", stack).Stdout;
        var m = System.Text.RegularExpressions.Regex.Match(plan, @"\n  (\d+) resources to create");
        Assert.True(m.Success, plan);
        return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
