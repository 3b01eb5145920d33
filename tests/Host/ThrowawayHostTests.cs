using System.Diagnostics;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace Infra.Tests.Host;

/// <summary>
/// The host target for real, on a throwaway Debian server: a container from local/host-debian (tests/Host/host-image.sh,
/// FROM the runtime tier's local/debian:bookworm) with sshd, reached on its Docker bridge address with a key generated
/// here and its host key pinned. Every bootstrap command of the program runs over SSH exactly as the command provider
/// runs it (the same text, no environment), twice: the first run converges, the second changes nothing. The firewall
/// is probed from outside; backup and restore run against PostgreSQL inside that server. Traffic stays on the bridge.
/// Docker missing fails the test. The container is removed even on failure.
/// </summary>
[Trait("Category", "Runtime")]
public sealed class ThrowawayHostTests : IDisposable
{
    private readonly ITestOutputHelper _log;
    private readonly string _dir = Directory.CreateTempSubdirectory("infra-host-runtime-").FullName;
    private readonly HostStacks _stacks = new();
    private string? _container;
    private string _user = "root";
    private string[] _sshOpts = [];

    public ThrowawayHostTests(ITestOutputHelper log) => _log = log;

    public void Dispose()
    {
        if (_container is not null) Run("docker", ["rm", "-f", _container], TimeSpan.FromSeconds(60));
        _stacks.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private const string DbPassword = "runtime-test-only-8f2c1d";
    private static readonly string[] BootstrapSteps = ["bootstrap-docker", "bootstrap-layout", "bootstrap-logrotate", "firewall", "backups"];

    [Theory]
    [InlineData("root")]
    [InlineData("deploy")] // not root: every command runs through `sudo -n sh -c '...'`
    public void Bootstrap_converges_then_changes_nothing_the_firewall_admits_exactly_the_published_ports_and_backups_restore(string user)
    {
        var total = Stopwatch.StartNew();
        _user = user;
        var info = Run("docker", ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(30));
        Assert.True(info.Exit == 0, "docker is not available (apt-get install -y docker.io; dockerd &): " + info.Err);
        var image = Run("bash", [Path.Combine(Programs.Synth.RepoRoot(), "tests", "Host", "host-image.sh")], TimeSpan.FromMinutes(15));
        Assert.True(image.Exit == 0, "building local/host-debian failed: " + image.Err);

        // The deployer's key, generated now (never committed).
        var key = Path.Combine(_dir, "id");
        Assert.Equal(0, Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "runtime-test", "-f", key], TimeSpan.FromSeconds(30)).Exit);
        var pub = File.ReadAllText(key + ".pub").Trim();

        var started = Run("docker", ["run", "-d", "--cap-add", "NET_ADMIN", "--label", "platform.test=host-runtime", "-e", "AUTHORIZED_KEY=" + pub, "local/host-debian"], TimeSpan.FromSeconds(60));
        Assert.True(started.Exit == 0, started.Err);
        _container = started.Out.Trim();
        var ip = Run("docker", ["inspect", "-f", "{{.NetworkSettings.IPAddress}}", _container], TimeSpan.FromSeconds(30)).Out.Trim();
        Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", ip);
        Assert.True(WaitForPort(ip, 22, TimeSpan.FromSeconds(30)), "sshd did not come up");
        var hostKey = string.Join(' ', Exec("cat /etc/ssh/ssh_host_ed25519_key.pub").Split(' ').Take(2));

        // The program for this server: VRU staging (published 80 and 443, daily backups).
        var r = _stacks.Run("runtime", HostStacks.Text("vru", "staging", ["web-1"], user == "root" ? "" : $"      user: {user}\n").Replace("10.1.0.10", ip).Replace(HostStacks.HostKey, hostKey));
        Assert.True(r.Exit == 0, r.Stderr);
        var resources = HostProgramTests.Resources(r.Stdout);

