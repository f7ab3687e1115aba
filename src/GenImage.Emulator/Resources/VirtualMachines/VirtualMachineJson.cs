using System.Text.Json.Nodes;

namespace GenImage.Emulator.Resources.VirtualMachines;

/// <summary>The 2023-07-01 JSON shapes of a virtual machine and its instance view.</summary>
internal static class VirtualMachineJson
{
    public const string ResourceType = "Microsoft.Compute/virtualMachines";

    public static JsonObject Resource(VirtualMachineState vm, bool includeInstanceView, DateTimeOffset now)
    {
        var properties = new JsonObject
        {
            ["vmId"] = vm.VmId,
            ["hardwareProfile"] = new JsonObject { ["vmSize"] = vm.Size },
            ["storageProfile"] = StorageProfile(vm),
        };
        if (vm.HasOsProfile)
        {
            properties["osProfile"] = OsProfile(vm);
        }

        properties["networkProfile"] = vm.NetworkProfile?.DeepClone() ?? new JsonObject
        {
            ["networkInterfaces"] = new JsonArray(new JsonObject { ["id"] = vm.NicId, ["properties"] = new JsonObject { ["primary"] = true } }),
        };
        if (SecurityProfile(vm) is { } security)
        {
            properties["securityProfile"] = security;
        }

        properties["diagnosticsProfile"] = new JsonObject { ["bootDiagnostics"] = new JsonObject { ["enabled"] = vm.BootDiagnosticsEnabled } };
        properties["provisioningState"] = vm.ProvisioningState;
        properties["timeCreated"] = Json.Time(vm.TimeCreated);
        if (includeInstanceView)
        {
            properties["instanceView"] = InstanceView(vm, now);
        }

        var json = new JsonObject
        {
            ["name"] = vm.Name,
            ["id"] = vm.ResourceId,
            ["type"] = ResourceType,
            ["location"] = vm.Location,
        };
        if (vm.Plan is { } plan)
        {
            // 2023-07-01: plan {name, publisher, product, promotionCode} sits beside properties, not inside them.
            var planJson = new JsonObject { ["name"] = plan.Name, ["publisher"] = plan.Publisher, ["product"] = plan.Product };
            if (plan.PromotionCode is { } code)
            {
                planJson["promotionCode"] = code;
            }

            json["plan"] = planJson;
        }

        if (vm.Tags.Count > 0)
        {
            json["tags"] = Json.Tags(vm.Tags);
        }

        json["properties"] = properties;
        return json;
    }

    public static JsonObject InstanceView(VirtualMachineState vm, DateTimeOffset now)
    {
        var view = new JsonObject();
        if (vm.IsAllocated)
        {
            view["computerName"] = vm.ComputerName;
            view["osName"] = vm.OsName;
            view["osVersion"] = vm.OsVersion;
            view["vmAgent"] = Agent(vm, now);
        }

        view["hyperVGeneration"] = vm.HyperVGeneration;
        view["disks"] = new JsonArray(new JsonObject
        {
            ["name"] = vm.OsDiskName,
            ["statuses"] = new JsonArray(Status("ProvisioningState/succeeded", "Provisioning succeeded", vm.TimeCreated)),
        });
        if (vm.BootDiagnosticsEnabled)
        {
            // Managed boot diagnostics: the blob URIs come from retrieveBootDiagnosticsData, not from the instance view.
            view["bootDiagnostics"] = new JsonObject();
        }

        var statuses = new JsonArray { ProvisioningStatus(vm) };
        if (vm.OsState == "generalized")
        {
            statuses.Add(new JsonObject { ["code"] = "OSState/generalized", ["level"] = "Info", ["displayStatus"] = "VM generalized" });
        }

        statuses.Add(new JsonObject
        {
            ["code"] = $"PowerState/{vm.PowerState}",
            ["level"] = "Info",
            ["displayStatus"] = $"VM {vm.PowerState}",
        });
        view["statuses"] = statuses;
        return view;
    }

    private static JsonObject ProvisioningStatus(VirtualMachineState vm)
    {
        switch (vm.Lifecycle)
        {
            case "Creating":
                return Status("ProvisioningState/creating", "Creating", vm.TimeCreated);
            case "Deleting":
                return Status("ProvisioningState/deleting", "Deleting", vm.StatusTime);
            case "Failed":
                return new JsonObject
                {
                    ["code"] = $"ProvisioningState/failed/{vm.ProvisioningError?.Code}",
                    ["level"] = "Error",
                    ["displayStatus"] = "Provisioning failed",
                    ["message"] = vm.ProvisioningError?.Message,
                    ["time"] = Json.Time(vm.StatusTime),
                };
        }

        if (vm.PendingPowerOperation is not null)
        {
            return Status("ProvisioningState/updating", "Updating", vm.StatusTime);
        }

        var status = Status("ProvisioningState/succeeded", "Provisioning succeeded", vm.AgentReadyAt ?? vm.StatusTime);
        if (vm.BootAzureSeconds is { } boot && vm.AgentReadyAzureSeconds is { } agent)
        {
            // Documented in docs/emulator.md: boot timing of a VM created from an image, in Azure seconds.
            status["message"] = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Guest booted {boot:0} s after the create request; VM agent Ready after {agent:0} s.");
        }

        return status;
    }

