using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GenImage.Core.Guest;
using Scripts = GenImage.Core.Guest.GuestScripts;

namespace GenImage.Core.Tests.GuestScripts;

/// <summary>
/// Runs inspect-linux.sh for real with /bin/sh (dash on Debian and Ubuntu) against fake root trees, and
/// syntax-checks prepare-linux.sh. Each leftover tree differs from the clean one by exactly one thing.
/// </summary>
public sealed class LinuxScriptTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "genimage-guest-" + Guid.NewGuid().ToString("N"));

    public LinuxScriptTests() => Directory.CreateDirectory(_temp);

    public void Dispose()
    {
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string Shell =>
        GuestScriptFiles.FindProgram("/bin/sh", "/usr/bin/sh")
        ?? throw new InvalidOperationException("These tests need a POSIX shell at /bin/sh.");

    /// <summary>A root tree as a freshly deprovisioned image has it: an OS, an agent, nothing instance-specific.</summary>
    private string CleanRoot(string name = "root")
    {
        var root = Path.Combine(_temp, name);
        Write(root, "etc/os-release", "NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nPRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nID=ubuntu\n");
        Write(root, "etc/passwd",
            "root:x:0:0:root:/root:/bin/bash\n" +
            "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n" +
            "syslog:x:104:111::/home/syslog:/usr/sbin/nologin\n" +
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        Write(root, "etc/machine-id", "");
        Write(root, "etc/waagent.conf", "Provisioning.Agent=auto\n");
        Write(root, "etc/ssh/sshd_config", "PasswordAuthentication no\n");
        Write(root, "etc/ssh/ssh_host_rsa_key.pub", "ssh-rsa AAAA root@image"); // a public key is not a leftover
        Write(root, "usr/sbin/waagent", "#!/usr/bin/env python3\n");
        Write(root, "root/.bashrc", "# bashrc\n");
        Write(root, "root/.bash_history", ""); // empty history is clean
        Directory.CreateDirectory(Path.Combine(root, "home"));
        Directory.CreateDirectory(Path.Combine(root, "var/lib/cloud/seed"));
        Write(root, "var/lib/waagent/waagent_status.json", "{}");
        return root;
    }

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static (GuestScriptResult Result, GuestFacts Facts, JsonElement RawFacts, string StdOut) Inspect(string root)
    {
        var script = Scripts.Get(GuestScriptKind.InspectLinux);
        var path = Path.Combine(Path.GetDirectoryName(root)!, "inspect-linux.sh");
        File.WriteAllText(path, script.Text);
        var (exit, stdout, stderr) = Run(Shell, path, root);
        Assert.True(exit == 0, $"inspect-linux.sh exited {exit}: {stderr}\n{stdout}");
        Assert.True(GuestScriptResult.TryParse(stdout, out var result, out var error), error + "\n" + stdout);
        Assert.Equal("inspect-linux", result!.Script);
        Assert.True(result.Succeeded, result.Message);
        var stdoutLines = stdout.TrimEnd('\n').Split('\n');
        Assert.StartsWith("GENIMAGE-RESULT {", stdoutLines[^1], StringComparison.Ordinal);
        return (result, GuestFacts.FromResult(result), result.Properties["facts"], stdout);
    }

    private static (int Exit, string StdOut, string StdErr) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stderrTask = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderrTask.Result);
    }

    /// <summary>The leftover facts as one comparable string per fact.</summary>
    private static Dictionary<string, string> Leftovers(GuestFacts f) => new()
    {
        ["sshHostKeys"] = string.Join("|", f.SshHostKeys!),
        ["machineId"] = f.MachineIdPresent!.Value.ToString(),
        ["adminUsers"] = string.Join("|", f.AdminUsers!.Select(u => $"{u.Name}:{u.HomeExists}")),
        ["shellHistory"] = string.Join("|", f.ShellHistoryFiles!),
        ["cloudInitState"] = string.Join("|", f.CloudInitState!),
        ["waagentState"] = string.Join("|", f.WaagentState!),
        ["waagentInstalled"] = f.AgentInstalled!.Value.ToString(),
        ["agentConfigured"] = f.AgentConfigured!.Value.ToString(),
    };

    [Fact]
    public void Clean_tree_reports_no_leftovers()
    {
        var (result, facts, raw, _) = Inspect(CleanRoot());

        Assert.Equal("Linux", facts.OsType);
        Assert.Equal("Ubuntu 22.04.4 LTS", facts.OsName);
        Assert.Empty(facts.SshHostKeys!);
        Assert.False(facts.MachineIdPresent);
        Assert.Empty(facts.AdminUsers!);
        Assert.Empty(facts.ShellHistoryFiles!);
        Assert.Empty(facts.CloudInitState!);
        Assert.Empty(facts.WaagentState!);
        Assert.True(facts.AgentInstalled);
        Assert.True(facts.AgentConfigured);
        Assert.Null(facts.AgentVersion); // only read when inspecting the running system
        Assert.Empty(facts.TruncatedLists!);
        Assert.Null(facts.AppxBlockers); // a Windows fact: unknown, not "none"
        Assert.Equal(JsonValueKind.Null, raw.GetProperty("waagentVersion").ValueKind);
        Assert.Contains("no provisioning leftovers", result.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> LeftoverKinds() => new()
    {
        "sshHostKey", "machineId", "adminUser", "bashHistory", "cloudInitInstance", "waagentOvfEnv",
    };

    [Theory]
    [MemberData(nameof(LeftoverKinds))]
    public void One_leftover_flips_exactly_its_own_fact(string leftover)
    {
        var clean = Leftovers(Inspect(CleanRoot("clean")).Facts);
        var root = CleanRoot("dirty");
        string fact;
        string expected;
        switch (leftover)
        {
            case "sshHostKey":
                Write(root, "etc/ssh/ssh_host_ed25519_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n");
                (fact, expected) = ("sshHostKeys", "/etc/ssh/ssh_host_ed25519_key");
                break;
            case "machineId":
                Write(root, "etc/machine-id", "4f1c2a9d8e7b4c3a9f0e1d2c3b4a5968\n");
                (fact, expected) = ("machineId", "True");
                break;
            case "adminUser":
                File.AppendAllText(Path.Combine(root, "etc/passwd"), "azureuser:x:1000:1000:Azure User,,,:/home/azureuser:/bin/bash\n");
                Directory.CreateDirectory(Path.Combine(root, "home/azureuser"));
                (fact, expected) = ("adminUsers", "azureuser:True");
                break;
            case "bashHistory":
                Write(root, "home/operator/.bash_history", "sudo systemctl status waagent\n");
                (fact, expected) = ("shellHistory", "/home/operator/.bash_history");
                break;
            case "cloudInitInstance":
                Write(root, "var/lib/cloud/instances/6f3a1c2e-0000-4000-8000-000000000001/boot-finished", "done\n");
                (fact, expected) = ("cloudInitState", "/var/lib/cloud/instances/6f3a1c2e-0000-4000-8000-000000000001");
                break;
            case "waagentOvfEnv":
                Write(root, "var/lib/waagent/ovf-env.xml", "<Environment/>\n");
                (fact, expected) = ("waagentState", "/var/lib/waagent/ovf-env.xml");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(leftover));
        }

        var (result, facts, _, _) = Inspect(root);
        var dirty = Leftovers(facts);

        Assert.Equal(expected, dirty[fact]);
        Assert.NotEqual(clean[fact], dirty[fact]);
        foreach (var other in clean.Keys.Where(k => k != fact))
        {
            Assert.True(clean[other] == dirty[other], $"{leftover} also changed {other}: '{clean[other]}' -> '{dirty[other]}'");
        }
        Assert.DoesNotContain("no provisioning leftovers", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Admin_user_without_a_home_and_system_accounts_are_told_apart()
    {
        var root = CleanRoot();
        File.AppendAllText(Path.Combine(root, "etc/passwd"),
            "gone:x:1001:1001::/home/gone:/bin/sh\n" +
            "svc:x:1002:1002::/srv/svc:/usr/sbin/nologin\n" +
            "noshell:x:1003:1003::/home/noshell:/bin/false\n" +
            "dev:x:1004:1004::/srv/dev:/bin/zsh"); // last line without a newline
        Write(root, "srv/dev/.bash_history", "ls\n");

        var facts = Inspect(root).Facts;

        Assert.Equal(new[] { "gone", "dev" }, facts.AdminUsers!.Select(u => u.Name).ToArray());
        Assert.Equal(new bool?[] { false, true }, facts.AdminUsers!.Select(u => u.HomeExists).ToArray());
        Assert.Equal(1004, facts.AdminUsers![1].Uid);
        Assert.Equal("/bin/zsh", facts.AdminUsers![1].Shell);
        Assert.Equal(new[] { "/srv/dev/.bash_history" }, facts.ShellHistoryFiles!.ToArray());
    }

    [Fact]
    public void Missing_agent_is_reported_as_not_installed()
    {
        var root = CleanRoot();
        File.Delete(Path.Combine(root, "usr/sbin/waagent"));
        File.Delete(Path.Combine(root, "etc/waagent.conf"));

        var (result, facts, _, _) = Inspect(root);

        Assert.False(facts.AgentInstalled);
        Assert.False(facts.AgentConfigured);
        Assert.Contains("waagent", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Odd_file_names_still_give_valid_json()
    {
        var root = CleanRoot();
        const string odd = "ssh_host_\"quoted\\back'slash\ttab_key";
        Write(root, "etc/ssh/" + odd, "key");
        Write(root, "home/we\"ird/.bash_history", "history\n");
        File.WriteAllText(Path.Combine(root, "etc/os-release"), "PRETTY_NAME=\"Distro \\\"Quoted\\\" 1.0\"\n");

        var (_, facts, _, stdout) = Inspect(root);

        Assert.Equal(new[] { "/etc/ssh/" + odd }, facts.SshHostKeys!.ToArray());
        Assert.Equal(new[] { "/home/we\"ird/.bash_history" }, facts.ShellHistoryFiles!.ToArray());
        Assert.NotNull(facts.OsName);
        Assert.Single(stdout.TrimEnd('\n').Split('\n'), l => l.StartsWith("GENIMAGE-RESULT ", StringComparison.Ordinal));
    }

    [Fact]
    public void File_name_with_a_newline_stays_on_the_result_line()
    {
        var root = CleanRoot();
        Write(root, "var/lib/cloud/instances/line1\nline2", "x");

        var facts = Inspect(root).Facts;

        Assert.Equal(new[] { "/var/lib/cloud/instances/line1\nline2" }, facts.CloudInitState!.ToArray());
    }

    [Fact]
    public void Long_lists_are_cut_and_named_in_truncated_lists()
    {
        var root = CleanRoot();
        for (var i = 0; i < 14; i++)
        {
            Directory.CreateDirectory(Path.Combine(root, "var/lib/cloud/instances", "i-" + i.ToString("00", CultureInfo.InvariantCulture)));
        }

        var facts = Inspect(root).Facts;

        Assert.Equal(10, facts.CloudInitState!.Count);
        Assert.Equal(new[] { "cloudInitState" }, facts.TruncatedLists!.ToArray());
    }

    [Fact]
    public void Root_that_does_not_exist_fails_with_a_result_line()
    {
        var script = Scripts.Get(GuestScriptKind.InspectLinux);
        var path = Path.Combine(_temp, "inspect-linux.sh");
        File.WriteAllText(path, script.Text);

        var (exit, stdout, _) = Run(Shell, path, Path.Combine(_temp, "no-such-root"));

        Assert.NotEqual(0, exit);
        Assert.True(GuestScriptResult.TryParse(stdout, out var result, out var error), error);
        Assert.False(result!.Succeeded);
        Assert.Contains("no-such-root", result.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => GuestFacts.FromResult(result));
    }

    [Fact]
    public void Inspecting_the_running_system_yields_a_valid_result()
    {
        var script = Scripts.Get(GuestScriptKind.InspectLinux);
        var path = Path.Combine(_temp, "inspect-linux.sh");
        File.WriteAllText(path, script.Text);

        var (exit, stdout, stderr) = Run(Shell, path);

        Assert.True(exit == 0, stderr);
        Assert.True(GuestScriptResult.TryParse(stdout, out var result, out var error), error);
        var facts = GuestFacts.FromResult(result!);
        Assert.Equal("/", result!.Properties["facts"].GetProperty("root").GetString());
        Assert.NotNull(facts.AgentInstalled);
    }

    [Theory]
    [InlineData(GuestScriptKind.PrepareLinux)]
    [InlineData(GuestScriptKind.InspectLinux)]
    public void Shell_script_passes_sh_n(GuestScriptKind kind)
    {
        var script = Scripts.Get(kind);
        var path = Path.Combine(_temp, script.FileName);
        File.WriteAllText(path, script.Text);

        var (exit, stdout, stderr) = Run(Shell, "-n", path);

        Assert.True(exit == 0, $"sh -n {script.FileName}: {stderr}{stdout}");
    }

    [Fact]
    public void Shell_syntax_check_catches_a_broken_script()
    {
        // Guards the test above: sh -n must fail on a script with a syntax error.
        var path = Path.Combine(_temp, "broken.sh");
        File.WriteAllText(path, Scripts.Get(GuestScriptKind.PrepareLinux).Text + "\nif true; then\n");

        var (exit, _, _) = Run(Shell, "-n", path);

        Assert.NotEqual(0, exit);
    }
}
