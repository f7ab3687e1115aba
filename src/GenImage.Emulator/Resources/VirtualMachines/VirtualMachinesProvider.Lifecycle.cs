using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.Providers;
using GenImage.Emulator.Providers.Compute;
using GenImage.Emulator.Resources.Disks;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.VirtualMachines;

/// <summary>
/// Virtual machine create (from a gallery image version, a gallery image definition = latest, a managed image or a
/// platform image), delete, and retrieveBootDiagnosticsData. A created VM provisions as its image's lineage dictates.
/// </summary>
internal sealed partial class VirtualMachinesProvider
{
    private const string ImageTarget = "properties.storageProfile.imageReference";

    // ---- update (PUT on an existing VM, PATCH) ---------------------------------------------------------------------

    private ArmResult Patch(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var vm = rg.VirtualMachines.Get(request["vmName"]) ?? throw ArmErrors.ResourceNotFound(VirtualMachineJson.ResourceType, request["vmName"], rg.Name);
        if (vm.Lifecycle is "Creating" or "Deleting")
        {
            throw ArmErrors.Conflict($"The VM '{vm.Name}' is {(vm.Lifecycle == "Creating" ? "being created" : "being deleted")}. Retry after that operation completes.");
        }

        return Update(request, vm, Body.Object(request, "parameters"), replace: false);
    }