    private static JsonObject Agent(VirtualMachineState vm, DateTimeOffset now)
    {
        var agentStatus = vm.EffectiveAgentStatus;
        var status = agentStatus == "Ready"
            ? new JsonObject
            {
                ["code"] = "ProvisioningState/succeeded",
                ["level"] = "Info",
                ["displayStatus"] = "Ready",
                ["message"] = "Guest Agent is running",
                ["time"] = Json.Time(now),
            }
            : new JsonObject
            {
                ["code"] = "ProvisioningState/Unavailable",
                ["level"] = "Warning",
                ["displayStatus"] = "Not Ready",
                ["message"] = vm.IsRunning
                    ? "VM agent is unresponsive."
                    : "VM status blob is found but not yet populated.",
                ["time"] = Json.Time(vm.StatusTime),
            };
        return new JsonObject
        {
            ["vmAgentVersion"] = agentStatus == "Missing" || !vm.AgentEverRan ? "Unknown" : vm.Guest.AgentVersion,
            ["statuses"] = new JsonArray(status),
        };
    }

    private static JsonObject Status(string code, string display, DateTimeOffset time) => new()
    {
        ["code"] = code,
        ["level"] = "Info",
        ["displayStatus"] = display,
        ["time"] = Json.Time(time),
    };

    private static JsonObject StorageProfile(VirtualMachineState vm)
    {
        var managedDisk = new JsonObject
        {
            ["storageAccountType"] = vm.OsDiskStorageAccountType,
            ["id"] = vm.OsDiskId,
        };
        if (vm.SecurityType == "ConfidentialVM")
        {
            managedDisk["securityProfile"] = new JsonObject { ["securityEncryptionType"] = "VMGuestStateOnly" };
        }

        var imageReference = vm.ImageReferenceId is { } imageId
            ? new JsonObject { ["id"] = imageId }
            : new JsonObject
            {
                ["publisher"] = vm.Image.Publisher,
                ["offer"] = vm.Image.Offer,
                ["sku"] = vm.Image.Sku,
                ["version"] = vm.Image.Version,
                ["exactVersion"] = vm.Image.ExactVersion
                    ?? (string.Equals(vm.Image.Version, "latest", StringComparison.OrdinalIgnoreCase) ? (vm.IsWindows ? "20348.2227.240104" : "22.04.202401120") : vm.Image.Version),
            };
        if (vm.ResolvedImageVersionId is { } versionId && vm.ImageReferenceId is not null)
        {
            imageReference["exactVersion"] = versionId.Split('/')[^1];
        }

        var profile = new JsonObject
        {
            ["imageReference"] = imageReference,
            ["osDisk"] = new JsonObject
            {
                ["osType"] = vm.OsType,
                ["name"] = vm.OsDiskName,
                ["createOption"] = "FromImage",
                ["caching"] = "ReadWrite",
                ["managedDisk"] = managedDisk,
                ["deleteOption"] = vm.OsDiskDeleteOption,
                ["diskSizeGB"] = vm.OsDiskSizeGB,
            },
            ["dataDisks"] = new JsonArray(),
        };
        if (vm.DiskControllerType is { } controller)
        {
            profile["diskControllerType"] = controller;
        }

        return profile;
    }

    private static JsonObject OsProfile(VirtualMachineState vm)
    {
        var profile = new JsonObject
        {
            ["computerName"] = vm.ComputerName,
            ["adminUsername"] = vm.AdminUsername,
        };
        if (vm.IsWindows)
        {
            profile["windowsConfiguration"] = new JsonObject
            {
                ["provisionVMAgent"] = vm.Guest.AgentStatus != "Missing",
                ["enableAutomaticUpdates"] = true,
                ["patchSettings"] = new JsonObject { ["patchMode"] = "AutomaticByOS", ["assessmentMode"] = "ImageDefault" },
                ["enableVMAgentPlatformUpdates"] = false,
            };
        }
        else
        {
            profile["linuxConfiguration"] = new JsonObject
            {
                ["disablePasswordAuthentication"] = true,
                ["provisionVMAgent"] = vm.Guest.AgentStatus != "Missing",
                ["patchSettings"] = new JsonObject { ["patchMode"] = "ImageDefault", ["assessmentMode"] = "ImageDefault" },
                ["enableVMAgentPlatformUpdates"] = false,
            };
        }

        profile["secrets"] = new JsonArray();
        profile["allowExtensionOperations"] = true;
        profile["requireGuestProvisionSignal"] = true;
        return profile;
    }

    private static JsonObject? SecurityProfile(VirtualMachineState vm) => vm.SecurityType switch
    {
        "TrustedLaunch" or "ConfidentialVM" => new JsonObject
        {
            ["uefiSettings"] = new JsonObject { ["secureBootEnabled"] = true, ["vTpmEnabled"] = true },
            ["securityType"] = vm.SecurityType,
        },
        _ => null,
    };
}
