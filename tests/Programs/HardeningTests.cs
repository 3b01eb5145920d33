using System.Diagnostics;
using Infra.Components.Core;
using Infra.Stacks.Composition;

namespace Infra.Tests.Programs;

/// <summary>
/// Hostile or mistaken stack files (issue 8, "Hardening"): each ends in one error line on stderr naming the file
/// and key and what is allowed, a non-zero exit, and nothing on stdout.
/// </summary>
public sealed class HardeningTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("infra-hardening-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Synth.Result WithStack(string stack, string yaml, params string[] extra)
    {
        File.WriteAllText(Path.Combine(_root, $"Pulumi.{stack}.yaml"), yaml);
        return Synth.CliIn(_root, ["synth", "--stack", stack, .. extra]);
    }

    private static string Pliers(string extra) => "config:\n  platform:system: pliers\n" + extra;

    internal static void AssertRejected(Synth.Result r, params string[] mustMention)
    {
        Assert.Equal("", r.Stdout);
        Assert.True(r.Exit is 1 or 2, $"exit {r.Exit}");
        var lines = r.Stderr.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, r.Stderr);
        Assert.StartsWith("error: ", lines[0]);
        foreach (var m in mustMention) Assert.Contains(m, r.Stderr);
    }

    // --- replicas -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("2147483647")]
    [InlineData("101")]
    [InlineData("99999999999999999999")]
    [InlineData("1e9")]
    public void Replicas_above_the_cap_are_refused(string n) =>
        AssertRejected(WithStack("dev", Pliers($"  platform:replicas:\n    api: {n}\n")), "Pulumi.dev.yaml", "platform:replicas.api", $"'{n}'", "at most 100");

    [Fact]
    public void Replicas_at_the_cap_are_accepted() =>
        Assert.Equal(0, WithStack("dev", Pliers("  platform:replicas:\n    api: 100\n")).Exit);

    [Fact]
    public void Replicas_over_the_cap_on_the_command_line_are_refused() =>
        AssertRejected(Synth.Cli("synth", "--system", "pliers", "--env", "dev", "--replicas", "api=101"), "command line", "--replicas api", "at most 100");

    [Fact]
    public void A_replica_count_the_system_fixes_cannot_be_overridden()
    {
        AssertRejected(WithStack("dev", "config:\n  platform:system: pinai\n  platform:replicas:\n    validator-1: 3\n"),
            "Pulumi.dev.yaml", "platform:replicas.validator-1", "'3'", "fixes 'validator-1' at 1 replica");
        // Restating the fixed count is harmless.
        Assert.Equal(0, WithStack("dev", "config:\n  platform:system: pinai\n  platform:replicas:\n    validator-1: 1\n").Exit);
    }

    // --- size, depth, file kind -----------------------------------------------------------------------------

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_deeply_nested_document_is_refused_fast(bool flow)
    {
        // ~90 KB of nesting used to overflow the stack (and ~80 KB took ~10 s).
        var depth = 45_000;
        var yaml = flow
            ? "config:\n  platform:system: " + new string('[', depth) + new string(']', depth) + "\n"
            : "config:\n" + string.Concat(Enumerable.Range(0, 400).Select(i => new string(' ', i + 2) + "k:\n")); // ~80 KB
        var sw = Stopwatch.StartNew();
        var r = WithStack("dev", yaml);
        sw.Stop();
        AssertRejected(r, "Pulumi.dev.yaml", "nested more than 32 levels");
        Assert.True(sw.ElapsedMilliseconds < 1000, $"{sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_only_a_type_error() =>
        // 30 levels of sequences under platform:system (depth 2) stays under 32: it fails as a wrong type, not as too deep.
        AssertRejected(WithStack("dev", "config:\n  platform:system: " + new string('[', 30) + new string(']', 30) + "\n"), "platform:system", "must be a plain value");

    [Fact]
    public void A_stack_file_over_one_mebibyte_is_refused()
    {
        var r = WithStack("dev", Pliers("# " + new string('x', Limits.MaxConfigBytes) + "\n"));
        AssertRejected(r, "Pulumi.dev.yaml", "larger than 1 MiB");
    }

    [Fact]
    public void A_stack_file_that_is_not_UTF8_is_refused()
    {
        File.WriteAllBytes(Path.Combine(_root, "Pulumi.dev.yaml"), [0xFF, 0xFE, (byte)'c', 0x00, 0xC3]);
        AssertRejected(Synth.CliIn(_root, "synth", "--stack", "dev"), "Pulumi.dev.yaml", "not UTF-8");
    }

    [Fact]
    public void A_directory_as_the_stack_file_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(_root, "Pulumi.dev.yaml"));
        AssertRejected(Synth.CliIn(_root, "synth", "--stack", "dev"), "Pulumi.dev.yaml", "not a regular file", "directory");
    }

    [Fact]
    public void A_device_as_the_stack_file_is_refused_without_reading_it()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "Pulumi.dev.yaml"), "/dev/zero");
        AssertRejected(RunWithin(TimeSpan.FromSeconds(5), () => Synth.CliIn(_root, "synth", "--stack", "dev")), "Pulumi.dev.yaml", "not a regular file");
    }

    [Fact]
    public void A_fifo_as_the_stack_file_is_refused_without_hanging()
    {
        var fifo = Path.Combine(_root, "Pulumi.dev.yaml");
        using (var p = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { RedirectStandardError = true })!) p.WaitForExit();
        Assert.True(File.Exists(fifo), "mkfifo failed");
        AssertRejected(RunWithin(TimeSpan.FromSeconds(5), () => Synth.CliIn(_root, "synth", "--stack", "dev")), "Pulumi.dev.yaml", "not a regular file");
    }

    private static Synth.Result RunWithin(TimeSpan limit, Func<Synth.Result> run)
    {
        var task = Task.Run(run);
        Assert.True(task.Wait(limit), $"did not finish within {limit}");
        return task.Result;
    }

    // --- keys -----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("platform:replica", "platform:replicas")]
    [InlineData("platform:imgaes", "platform:images")]
    [InlineData("platform:Environment", "platform:environment")]
    [InlineData("platform:openaiApiKye", "platform:openaiApiKey")]
    public void A_misspelt_platform_key_is_refused_with_the_nearest_valid_key(string key, string nearest) =>
        AssertRejected(WithStack("dev", Pliers($"  {key}: x\n")), "Pulumi.dev.yaml", key, "unknown key", $"did you mean {nearest}?");

    [Fact]
    public void An_unknown_platform_secret_is_named_but_its_value_never_shown()
    {
        var r = WithStack("dev", Pliers("  platform:openaiKey:\n    secure: v1:SECRETCIPHER\n  platform:misc: PLAINSECRET\n"));
        AssertRejected(r, "platform:openaiKey", "unknown key");
        Assert.DoesNotContain("SECRETCIPHER", r.Stderr);
        Assert.DoesNotContain("PLAINSECRET", r.Stderr);
    }

    [Fact]
    public void A_megabyte_key_gives_a_short_error()
    {
        // Explicit keys ("? key"): an implicit YAML key is limited to 1024 characters.
        var r = WithStack("dev", Pliers($"  ? platform:{new string('k', 1_000_000)}\n  : x\n"));
        AssertRejected(r, "Pulumi.dev.yaml", "unknown key");
        Assert.True(r.Stderr.Length < 2000, $"{r.Stderr.Length} characters");
        r = WithStack("dev", Pliers($"  platform:replicas:\n    ? {new string('s', 1_000_000)}\n    : 2\n"));
        AssertRejected(r, "Pulumi.dev.yaml", "platform:replicas.sss", "not a service name");
        Assert.True(r.Stderr.Length < 2000, $"{r.Stderr.Length} characters");
    }

    [Fact]
    public void Secrets_the_system_reads_and_other_namespaces_are_accepted() =>
        Assert.Equal(0, WithStack("dev", Pliers("  platform:openaiApiKey:\n    secure: v1:abc\n  platform:tlsCertificate:\n    secure: v1:abc\n  docker:host: unix:///var/run/docker.sock\n  other:whatever: 1\n")).Exit);

    // --- build contexts -------------------------------------------------------------------------------------

    [Theory]
    [InlineData("/", "relative path")]
    [InlineData("/etc", "relative path")]
    [InlineData("~/src", "relative path")]
    [InlineData("https://github.com/acme/api.git", "not a URL")]
    [InlineData("git@github.com:acme/api.git", "not a URL")]
    [InlineData("github.com/acme/api", "not a URL")]
    [InlineData("../..", "inside the project")]
    [InlineData("services/../../x", "inside the project")]
    public void A_build_context_outside_the_project_is_refused(string context, string why) =>
        AssertRejected(WithStack("dev", Pliers($"  platform:images:\n    api: {{build: \"{context}\", tag: pliers/api:dev}}\n")),
            "Pulumi.dev.yaml", "platform:images.api.build", why);

    [Fact]
    public void A_build_context_that_leaves_the_project_through_a_symbolic_link_is_refused()
    {
        var outside = Directory.CreateTempSubdirectory("infra-outside-").FullName;
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(_root, "svc"), outside);
            AssertRejected(WithStack("dev", Pliers("  platform:images:\n    api: {build: ./svc, tag: pliers/api:dev}\n")),
                "platform:images.api.build", "symbolic links resolved");
            AssertRejected(WithStack("dev", Pliers("  platform:images:\n    api: {build: ., dockerfile: svc/Dockerfile, tag: pliers/api:dev}\n")),
                "platform:images.api.dockerfile", "symbolic links resolved");
        }
        finally { Directory.Delete(outside, recursive: true); }
    }

    [Fact]
    public void A_build_context_inside_the_project_is_accepted()
    {
        Directory.CreateDirectory(Path.Combine(_root, "services", "api"));
        var r = WithStack("dev", Pliers("  platform:images:\n    api: {build: ./services/api, tag: pliers/api:dev}\n"));
        Assert.True(r.Exit == 0, r.Stderr);
    }

    // --- host ports -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData(22, "privileged")]
    [InlineData(1, "privileged")]
    [InlineData(1023, "privileged")]
    [InlineData(2375, "control-plane")]
    [InlineData(2376, "control-plane")]
    [InlineData(2377, "control-plane")]
    [InlineData(6443, "control-plane")]
    [InlineData(10250, "control-plane")]
    public void Dangerous_host_ports_are_refused(int port, string why)
    {
        AssertRejected(WithStack("dev", Pliers($"  platform:ports:\n    web: {port}\n")), "Pulumi.dev.yaml", "platform:ports.web", $"'{port}'", why);
        AssertRejected(Synth.Cli("synth", "--system", "pliers", "--env", "dev", "--port", $"web={port}"), "command line", "--port web", why);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(8081)]
    [InlineData(65535)]
    public void Ordinary_host_ports_are_accepted(int port)
    {
        var r = WithStack("dev", Pliers($"  platform:ports:\n    web: {port}\n"));
        Assert.True(r.Exit == 0, r.Stderr);
    }

    [Fact]
    public void Http_and_https_may_be_published()
    {
        Assert.Null(Limits.HostPortProblem(80));
        Assert.Null(Limits.HostPortProblem(443));
        Assert.NotNull(Limits.HostPortProblem(0));
        Assert.NotNull(Limits.HostPortProblem(65536));
    }

    // --- pinned images --------------------------------------------------------------------------------------

    [Theory]
    [InlineData("latest-1")]
    [InlineData("v2-latest")]
    [InlineData("LATEST")]
    [InlineData("stable-alpine")]
    public void A_tag_that_moves_is_not_pinned(string tag)
    {
        var images = $"  platform:images:\n    api: ghcr.io/pliers/api:{tag}\n    ai-service: ghcr.io/pliers/ai-service:1.4.2\n    web: ghcr.io/pliers/web:1.4.2\n";
        var r = WithStack("prod", Pliers("  platform:environment: prod\n" + images));
        Assert.Equal("", r.Stdout);
        Assert.Equal(1, r.Exit);
        Assert.Contains("WRK-007", r.Stderr);
        Assert.Contains($"moving tag '{tag}'", r.Stderr);
    }

    [Theory]
    [InlineData("1.4.2")]
    [InlineData("2024-06-01")]
    [InlineData("v3-alpine")]
    public void Version_tags_are_pinned(string tag)
    {
        var images = $"  platform:images:\n    api: ghcr.io/pliers/api:{tag}\n    ai-service: ghcr.io/pliers/ai-service:1.4.2\n    web: ghcr.io/pliers/web:1.4.2\n";
        var r = WithStack("prod", Pliers("  platform:environment: prod\n" + images));
        Assert.True(r.Exit == 0, r.Stderr);
    }

    // --- command line ---------------------------------------------------------------------------------------

    [Fact]
    public void An_empty_stack_option_is_an_error_not_discovery()
    {
        AssertRejected(Synth.CliIn(_root, "synth", "--stack="), "command line", "--stack", "empty");
        AssertRejected(Synth.CliIn(_root, "synth", "--stack", ""), "command line", "--stack", "empty");
    }

    // --- what errors show -----------------------------------------------------------------------------------

    [Theory]
    [InlineData('\u202E')] // right-to-left override
    [InlineData('\u2066')] // left-to-right isolate
    [InlineData('\u200B')] // zero-width space
    [InlineData('\uFEFF')] // zero-width no-break space
    [InlineData('\u2028')] // line separator
    [InlineData('\u2029')] // paragraph separator
    [InlineData('\u0085')] // C1 next line
    [InlineData('\u009B')] // C1 control sequence introducer
    [InlineData('\u001B')] // ESC
    [InlineData('\u007F')] // DEL
    public void Control_and_bidirectional_characters_are_escaped_in_errors(char c)
    {
        var r = WithStack("dev", $"config:\n  platform:system: \"pli\\u{(int)c:X4}ers\"\n");
        AssertRejected(r, "platform:system", $"pli\\u{(int)c:X4}ers");
        Assert.DoesNotContain(c.ToString(), r.Stderr);
    }

    [Fact]
    public void Escaping_keeps_ordinary_text_and_pairs_and_escapes_lone_surrogates()
    {
        Assert.Equal("ünïcødé 🚀 a\\nb", ErrorText.Escape("ünïcødé 🚀 a\nb"));
        Assert.Equal("x\\uD83Dy", ErrorText.Escape("x\uD83Dy"));
        Assert.Equal(ErrorText.Escape("a\u202Eb"), ErrorText.Escape(ErrorText.Escape("a\u202Eb")));
    }

    [Theory]
    [InlineData(typeof(FormatException))]
    [InlineData(typeof(OverflowException))]
    [InlineData(typeof(IOException))]
    [InlineData(typeof(UnauthorizedAccessException))]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(KeyNotFoundException))]
    [InlineData(typeof(NullReferenceException))]
    public void Framework_exceptions_are_reported_in_our_words(Type type)
    {
        // In the trimmed build a framework message is a bare resource key such as this one.
        var e = (Exception)Activator.CreateInstance(type, "Arg_ResourceKeyOnly \u202E")!;
        var stderr = new StringWriter();
        var code = Infra.Cli.Cli.Fail(stderr, e);
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr.ToString());
        Assert.DoesNotContain("Arg_ResourceKeyOnly", stderr.ToString());
        Assert.Single(stderr.ToString().TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Our_own_generator_errors_keep_their_text()
    {
        var stderr = new StringWriter();
        Assert.Equal(1, Infra.Cli.Cli.Fail(stderr, new ConfigException("Route '/x' has no health path.")));
        Assert.Equal("error: Route '/x' has no health path.\n", stderr.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void The_shipped_build_keeps_framework_resource_strings()
    {
        var csproj = File.ReadAllText(Path.Combine(Synth.RepoRoot(), "infra", "Infra.Cli.csproj"));
        Assert.DoesNotContain("<UseSystemResourceKeys>true</UseSystemResourceKeys>", csproj);
    }
}
