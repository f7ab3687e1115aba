using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using static GenImage.Emulator.Tests.GalleryWorld;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>VMs created from images: outcomes by lineage, "latest" resolution, security rules, delete and disks.</summary>
public sealed class VmCreateTests
{
    private static string VersionId(string image, string version) => "/" + VersionPath(image, version);

    private static string DefinitionId(string image) => "/" + ImagePath(image);

    [Fact]
    public async Task Prepared_lineage_provisions_and_the_agent_becomes_ready()
    {
        var clock = new TestClock();
        await using var host = await GalleryWorld.StartAsync(clock);
        var client = Sdk(host);
        await PublishAsync(client, "ubuntu-gen2", "1.0.0", "vm-linux-prepared");

        // The clock stands still until the VM has been seen creating (it boots in 35 ms at this scale).
        clock.Freeze();

        var rg = ResourceGroup(client, "rg-validation");
        var data = new VirtualMachineData(new AzureLocation("westeurope"))
        {
            HardwareProfile = new VirtualMachineHardwareProfile { VmSize = new VirtualMachineSizeType("Standard_D2s_v5") },
            StorageProfile = new VirtualMachineStorageProfile
            {
                ImageReference = new ImageReference { Id = new ResourceIdentifier(VersionId("ubuntu-gen2", "1.0.0")) },
                OSDisk = new VirtualMachineOSDisk(DiskCreateOptionType.FromImage) { DeleteOption = DiskDeleteOptionType.Delete },
            },
            OSProfile = new VirtualMachineOSProfile { ComputerName = "val-ubuntu", AdminUsername = "validator", AdminPassword = SecretPassword },
            NetworkProfile = new VirtualMachineNetworkProfile(),
            BootDiagnostics = new BootDiagnostics { Enabled = true },
        };
        data.NetworkProfile.NetworkInterfaces.Add(new VirtualMachineNetworkInterfaceReference
        {
            Id = new ResourceIdentifier($"/subscriptions/{Sub}/resourceGroups/rg-validation/providers/Microsoft.Network/networkInterfaces/val-nic"),
            Primary = true,
        });

        var op = await rg.GetVirtualMachines().CreateOrUpdateAsync(WaitUntil.Started, "val-ubuntu", data);
        Assert.Equal(201, op.GetRawResponse().Status);
        Assert.DoesNotContain(SecretPassword, op.GetRawResponse().Content.ToString());
        Assert.Equal("Creating", host.GetVm(Sub, "rg-validation", "val-ubuntu")!.ProvisioningState);
        Assert.Equal("create", host.GetVm(Sub, "rg-validation", "val-ubuntu")!.PendingOperation);

        clock.Thaw();
        var vm = (await op.WaitForCompletionAsync(Poll, default)).Value;
        Assert.Equal("Succeeded", vm.Data.ProvisioningState);
        Assert.Null(vm.Data.OSProfile.AdminPassword);
        Assert.Equal(VersionId("ubuntu-gen2", "1.0.0"), vm.Data.StorageProfile.ImageReference.Id.ToString());

        var view = (await vm.InstanceViewAsync()).Value;
        Assert.Equal("Ready", view.VmAgent.Statuses.Single().DisplayStatus);
        Assert.Contains(view.Statuses, s => s.Code == "PowerState/running");
        var provisioned = view.Statuses.Single(s => s.Code == "ProvisioningState/succeeded");
        Assert.Equal("Guest booted 50 s after the create request; VM agent Ready after 70 s.", provisioned.Message);

        var snapshot = host.GetVm(Sub, "rg-validation", "val-ubuntu")!;
        Assert.Equal(50, snapshot.BootDurationAzureSeconds);
        Assert.Equal(70, snapshot.AgentReadyAzureSeconds);
        Assert.True(snapshot.AgentReadyAt > snapshot.BootCompletedAt);
        Assert.Equal("Ready", snapshot.AgentStatus);
        Assert.Equal(["machineId"], snapshot.Leftovers);
        Assert.Contains(host.ListVms(Sub), v => v.Name == "val-ubuntu");
        Assert.Contains(host.ListDisks(Sub), d => d.ManagedBy == snapshot.Id && d.DiskState == "Attached");
        Assert.DoesNotContain(host.RequestLog, e => e.Query.Contains(SecretPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unprepared_lineage_fails_with_OSProvisioningTimedOut()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var client = Sdk(host);
        await PublishAsync(client, "ubuntu-gen2", "1.0.0", "vm-linux-unprepared");

        var (status, body, statusUrl) = await CreateVmAsync(http, "val-unprepared", VersionId("ubuntu-gen2", "1.0.0"));
        Assert.Equal(201, status);
        Assert.Equal("Creating", body!["properties"]!["provisioningState"]!.GetValue<string>());

        var final = (await PollStatusAsync(http, statusUrl!))[^1];
        Assert.Equal("Failed", final["status"]!.GetValue<string>());
        Assert.Equal("OSProvisioningTimedOut", final["error"]!["code"]!.GetValue<string>());
        Assert.Equal("OS Provisioning for VM 'val-unprepared' did not finish in the allotted time. The VM may still finish provisioning successfully. Please check provisioning state later.",
            final["error"]!["message"]!.GetValue<string>());

        var vm = host.GetVm(Sub, "rg-validation", "val-unprepared")!;
        Assert.Equal("Failed", vm.ProvisioningState);
        Assert.Equal("OSProvisioningTimedOut", vm.ProvisioningErrorCode);
        Assert.Equal("running", vm.PowerState);
        Assert.NotEqual("Ready", vm.AgentStatus);

        var (_, view) = await GetAsync(http, $"{VmPath("val-unprepared", "rg-validation")}/instanceView?api-version={ComputeApi}");
        Assert.Contains(view!["statuses"]!.AsArray(), s => s!["code"]!.GetValue<string>() == "ProvisioningState/failed/OSProvisioningTimedOut");
    }

    [Fact]
    public async Task Agent_missing_lineage_fails_with_VMAgentStatusCommunicationError()
    {
        await using var host = await GalleryWorld.StartAsync();
        var client = Sdk(host);
        await PublishAsync(client, "ubuntu-gen2", "1.0.0", "vm-linux-noagent");

        var rg = ResourceGroup(client, "rg-validation");
        var data = new VirtualMachineData(new AzureLocation("westeurope"))
        {
            StorageProfile = new VirtualMachineStorageProfile { ImageReference = new ImageReference { Id = new ResourceIdentifier(VersionId("ubuntu-gen2", "1.0.0")) } },
            OSProfile = new VirtualMachineOSProfile { AdminUsername = "validator", AdminPassword = SecretPassword },
        };
        var op = await rg.GetVirtualMachines().CreateOrUpdateAsync(WaitUntil.Started, "val-noagent", data);
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => op.WaitForCompletionAsync(Poll, default).AsTask());
        Assert.Equal("VMAgentStatusCommunicationError", ex.ErrorCode);
        Assert.Equal("VMAgentStatusCommunicationError", host.GetVm(Sub, "rg-validation", "val-noagent")!.ProvisioningErrorCode);
    }

    [Fact]
    public async Task Latest_resolution_skips_excluded_versions_and_needs_a_succeeded_one()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var client = Sdk(host);

        var (noneStatus, noneBody, _) = await CreateVmAsync(http, "val-none", DefinitionId("ubuntu-gen2"));
        Assert.Equal(404, noneStatus);
        Assert.Equal("GalleryImageNotFound", noneBody!["error"]!["code"]!.GetValue<string>());

        await PublishAsync(client, "ubuntu-gen2", "1.0.0", "vm-linux-prepared");
        await PublishAsync(client, "ubuntu-gen2", "1.2.0", "vm-linux-prepared");
        await PublishAsync(client, "ubuntu-gen2", "1.10.0", "vm-linux-prepared");
        var excluded = VersionBody(VmId("vm-linux-prepared"), "westeurope");
        excluded["properties"]!["publishingProfile"]!["excludeFromLatest"] = true;
        await PutJsonAsync(http, VersionPath("ubuntu-gen2", "2.0.0"), GalleryApi, excluded, 201);
        var regionExcluded = VersionBody(VmId("vm-linux-prepared"), "westeurope");
        regionExcluded["properties"]!["publishingProfile"]!["targetRegions"]![0]!["excludeFromLatest"] = true;
        await PutJsonAsync(http, VersionPath("ubuntu-gen2", "1.11.0"), GalleryApi, regionExcluded, 201);
        await WaitForVersionAsync(host, "ubuntu-gen2", "1.11.0", v => v.ProvisioningState == "Succeeded");
        await WaitForVersionAsync(host, "ubuntu-gen2", "2.0.0", v => v.ProvisioningState == "Succeeded");

        var (status, body, _) = await CreateVmAsync(http, "val-latest", DefinitionId("ubuntu-gen2"));
        Assert.Equal(201, status);
        Assert.Equal(DefinitionId("ubuntu-gen2"), body!["properties"]!["storageProfile"]!["imageReference"]!["id"]!.GetValue<string>());
        Assert.Equal(VersionId("ubuntu-gen2", "1.10.0"), host.GetVm(Sub, "rg-validation", "val-latest")!.ResolvedImageVersionId);
    }

