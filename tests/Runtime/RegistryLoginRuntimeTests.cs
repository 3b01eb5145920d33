using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Infra.Stacks.Composition;
using Infra.Stacks.Model;
using Xunit.Abstractions;

namespace Infra.Tests.Runtime;

/// <summary>
/// Seed rows 002-06 / 004-21: a registry login in a system definition becomes a <c>registryAuth</c> entry of the docker
/// provider, and exactly those credentials pull from a registry that refuses anonymous pulls. The registry is Debian's
/// <c>docker-registry</c> (distribution 2.8) with htpasswd (bcrypt) auth on 127.0.0.1 (plain HTTP, which the engine
/// allows for loopback registries); the program is synthesized for a one-service system that pulls from it; the
/// credentials are the provider block's <c>${user}</c> / <c>${password}</c> resolved from this test's stack config.
/// The pull is the engine's own (through the docker CLI, as the provider's pull hands the same credentials to the
/// daemon in X-Registry-Auth); the Pulumi docker provider itself is not run here (no Pulumi CLI on these machines).
/// </summary>
[Trait("Category", RuntimeCollection.Category)]
[Collection(RuntimeCollection.Name)]
public sealed class RegistryLoginRuntimeTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("infra-registry-").FullName;
    private Process? _registry;

    public void Dispose()
    {
        if (_registry is { HasExited: false }) { _registry.Kill(); _registry.WaitForExit(5000); }
        _registry?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Tool(string name) =>
        new[] { "/usr/bin/", "/usr/local/bin/", "/usr/sbin/" }.Select(d => d + name).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed: apt-get install docker-registry apache2-utils (tests/tools/install-servers.sh)");

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static (int Exit, string Out, string Err) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o.Result, e);
    }

    [Fact]
    public void The_provider_block_credentials_pull_from_a_registry_that_refuses_anonymous_pulls()
    {
        DockerCli.RequireDaemon();
        var port = FreePort();
        var host = $"localhost:{port}";
        const string user = "deployer";
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var htpasswd = Run(Tool("htpasswd"), "-Bbn", user, password);
        Assert.True(htpasswd.Exit == 0, htpasswd.Err);
        File.WriteAllText(Path.Combine(_dir, "htpasswd"), htpasswd.Out);
        File.WriteAllText(Path.Combine(_dir, "config.yml"), $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {_dir}/data
            http:
              addr: 127.0.0.1:{port}
            auth:
              htpasswd:
                realm: platform-test
                path: {_dir}/htpasswd
            """);
        var psi = new ProcessStartInfo(Tool("docker-registry")) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(Path.Combine(_dir, "config.yml"));
        _registry = Process.Start(psi)!;
        var log = new StringBuilder();
        _registry.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        _registry.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        _registry.BeginErrorReadLine();
        _registry.BeginOutputReadLine();
        var up = Stopwatch.StartNew();
        while (true)
        {
            try { using var c = new TcpClient("127.0.0.1", port); break; }
            catch (SocketException) when (up.Elapsed < TimeSpan.FromSeconds(20) && !_registry.HasExited) { Thread.Sleep(200); }
        }

        // Publish an image as the registry's owner would (CI), with a login of its own.
        var image = $"{host}/platform-test/app:1.0.0";
        var pusher = Path.Combine(_dir, "pusher");
        DockerCli.Ok(["tag", "local/busybox", image]);
        try
        {
            DockerCli.Ok(["--config", pusher, "login", host, "-u", user, "--password-stdin"], stdin: Encoding.UTF8.GetBytes(password), what: "login to push");
            DockerCli.Ok(["--config", pusher, "push", image], TimeSpan.FromSeconds(120), what: "push");
            var pushedId = DockerCli.Ok("image", "inspect", "-f", "{{.Id}}", image);
            DockerCli.Ok("rmi", image);

            // The program of a system that pulls from this registry with a login (as ConsensusNet does from ghcr.io).
            var b = new SystemBuilder("regtest", "registry login test", "test", "tests/Runtime/RegistryLoginRuntimeTests.cs");
            b.AddService("app").WithHttp(8080, "/health");
            b.PullWithLogin("local", host, "registryPassword", usernameKey: "registryUser", passwordHint: "pulumi config set --secret registryPassword ...", environments: ["dev"]);
            var settings = StackSettings.Create("regtest-dev", "pliers", "dev", "docker", new Dictionary<string, ImageSetting> { ["app"] = new(image) },
                new Dictionary<string, int>(), new Dictionary<string, int>(), false, "Pulumi.regtest-dev.yaml") with { System = "regtest" };
            var program = new PulumiProgram(Synthesizer.Synthesize(settings, b.Build()));
            var provider = program.Get("provider-docker");
            var auth = ((List<object?>)provider.Properties["registryAuth"]!).Cast<Dictionary<string, object?>>().Single();
            Assert.Equal(host, auth["address"]);
            Assert.Equal(("${registryUser}", "${registryPassword}"), (auth["username"], auth["password"]));
            Assert.Equal("true", ((Dictionary<string, object?>)program.Config["registryPassword"]!)["secret"]);
            Assert.Equal(image, program.OfType(PulumiProgram.RemoteImageType).Single(r => ((string)r.Properties["name"]!).StartsWith(host, StringComparison.Ordinal)).Properties["name"]);

            // The test's stack config, as the engine would hand it over, resolves the provider block.
            var config = new Dictionary<string, string> { ["registryUser"] = user, ["registryPassword"] = password };
            string Resolve(object? v) => config[((string)v!)[2..^1]];

            // Anonymous pulls are refused; so are wrong credentials.
            var anonymous = DockerCli.Run(["--config", Path.Combine(_dir, "anonymous"), "pull", image]);
            Assert.False(anonymous.Ok, "the registry served an anonymous pull: " + anonymous);
            var wrong = DockerCli.Run(["--config", Path.Combine(_dir, "wrong"), "login", (string)auth["address"]!, "-u", Resolve(auth["username"]), "--password-stdin"],
                stdin: Encoding.UTF8.GetBytes(password + "x"));
            Assert.False(wrong.Ok, "a wrong password logged in: " + wrong);

            // Exactly the provider block's credentials pull the image.
            var deployer = Path.Combine(_dir, "deployer");
            DockerCli.Ok(["--config", deployer, "login", (string)auth["address"]!, "-u", Resolve(auth["username"]), "--password-stdin"],
                stdin: Encoding.UTF8.GetBytes(Resolve(auth["password"])), what: "login with the provider block's credentials");
            DockerCli.Ok(["--config", deployer, "pull", image], TimeSpan.FromSeconds(120), what: "pull with the provider block's credentials");
            Assert.Equal(pushedId, DockerCli.Ok("image", "inspect", "-f", "{{.Id}}", image));
        }
        finally
        {
            DockerCli.Run("rmi", image);
            lock (log) output.WriteLine(log.ToString());
        }
    }
}
