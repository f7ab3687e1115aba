using GenImage.Core.Guest;

namespace GenImage.Core.Tests.GuestScripts;

/// <summary>
/// GuestFacts read from Inspect-Windows.ps1 outputs in TestData (one clean Windows Server 2022, one Windows 11
/// image with Sysprep blockers, one domain-joined Server 2019 with BitLocker and an unreadable fact).
/// </summary>
public sealed class GuestFactsTests
{
    private static GuestFacts Load(string fileName)
    {
        var stdout = File.ReadAllText(GuestScriptFiles.TestData(fileName));
        Assert.True(GuestScriptResult.TryParse(stdout, out var result, out var error), error);
        return GuestFacts.FromResult(result!);
    }

    private static GuestScriptResult Parse(string json)
    {
        Assert.True(GuestScriptResult.TryParse("GENIMAGE-RESULT " + json, out var result, out var error), error);
        return result!;
    }

    [Fact]
    public void Clean_server_2022_has_no_blockers()
    {
        var f = Load("inspect-windows-server2022-clean.txt");

        Assert.Equal("Windows", f.OsType);
        Assert.Equal("Microsoft Windows Server 2022 Datacenter", f.OsName);
        Assert.Equal("10.0.20348.2340", f.OsVersion);
        Assert.True(f.AgentInstalled);
        Assert.Equal("2.7.41491.1102", f.AgentVersion);
        Assert.Equal("Running", f.AgentStatus);
        Assert.Empty(f.AppxBlockers!);
        Assert.False(f.BitLockerOn);
        Assert.Empty(f.PendingReboot!);
        Assert.False(f.DvdRomDisabled);
        Assert.False(f.DomainJoined);
        Assert.Null(f.Domain);
        Assert.Empty(f.PantherUnattendFiles!);
        Assert.Equal("IMAGE_STATE_COMPLETE", f.ImageState);
        Assert.Equal(7, f.SysprepGeneralizationState);
        Assert.Empty(f.Warnings!);
        // Linux facts are unknown on Windows, not "none".
        Assert.Null(f.SshHostKeys);
        Assert.Null(f.MachineIdPresent);
        Assert.Null(f.AdminUsers);
        Assert.Null(f.CloudInitState);
        Assert.Null(f.AgentConfigured);
    }

    [Fact]
    public void Windows_11_image_reports_appx_blockers_pending_reboot_and_an_answer_file()
    {
        var f = Load("inspect-windows-win11-appx-reboot-unattend.txt");

        Assert.Equal(3, f.AppxBlockers!.Count);
        Assert.Contains("Microsoft.WindowsTerminal_1.19.10821.0_x64__8wekyb3d8bbwe", f.AppxBlockers);
        Assert.Equal(new[] { "CBS", "PendingFileRenameOperations" }, f.PendingReboot!.ToArray());
        Assert.Equal(new[] { @"C:\Windows\Panther\unattend.xml" }, f.PantherUnattendFiles!.ToArray());
        Assert.True(f.DvdRomDisabled);
        Assert.False(f.BitLockerOn);
        Assert.Equal("Microsoft Windows 11 Enterprise multi-session", f.OsName);
    }

