using System.Text.Json.Nodes;
using GenImage.Emulator.World;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>
/// examples/worlds/boot-failures.yaml: production VMs that fail in each catalogued way (world keys), the versions they
/// came from (which fail the same way for a new VM), and what the instance view and boot diagnostics show.
/// </summary>
public sealed class BootFailureWorldTests
{
    private const string Prod = "rg-prod";
    private const string Versions = $"/subscriptions/{Sub}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_boot/images";

    private static string WorldPath => Path.Combine(WorldFileTests.RepoRoot(), "examples", "worlds", "boot-failures.yaml");

    private static Task<EmulatorHost> StartAsync() => TestSupport.StartAsync(new EmulatorOptions { WorldFile = WorldPath });

    private static async Task<JsonNode> GetVmAsync(HttpClient http, string name)
    {
        var (response, body) = await GetAsync(http, $"{VmPath(name, Prod)}?api-version={ComputeApi}&$expand=instanceView");
        Assert.Equal(200, (int)response.StatusCode);
        return body!;
    }

    private static async Task<string> SerialLogAsync(EmulatorHost host, HttpClient http, string name, string rg = Prod)
    {
        var (response, body) = await PostAsync(http, $"{VmPath(name, rg)}/retrieveBootDiagnosticsData?api-version={ComputeApi}");
        Assert.Equal(200, (int)response.StatusCode);
        using var anonymous = Http(host, authenticate: false);
        return await anonymous.GetStringAsync(body!["serialConsoleLogBlobUri"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string> FailingVms() => new()
    {
        { "vm-web-nosysprep", "OSProvisioningTimedOut", "Computer is booting, SAC started and initialized." },
        { "vm-web-oobe", "OSProvisioningTimedOut", "Type a password for the built-in administrator account" },
        { "vm-api-useradd", "OSProvisioningClientError", "useradd: user 'azureadmin' already exists" },
        { "vm-api-wireserver", "VMAgentStatusCommunicationError", "Fetch failed: [HttpError] [HTTP Failed] GET http://168.63.129.16/machine/?comp=goalstate" },
        { "vm-web-bootdevice", "OSProvisioningTimedOut", "Stop code: INACCESSIBLE_BOOT_DEVICE" },
        { "vm-api-secureboot", "OSProvisioningTimedOut", "error: bad shim signature." },
        { "vm-api-kernelpanic", "OSProvisioningTimedOut", "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)" },
        { "vm-api-fstab", "OSProvisioningTimedOut", "You are in emergency mode." },
        { "vm-api-datasource", "OSProvisioningTimedOut", "No instance datasource found! Likely bad things to come!" },
        { "vm-api-noagent", "VMAgentStatusCommunicationError", "Cloud-init v. 23.4.4-0ubuntu0~22.04.1 finished" },
        { "vm-api-diskfull", "OSProvisioningTimedOut", "No space left on device" },
        { "vm-api-nodhcp", "OSProvisioningTimedOut", "No DHCPOFFERS received." },
        { "vm-api-notdeprov", "OSProvisioningTimedOut", "Provisioning already completed, skipping." },
        { "vm-web-unattend", "OSProvisioningTimedOut", "Windows could not parse or process unattend answer file [C:\\Windows\\Panther\\unattend.xml] for pass [specialize]." },
    };

    [Theory]
    [MemberData(nameof(FailingVms))]
    public async Task Production_vm_fails_as_its_image_does(string vm, string code, string line)
    {
        await using var host = await StartAsync();
        using var http = Http(host);

        var body = await GetVmAsync(http, vm);
        var p = body["properties"]!;
        Assert.Equal("Failed", p["provisioningState"]!.GetValue<string>());
        var statuses = p["instanceView"]!["statuses"]!.AsArray();
        var failed = statuses[0]!;
        Assert.Equal($"ProvisioningState/failed/{code}", failed["code"]!.GetValue<string>());
        Assert.Equal("Error", failed["level"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(failed["message"]!.GetValue<string>()));
        Assert.True(DateTimeOffset.Parse(failed["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) < DateTimeOffset.UtcNow.AddMinutes(-10));
        Assert.Equal("Not Ready", p["instanceView"]!["vmAgent"]!["statuses"]![0]!["displayStatus"]!.GetValue<string>());
        Assert.StartsWith(Versions, p["storageProfile"]!["imageReference"]!["id"]!.GetValue<string>());

        var log = await SerialLogAsync(host, http, vm);
        Assert.Contains(line, log);
        Assert.DoesNotContain("Guest Agent ready", log);
    }

    [Fact]
    public async Task Vm_from_latest_reports_the_exact_version_it_got()
    {
        await using var host = await StartAsync();
        using var http = Http(host);

        var p = (await GetVmAsync(http, "vm-api-healthy"))["properties"]!;

        Assert.Equal("Succeeded", p["provisioningState"]!.GetValue<string>());
        Assert.Equal($"{Versions}/ubuntu-2204", p["storageProfile"]!["imageReference"]!["id"]!.GetValue<string>());
        Assert.Equal("1.1.0", p["storageProfile"]!["imageReference"]!["exactVersion"]!.GetValue<string>());
        Assert.Equal("Ready", p["instanceView"]!["vmAgent"]!["statuses"]![0]!["displayStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task Agent_that_never_ran_reports_no_version_and_a_missing_agent_reports_none_either()
    {
        await using var host = await StartAsync();
        using var http = Http(host);

        var panic = (await GetVmAsync(http, "vm-api-kernelpanic"))["properties"]!["instanceView"]!["vmAgent"]!;
        var missing = (await GetVmAsync(http, "vm-api-noagent"))["properties"]!["instanceView"]!["vmAgent"]!;
        var blocked = (await GetVmAsync(http, "vm-api-wireserver"))["properties"]!["instanceView"]!["vmAgent"]!;

        Assert.Equal("Unknown", panic["vmAgentVersion"]!.GetValue<string>());
        Assert.Equal("Unknown", missing["vmAgentVersion"]!.GetValue<string>());
        Assert.Equal("2.9.1.1", blocked["vmAgentVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Specialized_image_vm_has_no_os_profile_and_the_failure_time_is_the_worlds()
    {
        await using var host = await StartAsync();
        using var http = Http(host);

        var oobe = (await GetVmAsync(http, "vm-web-oobe"))["properties"]!;
        var nosysprep = (await GetVmAsync(http, "vm-web-nosysprep"))["properties"]!;

        Assert.Null(oobe["osProfile"]);
        Assert.NotNull(nosysprep["osProfile"]);
        var failedAt = DateTimeOffset.Parse(nosysprep["instanceView"]!["statuses"]![0]!["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - failedAt, TimeSpan.FromMinutes(39), TimeSpan.FromMinutes(45));
    }

    [Fact]
    public async Task Boot_diagnostics_can_be_off_gone_or_long()
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        using var anonymous = Http(host, authenticate: false);

        var off = await GetVmAsync(http, "vm-api-nodiag");
        Assert.False(off["properties"]!["diagnosticsProfile"]!["bootDiagnostics"]!["enabled"]!.GetValue<bool>());
        var (refused, error) = await PostAsync(http, $"{VmPath("vm-api-nodiag", Prod)}/retrieveBootDiagnosticsData?api-version={ComputeApi}");
        Assert.Equal(409, (int)refused.StatusCode);
        Assert.Equal("OperationNotAllowed", error!["error"]!["code"]!.GetValue<string>());

        var (_, gone) = await PostAsync(http, $"{VmPath("vm-api-blobgone", Prod)}/retrieveBootDiagnosticsData?api-version={ComputeApi}");
        var missing = await anonymous.GetAsync(gone!["serialConsoleLogBlobUri"]!.GetValue<string>());
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Contains("<Code>BlobNotFound</Code>", await missing.Content.ReadAsStringAsync());

        var (_, big) = await PostAsync(http, $"{VmPath("vm-api-biglog", Prod)}/retrieveBootDiagnosticsData?api-version={ComputeApi}");
        var log = await anonymous.GetStringAsync(big!["serialConsoleLogBlobUri"]!.GetValue<string>());
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(log), 1024 * 1024, 1024 * 1024 + 4096);
        var lines = log.TrimEnd('\n').Split('\n');
        Assert.EndsWith("[ 3600.000001] reboot: Restarting system", lines[^1]);
        var panic = Array.FindIndex(lines, l => l.Contains("Kernel panic - not syncing", StringComparison.Ordinal));
        Assert.True(panic > 1000, "The padding comes before the failure.");
        Assert.Equal(404, (int)(await anonymous.GetAsync(big["consoleScreenshotBlobUri"]!.GetValue<string>())).StatusCode);
    }

    [Fact]
    public async Task Screenshot_has_the_colour_of_the_failure()
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        using var anonymous = Http(host, authenticate: false);

        async Task<byte[]> Shot(string vm)
        {
            var (_, uris) = await PostAsync(http, $"{VmPath(vm, Prod)}/retrieveBootDiagnosticsData?api-version={ComputeApi}");
            return await anonymous.GetByteArrayAsync(uris!["consoleScreenshotBlobUri"]!.GetValue<string>());
        }

        Assert.Equal([0x00, 0x00, 0x00], (await Shot("vm-api-kernelpanic"))[54..57]);       // a Linux console
        Assert.Equal([0x30, 0x30, 0x30], (await Shot("vm-web-bootdevice"))[54..57]);        // firmware
        Assert.Equal([0xA0, 0x50, 0x00], (await Shot("vm-api-healthy"))[54..57]);           // running
    }

    [Fact]
    public async Task New_vm_from_a_failing_version_fails_the_same_way()
    {
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldFile = WorldPath, ClockScale = 0.0002 });
        using var http = Http(host);
        var body = new
        {
            location = "westeurope",
            properties = new
            {
                hardwareProfile = new { vmSize = "Standard_D2s_v5" },
                storageProfile = new { imageReference = new { id = $"{Versions}/ubuntu-2204/versions/1.0.8" }, osDisk = new { createOption = "FromImage" } },
                osProfile = new { computerName = "val-fstab", adminUsername = "genimage", adminPassword = "Pa55w.rd-not-a-secret-1" },
                diagnosticsProfile = new { bootDiagnostics = new { enabled = true } },
            },
        };
        var (created, _) = await SendAsync(http, HttpMethod.Put, $"{VmPath("val-fstab", Prod)}?api-version={ComputeApi}", body);
        Assert.Equal(201, (int)created.StatusCode);

        var seen = await PollStatusAsync(http, Header(created, "Azure-AsyncOperation"));

        var end = seen[^1];
        Assert.Equal("Failed", end["status"]!.GetValue<string>());
        Assert.Equal("OSProvisioningTimedOut", end["error"]!["code"]!.GetValue<string>());
        var log = await SerialLogAsync(host, http, "val-fstab");
        Assert.Contains("[ TIME ] Timed out waiting for device dev-disk-by", log);
        Assert.Contains("Give root password for maintenance", log);
    }

    [Fact]
    public async Task Failing_world_vm_survives_a_restart_in_persistent_mode()
    {
        var dir = Path.Combine(Path.GetTempPath(), "genimage-boot-" + Guid.NewGuid().ToString("N"));
        var state = Path.Combine(dir, "state.json");
        try
        {
            string before;
            await using (var first = await TestSupport.StartAsync(new EmulatorOptions { WorldFile = WorldPath, StateFile = state }))
            {
                using var http = Http(first);
                before = (await GetVmAsync(http, "vm-api-kernelpanic")).ToJsonString();
                // A write makes the emulator save its state.
                await SendAsync(http, HttpMethod.Put, $"subscriptions/{Sub}/resourcegroups/rg-touch?api-version=2022-09-01", new { location = "westeurope" });
            }

            await using var second = await TestSupport.StartAsync(new EmulatorOptions { StateFile = state });
            using var again = Http(second);
            var after = await GetVmAsync(again, "vm-api-kernelpanic");
            var p = after["properties"]!;
            Assert.Equal("Failed", p["provisioningState"]!.GetValue<string>());
            Assert.Equal("ProvisioningState/failed/OSProvisioningTimedOut", p["instanceView"]!["statuses"]![0]!["code"]!.GetValue<string>());
            Assert.Equal(JsonNode.Parse(before)!["properties"]!["instanceView"]!["statuses"]![0]!["time"]!.GetValue<string>(),
                p["instanceView"]!["statuses"]![0]!["time"]!.GetValue<string>());
            Assert.Equal($"{Versions}/ubuntu-2204/versions/1.0.7", p["storageProfile"]!["imageReference"]!["id"]!.GetValue<string>());
            Assert.Contains("Kernel panic - not syncing", await SerialLogAsync(second, again, "vm-api-kernelpanic"));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("boot: { failure: melted }", "unknown failure 'melted'")]
    [InlineData("boot: { failure: kernelPanic }", "'kernelPanic' happens to Linux guests only")]
    [InlineData("boot: { errorMessage: nope }", "errorMessage needs an errorCode or a failure")]
    [InlineData("boot: { diagnostics: sometimes }", "diagnostics")]
    [InlineData("image: { gallery: g, managedImage: m }", "names one image")]
    public void World_file_errors_name_the_key_with_line_and_column(string vmKey, string problem)
    {
        var yaml = $$"""
            apiVersion: genimage.dev/emulator/v1
            kind: World
            subscriptions:
              - id: 00000000-0000-0000-0000-000000000001
                resourceGroups:
                  - name: rg
                    location: westeurope
                    virtualMachines:
                      - name: vm1
                        osType: Windows
                        {{vmKey}}
            """;

        var ex = Assert.Throws<WorldFileException>(() => WorldLoader.Parse(yaml, "w.yaml"));

        Assert.Contains(problem, ex.Message);
        Assert.True(ex.Line >= 11, ex.Message);
    }

    [Fact]
    public void Gallery_image_of_the_group_names_a_version_or_latest()
    {
        var yaml = """
            apiVersion: genimage.dev/emulator/v1
            kind: World
            subscriptions:
              - id: 00000000-0000-0000-0000-000000000001
                resourceGroups:
                  - name: rg
                    location: westeurope
                    virtualMachines:
                      - { name: vm1, osType: Linux, image: { gallery: g, definition: d, version: 1.2.3 } }
                      - { name: vm2, osType: Linux, image: { gallery: g, definition: d } }
                      - { name: vm3, osType: Linux, image: { managedImage: img } }
            """;

        var vms = WorldLoader.Parse(yaml, "w.yaml").Subscriptions[0].ResourceGroups[0].VirtualMachines;

        const string definition = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/d";
        Assert.Equal(definition + "/versions/1.2.3", vms[0].Image!.Id);
        Assert.Equal(definition, vms[1].Image!.Id);
        Assert.Equal("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/images/img", vms[2].Image!.Id);
    }

    [Fact]
    public void Version_keys_are_checked()
    {
        var yaml = """
            apiVersion: genimage.dev/emulator/v1
            kind: World
            subscriptions:
              - id: 00000000-0000-0000-0000-000000000001
                resourceGroups:
                  - name: rg
                    location: westeurope
                    galleries:
                      - name: g
                        images:
                          - name: d
                            osType: Windows
                            publisher: p
                            offer: o
                            sku: s
                            versions:
                              - { name: 1.0.0, boot: kernelPanic }
            """;

        var ex = Assert.Throws<WorldFileException>(() => WorldLoader.Parse(yaml, "w.yaml"));

        Assert.Contains("'kernelPanic' happens to Linux guests only", ex.Message);
        Assert.Equal(17, ex.Line);
    }
}
