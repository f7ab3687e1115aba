using System.Text.Json.Nodes;
using GenImage.Core.Guest;

namespace GenImage.Core.Tests.Readiness;

/// <summary>Plain readiness inputs: a source that passes everything, and the pieces to spoil one rule at a time.</summary>
internal static class ReadinessInputs
{
    public const string Sub = "00000000-0000-0000-0000-000000000001";
    public const string VmId = "/subscriptions/" + Sub + "/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm-src";
    public const string DefinitionId = "/subscriptions/" + Sub + "/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal/images/def";
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static SourceVm WindowsVm() => new()
    {
        Id = VmId,
        Name = "vm-src",
        ResourceGroupName = "rg-images",
        SubscriptionId = Sub,
        Location = "westeurope",
        VmSize = "Standard_D2s_v5",
        OsType = "Windows",
        HyperVGeneration = "V2",
        SecurityType = "TrustedLaunch",
        PowerState = "running",
        ProvisioningState = "Succeeded",
        AgentStatus = "Ready",
        AgentVersion = "2.7.41491.1102",
        OsDiskSizeGB = 127,
        OsDiskStorageAccountType = "Premium_LRS",
        Tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["owner"] = "platform-team" },
    };

    public static SourceVm LinuxVm()
    {
        var vm = WindowsVm();
        vm.OsType = "Linux";
        vm.SecurityType = "Standard";
        vm.OsDiskSizeGB = 30;
        return vm;
    }

    public static GalleryImageDefinition Definition(string osType = "Windows") => new()
    {
        Id = DefinitionId,
        Name = "def",
        GalleryName = "gal",
        ResourceGroupName = "rg-images",
        OsType = osType,
        OsState = "Generalized",
        HyperVGeneration = "V2",
        SecurityType = osType == "Windows" ? "TrustedLaunch" : "TrustedLaunchSupported",
        Architecture = "x64",
    };

    public static GalleryImageVersion Version(string name, string? sourceId = null, bool excludeFromLatest = false) => new()
    {
        Id = DefinitionId + "/versions/" + name,
        Name = name,
        DefinitionName = "def",
        GalleryName = "gal",
        Location = "westeurope",
        ProvisioningState = "Succeeded",
        SourceId = sourceId,
        ExcludeFromLatest = excludeFromLatest,
        Regions = { new RegionReplication { Region = "westeurope", ReplicaCount = 1, StorageAccountType = "Standard_LRS", State = "Completed" } },
    };

    public static JsonObject WindowsFactsJson() => new()
    {
        ["agent"] = new JsonObject { ["installed"] = true, ["version"] = "2.7.41491.1102", ["serviceStatus"] = "Running" },
        ["appxBlockers"] = new JsonArray(),
        ["bitLocker"] = new JsonObject { ["osVolumeProtected"] = false },
        ["pendingReboot"] = new JsonArray(),
        ["dvdRomDisabled"] = false,
        ["domainJoined"] = false,
        ["domain"] = null,
        ["pantherUnattendFiles"] = new JsonArray(),
        ["osName"] = "Microsoft Windows Server 2022 Datacenter",
    };

    public static JsonObject LinuxFactsJson() => new()
    {
        ["waagentInstalled"] = true,
        ["waagentVersion"] = "2.9.1.1",
        ["agentConfigured"] = true,
        ["sshHostKeys"] = new JsonArray(),
        ["machineId"] = false,
        ["adminUsers"] = new JsonArray(),
        ["shellHistory"] = new JsonArray(),
        ["cloudInitState"] = new JsonArray(),
        ["waagentState"] = new JsonArray(),
        ["osRelease"] = "Ubuntu 22.04.4 LTS",
    };

    public static GuestFacts Facts(string osType, Action<JsonObject>? change = null)
    {
        var facts = osType == "Windows" ? WindowsFactsJson() : LinuxFactsJson();
        change?.Invoke(facts);
        var script = osType == "Windows" ? "inspect-windows" : "inspect-linux";
        var json = new JsonObject { ["script"] = script, ["status"] = "succeeded", ["message"] = "inspected", ["facts"] = facts };
        Assert.True(GuestScriptResult.TryParse("GENIMAGE-RESULT " + json.ToJsonString(), out var result, out var error), error);
        return GuestFacts.FromResult(result!);
    }

    /// <summary>A Windows VM about to be prepared, generalized and published: every rule passes.</summary>
    public static ReadinessInput Windows(Action<ReadinessInput>? change = null)
    {
        var input = new ReadinessInput
        {
            SourceId = VmId,
            SourceVm = WindowsVm(),
            Guest = Facts("Windows"),
            WillGeneralize = true,
            Definition = Definition(),
            VersionName = "1.1.0",
            ExistingVersions = { Version("1.0.0") },
            TargetRegions = { new TargetRegion { Name = "westeurope", ReplicaCount = 2, StorageAccountType = "Standard_ZRS" } },
            SourcePurchasePlan = "",
            Now = Now,
        };
        change?.Invoke(input);
        return input;
    }

    /// <summary>The same for a Linux VM.</summary>
    public static ReadinessInput Linux(Action<ReadinessInput>? change = null)
    {
        var input = Windows();
        input.SourceVm = LinuxVm();
        input.Guest = Facts("Linux");
        input.Definition = Definition("Linux");
        change?.Invoke(input);
        return input;
    }
}
