using Azure;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>The real Azure SDK (Azure.ResourceManager.Compute 1.2.0) as the client, unmodified.</summary>
public sealed class SdkTests
{
    [Fact]
    public async Task Subscriptions_and_resource_groups_are_readable()
    {
        await using var host = await StartAsync();
        var client = Sdk(host);

        var subscription = await client.GetDefaultSubscriptionAsync();
        Assert.Equal(Sub, subscription.Data.SubscriptionId);
        Assert.Equal("GenImage Tests", subscription.Data.DisplayName);

        var subscriptions = new List<SubscriptionResource>();
        await foreach (var s in client.GetSubscriptions().GetAllAsync())
        {
            subscriptions.Add(s);
        }

        Assert.Equal(2, subscriptions.Count);

        ResourceGroupResource rg = await subscription.GetResourceGroupAsync("RG-IMAGES");
        Assert.Equal("rg-images", rg.Data.Name);
        Assert.Equal("westeurope", rg.Data.Location.Name);
        Assert.Equal("platform-team", rg.Data.Tags["owner"]);
        Assert.True((await subscription.GetResourceGroups().ExistsAsync("rg-other")).Value);
        Assert.False((await subscription.GetResourceGroups().ExistsAsync("rg-missing")).Value);

        var vms = new List<string>();
        await foreach (var vm in rg.GetVirtualMachines().GetAllAsync())
        {
            vms.Add(vm.Data.Name);
        }

        Assert.Contains("vm-win", vms);
        Assert.Contains("vm-linux", vms);
    }

    [Fact]
    public async Task Get_with_instance_view_matches_the_azure_shape()
    {
        await using var host = await StartAsync();
        var vm = (await Vm(Sdk(host), "vm-win").GetAsync(InstanceViewType.InstanceView)).Value;

        Assert.Equal("vm-win", vm.Data.Name);
        Assert.Equal(SupportedOperatingSystemType.Windows, vm.Data.StorageProfile.OSDisk.OSType);
        Assert.Equal(SecurityType.TrustedLaunch, vm.Data.SecurityProfile.SecurityType);
        Assert.True(vm.Data.SecurityProfile.UefiSettings.IsSecureBootEnabled);
        Assert.Equal("Standard_D2s_v5", vm.Data.HardwareProfile.VmSize.ToString());
        Assert.Equal("azureadmin", vm.Data.OSProfile.AdminUsername);
        Assert.Null(vm.Data.OSProfile.AdminPassword);
        Assert.Equal("Succeeded", vm.Data.ProvisioningState);

        var view = vm.Data.InstanceView;
        Assert.Equal(HyperVGeneration.V2, view.HyperVGeneration);
        Assert.Equal("Windows Server 2022 Datacenter", view.OSName);
        Assert.Equal("Ready", view.VmAgent.Statuses.Single().DisplayStatus);
        Assert.Contains(view.Statuses, s => s.Code == "PowerState/running");
        Assert.Contains(view.Statuses, s => s.Code == "ProvisioningState/succeeded");

        var direct = (await Vm(Sdk(host), "vm-agent-missing").InstanceViewAsync()).Value;
        Assert.Equal(HyperVGeneration.V1, direct.HyperVGeneration);
        Assert.Equal("Not Ready", direct.VmAgent.Statuses.Single().DisplayStatus);
    }

    [Fact]
    public async Task Deallocate_then_generalize_with_WaitUntil_Completed()
    {
        await using var host = await StartAsync();
        var vm = Vm(Sdk(host), "vm-linux");

        var deallocate = await vm.DeallocateAsync(WaitUntil.Completed);
        Assert.True(deallocate.HasCompleted);
        Assert.Equal("deallocated", host.GetVm(Sub, Rg, "vm-linux")!.PowerState);

        var generalize = await vm.GeneralizeAsync();
        Assert.Equal(200, generalize.Status);

        var view = (await vm.InstanceViewAsync()).Value;
        Assert.Contains(view.Statuses, s => s.Code == "OSState/generalized");
        Assert.Contains(view.Statuses, s => s.Code == "PowerState/deallocated");
        var snapshot = host.GetVm(Sub, Rg, "vm-linux")!;
        Assert.Equal("generalized", snapshot.OsState);
        Assert.False(snapshot.GeneralizedWithPreparedGuest);
    }

    [Fact]
    public async Task RunCommand_with_WaitUntil_Completed_returns_the_result()
    {
        await using var host = await StartAsync();
        var vm = Vm(Sdk(host), "vm-linux");

        var input = new RunCommandInput("RunShellScript") { Script = { "echo hello" } };
        var operation = await vm.RunCommandAsync(WaitUntil.Completed, input);

        var result = operation.Value;
        Assert.Equal(2, result.Value.Count);
        Assert.Equal("ComponentStatus/StdOut/succeeded", result.Value[0].Code);
        Assert.Equal("ComponentStatus/StdErr/succeeded", result.Value[1].Code);
        Assert.Equal("Provisioning succeeded", result.Value[0].DisplayStatus);
    }
}