        // The program's local identity command, run as the engine would (the secret resolved into its environment, a
        // scratch HOME): every SSH call below uses the files it writes and the Docker provider's own sshOpts.
        var provider = ConnectAsTheProvider(resources, "vru", key);
        Assert.Equal($"ssh://{user}@{ip}:22", provider["host"]);
        Assert.Contains("StrictHostKeyChecking=yes", _sshOpts);
        var steps = BootstrapSteps.Select(s => (Name: s, Props: (Dictionary<object, object>)resources[$"vru-server-{s}"]["properties"])).ToList();
        foreach (var (name, props) in steps)
        {
            Assert.False(props.ContainsKey("environment"), $"{name}: the bootstrap commands carry no environment");
            var conn = (Dictionary<object, object>)props["connection"];
            Assert.Equal(ip, conn["host"]);
            Assert.Equal(hostKey, conn["hostKey"]);
            Assert.Equal(user, conn["user"]);
        }

        // Listeners on admitted and on unpublished ports; before the firewall every one answers.
        int[] admitted = [22, 80, 443];
        int[] blocked = [3000, 6379, 8000, 9999];
        foreach (var port in admitted.Concat(blocked).Where(p => p != 22))
            Assert.Equal(0, Run("docker", ["exec", "-d", _container, "nc", "-lk", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30)).Exit);
        foreach (var port in admitted.Concat(blocked))
            Assert.True(WaitForPort(ip, port, TimeSpan.FromSeconds(10)), $"port {port} does not answer before the firewall");

        // Run 1 converges; run 2 changes nothing.
        var (first, firstChanges) = RunAll(steps, "first");
        var before = State();
        var (second, secondChanges) = RunAll(steps, "second");
        var after = State();
        _log.WriteLine($"{user}: bootstrap run 1: {first.TotalMilliseconds:F0} ms, {firstChanges} changes; run 2: {second.TotalMilliseconds:F0} ms, {secondChanges} changes");
        Assert.True(firstChanges >= 10, $"the first run reported only {firstChanges} changes");
        Assert.Equal(0, secondChanges);
        Assert.Equal(before, after);
        Assert.Contains("/opt/vru/data 750 1000:1000", before);
        Assert.Contains("/opt/vru/backups 700 1000:1000", before);
        Assert.Contains("vru:x:1000:1000", before);
        Assert.Contains("rotate 14", Exec("cat /etc/logrotate.d/platform-vru"));
        Assert.Contains("15 2 * * * root /opt/vru/config/backup.sh daily", Exec("cat /etc/cron.d/platform-vru-backup"));
        if (user != "root") Assert.Contains("docker", Exec($"id -nG {user}"));

        // The firewall, in the server's own namespace, admits exactly SSH, 80 and 443 (what VRU staging publishes).
        var set = Exec("nft list set inet platform admitted_tcp");
        Assert.Contains("elements = { 22, 80, 443 }", set);
        foreach (var port in admitted) Assert.True(WaitForPort(ip, port, TimeSpan.FromSeconds(5)), $"admitted port {port} is blocked");
        foreach (var port in blocked) Assert.False(Connects(ip, port, TimeSpan.FromSeconds(2)), $"port {port} is not published but the firewall admits it");

        if (user != "root") return; // backup and restore below run as root (the ops lines add sudo for other users)

        // Backup and restore against PostgreSQL on the server, with the commands the stack outputs name.
        Exec("pg_ctlcluster 15 main start");
        Exec($"su postgres -c \"psql -q -c \\\"create role vru login password '{DbPassword}'\\\"\" && su postgres -c 'createdb -O vru vru'");
        var env = new Dictionary<string, string> { ["PG_CONTAINER"] = "", ["PGHOST"] = "127.0.0.1", ["PGUSER"] = "vru", ["PGPASSWORD"] = DbPassword, ["PGDATABASE"] = "vru" };
        Assert.Equal(0, Ssh(ip, "psql -q -c 'create table readings (id int primary key, v text)' -c \"insert into readings select g, 'row ' || g from generate_series(1, 250) g\"", env).Exit);
        var outputs = (Dictionary<object, object>)((Dictionary<object, object>)HostProgramTests.Outputs(r.Stdout)["servers"])["web-1"];
        var backupCommand = Inner((string)outputs["backup"]);
        var restoreCommand = Inner((string)outputs["restore"]);
        Assert.Equal("/opt/vru/config/backup.sh manual", backupCommand);

        var sw = Stopwatch.StartNew();
        var backup = Ssh(ip, backupCommand, env);
        _log.WriteLine($"backup: {sw.ElapsedMilliseconds} ms");
        Assert.True(backup.Exit == 0, backup.Err);
        var dump = backup.Out.Trim();
        Assert.StartsWith("/opt/vru/backups/vru-manual-", dump);
        Assert.Equal("", Exec("find /opt/vru/backups -name '*.partial'"));

