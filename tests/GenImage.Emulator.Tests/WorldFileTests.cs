using GenImage.Emulator.World;

namespace GenImage.Emulator.Tests;

/// <summary>World files: the shipped examples load; every error names line and column.</summary>
public sealed class WorldFileTests
{
    private const string Header = "apiVersion: genimage.dev/emulator/v1\nkind: World\n";

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GenImage.Cmdlets.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    [Theory]
    [InlineData("healthy.yaml", 2)]
    [InlineData("classic-failures.yaml", 5)]
    public async Task Shipped_example_worlds_load(string file, int vmCount)
    {
        var path = Path.Combine(RepoRoot(), "examples", "worlds", file);
        var world = WorldLoader.LoadFile(path);
        Assert.Equal("00000000-0000-0000-0000-000000000001", world.Subscriptions.Single().Id);
        Assert.Equal(vmCount, world.Subscriptions[0].ResourceGroups.Single().VirtualMachines.Count);

        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldFile = path });
        Assert.Equal(["00000000-0000-0000-0000-000000000001"], host.SubscriptionIds);
        Assert.Equal(0.001, host.ClockScale);
    }

    [Fact]
    public void Healthy_world_has_the_documented_vms()
    {
        var world = WorldLoader.LoadFile(Path.Combine(RepoRoot(), "examples", "worlds", "healthy.yaml"));
        var vms = world.Subscriptions[0].ResourceGroups[0].VirtualMachines;
        var win = vms.Single(v => v.Name == "vm-win2022-src");
        Assert.Equal(("Windows", "V2", "TrustedLaunch", "running", "Ready"), (win.OsType, win.HyperVGeneration, win.SecurityType, win.PowerState, win.Guest.AgentStatus));
        var linux = vms.Single(v => v.Name == "vm-ubuntu2204-src");
        Assert.Equal(("Linux", "V2", "Standard", "running", true), (linux.OsType, linux.HyperVGeneration, linux.SecurityType, linux.PowerState, linux.Guest.CloudInit));
    }

    [Theory]
    // unknown key, reported at the key
    [InlineData(Header + "subscriptions:\n  - id: 00000000-0000-0000-0000-000000000001\n    displayNme: x\n", 5, 5, "unknown key 'displayNme'")]
    // wrong enum value, reported at the value
    [InlineData(Header + "subscriptions:\n  - id: 00000000-0000-0000-0000-000000000001\n    resourceGroups:\n      - name: rg\n        location: westeurope\n        virtualMachines:\n          - name: vm1\n            osType: Windows\n            powerState: sleeping\n", 11, 25, "'sleeping'")]
    // key case matters, with a hint
    [InlineData(Header + "Subscriptions: []\n", 3, 1, "Did you mean 'subscriptions'?")]
    // not a GUID
    [InlineData(Header + "subscriptions:\n  - id: sub-1\n", 4, 9, "must be a GUID")]
    // invalid YAML
    [InlineData(Header + "subscriptions:\n  - id: [unclosed\n", 5, 1, "not valid YAML")]
    // missing osType
    [InlineData(Header + "subscriptions:\n  - id: 00000000-0000-0000-0000-000000000001\n    resourceGroups:\n      - name: rg\n        location: westeurope\n        virtualMachines:\n          - name: vm1\n", 9, 13, "osType")]
    // Trusted Launch needs Gen2
    [InlineData(Header + "subscriptions:\n  - id: 00000000-0000-0000-0000-000000000001\n    resourceGroups:\n      - name: rg\n        location: westeurope\n        virtualMachines:\n          - name: vm1\n            osType: Windows\n            hyperVGeneration: V1\n            securityType: TrustedLaunch\n", 12, 27, "requires hyperVGeneration V2")]
    // a blocker on Linux
    [InlineData(Header + "subscriptions:\n  - id: 00000000-0000-0000-0000-000000000001\n    resourceGroups:\n      - name: rg\n        location: westeurope\n        virtualMachines:\n          - name: vm1\n            osType: Linux\n            guest: { sysprepBlockers: [ \"appx:Foo\" ] }\n", 11, 41, "Windows guests only")]
    // unknown leftover
    [InlineData(Header + "subscriptions:\n  - id: 00000000-0000-0000-0000-000000000001\n    resourceGroups:\n      - name: rg\n        location: westeurope\n        virtualMachines:\n          - name: vm1\n            osType: Linux\n            guest:\n              leftovers: [ sshHostKeys, bashrc ]\n", 12, 41, "unknown leftover 'bashrc'")]
    // duplicate VM names (case-insensitive)
    [InlineData(Header + "subscriptions:\n  - id: 00000000-0000-0000-0000-000000000001\n    resourceGroups:\n      - name: rg\n        location: westeurope\n        virtualMachines:\n          - { name: vm1, osType: Linux }\n          - { name: VM1, osType: Linux }\n", 10, 13, "defined twice")]
    // a serial log beyond 256 MiB, and a padding line of two lines
    [InlineData(Header + "serialLog: { sizeBytes: 268435457 }\nsubscriptions: []\n", 3, 25, "from 0 to 268435456")]
    [InlineData(Header + "serialLog:\n  line: \"a\\nb\"\nsubscriptions: []\n", 4, 9, "must be one line")]
    // wrong apiVersion
    [InlineData("apiVersion: v2\nkind: World\nsubscriptions: []\n", 1, 13, "is not supported")]
    // no subscriptions
    [InlineData(Header + "subscriptions: []\n", 3, 16, "at least one subscription")]
    public void Invalid_world_reports_line_and_column(string yaml, int line, int column, string fragment)
    {
        var ex = Assert.Throws<WorldFileException>(() => WorldLoader.Parse(yaml, "test.yaml"));
        Assert.Contains(fragment, ex.Problem);
        Assert.Equal((line, column), (ex.Line, ex.Column));
        Assert.StartsWith($"test.yaml({line},{column}): ", ex.Message);
    }

    [Fact]
    public async Task StartAsync_rejects_an_invalid_world()
    {
        var ex = await Assert.ThrowsAsync<WorldFileException>(() => TestSupport.StartAsync(new EmulatorOptions { WorldYaml = Header + "bogus: 1\n" }));
        Assert.Equal(3, ex.Line);
        Assert.Null(ex.Source);

        var missing = await Assert.ThrowsAsync<WorldFileException>(() => TestSupport.StartAsync(new EmulatorOptions { WorldFile = "/nonexistent/world.yaml" }));
        Assert.Contains("cannot read", missing.Message);
    }

    [Fact]
    public void Defaults_fill_what_the_world_leaves_out()
    {
        var world = WorldLoader.Parse(Header + """
            subscriptions:
              - id: 00000000-0000-0000-0000-000000000009
                resourceGroups:
                  - name: rg
                    location: West Europe
                    virtualMachines:
                      - { name: a-very-long-windows-vm-name, osType: Windows }
                      - { name: lin, osType: linux }
            """, null);
        Assert.Equal(WorldDefinition.DefaultClockScale, world.ClockScale);
        Assert.Equal(WorldDefinition.DefaultTenantId, world.TenantId);
        var rg = world.Subscriptions[0].ResourceGroups[0];
        Assert.Equal("westeurope", rg.Location);
        var win = rg.VirtualMachines[0];
        Assert.Equal(("running", "V2", "Standard", 127, "Ready", false), (win.PowerState, win.HyperVGeneration, win.SecurityType, win.OsDiskSizeGB, win.Guest.AgentStatus, win.Guest.CloudInit));
        Assert.Equal("a-very-long-win", win.ComputerName);
        var lin = rg.VirtualMachines[1];
        Assert.Equal(("Linux", true, 30), (lin.OsType, lin.Guest.CloudInit, lin.OsDiskSizeGB));
    }
}