    [Fact]
    public async Task A_version_not_replicated_to_the_region_is_not_available()
    {
        // Frozen: the replication is still running when the VM is created, however busy the machine.
        var clock = new TestClock(frozen: true);
        await using var host = await GalleryWorld.StartAsync(clock);
        using var http = Http(host);
        await PutJsonAsync(http, VersionPath("ubuntu-gen2", "1.0.0"), GalleryApi, VersionBody(VmId("vm-linux-prepared"), "westeurope", "northeurope"), 201);

        // Still replicating: not yet usable.
        var (early, earlyBody, _) = await CreateVmAsync(http, "val-early", VersionId("ubuntu-gen2", "1.0.0"));
        Assert.Equal(404, early);
        Assert.Contains("is not available in westeurope region", earlyBody!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Trusted_launch_images_need_trusted_launch_vms()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var client = Sdk(host);
        await PublishAsync(client, "win2022-tl", "1.0.0", "vm-win-tl");

        var (refused, body, _) = await CreateVmAsync(http, "val-win-std", VersionId("win2022-tl", "1.0.0"), "Windows");
        Assert.Equal(400, refused);
        Assert.Equal("InvalidParameter", body!["error"]!["code"]!.GetValue<string>());
        Assert.Contains("'TrustedLaunch'", body["error"]!["message"]!.GetValue<string>());

        var (created, createdBody, statusUrl) = await CreateVmAsync(http, "val-win-tl", VersionId("win2022-tl", "1.0.0"), "Windows", "TrustedLaunch");
        Assert.Equal(201, created);
        Assert.Equal("TrustedLaunch", createdBody!["properties"]!["securityProfile"]!["securityType"]!.GetValue<string>());
        Assert.Equal("Succeeded", (await PollStatusAsync(http, statusUrl!))[^1]["status"]!.GetValue<string>());
        Assert.Equal("TrustedLaunch", host.GetVm(Sub, "rg-validation", "val-win-tl")!.SecurityType);
    }

    [Fact]
    public async Task Specialized_images_create_vms_without_an_os_profile()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        await PutJsonAsync(http, VersionPath("ubuntu-specialized", "1.0.0"), GalleryApi, VersionBody(VmId("vm-linux-running"), "westeurope"), 201);
        await WaitForVersionAsync(host, "ubuntu-specialized", "1.0.0", v => v.ProvisioningState == "Succeeded");

        var (refused, body, _) = await CreateVmAsync(http, "val-spec", VersionId("ubuntu-specialized", "1.0.0"));
        Assert.Equal(400, refused);
        Assert.Equal("osProfile", body!["error"]!["target"]!.GetValue<string>());

        var (created, createdBody, statusUrl) = await CreateVmAsync(http, "val-spec", VersionId("ubuntu-specialized", "1.0.0"), osProfile: false);
        Assert.Equal(201, created);
        Assert.Null(createdBody!["properties"]!["osProfile"]);
        Assert.Equal("Succeeded", (await PollStatusAsync(http, statusUrl!))[^1]["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Generalized_images_require_an_os_profile_with_a_password()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        await PublishAsync(Sdk(host), "ubuntu-gen2", "1.0.0", "vm-linux-prepared");
        var (status, body, _) = await CreateVmAsync(http, "val-noprofile", VersionId("ubuntu-gen2", "1.0.0"), osProfile: false);
        Assert.Equal(400, status);
        Assert.Equal("osProfile", body!["error"]!["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_removes_the_vm_and_its_disk_only_with_deleteOption_Delete()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var client = Sdk(host);
        await PublishAsync(client, "ubuntu-gen2", "1.0.0", "vm-linux-prepared");
        var (_, _, keepUrl) = await CreateVmAsync(http, "val-keep", VersionId("ubuntu-gen2", "1.0.0"), deleteOption: "Detach");
        var (_, _, dropUrl) = await CreateVmAsync(http, "val-drop", VersionId("ubuntu-gen2", "1.0.0"), deleteOption: "Delete");
        await PollStatusAsync(http, keepUrl!);
        await PollStatusAsync(http, dropUrl!);
        var keepDisk = host.GetVm(Sub, "rg-validation", "val-keep")!.OsDiskName!;
        var dropDisk = host.GetVm(Sub, "rg-validation", "val-drop")!.OsDiskName!;

        foreach (var name in new[] { "val-keep", "val-drop" })
        {
            var op = await Vm(client, name, "rg-validation").DeleteAsync(WaitUntil.Started, forceDeletion: true);
            await op.WaitForCompletionResponseAsync(Poll, default);
            Assert.Null(host.GetVm(Sub, "rg-validation", name));
        }

        var disks = host.ListDisks(Sub);
        Assert.Contains(disks, d => d.Name == keepDisk && d.ManagedBy is null && d.DiskState == "Unattached");
        Assert.DoesNotContain(disks, d => d.Name == dropDisk);

        var (get, diskBody) = await GetAsync(http, $"subscriptions/{Sub}/resourceGroups/rg-validation/providers/Microsoft.Compute/disks/{keepDisk}?api-version=2023-04-02");
        Assert.Equal(200, (int)get.StatusCode);
        Assert.Equal("Unattached", diskBody!["properties"]!["diskState"]!.GetValue<string>());
        Assert.EndsWith("/versions/1.0.0", diskBody["properties"]!["creationData"]!["galleryImageReference"]!["id"]!.GetValue<string>());

        var (deleted, _) = await SendAsync(http, HttpMethod.Delete, $"subscriptions/{Sub}/resourceGroups/rg-validation/providers/Microsoft.Compute/disks/{keepDisk}?api-version=2023-04-02");
        Assert.Equal(202, (int)deleted.StatusCode);
    }

    [Fact]
    public async Task Attached_disks_cannot_be_deleted_and_source_disks_are_listed()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var source = host.GetVm(Sub, Rg, "vm-linux-running")!;
        var (list, body) = await GetAsync(http, $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/disks?api-version=2023-04-02");
        Assert.Equal(200, (int)list.StatusCode);
        Assert.Contains(body!["value"]!.AsArray(), d => d!["name"]!.GetValue<string>() == source.OsDiskName);

        var (refused, error) = await SendAsync(http, HttpMethod.Delete, $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/disks/{source.OsDiskName}?api-version=2023-04-02");
        Assert.Equal(409, (int)refused.StatusCode);
        Assert.Equal("OperationNotAllowed", error!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_disk_controller_type_is_returned_when_the_create_request_sets_it()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        JsonObject Body(string? controller)
        {
            var storage = new JsonObject
            {
                ["imageReference"] = new JsonObject { ["publisher"] = "Canonical", ["offer"] = "0001-com-ubuntu-server-jammy", ["sku"] = "22_04-lts-gen2", ["version"] = "latest" },
            };
            if (controller is not null)
            {
                storage["diskControllerType"] = controller;
            }

            return new JsonObject
            {
                ["location"] = "westeurope",
                ["properties"] = new JsonObject
                {
                    ["hardwareProfile"] = new JsonObject { ["vmSize"] = "Standard_D2s_v5" },
                    ["storageProfile"] = storage,
                    ["osProfile"] = new JsonObject { ["computerName"] = "ctl", ["adminUsername"] = "validator", ["adminPassword"] = SecretPassword },
                },
            };
        }

        var (created, createdBody) = await SendAsync(http, HttpMethod.Put, $"{VmPath("vm-nvme", "rg-validation")}?api-version={ComputeApi}", Body("NVMe").ToJsonString());
        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal("NVMe", createdBody!["properties"]!["storageProfile"]!["diskControllerType"]!.GetValue<string>());
        var (_, got) = await GetAsync(http, $"{VmPath("vm-nvme", "rg-validation")}?api-version={ComputeApi}");
        Assert.Equal("NVMe", got!["properties"]!["storageProfile"]!["diskControllerType"]!.GetValue<string>());

        var (plain, plainBody) = await SendAsync(http, HttpMethod.Put, $"{VmPath("vm-plain", "rg-validation")}?api-version={ComputeApi}", Body(null).ToJsonString());
        Assert.Equal(201, (int)plain.StatusCode);
        Assert.False(plainBody!["properties"]!["storageProfile"]!.AsObject().ContainsKey("diskControllerType"));

        var (bad, badBody) = await SendAsync(http, HttpMethod.Put, $"{VmPath("vm-ide", "rg-validation")}?api-version={ComputeApi}", Body("IDE").ToJsonString());
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Equal("properties.storageProfile.diskControllerType", badBody!["error"]!["target"]!.GetValue<string>());
    }
}