        Assert.Equal(0, Ssh(ip, "psql -q -c 'drop table readings'", env).Exit);
        var restore = restoreCommand.Replace("/opt/vru/backups/FILE.dump [--force]", dump, StringComparison.Ordinal);
        sw.Restart();
        var restored = Ssh(ip, restore, env);
        _log.WriteLine($"restore: {sw.ElapsedMilliseconds} ms");
        Assert.True(restored.Exit == 0, restored.Err);
        Assert.Equal("250", Ssh(ip, "psql -tAq -c 'select count(*) from readings'", env).Out.Trim());

        // A database with tables is refused without --force, replaced with it.
        var refused = Ssh(ip, restore, env);
        Assert.Equal(3, refused.Exit);
        Assert.Contains("--force", refused.Err);
        Assert.Equal(0, Ssh(ip, "psql -q -c 'delete from readings where id > 10'", env).Exit);
        Assert.Equal(0, Ssh(ip, restore + " --force", env).Exit);
        Assert.Equal("250", Ssh(ip, "psql -tAq -c 'select count(*) from readings'", env).Out.Trim());

        // Retention: manual dumps keep the newest 10.
        for (var i = 0; i < 11; i++) Assert.Equal(0, Ssh(ip, backupCommand, env).Exit);
        Assert.Equal("10", Exec("find /opt/vru/backups -name 'vru-manual-*.dump' | wc -l").Trim());

        // Every delete, in reverse order, undoes only what is safe: data, dumps, the user and the firewall stay.
        foreach (var (name, props) in Enumerable.Reverse(steps))
            if (props.TryGetValue("delete", out var del))
            {
                var res = Ssh(ip, ((string)del).Replace("$$", "$", StringComparison.Ordinal), null);
                Assert.True(res.Exit == 0, $"delete of {name} failed: {res.Err}");
            }
        Assert.Equal("10", Exec("find /opt/vru/backups -name 'vru-manual-*.dump' | wc -l").Trim());
        Assert.Equal("250", Ssh(ip, "psql -tAq -c 'select count(*) from readings'", env).Out.Trim());
        Assert.Contains("vru:x:1000:1000", Exec("getent passwd 1000"));
        Assert.Equal("gone gone kept kept", Exec(
            "for f in /etc/logrotate.d/platform-vru /etc/cron.d/platform-vru-backup; do [ -e $f ] && printf 'kept ' || printf 'gone '; done; " +
            "[ -d /opt/vru/data/vru-postgres-data ] && printf 'kept ' || printf 'gone '; nft list table inet platform >/dev/null && printf kept || printf gone"));
        foreach (var port in blocked) Assert.False(Connects(ip, port, TimeSpan.FromSeconds(2)), $"port {port} opened by a delete");
        _log.WriteLine($"runtime test total: {total.Elapsed.TotalSeconds:F1} s");