    /// <summary>
    /// Applies a PUT (<paramref name="replace"/>: absent tags mean none) or a PATCH to an existing VM: the size, boot
    /// diagnostics and tags change; what is fixed at creation (OS disk, image, computer name, admin user, OS type,
    /// security type, plan) answers 409 <c>PropertyChangeNotAllowed</c> when it differs; a generalized VM refuses any
    /// update with 409 <c>OperationNotAllowed</c>, as Azure does. A change answers 200 with Azure-AsyncOperation (as the
    /// recorded PATCHes that changed something); an update that changes nothing answers 200 without LRO headers (as
    /// the recorded 2023 no-op PATCH).
    /// </summary>
    private ArmResult Update(ArmRequest request, VirtualMachineState vm, JsonObject body, bool replace)
    {
        var p = Body.Obj(body, "properties", "properties");
        var storage = Body.Obj(p, "storageProfile", "properties.storageProfile");
        var osDisk = Body.Obj(storage, "osDisk", "properties.storageProfile.osDisk");
        var osProfile = Body.Obj(p, "osProfile", "properties.osProfile");
        RefuseChange("osDisk.name", vm.OsDiskName, Body.Str(osDisk, "name", "properties.storageProfile.osDisk.name"));
        RefuseChange("osDisk.osType", vm.OsType, Body.Str(osDisk, "osType", "properties.storageProfile.osDisk.osType"));
        RefuseChange("computerName", vm.ComputerName, Body.Str(osProfile, "computerName", "properties.osProfile.computerName"));
        RefuseChange("adminUsername", vm.AdminUsername, Body.Str(osProfile, "adminUsername", "properties.osProfile.adminUsername"));
        RefuseChange("securityProfile.securityType", vm.SecurityType,
            Body.Str(Body.Obj(p, "securityProfile", "properties.securityProfile"), "securityType", "properties.securityProfile.securityType"));
        var imageId = Body.Str(Body.Obj(storage, "imageReference", ImageTarget), "id", ImageTarget + ".id");
        if (imageId is not null && vm.ImageReferenceId is { } currentImage && !string.Equals(currentImage.TrimEnd('/'), imageId.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            throw PropertyChangeNotAllowed("imageReference");
        }

        if (ReadPlan(body) is { } plan && (vm.Plan is null || !string.Equals(plan.Name, vm.Plan.Name, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(plan.Publisher, vm.Plan.Publisher, StringComparison.OrdinalIgnoreCase) || !string.Equals(plan.Product, vm.Plan.Product, StringComparison.OrdinalIgnoreCase)))
        {
            throw PropertyChangeNotAllowed("plan");
        }

        var size = Body.Str(Body.Obj(p, "hardwareProfile", "properties.hardwareProfile"), "vmSize", "properties.hardwareProfile.vmSize");
        if (size is not null && !VmSize().IsMatch(size))
        {
            throw ArmErrors.InvalidParameter($"The value '{size}' of parameter 'vmSize' is not allowed. Use a size such as Standard_D2s_v5.", "vmSize");
        }

        var bootDiagnostics = Body.Bool(Body.Obj(Body.Obj(p, "diagnosticsProfile", "properties.diagnosticsProfile"), "bootDiagnostics", "properties.diagnosticsProfile.bootDiagnostics"),
            "enabled", "properties.diagnosticsProfile.bootDiagnostics.enabled");
        var tags = Body.Tags(body) ?? (replace ? new Dictionary<string, string>(StringComparer.Ordinal) : null);

        var changesSize = size is not null && !string.Equals(size, vm.Size, StringComparison.OrdinalIgnoreCase);
        var changesDiagnostics = bootDiagnostics is { } enabled && enabled != vm.BootDiagnosticsEnabled;
        var changesTags = tags is not null && !(tags.Count == vm.Tags.Count && tags.All(t => vm.Tags.TryGetValue(t.Key, out var v) && v == t.Value));
        if (vm.OsState == "generalized")
        {
            throw ArmErrors.OperationNotAllowed($"Operation 'Update VM' is not allowed on VM '{vm.Name}' since the VM is generalized.");
        }

        if (!(changesSize || changesDiagnostics || changesTags))
        {
            return ArmResult.Ok(VirtualMachineJson.Resource(vm, false, Now));
        }

        if (changesSize)
        {
            vm.Size = size!;
        }

        if (changesDiagnostics)
        {
            vm.BootDiagnosticsEnabled = bootDiagnostics!.Value;
        }

        if (changesTags)
        {
            vm.Tags.Clear();
            foreach (var (k, v) in tags!)
            {
                vm.Tags[k] = v;
            }
        }

        var op = operations.Start(request, vm.Group.Subscription.Id, vm.Location, vm.ResourceId, "updateVirtualMachine", Durations.NoChange, _ => { });
        var result = ArmResult.Ok(VirtualMachineJson.Resource(vm, false, Now));
        operations.AddPollingHeaders(result, request, op, LroHeaders.AsyncOperationOnly);
        return result;
    }

    private static void RefuseChange(string property, string current, string? requested)
    {
        if (requested is not null && !string.Equals(current, requested, StringComparison.OrdinalIgnoreCase))
        {
            throw PropertyChangeNotAllowed(property);
        }
    }

    /// <summary>ARM's refusal to change a property fixed at creation (wording as recorded for 'priority').</summary>
    private static ArmException PropertyChangeNotAllowed(string property)
        => new(409, "PropertyChangeNotAllowed", $"Changing property '{property}' is not allowed.", property);

    [GeneratedRegex(@"^(Standard|Basic)_[A-Za-z0-9_\-]+$")]
    private static partial Regex VmSize();

    // ---- create --------------------------------------------------------------------------------------------------

    private ArmResult CreateOrUpdate(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var name = request["vmName"];
        var body = Body.Object(request, "parameters");
        var location = Body.Location(body);
        var existing = rg.VirtualMachines.Get(name);
        if (existing is not null)
        {
            Body.RequireSameLocation(existing.Location, location, name, rg.Name);
            if (existing.Lifecycle is "Creating" or "Deleting")
            {
                throw ArmErrors.Conflict($"The VM '{existing.Name}' is {(existing.Lifecycle == "Creating" ? "being created" : "being deleted")}. Retry after that operation completes.");
            }

            return Update(request, existing, body, replace: true);
        }

        if (!VmName().IsMatch(name))
        {
            throw ArmErrors.InvalidParameter($"The VM name '{name}' is invalid. It must be 1-64 characters: letters, digits, '-', '_' or '.', starting with a letter or digit.", "vmName");
        }

        var p = Body.Obj(body, "properties", "properties") ?? throw ArmErrors.InvalidParameter("Required parameter 'properties' is missing (null).", "properties");
        var storage = Body.Obj(p, "storageProfile", "properties.storageProfile");
        var imageReference = Body.Obj(storage, "imageReference", ImageTarget)
            ?? throw ArmErrors.InvalidParameter($"Required parameter '{ImageTarget}' is missing (null). The emulator creates VMs from images only.", ImageTarget);
        var (lineage, imageId, resolvedVersion, imageSecurity, purchasePlan) = ResolveImage(imageReference, location);
        var plan = ReadPlan(body);
        CheckPlan(plan, purchasePlan, rg, name);

        var securityProfile = Body.Obj(p, "securityProfile", "properties.securityProfile");
        var securityType = Body.Enum(Body.Str(securityProfile, "securityType", "properties.securityProfile.securityType"),
            ["TrustedLaunch", "ConfidentialVM"], "properties.securityProfile.securityType", "Standard");
        CheckSecurity(securityType, imageSecurity, lineage, imageId);

        var osProfile = Body.Obj(p, "osProfile", "properties.osProfile");
        var generalized = lineage.OsState == "Generalized";
        string adminUsername;
        string computerName;
        if (generalized)
        {
            if (osProfile is null)
            {
                throw ArmErrors.InvalidParameter("Required parameter 'osProfile' is missing (null).", "osProfile");
            }

            adminUsername = Body.Str(osProfile, "adminUsername", "osProfile.adminUsername") is { Length: > 0 } user
                ? user
                : throw ArmErrors.InvalidParameter("Required parameter 'osProfile.adminUsername' is missing (null).", "osProfile.adminUsername");

            // The password is checked for presence only: it is never stored, logged or returned.
            var hasPassword = Body.Str(osProfile, "adminPassword", "osProfile.adminPassword") is { Length: > 0 };
            var hasSshKeys = Body.Arr(Body.Obj(Body.Obj(osProfile, "linuxConfiguration", "osProfile.linuxConfiguration"), "ssh", "osProfile.linuxConfiguration.ssh"),
                "publicKeys", "osProfile.linuxConfiguration.ssh.publicKeys") is { Count: > 0 };
            if (!hasPassword && (lineage.IsWindows || !hasSshKeys))
            {
                throw ArmErrors.InvalidParameter("Required parameter 'adminPassword' is missing (null).", "adminPassword");
            }

            computerName = Body.Str(osProfile, "computerName", "osProfile.computerName") ?? DefaultComputerName(name, lineage.IsWindows);
        }
        else
        {
            if (osProfile is not null)
            {
                throw ArmErrors.InvalidParameter("Parameter 'osProfile' is not allowed.", "osProfile");
            }

            adminUsername = "";
            computerName = lineage.SourceVmId.Split('/')[^1];
        }

        var osDisk = Body.Obj(storage, "osDisk", "properties.storageProfile.osDisk");
        var diskSize = Body.Int(osDisk, "diskSizeGB", "properties.storageProfile.osDisk.diskSizeGB") ?? lineage.OsDiskSizeGB;
        if (diskSize < lineage.OsDiskSizeGB)
        {
            throw ArmErrors.InvalidParameter(
                $"The specified disk size {diskSize} GB is smaller than the size of the corresponding disk in the VM image: {lineage.OsDiskSizeGB} GB. This is not allowed. Please choose equal or greater size or do not specify a size.",
                "osDisk.diskSizeGB");
        }

        var diskName = Body.Str(osDisk, "name", "properties.storageProfile.osDisk.name") ?? $"{name}_OsDisk_1_{Guid.NewGuid():N}";
        if (rg.Disks.Get(diskName) is not null)
        {
            throw ArmErrors.Conflict($"A disk named '{diskName}' already exists in resource group '{rg.Name}'.");
        }

        var creation = new VmCreation
        {
            Name = name,
            Location = location,
            Size = Body.Str(Body.Obj(p, "hardwareProfile", "properties.hardwareProfile"), "vmSize", "properties.hardwareProfile.vmSize") ?? "Standard_D2s_v5",
            Lineage = lineage,
            ImageReferenceId = imageId,
            PlatformImage = string.IsNullOrWhiteSpace(Body.Str(imageReference, "id", ImageTarget + ".id"))
                ? new World.ImageReferenceDefinition
                {
                    Publisher = Body.Str(imageReference, "publisher", ImageTarget + ".publisher") ?? "",
                    Offer = Body.Str(imageReference, "offer", ImageTarget + ".offer") ?? "",
                    Sku = Body.Str(imageReference, "sku", ImageTarget + ".sku") ?? "",
                    Version = Body.Str(imageReference, "version", ImageTarget + ".version") ?? "latest",
                }
                : null,
            SecurityType = securityType,
            ComputerName = computerName,
            AdminUsername = adminUsername,
            HasOsProfile = generalized,
            OsDiskName = diskName,
            OsDiskSizeGB = diskSize,
            StorageAccountType = Body.Enum(Body.Str(Body.Obj(osDisk, "managedDisk", "osDisk.managedDisk"), "storageAccountType", "osDisk.managedDisk.storageAccountType"),
                World.WorldLoader.StorageAccountTypes, "osDisk.managedDisk.storageAccountType", "Premium_LRS"),
            OsDiskDeleteOption = Body.Enum(Body.Str(osDisk, "deleteOption", "osDisk.deleteOption"), ["Delete", "Detach"], "osDisk.deleteOption", "Detach"),
            BootDiagnosticsEnabled = Body.Bool(Body.Obj(Body.Obj(p, "diagnosticsProfile", "diagnosticsProfile"), "bootDiagnostics", "diagnosticsProfile.bootDiagnostics"),
                "enabled", "diagnosticsProfile.bootDiagnostics.enabled") ?? false,
            NetworkProfile = Body.Obj(p, "networkProfile", "properties.networkProfile")?.DeepClone().AsObject(),
            DiskControllerType = Body.Str(storage, "diskControllerType", "properties.storageProfile.diskControllerType") is { } controller
                ? Body.Enum(controller, ["SCSI", "NVMe"], "properties.storageProfile.diskControllerType")
                : null,
            Plan = plan,
            Tags = Body.Tags(body) ?? new Dictionary<string, string>(StringComparer.Ordinal),
        };

        store.ResolveLatest(creation.PlatformImage, location);
        var vm = new VirtualMachineState(rg, creation, Now) { ResolvedImageVersionId = resolvedVersion };
        rg.VirtualMachines.Add(name, vm);
        rg.Disks.Add(diskName, new DiskState(rg, diskName, location)
        {
            OsType = lineage.OsType,
            HyperVGeneration = lineage.HyperVGeneration,
            SizeGB = diskSize,
            StorageAccountType = creation.StorageAccountType,
            TimeCreated = Now,
            SecurityType = securityType == "Standard" ? null : securityType,
            ImageReferenceId = resolvedVersion ?? imageId,
            ManagedBy = vm.ResourceId,
        });

        var op = Provision(request, rg, vm, lineage, generalized);
        var result = ArmResult.Created(VirtualMachineJson.Resource(vm, false, Now));
        operations.AddPollingHeaders(result, request, op, LroHeaders.RetryAfter);
        return result;
    }

    /// <summary>Schedules boot and the end of provisioning as the lineage dictates; returns the create operation.</summary>
    private Operations.AsyncOperation Provision(ArmRequest request, ResourceGroupState rg, VirtualMachineState vm, ImageLineage lineage, bool generalized)
    {
        var boot = (generalized, lineage.IsWindows) switch
        {
            (true, true) => Durations.BootGeneralizedWindows,
            (true, false) => Durations.BootGeneralizedLinux,
            (false, true) => Durations.BootSpecializedWindows,
            _ => Durations.BootSpecializedLinux,
        };
        vm.BootAzureSeconds = boot;
        var start = Now;
        var bootDue = store.Clock.After(boot, start);
        bool Alive() => ReferenceEquals(rg.VirtualMachines.Get(vm.Name), vm) && vm.Lifecycle == "Creating";
        store.Scheduler.At(bootDue, () =>
        {
            if (Alive())
            {
                vm.SetPowerState("running", bootDue);
                vm.BootCompletedAt = bootDue;
            }
        });

        var failure = BootFailures.Find(lineage.Failure);
        var seconds = failure?.FailAfter(boot) ?? boot + Durations.AgentReadyAfterBoot;
        return operations.Start(request, rg.Subscription.Id, vm.Location, vm.ResourceId, "createVirtualMachine", seconds, op =>
        {
            if (!Alive())
            {
                op.Fail(op.DueTime, "OperationPreempted", "Operation execution has been preempted by a more recent operation.");
                return;
            }

            if (failure is null)
            {
                vm.Lifecycle = null;
                vm.AgentReadyAt = op.DueTime;
                vm.AgentReadyAzureSeconds = seconds;
                vm.StatusTime = op.DueTime;
                return;
            }

            var (code, message) = (failure.ArmCode, failure.Message(vm));
            vm.Lifecycle = "Failed";
            vm.ProvisioningError = new(code, message);
            vm.StatusTime = op.DueTime;
            vm.FailedAt = op.DueTime;
            op.Fail(op.DueTime, code, message);
        });
    }

    private (ImageLineage Lineage, string ImageId, string? VersionId, string? ImageSecurity, JsonObject? PurchasePlan) ResolveImage(JsonObject imageReference, string location)
    {
        var id = Body.Str(imageReference, "id", ImageTarget + ".id");
        if (string.IsNullOrWhiteSpace(id))
        {
            return PlatformImage(imageReference);
        }

        var source = ImageSources.Resolve(store, id);
        switch (source)
        {
            case ImageSource.Version { State: var version }:
            {
                var region = version.Region(location);
                if (version.ProvisioningStateAt(Now) != "Succeeded" && region?.StateAt(Now) != "Completed")
                {
                    throw GalleryImageNotAvailable(version.ResourceId, location);
                }

                if (region is null || region.StateAt(Now) != "Completed")
                {
                    throw GalleryImageNotAvailable(version.ResourceId, location);
                }

                return (version.Lineage, version.ResourceId, version.ResourceId, version.Image.SecurityType, version.Image.PurchasePlan);
            }

            case ImageSource.Definition { State: var definition }:
            {
                var latest = ImageSources.Latest(definition, location, Now) ?? throw new ArmException(404, "GalleryImageNotFound",
                    $"The gallery image {definition.ResourceId} has no version available for use in {location} region: every version is excluded from latest, still replicating, failed or not replicated to the region.");
                return (latest.Lineage, definition.ResourceId, latest.ResourceId, definition.SecurityType, definition.PurchasePlan);
            }

            case ImageSource.ManagedImage { State: var image }:
                if (image.ProvisioningStateAt(Now) != "Succeeded" || !string.Equals(image.Location, location, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArmException(404, "NotFound", $"The Image '{image.ResourceId}' cannot be found in '{location}' region.");
                }

                return (image.Lineage, image.ResourceId, null, null, null);

            case ImageSource.Missing { Kind: "image" }:
                throw new ArmException(404, "NotFound", $"The Image '{id}' cannot be found in '{location}' region.");

            case ImageSource.Missing:
                throw GalleryImageNotAvailable(id, location);

            default:
                throw ArmErrors.InvalidParameter(
                    $"The value '{id}' of {ImageTarget}.id is not a gallery image, gallery image version or managed image.", ImageTarget + ".id");
        }
    }

    private static ArmException GalleryImageNotAvailable(string id, string location) => new(404, "GalleryImageNotFound",
        $"The gallery image {id} is not available in {location} region. Please contact image owner to replicate to this region, or change your requested region.");

    /// <summary>A marketplace image: a fresh, publisher-prepared guest (generalized with preparation, agent Ready).</summary>
    private static (ImageLineage, string, string?, string?, JsonObject?) PlatformImage(JsonObject reference)
    {
        var publisher = Body.Str(reference, "publisher", ImageTarget + ".publisher");
        var offer = Body.Str(reference, "offer", ImageTarget + ".offer");
        var sku = Body.Str(reference, "sku", ImageTarget + ".sku");
        if (string.IsNullOrWhiteSpace(publisher) || string.IsNullOrWhiteSpace(offer) || string.IsNullOrWhiteSpace(sku))
        {
            throw ArmErrors.InvalidParameter($"Required parameter '{ImageTarget}.id' (or publisher, offer and sku) is missing (null).", ImageTarget);
        }

        var windows = publisher.Contains("Windows", StringComparison.OrdinalIgnoreCase);
        var gen2 = sku.Contains("g2", StringComparison.OrdinalIgnoreCase) || sku.Contains("gen2", StringComparison.OrdinalIgnoreCase)
            || sku.Contains("tvm", StringComparison.OrdinalIgnoreCase) || offer.Contains("gen2", StringComparison.OrdinalIgnoreCase);
        var id = $"/Subscriptions/publishers/{publisher}/offers/{offer}/skus/{sku}/versions/{Body.Str(reference, "version", ImageTarget + ".version") ?? "latest"}";
        var lineage = new ImageLineage
        {
            SourceVmId = id,
            OsType = windows ? "Windows" : "Linux",
            OsState = "Generalized",
            HyperVGeneration = gen2 ? "V2" : "V1",
            SecurityType = "Standard",
            GeneralizedWithPreparedGuest = true,
            AgentStatus = "Ready",
            AgentVersion = windows ? "2.7.41491.1102" : "2.9.1.1",
            OsName = windows ? "Windows Server 2022 Datacenter" : "Ubuntu 22.04.4 LTS",
            OsVersion = windows ? "Microsoft Windows NT 10.0.20348.0" : "22.04",
            CloudInit = !windows,
            SysprepBlockers = [],
            Leftovers = [],
            OsDiskSizeGB = windows ? 127 : 30,
        };
        return (lineage, id, null, gen2 ? "TrustedLaunchSupported" : null, null);
    }

    /// <summary>
    /// A VM from a gallery image whose definition has <c>purchasePlan</c> must carry a matching top-level <c>plan</c>:
    /// ARM refuses it with 400 <c>VMMarketplaceInvalidInput</c>. A plan on a VM from an image without one is accepted.
    /// </summary>
    private static void CheckPlan(World.PlanDefinition? plan, JsonObject? purchasePlan, ResourceGroupState rg, string vmName)
    {
        if (purchasePlan is null)
        {
            return;
        }

        string Part(string key) => purchasePlan[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
        var (name, publisher, product) = (Part("name"), Part("publisher"), Part("product"));
        var vmId = $"{rg.ResourceId}/providers/Microsoft.Compute/virtualMachines/{vmName}";
        if (plan is null)
        {
            throw new ArmException(400, "VMMarketplaceInvalidInput",
                $"Creating a virtual machine from Marketplace image or a custom image sourced from a Marketplace image requires Plan information in the request. VM: '{vmId}'.",
                "plan");
        }

        if (!string.Equals(plan.Name, name, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(plan.Publisher, publisher, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(plan.Product, product, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmException(400, "VMMarketplaceInvalidInput",
                $"The plan '{plan.Publisher}/{plan.Product}/{plan.Name}' in the request does not match the purchase plan '{publisher}/{product}/{name}' of the image. VM: '{vmId}'.",
                "plan");
        }
    }

    private static void CheckSecurity(string vmSecurity, string? imageSecurity, ImageLineage lineage, string imageId)
    {
        if (vmSecurity != "Standard" && lineage.HyperVGeneration != "V2")
        {
            throw ArmErrors.InvalidParameter(
                $"Security type '{vmSecurity}' needs a Generation 2 image; the image '{imageId}' is Hyper-V generation '{lineage.HyperVGeneration}'.", "securityProfile.securityType");
        }

        var allowed = imageSecurity switch
        {
            "TrustedLaunch" => new[] { "TrustedLaunch" },
            "ConfidentialVM" => ["ConfidentialVM"],
            "TrustedLaunchSupported" => ["Standard", "TrustedLaunch"],
            "ConfidentialVmSupported" => ["Standard", "ConfidentialVM"],
            "TrustedLaunchAndConfidentialVmSupported" => ["Standard", "TrustedLaunch", "ConfidentialVM"],
            _ => ["Standard"],
        };
        if (!allowed.Contains(vmSecurity))
        {
            throw ArmErrors.InvalidParameter(
                $"The image '{imageId}' has security type '{imageSecurity ?? "Standard"}'; it can only be used to create VMs with security type {string.Join(" or ", allowed.Select(a => $"'{a}'"))}, not '{vmSecurity}'. Set properties.securityProfile.securityType accordingly.",
                "securityProfile.securityType");
        }
    }

    private static string DefaultComputerName(string vmName, bool windows)
    {
        var name = windows ? new string(vmName.Where(c => char.IsLetterOrDigit(c) || c == '-').ToArray()) : vmName;
        return windows && name.Length > 15 ? name[..15] : name;
    }

    private static void RejectWhileCreatingOrDeleting(VirtualMachineState vm, string operation)
    {
        if (vm.Lifecycle is "Creating" or "Deleting")
        {
            throw ArmErrors.Conflict(
                $"Operation '{operation}' is not allowed on VM '{vm.Name}' since the VM is {(vm.Lifecycle == "Creating" ? "being created" : "being deleted")}. Retry after that operation completes.");
        }
    }

    // ---- delete --------------------------------------------------------------------------------------------------

    private ArmResult Delete(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var vm = rg.VirtualMachines.Get(request["vmName"]);
        if (vm is null)
        {
            return ArmResult.NoContent();
        }

        // forceDeletion is accepted; as in Azure it does not change what happens to the disks.
        PreemptRunCommand(vm);
        vm.PendingPowerOperation = null;
        vm.Lifecycle = "Deleting";
        vm.SetPowerState(vm.IsAllocated ? "stopping" : vm.PowerState, Now);
        return operations.Begin(request, rg.Subscription.Id, vm.Location, vm.ResourceId, "deleteVirtualMachine", Durations.VmDelete, _ =>
        {
            rg.VirtualMachines.Remove(vm.Name);
            foreach (var nic in rg.NetworkInterfaces.All.Where(n => string.Equals(n.VirtualMachineId, vm.ResourceId, StringComparison.OrdinalIgnoreCase)))
            {
                // A NIC of the world stays when its VM is deleted, no longer attached (as a NIC without deleteOption Delete).
                nic.VirtualMachineId = null;
            }

            if (rg.Disks.Get(vm.OsDiskName) is { } disk && string.Equals(disk.ManagedBy, vm.ResourceId, StringComparison.OrdinalIgnoreCase))
            {
                if (vm.OsDiskDeleteOption == "Delete")
                {
                    rg.Disks.Remove(disk.Name);
                }
                else
                {
                    disk.ManagedBy = null;
                    disk.DetachedGuest = ImageLineage.FromVm(vm);
                }
            }
        }, LroHeaders.Location | LroHeaders.RetryAfter);
    }

    // ---- boot diagnostics ----------------------------------------------------------------------------------------

    private ArmResult RetrieveBootDiagnosticsData(ArmRequest request)
    {
        var vm = FindVm(request);
        var minutes = 120;
        if (request.QueryValue("sasUriExpirationTimeInMinutes") is { } text)
        {
            if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out minutes) || minutes is < 1 or > 1440)
            {
                throw ArmErrors.InvalidParameter(
                    $"The value '{text}' of parameter 'sasUriExpirationTimeInMinutes' is not valid. It must be an integer from 1 to 1440.", "sasUriExpirationTimeInMinutes");
            }
        }

        if (!vm.BootDiagnosticsEnabled)
        {
            throw ArmErrors.OperationNotAllowed($"Boot diagnostics is not enabled for the virtual machine '{vm.Name}'. Enable diagnosticsProfile.bootDiagnostics and retry.");
        }

        var (screenshot, serial) = blobs.Issue(vm, request.BaseUri, minutes);
        return ArmResult.Ok(new JsonObject { ["consoleScreenshotBlobUri"] = screenshot, ["serialConsoleLogBlobUri"] = serial });
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_\.-]{0,63}$")]
    private static partial Regex VmName();

    /// <summary>The top-level <c>plan</c> of a VM PUT (2023-07-01): name, publisher and product are required when it is given.</summary>
    private static World.PlanDefinition? ReadPlan(JsonObject body)
    {
        var plan = Body.Obj(body, "plan", "plan");
        if (plan is null)
        {
            return null;
        }

        string Required(string key) => Body.Str(plan, key, "plan." + key) is { Length: > 0 } value
            ? value
            : throw ArmErrors.InvalidParameter($"Required parameter 'plan.{key}' is missing (null).", "plan." + key);
        return new World.PlanDefinition
        {
            Name = Required("name"),
            Publisher = Required("publisher"),
            Product = Required("product"),
            PromotionCode = Body.Str(plan, "promotionCode", "plan.promotionCode"),
        };
    }
}
