using Azure;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using static GenImage.Emulator.Tests.GalleryWorld;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>Managed images (Microsoft.Compute/images) through the SDK's DiskImageResource.</summary>
public sealed class ImageTests
{
    private static DiskImageData FromVm(string vm) => new(new AzureLocation("westeurope"))
    {
        SourceVirtualMachineId = new ResourceIdentifier(VmId(vm)),
    };

    [Fact]
    public async Task Image_from_a_generalized_vm_is_created_and_backs_versions_and_vms()
    {
        await using var host = await GalleryWorld.StartAsync();
        var client = Sdk(host);
        var op = await ResourceGroup(client).GetDiskImages().CreateOrUpdateAsync(WaitUntil.Started, "img-ubuntu", FromVm("vm-linux-prepared"));
        Assert.Equal(201, op.GetRawResponse().Status);
        var image = (await op.WaitForCompletionAsync(Poll, default)).Value;
        Assert.Equal("Succeeded", image.Data.ProvisioningState);
        Assert.Equal(SupportedOperatingSystemType.Linux, image.Data.StorageProfile.OSDisk.OSType);
        Assert.Equal(OperatingSystemStateType.Generalized, image.Data.StorageProfile.OSDisk.OSState);
        Assert.Equal(30, image.Data.StorageProfile.OSDisk.DiskSizeGB);
        Assert.Equal(HyperVGeneration.V2, image.Data.HyperVGeneration);

        using var http = Http(host);
        var imageId = image.Id.ToString();
        await PutJsonAsync(http, VersionPath("ubuntu-gen2", "1.0.0"), GalleryApi, VersionBody(imageId, "westeurope"), 201);
        var version = await WaitForVersionAsync(host, "ubuntu-gen2", "1.0.0", v => v.ProvisioningState == "Succeeded");
        Assert.Equal(imageId, version.SourceId);

        var (status, _, statusUrl) = await CreateVmAsync(http, "val-from-image", imageId);
        Assert.Equal(201, status);
        Assert.Equal("Succeeded", (await PollStatusAsync(http, statusUrl!))[^1]["status"]!.GetValue<string>());

        var listed = new List<string>();
        await foreach (var i in ResourceGroup(client).GetDiskImages().GetAllAsync())
        {
            listed.Add(i.Data.Name);
        }

        Assert.Equal(["img-ubuntu"], listed);
        await (await image.DeleteAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll, default);
        Assert.False((await ResourceGroup(client).GetDiskImages().ExistsAsync("img-ubuntu")).Value);
    }

    [Theory]
    [InlineData("vm-linux-running", "requires the Virtual Machine 'vm-linux-running' to be Generalized")]
    [InlineData("vm-win-tl", "not supported for virtual machine with TrustedLaunch security type")]
    public async Task Image_needs_a_generalized_standard_security_vm(string vm, string expected)
    {
        await using var host = await GalleryWorld.StartAsync();
        var client = Sdk(host);
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => ResourceGroup(client).GetDiskImages().CreateOrUpdateAsync(WaitUntil.Started, "img-bad", FromVm(vm)));
        Assert.Equal(409, ex.Status);
        Assert.Equal("OperationNotAllowed", ex.ErrorCode);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task Image_from_an_unprepared_vm_passes_its_lineage_to_vms()
    {
        await using var host = await GalleryWorld.StartAsync();
        var client = Sdk(host);
        var image = (await (await ResourceGroup(client).GetDiskImages().CreateOrUpdateAsync(WaitUntil.Started, "img-bad-lineage", FromVm("vm-linux-unprepared")))
            .WaitForCompletionAsync(Poll, default)).Value;
        using var http = Http(host);
        var (_, _, statusUrl) = await CreateVmAsync(http, "val-bad-lineage", image.Id.ToString());
        var final = (await PollStatusAsync(http, statusUrl!))[^1];
        Assert.Equal("OSProvisioningTimedOut", final["error"]!["code"]!.GetValue<string>());
    }
}