        (TimeSpan Took, int Changes) RunAll(List<(string Name, Dictionary<object, object> Props)> list, string label)
        {
            var clock = Stopwatch.StartNew();
            var changes = 0;
            foreach (var (name, props) in list)
            {
                var res = Ssh(ip, ((string)props["create"]).Replace("$$", "$", StringComparison.Ordinal), null);
                Assert.True(res.Exit == 0, $"{label} run of {name} failed ({res.Exit}): {res.Err}\n{res.Out}");
                var lines = res.Out.Split('\n').Where(l => l.StartsWith(Infra.Components.Host.Scripts.ChangedMarker, StringComparison.Ordinal)).ToList();
                _log.WriteLine($"{label} {name}: {lines.Count} changes {string.Join("; ", lines)}");
                changes += lines.Count;
            }
            return (clock.Elapsed, changes);
        }
    }

    /// <summary>
    /// The containers' path: the Docker CLI on this machine reaches the server's engine over SSH the way the Docker provider
    /// does (ssh with the program's sshOpts: pinned known_hosts, the identity file, `docker system dial-stdio` on the server).
    /// The throwaway server cannot run dockerd without --privileged, so its engine is this machine's, through the mounted
    /// socket. A container started over SSH is then checked by the program's verify command over SSH; stopping it fails
    /// verify naming the service.
    /// </summary>
    [Fact]
    public void Containers_reach_the_servers_engine_over_ssh_and_verify_names_a_failing_service()
    {
        var info = Run("docker", ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(30));
        Assert.True(info.Exit == 0, "docker is not available (apt-get install -y docker.io; dockerd &): " + info.Err);
        var image = Run("bash", [Path.Combine(Programs.Synth.RepoRoot(), "tests", "Host", "host-image.sh")], TimeSpan.FromMinutes(15));
        Assert.True(image.Exit == 0, "building local/host-debian failed: " + image.Err);
        var key = Path.Combine(_dir, "id");
        Assert.Equal(0, Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "runtime-test", "-f", key], TimeSpan.FromSeconds(30)).Exit);
        var started = Run("docker", ["run", "-d", "--label", "platform.test=host-runtime", "-v", "/var/run/docker.sock:/var/run/docker.sock",
            "-e", "AUTHORIZED_KEY=" + File.ReadAllText(key + ".pub").Trim(), "local/host-debian"], TimeSpan.FromSeconds(60));
        Assert.True(started.Exit == 0, started.Err);
        _container = started.Out.Trim();
        var ip = Run("docker", ["inspect", "-f", "{{.NetworkSettings.IPAddress}}", _container], TimeSpan.FromSeconds(30)).Out.Trim();
        Assert.True(WaitForPort(ip, 22, TimeSpan.FromSeconds(30)), "sshd did not come up");
        var hostKey = string.Join(' ', Exec("cat /etc/ssh/ssh_host_ed25519_key.pub").Split(' ').Take(2));

        var r = _stacks.Run("runtime", HostStacks.Text("pinai", "dev", ["web-1"]).Replace("10.1.0.10", ip).Replace(HostStacks.HostKey, hostKey));
        Assert.True(r.Exit == 0, r.Stderr);
        var resources = HostProgramTests.Resources(r.Stdout);
        var provider = ConnectAsTheProvider(resources, "pinai", key);

        // An `ssh` first on PATH that adds the provider's sshOpts, as the provider's connection helper does.
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        var wrapper = Path.Combine(bin, "ssh");
        File.WriteAllText(wrapper, "#!/bin/sh\nexec /usr/bin/ssh " + string.Join(' ', _sshOpts.Select(o => "'" + o + "'")) + " -o BatchMode=yes \"$@\"\n");
        Assert.Equal(0, Run("chmod", ["700", wrapper], TimeSpan.FromSeconds(10)).Exit);
        var viaSsh = new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = (string)provider["host"],
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
        };
        var name = "pinai-registry-1";
        var container = "platform-ssh-test-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var run = Run("docker", ["run", "-d", "--name", container, "--label", "platform.test=host-runtime", "--health-cmd", "true", "--health-interval", "1s",
                "local/busybox", "sleep", "300"], TimeSpan.FromSeconds(120), viaSsh);
            Assert.True(run.Exit == 0, "docker run over ssh failed: " + run.Err);
            var ps = Run("docker", ["ps", "--filter", "name=" + container, "--format", "{{.Names}}"], TimeSpan.FromSeconds(60), viaSsh);
            Assert.Equal(container, ps.Out.Trim());

            // The program's verify command, pointed at that container, over SSH.
            var verify = ((string)((Dictionary<object, object>)resources["pinai-server-verify"]["properties"])["create"]).Replace("$$", "$", StringComparison.Ordinal);
            Assert.Contains($"container_ok {name} || fail registry", verify);
            var only = string.Join('\n', verify.Split('\n').Where(l => !l.TrimStart().StartsWith("container_ok pinai-", StringComparison.Ordinal) && !l.TrimStart().StartsWith("url_ok ", StringComparison.Ordinal) || l.Contains(name + " ", StringComparison.Ordinal)))
                .Replace(name + " ", container + " ", StringComparison.Ordinal).Replace("${VERIFY_ATTEMPTS:-12}", "3").Replace("${VERIFY_INTERVAL:-5}", "1");
            for (var i = 0; i < 20 && Run("docker", ["inspect", "-f", "{{.State.Health.Status}}", container], TimeSpan.FromSeconds(30)).Out.Trim() != "healthy"; i++) Thread.Sleep(500);
            var ok = Ssh(ip, only, null);
            Assert.True(ok.Exit == 0, ok.Err);
            Assert.Contains("services healthy", ok.Out);
            Assert.Equal(0, Run("docker", ["stop", "-t", "1", container], TimeSpan.FromSeconds(60), viaSsh).Exit);
            var bad = Ssh(ip, only, null);
            Assert.Equal(1, bad.Exit);
            Assert.Contains("verify: failing services: registry", bad.Err);
        }
        finally
        {
            Run("docker", ["rm", "-f", container], TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>The command inside an output line <c>ssh -p 22 root@ADDRESS 'COMMAND'</c>.</summary>
    private static string Inner(string line)
    {
        var open = line.IndexOf('\'');
        return line[(open + 1)..line.LastIndexOf('\'')];
    }

    /// <summary>Files (path, mode, owner, size, mtime, checksum), the service user and group, and the whole nftables ruleset.</summary>
    private string State() => Exec(
        "find /opt/vru /etc/logrotate.d/platform-vru /etc/nftables.d /etc/nftables.conf /etc/cron.d/platform-vru-backup -printf '%p %m %U:%G %s %T@\\n' | sort; " +
        "find /opt/vru /etc/logrotate.d/platform-vru /etc/nftables.d /etc/nftables.conf /etc/cron.d/platform-vru-backup -type f -exec sha256sum {} + | sort; " +
        "getent passwd 1000; getent group 1000; nft list ruleset");

    private string Exec(string shell)
    {
        var res = Run("docker", ["exec", _container!, "sh", "-c", shell], TimeSpan.FromSeconds(120));
        Assert.True(res.Exit == 0, $"docker exec `{shell}` failed: {res.Err}");
        return res.Out;
    }

    /// <summary>One command over SSH as the command provider runs it: the text handed to the remote login shell.</summary>
    private (int Exit, string Out, string Err) Ssh(string ip, string command, IReadOnlyDictionary<string, string>? env) =>
        Run("ssh", [.. _sshOpts, "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-p", "22", "-o", "SendEnv=PG*", _user + "@" + ip, command],
            TimeSpan.FromMinutes(5), env);

    private static bool Connects(string ip, int port, TimeSpan timeout)
    {
        using var client = new TcpClient();
        try
        {
            return client.ConnectAsync(ip, port).Wait(timeout) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    private static bool WaitForPort(string ip, int port, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            if (Connects(ip, port, TimeSpan.FromSeconds(1))) return true;
            Thread.Sleep(200);
        }
        return false;
    }

    /// <summary>
    /// Runs the program's local identity command as the engine would (the secret key resolved into its environment, a
    /// scratch HOME) and takes the Docker provider's sshOpts with the files it wrote: every SSH call of the test uses
    /// them. Returns the provider's properties.
    /// </summary>
    private Dictionary<object, object> ConnectAsTheProvider(Dictionary<string, Dictionary<object, object>> resources, string system, string key)
    {
        var identity = (Dictionary<object, object>)resources[$"{system}-server-identity"]["properties"];
        var identityEnv = ((Dictionary<object, object>)identity["environment"]).ToDictionary(e => (string)e.Key,
            e => ((string)e.Value).Replace("${sshPrivateKey}", File.ReadAllText(key).TrimEnd('\n'), StringComparison.Ordinal));
        identityEnv["HOME"] = Path.Combine(_dir, "home");
        var made = Run("sh", ["-c", ((string)identity["create"]).Replace("$$", "$", StringComparison.Ordinal)], TimeSpan.FromSeconds(30), identityEnv);
        Assert.True(made.Exit == 0, made.Err);
        var provider = (Dictionary<object, object>)resources[$"{system}-server-docker"]["properties"];
        _sshOpts = [.. ((List<object>)provider["sshOpts"]).Cast<string>().Select(o => o.Replace($"${{{system}-server-identity.stdout}}", made.Out, StringComparison.Ordinal))];
        return provider;
    }

    private static (int Exit, string Out, string Err) Run(string tool, IReadOnlyList<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"{tool} is not installed (apt-get install -y {(tool == "ssh" || tool == "ssh-keygen" ? "openssh-client" : tool == "docker" ? "docker.io" : tool)})");
            throw;
        }
        p.StandardInput.Close();
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} {string.Join(' ', args.Take(3))} did not finish within {timeout.TotalSeconds} s");
        }
        p.WaitForExit();
        return (p.ExitCode, outTask.Result, errTask.Result);
    }
}