    [Fact]
    public void Domain_joined_server_2019_with_bitlocker_keeps_the_unreadable_fact_unknown()
    {
        var f = Load("inspect-windows-server2019-domain-bitlocker.txt");

        Assert.True(f.DomainJoined);
        Assert.Equal("corp.contoso.com", f.Domain);
        Assert.True(f.BitLockerOn);
        Assert.Equal("Stopped", f.AgentStatus);
        Assert.Null(f.AppxBlockers);       // could not be read: unknown
        Assert.Null(f.DvdRomDisabled);     // not reported: unknown
        Assert.Empty(f.PendingReboot!);
        Assert.Single(f.Warnings!);
        Assert.StartsWith("appxBlockers:", f.Warnings![0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_test_data_never_carries_a_password()
    {
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(GuestScriptFiles.TestData("x"))!))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("<Value>", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<Password>", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Linux_facts_map_to_the_shared_properties()
    {
        var f = GuestFacts.FromResult(Parse(
            "{\"script\":\"inspect-linux\",\"status\":\"succeeded\",\"message\":\"m\",\"facts\":{\"root\":\"/\",\"osRelease\":\"Debian GNU/Linux 12 (bookworm)\"," +
            "\"sshHostKeys\":[\"/etc/ssh/ssh_host_ed25519_key\"],\"machineId\":true," +
            "\"adminUsers\":[{\"name\":\"azureuser\",\"uid\":1000,\"home\":\"/home/azureuser\",\"shell\":\"/bin/bash\",\"homeExists\":true}]," +
            "\"shellHistory\":[],\"cloudInitState\":[\"/var/lib/cloud/instance\"],\"waagentState\":[\"/var/lib/waagent/ovf-env.xml\"]," +
            "\"waagentInstalled\":true,\"waagentVersion\":\"2.9.1.1\",\"agentConfigured\":true,\"truncatedLists\":[]}}"));

        Assert.Equal("Linux", f.OsType);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", f.OsName);
        Assert.True(f.AgentInstalled);
        Assert.Equal("2.9.1.1", f.AgentVersion);
        Assert.Null(f.AgentStatus);
        Assert.True(f.MachineIdPresent);
        var user = Assert.Single(f.AdminUsers!);
        Assert.Equal(("azureuser", (bool?)true, (int?)1000, "/home/azureuser", "/bin/bash"), (user.Name, user.HomeExists, user.Uid, user.Home, user.Shell));
        Assert.Equal(new[] { "/var/lib/cloud/instance" }, f.CloudInitState!.ToArray());
        Assert.Null(f.AppxBlockers);
        Assert.Null(f.BitLockerOn);
        Assert.Null(f.Warnings);
    }

    [Fact]
    public void Missing_facts_are_unknown()
    {
        var f = GuestFacts.FromResult(Parse("{\"script\":\"inspect-windows\",\"status\":\"succeeded\",\"message\":\"m\",\"facts\":{}}"));

        Assert.Null(f.AgentInstalled);
        Assert.Null(f.BitLockerOn);
        Assert.Null(f.AppxBlockers);
        Assert.Null(f.PendingReboot);
        Assert.Null(f.DomainJoined);
        Assert.Null(f.ImageState);
        Assert.Null(f.SysprepGeneralizationState);
    }

    [Theory]
    [InlineData("{\"bitLocker\":{\"osVolumeProtected\":\"yes\"}}", "facts.bitLocker.osVolumeProtected")]
    [InlineData("{\"bitLocker\":true}", "facts.bitLocker")]
    [InlineData("{\"appxBlockers\":\"Microsoft.X\"}", "facts.appxBlockers")]
    [InlineData("{\"appxBlockers\":[\"a\",3]}", "facts.appxBlockers[1]")]
    [InlineData("{\"agent\":{\"installed\":1}}", "facts.agent.installed")]
    [InlineData("{\"domain\":42}", "facts.domain")]
    [InlineData("{\"sysprepGeneralizationState\":\"seven\"}", "facts.sysprepGeneralizationState")]
    public void Malformed_windows_facts_name_the_offending_key(string facts, string path)
    {
        var result = Parse("{\"script\":\"inspect-windows\",\"status\":\"succeeded\",\"message\":\"m\",\"facts\":" + facts + "}");

        var ex = Assert.Throws<FormatException>(() => GuestFacts.FromResult(result));

        Assert.Contains("'" + path + "'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"adminUsers\":[{\"uid\":1000}]}", "facts.adminUsers[0].name")]
    [InlineData("{\"adminUsers\":[\"azureuser\"]}", "facts.adminUsers[0]")]
    [InlineData("{\"adminUsers\":[{\"name\":\"a\",\"homeExists\":\"true\"}]}", "facts.adminUsers[0].homeExists")]
    [InlineData("{\"machineId\":\"4f1c\"}", "facts.machineId")]
    [InlineData("{\"sshHostKeys\":{}}", "facts.sshHostKeys")]
    public void Malformed_linux_facts_name_the_offending_key(string facts, string path)
    {
        var result = Parse("{\"script\":\"inspect-linux\",\"status\":\"succeeded\",\"message\":\"m\",\"facts\":" + facts + "}");

        var ex = Assert.Throws<FormatException>(() => GuestFacts.FromResult(result));

        Assert.Contains("'" + path + "'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"script\":\"inspect-windows\",\"status\":\"failed\",\"message\":\"stopped on an unexpected error\"}", "no 'facts' object")]
    [InlineData("{\"script\":\"inspect-linux\",\"status\":\"succeeded\",\"message\":\"m\",\"facts\":[]}", "found an array")]
    [InlineData("{\"script\":\"prepare-windows\",\"status\":\"succeeded\",\"message\":\"m\",\"facts\":{}}", "not an inspection result")]
    public void Result_without_facts_is_a_format_error(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => GuestFacts.FromResult(Parse(json)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_result_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => GuestFacts.FromResult(null!));
    }
}
