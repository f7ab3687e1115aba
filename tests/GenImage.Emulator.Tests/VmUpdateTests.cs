using System.Net;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>PUT on an existing VM and VM PATCH: updatable properties applied, fixed ones refused as Azure refuses them.</summary>
public sealed class VmUpdateTests
{
    private const string Api = "?api-version=2023-07-01";

    private static bool Has(HttpResponseMessage r, string name) => r.Headers.TryGetValues(name, out _);

    [Fact]
    public async Task Put_on_an_existing_vm_applies_size_diagnostics_and_tags()
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        var (_, vm) = await GetAsync(http, VmPath("vm-linux") + Api);
        vm!["properties"]!["hardwareProfile"]!["vmSize"] = "Standard_D4s_v5";
        vm["properties"]!["diagnosticsProfile"] = new JsonObject { ["bootDiagnostics"] = new JsonObject { ["enabled"] = false } };
        vm["tags"] = new JsonObject { ["env"] = "test" };

        var (response, body) = await SendAsync(http, HttpMethod.Put, VmPath("vm-linux") + Api, vm.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/operations/", Header(response, "Azure-AsyncOperation"));
        Assert.False(Has(response, "Location"));
        Assert.Equal("Standard_D4s_v5", body!["properties"]!["hardwareProfile"]!["vmSize"]!.GetValue<string>());
        var (_, after) = await GetAsync(http, VmPath("vm-linux") + Api);
        Assert.Equal("Standard_D4s_v5", after!["properties"]!["hardwareProfile"]!["vmSize"]!.GetValue<string>());
        Assert.False(after["properties"]!["diagnosticsProfile"]!["bootDiagnostics"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("""{"env":"test"}""", after["tags"]!.ToJsonString());
        Assert.Equal("Standard_D4s_v5", host.GetVm(Sub, Rg, "vm-linux")!.Size);
    }

    [Fact]
    public async Task Patch_changes_only_what_it_names_and_a_no_op_patch_has_no_lro_headers()
    {
        await using var host = await StartAsync();
        using var http = Http(host);

        var (noop, _) = await SendAsync(http, HttpMethod.Patch, VmPath("vm-win") + Api, new { properties = new { } });
        Assert.Equal(HttpStatusCode.OK, noop.StatusCode);
        Assert.False(Has(noop, "Azure-AsyncOperation"));

        var (resized, body) = await SendAsync(http, HttpMethod.Patch, VmPath("vm-win") + Api, new { properties = new { hardwareProfile = new { vmSize = "Standard_E2s_v5" } } });
        Assert.Equal(HttpStatusCode.OK, resized.StatusCode);
        Assert.True(Has(resized, "Azure-AsyncOperation"));
        Assert.Equal("Standard_E2s_v5", body!["properties"]!["hardwareProfile"]!["vmSize"]!.GetValue<string>());
        Assert.Equal("platform-team", body["tags"]!["owner"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"properties":{"storageProfile":{"osDisk":{"name":"other-disk"}}}}""", "osDisk.name")]
    [InlineData("""{"properties":{"osProfile":{"computerName":"other"}}}""", "computerName")]
    [InlineData("""{"properties":{"osProfile":{"adminUsername":"someoneelse"}}}""", "adminUsername")]
    [InlineData("""{"properties":{"securityProfile":{"securityType":"ConfidentialVM"}}}""", "securityProfile.securityType")]
    public async Task Changing_a_property_fixed_at_creation_is_PropertyChangeNotAllowed(string patch, string property)
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        var (response, error) = await SendAsync(http, HttpMethod.Patch, VmPath("vm-win") + Api, patch);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("PropertyChangeNotAllowed", error!["error"]!["code"]!.GetValue<string>());
        Assert.Equal($"Changing property '{property}' is not allowed.", error["error"]!["message"]!.GetValue<string>());
        Assert.Equal(property, error["error"]!["target"]!.GetValue<string>());
        Assert.Equal("Standard_D2s_v5", host.GetVm(Sub, Rg, "vm-win")!.Size);
    }

    [Fact]
    public async Task A_generalized_vm_refuses_updates_with_OperationNotAllowed()
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        var (response, error) = await SendAsync(http, HttpMethod.Patch, VmPath("vm-generalized") + Api, new { tags = new { env = "x" } });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("OperationNotAllowed", error!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("Operation 'Update VM' is not allowed on VM 'vm-generalized' since the VM is generalized.", error["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_sdk_updates_a_vm_through_patch()
    {
        await using var host = await StartAsync();
        var client = Sdk(host);
        var patch = new VirtualMachinePatch { HardwareProfile = new VirtualMachineHardwareProfile { VmSize = new VirtualMachineSizeType("Standard_D8s_v5") } };
        patch.Tags.Add("env", "sdk");
        var op = await Vm(client, "vm-linux").UpdateAsync(WaitUntil.Started, patch);
        var vm = (await op.WaitForCompletionAsync(TestSupport.Poll, default)).Value;
        Assert.Equal(new VirtualMachineSizeType("Standard_D8s_v5"), vm.Data.HardwareProfile.VmSize);
        Assert.Equal("sdk", vm.Data.Tags["env"]);
    }

    [Fact]
    public async Task Image_patch_changes_tags_and_refuses_a_new_generation()
    {
        await using var host = await GalleryWorld.StartAsync();
        var client = Sdk(host);
        var data = new DiskImageData(new AzureLocation("westeurope")) { SourceVirtualMachineId = new ResourceIdentifier(GalleryWorld.VmId("vm-linux-prepared")) };
        var image = (await (await GalleryWorld.ResourceGroup(client).GetDiskImages().CreateOrUpdateAsync(WaitUntil.Started, "img-patch", data))
            .WaitForCompletionAsync(TestSupport.Poll, default)).Value;

        var patch = new DiskImagePatch();
        patch.Tags.Add("channel", "beta");
        var patched = (await (await image.UpdateAsync(WaitUntil.Started, patch)).WaitForCompletionAsync(TestSupport.Poll, default)).Value;
        Assert.Equal("beta", patched.Data.Tags["channel"]);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => image.UpdateAsync(WaitUntil.Started, new DiskImagePatch { HyperVGeneration = HyperVGeneration.V1 }));
        Assert.Equal(409, ex.Status);
        Assert.Equal("PropertyChangeNotAllowed", ex.ErrorCode);
    }
}
