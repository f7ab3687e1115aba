using System.Text.Json.Nodes;

namespace GenImage.Emulator.Tests.Conformance;

/// <summary>
/// The conformance table: for each ARM example under <c>../shared/arm-examples/examples</c> either a row that says how
/// to replay it against the emulator, or the reason it is not covered. Adding coverage is one row.
/// </summary>
internal static class ConformanceSuite
{
    public const string Gallery = "galconf";
    public const string GalleryImage = "imgconf";
    public const string Version = "1.0.0";
    public const string ManagedImage = "imgmanaged";
    public const string RunCommandName = "rcconf";

    /// <summary>Values for the examples' path parameters, in the conformance world.</summary>
    public static readonly IReadOnlyDictionary<string, string> PathValues = new Dictionary<string, string>
    {
        ["subscriptionId"] = TestSupport.Sub,
        ["resourceGroupName"] = TestSupport.Rg,
        ["galleryName"] = Gallery,
        ["galleryImageName"] = GalleryImage,
        ["galleryImageVersionName"] = Version,
        ["imageName"] = ManagedImage,
        ["runCommandName"] = RunCommandName,
        ["scope"] = $"subscriptions/{TestSupport.Sub}",
    };

    /// <summary>The world every row runs in: the standard test world, a generalized Windows Gen1 VM, the tester as Owner.</summary>
    public static readonly string World = AddConformanceVm(Worlds.Standard) + $$"""

        roleAssignments:
          - { principalId: {{FrontDoorSupport.TesterOid}}, role: Owner, scope: /subscriptions/{{TestSupport.Sub}} }
        """;

    private static string AddConformanceVm(string world)
    {
        const string anchor = "\n      - name: rg-other";
        if (!world.Contains(anchor, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The conformance world expects resource group rg-other in the standard test world.");
        }

        return world.Replace(anchor,
            "\n          - name: vm-conf-gen\n            osType: Windows\n            hyperVGeneration: V1\n            powerState: deallocated\n            osState: generalized\n            osDisk: { name: " + GeneralizedVmDisk + " }\n            guest: { prepared: true }"
            + "\n          - name: vm-conf-linux\n            osType: Linux\n            powerState: deallocated\n            osState: generalized\n            guest: { prepared: true }"
            + "\n          - name: vm-conf-linux-spec\n            osType: Linux\n            powerState: deallocated"
            + "\n        galleries:\n          - name: " + SeededGallery + "\n            images:"
            + "\n              - { name: linux-gen, osType: Linux, publisher: conf, offer: linux, sku: gen }"
            + "\n              - { name: linux-spec, osType: Linux, osState: Specialized, publisher: conf, offer: linux, sku: spec }"
            + anchor, StringComparison.Ordinal);
    }

    private const string Vm = "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{vmName}";
    private const string Galleries = "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries";
    private const string Images = "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/images";

    private static string Id(string relative) => "/" + relative.Replace("{subscriptionId}", TestSupport.Sub, StringComparison.Ordinal).Replace("{resourceGroupName}", TestSupport.Rg, StringComparison.Ordinal);

    private static readonly string GeneralizedVmId = Id(Vm.Replace("{vmName}", "vm-conf-gen", StringComparison.Ordinal));

    /// <summary>The OS disk of vm-conf-gen (named in the world, so Image_CreateFromAManagedDisk can name it).</summary>
    private const string GeneralizedVmDisk = "vm-conf-gen-osdisk";

    private static readonly string GeneralizedVmDiskId = Id("subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/disks/" + GeneralizedVmDisk);

    /// <summary>A gallery the world declares, with a generalized and a specialized Linux definition for the VM-create examples.</summary>
    private const string SeededGallery = "galseed";

    private static string SeededImageId(string image) => Id($"{Galleries}/{SeededGallery}/images/{image}");

    private static string ManagedImageId => Id($"{Images}/{ManagedImage}");

    /// <summary>Publishes version 1.0.0 of a seeded definition from a world VM (replicated to West Europe).</summary>
    private static Step PublishSeeded(string image, string vm) => new("PUT", $"{Galleries}/{SeededGallery}/images/{image}/versions/1.0.0", "2022-03-03", JsonNode.Parse("""
        {"location":"westeurope","properties":{"publishingProfile":{"targetRegions":[{"name":"westeurope","regionalReplicaCount":1}]},"storageProfile":{"source":{"id":"VMID"}}}}
        """.Replace("VMID", Id(Vm.Replace("{vmName}", vm, StringComparison.Ordinal)), StringComparison.Ordinal)));

    /// <summary>Tags the run-command examples' responses show (their requests have none), so requests carry them.</summary>
    private static JsonObject RunCommandTagsValue => new() { ["tag1"] = "value1", ["tag2"] = "value2" };

    // ---- set-up steps (run before the example's request; each must succeed) --------------------------------------

    private static Step CreateGallery => new("PUT", $"{Galleries}/{Gallery}", "2022-03-03", new JsonObject { ["location"] = "westeurope", ["properties"] = new JsonObject { ["description"] = "conformance" } });

    private static Step CreateGalleryImage => new("PUT", $"{Galleries}/{Gallery}/images/{GalleryImage}", "2022-03-03", JsonNode.Parse("""
        {"location":"westeurope","properties":{"osType":"Windows","osState":"Generalized","hyperVGeneration":"V1","identifier":{"publisher":"conf","offer":"conf","sku":"conf"}}}
        """));

    private static Step CreateVersion => new("PUT", $"{Galleries}/{Gallery}/images/{GalleryImage}/versions/{Version}", "2022-03-03", JsonNode.Parse("""
        {"location":"westeurope","properties":{"publishingProfile":{"targetRegions":[{"name":"westeurope","regionalReplicaCount":1}]},"storageProfile":{"source":{"id":"VMID"}}}}
        """.Replace("VMID", GeneralizedVmId, StringComparison.Ordinal)));

    private static Step CreateManagedImage => new("PUT", $"{Images}/{ManagedImage}", "2023-07-01", JsonNode.Parse("""
        {"location":"westeurope","properties":{"sourceVirtualMachine":{"id":"VMID"}}}
        """.Replace("VMID", GeneralizedVmId, StringComparison.Ordinal)));

    /// <summary>The managed run command of VirtualMachineRunCommand_CreateOrUpdate.json, created with that example's body.</summary>
    private static Step CreateRunCommand => new("PUT", Vm.Replace("{vmName}", "vm-win", StringComparison.Ordinal) + $"/runCommands/{RunCommandName}", "2023-07-01", null,
        BodyFromExample: "Microsoft.Compute/2023-07-01/VirtualMachineRunCommand_CreateOrUpdate.json", Tags: RunCommandTagsValue);

    private static Step Generalize(string vm) => new("POST", Vm.Replace("{vmName}", vm, StringComparison.Ordinal) + "/generalize", "2023-07-01", null);

    private static Step WriteSomething => Generalize("vm-deallocated");

    /// <summary>Examples replayed against the emulator.</summary>
    public static readonly IReadOnlyList<Row> Rows =
    [
        // Virtual machines.
        new("Microsoft.Compute/2023-07-01/VirtualMachine_Get.json", "GET", Vm, Values: new() { ["vmName"] = "vm-win" },
            Excluded: Reasons(VmExclusions)),
        new("Microsoft.Compute/2022-08-01/VirtualMachine_Get_VM_WithInstanceView.json", "GET", Vm, Values: new() { ["vmName"] = "vm-win" },
            Excluded: Reasons(VmExclusions, ("instanceView", "this 2022-08-01 example puts instanceView at the top level; the model (and the emulator) has properties.instanceView (NOTES.md §6)"))),
        new("Microsoft.Compute/2023-07-01/VirtualMachine_Get_InstanceView.json", "GET", Vm + "/instanceView", Values: new() { ["vmName"] = "vm-win" },
            Excluded: Reasons(InstanceViewExclusions)),
        new("Microsoft.Compute/2023-07-01/VirtualMachine_Deallocate_MaximumSet_Gen.json", "POST", Vm + "/deallocate", Values: new() { ["vmName"] = "vm-win" }),
        new("Microsoft.Compute/2023-07-01/VirtualMachine_Deallocate_MinimumSet_Gen.json", "POST", Vm + "/deallocate", Values: new() { ["vmName"] = "vm-linux" }),
        new("Microsoft.Compute/2023-07-01/VirtualMachine_PowerOff_MaximumSet_Gen.json", "POST", Vm + "/powerOff", Values: new() { ["vmName"] = "vm-win" }),
        new("Microsoft.Compute/2023-07-01/VirtualMachine_Start_MaximumSet_Gen.json", "POST", Vm + "/start", Values: new() { ["vmName"] = "vm-stopped" }),
        new("Microsoft.Compute/2023-07-01/VirtualMachine_Generalize.json", "POST", Vm + "/generalize", Values: new() { ["vmName"] = "vm-deallocated" }),
        new("Microsoft.Compute/2023-07-01/VirtualMachineRunCommand.json", "POST", Vm + "/runCommand", Values: new() { ["vmName"] = "vm-win" },
            Ignored: ["$top", "monitor"], FollowMonitor: true),
        new("Microsoft.Compute/2023-07-01/VirtualMachine_RetrieveBootDiagnosticsData.json", "POST", Vm + "/retrieveBootDiagnosticsData", Values: new() { ["vmName"] = "vm-win" }),
        new("Microsoft.Compute/2023-07-01/VirtualMachine_Delete_Force.json", "DELETE", Vm, Values: new() { ["vmName"] = "vm-agent-missing" }),
        new("Microsoft.Compute/2023-07-01/VirtualMachine_Create_FromAGeneralizedSharedImage.json", "PUT", Vm, Values: new() { ["vmName"] = "vm-conf-new" },
            Setup: [PublishSeeded("linux-gen", "vm-conf-linux")],
            BodyOverrides: new() { ["location"] = "westeurope", ["properties.storageProfile.imageReference.id"] = SeededImageId("linux-gen") }),
        new("Microsoft.Compute/2023-07-01/VirtualMachine_Create_FromASpecializedSharedImage.json", "PUT", Vm, Values: new() { ["vmName"] = "vm-conf-new" },
            Setup: [PublishSeeded("linux-spec", "vm-conf-linux-spec")],
            BodyOverrides: new() { ["location"] = "westeurope", ["properties.storageProfile.imageReference.id"] = SeededImageId("linux-spec") }),
        new("Microsoft.Compute/2023-07-01/VirtualMachine_Create_WithUefiSettings.json", "PUT", Vm, Values: new() { ["vmName"] = "vm-conf-new" }),

        // Managed images.
        new("Microsoft.Compute/2023-07-01/Image_CreateFromAVM.json", "PUT", Images + "/{imageName}",
            BodyOverrides: new() { ["properties.sourceVirtualMachine.id"] = GeneralizedVmId }, Excluded: Reasons(ImageExclusions)),
        new("Microsoft.Compute/2023-07-01/Image_CreateFromAManagedDisk.json", "PUT", Images + "/{imageName}",
            BodyOverrides: new() { ["properties.storageProfile.osDisk.managedDisk.id"] = GeneralizedVmDiskId, ["properties.storageProfile.osDisk.osType"] = "Windows" },
            Excluded: Reasons(ImageExclusions)),
        new("Microsoft.Compute/2023-07-01/Image_Get.json", "GET", Images + "/{imageName}", Setup: [CreateManagedImage], Excluded: Reasons(ImageExclusions)),
        new("Microsoft.Compute/2023-07-01/Image_ListByResourceGroup.json", "GET", Images, Setup: [CreateManagedImage],
            Excluded: Reasons(ImageExclusions.Select(e => (Key: "value[]." + e.Key, e.Value)).ToArray(), NoPaging)),
        new("Microsoft.Compute/2023-07-01/Images_Delete_MaximumSet_Gen.json", "DELETE", Images + "/{imageName}", Setup: [CreateManagedImage]),

        // Compute Gallery.
        new("Microsoft.Compute/2022-03-03/Gallery_Create.json", "PUT", Galleries + "/{galleryName}"),
        new("Microsoft.Compute/2022-03-03/Gallery_Get.json", "GET", Galleries + "/{galleryName}", Setup: [CreateGallery]),
        new("Microsoft.Compute/2022-03-03/Gallery_ListByResourceGroup.json", "GET", Galleries, Setup: [CreateGallery], Excluded: Reasons(NoPaging)),
        new("Microsoft.Compute/2022-03-03/Gallery_Delete.json", "DELETE", Galleries + "/{galleryName}", Setup: [CreateGallery]),
        new("Microsoft.Compute/2022-03-03/GalleryImage_Create.json", "PUT", Galleries + "/{galleryName}/images/{galleryImageName}", Setup: [CreateGallery]),
        new("Microsoft.Compute/2022-03-03/GalleryImage_Get.json", "GET", Galleries + "/{galleryName}/images/{galleryImageName}", Setup: [CreateGallery, CreateGalleryImage]),
        new("Microsoft.Compute/2022-03-03/GalleryImage_ListByGallery.json", "GET", Galleries + "/{galleryName}/images", Setup: [CreateGallery, CreateGalleryImage], Excluded: Reasons(NoPaging)),
        new("Microsoft.Compute/2022-03-03/GalleryImage_Delete.json", "DELETE", Galleries + "/{galleryName}/images/{galleryImageName}", Setup: [CreateGallery, CreateGalleryImage]),
        new("Microsoft.Compute/2022-03-03/GalleryImageVersion_Create_WithVmAsSource.json", "PUT", Galleries + "/{galleryName}/images/{galleryImageName}/versions/{galleryImageVersionName}",
            Setup: [CreateGallery, CreateGalleryImage], BodyOverrides: new() { ["properties.storageProfile.source.id"] = GeneralizedVmId },
            BodyText: [("West US", "West Europe")], Excluded: Reasons(VersionExclusions)),
        new("Microsoft.Compute/2022-03-03/GalleryImageVersion_Create.json", "PUT", Galleries + "/{galleryName}/images/{galleryImageName}/versions/{galleryImageVersionName}",
            Setup: [CreateGallery, CreateGalleryImage, CreateManagedImage], BodyOverrides: new() { ["properties.storageProfile.source.id"] = ManagedImageId },
            BodyText: [("West US", "West Europe")], Excluded: Reasons(VersionExclusions)),
        new("Microsoft.Compute/2022-03-03/GalleryImageVersion_Get.json", "GET", Galleries + "/{galleryName}/images/{galleryImageName}/versions/{galleryImageVersionName}",
            Setup: [CreateGallery, CreateGalleryImage, CreateVersion], Excluded: Reasons(VersionExclusions)),
        new("Microsoft.Compute/2022-03-03/GalleryImageVersion_Get_WithReplicationStatus.json", "GET", Galleries + "/{galleryName}/images/{galleryImageName}/versions/{galleryImageVersionName}",
            Setup: [CreateGallery, CreateGalleryImage, CreateVersion], Excluded: Reasons(VersionExclusions)),
        new("Microsoft.Compute/2022-03-03/GalleryImageVersion_ListByGalleryImage.json", "GET", Galleries + "/{galleryName}/images/{galleryImageName}/versions",
            Setup: [CreateGallery, CreateGalleryImage, CreateVersion], Excluded: Reasons(VersionExclusions.Select(e => (Key: "value[]." + e.Key, e.Value)).ToArray(), NoPaging)),
        new("Microsoft.Compute/2022-03-03/GalleryImageVersion_Update.json", "PATCH", Galleries + "/{galleryName}/images/{galleryImageName}/versions/{galleryImageVersionName}",
            Setup: [CreateGallery, CreateGalleryImage, CreateVersion], BodyOverrides: new() { ["properties.storageProfile.source.id"] = GeneralizedVmId },
            Excluded: Reasons(VersionExclusions)),
        new("Microsoft.Compute/2022-03-03/GalleryImageVersion_Delete.json", "DELETE", Galleries + "/{galleryName}/images/{galleryImageName}/versions/{galleryImageVersionName}",
            Setup: [CreateGallery, CreateGalleryImage, CreateVersion]),

        // Managed run commands.
        new("Microsoft.Compute/2023-07-01/VirtualMachineRunCommand_CreateOrUpdate.json", "PUT", Vm + "/runCommands/{runCommandName}", Values: new() { ["vmName"] = "vm-win" },
            JsonOverrides: new() { ["tags"] = RunCommandTagsValue },
            Excluded: Reasons(("properties.runAsPassword", "a password is write-only; the emulator never returns one"))),
        new("Microsoft.Compute/2023-07-01/VirtualMachineRunCommand_Get.json", "GET", Vm + "/runCommands/{runCommandName}", Values: new() { ["vmName"] = "vm-win" },
            Setup: [CreateRunCommand], Excluded: Reasons(RunCommandSource)),
        new("Microsoft.Compute/2023-07-01/VirtualMachineRunCommand_List.json", "GET", Vm + "/runCommands", Values: new() { ["vmName"] = "vm-win" },
            Setup: [CreateRunCommand], Excluded: Reasons(("value[].properties.source.script", RunCommandSource.Value))),
        new("Microsoft.Compute/2023-07-01/VirtualMachineRunCommand_Delete.json", "DELETE", Vm + "/runCommands/{runCommandName}", Values: new() { ["vmName"] = "vm-win" },
            Setup: [CreateRunCommand]),

        // Authorization and Activity Log.
        new("Microsoft.Authorization/2022-04-01/RoleAssignments_ListForScope.json", "GET", "{scope}/providers/Microsoft.Authorization/roleAssignments"),
        new("Microsoft.Insights/2015-04-01/GetActivityLogsFiltered.json", "GET", "subscriptions/{subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values",
            Setup: [WriteSomething],
            QueryOverrides: new() { ["$filter"] = $"{FrontDoorSupport.Window()} and resourceGroupName eq '{TestSupport.Rg}'" },
            Excluded: Reasons(
                ("nextLink", "the emulator gives nextLink only when more than 200 events match (tested in ActivityLogTests)"),
                ("value[].claims", "claims mirror the caller's token; the emulator copies only the harmless claims its token carries (upn, oid, name, aud…), so the example's puid/groups/givenname… are absent"))),
    ];

    /// <summary>Examples the emulator does not replay, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotCovered = new Dictionary<string, string>
    {
        ["Microsoft.Resources/2021-04-01/GetDeploymentOperations.json"] = "ARM template deployments are not emulated (GenImage never deploys templates); the example body is empty in the spec repo.",
        ["Microsoft.Resources/2021-04-01/ListByResourceGroupDeployments.json"] = "ARM template deployments are not emulated; the example body is empty in the spec repo.",
        ["Microsoft.Resources/2022-09-01/PutDeploymentResourceGroup.json"] = "ARM template deployments are not emulated (GenImage never deploys templates).",
        ["Microsoft.Compute/2023-07-01/VirtualMachine_Capture_MaximumSet_Gen.json"] = "Legacy VHD capture is not emulated; GenImage publishes to a Compute Gallery instead.",
        ["Microsoft.Compute/2022-03-03/GalleryImageVersion_Create_WithSnapshotsAsSource.json"] = "Snapshots are not emulated; versions are created from a VM or a managed image (both replayed).",
    };

    private static (string Key, string Value) NoPaging => ("nextLink",
        "ARM returns nextLink only when there is a further page; the example was recorded mid-paging, and the conformance world's lists are shorter than a page (50; ListPagingTests covers paging)");

    private static (string Key, string Value) RunCommandSource => ("properties.source.script",
        "the run command is created with the CreateOrUpdate example's body, whose source is a scriptUri; the source is echoed as given");

    private static (string Key, string Value)[] VmExclusions =>
    [
        ("properties.userData", "userData is returned only when the VM has some; world VMs have none"),
        ("properties.storageProfile.dataDisks[]", "world VMs have no data disks"),
        ("properties.osProfile.secrets", "world VMs carry no Key Vault secrets"),
        ("properties.osProfile.windowsConfiguration.winRM", "WinRM listeners are not modelled"),
        ("properties.osProfile.windowsConfiguration.additionalUnattendContent", "unattend content is not modelled"),
        ("properties.diagnosticsProfile.bootDiagnostics.storageUri", "boot diagnostics use managed storage (no storageUri), as GenImage configures them"),
        ("properties.availabilitySet", "world VMs are not in availability sets"),
        ("properties.proximityPlacementGroup", "world VMs are not in proximity placement groups"),
        ("properties.extensionsTimeBudget", "not modelled"),
        ("properties.licenseType", "no Azure Hybrid Benefit in world VMs"),
        ("properties.applicationProfile", "VM applications are not modelled"),
        ("zones", "world VMs are regional"),
        ("etag", "etags are not modelled"),
        ("resources", "VM extensions are not modelled"),
        ("plan", "world VMs use images without a marketplace plan"),
        ("extendedLocation", "edge zones are not modelled"),
        ("properties.storageProfile.diskControllerType", "returned when the create request sets it (VmCreateTests); world VMs have none set"),
    ];

    private static (string Key, string Value)[] InstanceViewExclusions =>
    [
        ("platformUpdateDomain", "update/fault domains are not modelled"),
        ("platformFaultDomain", "update/fault domains are not modelled"),
        ("rdpThumbPrint", "not modelled"),
        ("vmAgent.extensionHandlers", "VM extensions are not modelled"),
        ("extensions", "VM extensions are not modelled"),
        ("bootDiagnostics", "boot diagnostics URIs come from retrieveBootDiagnosticsData"),
        ("disks[].encryptionSettings", "disk encryption is not modelled"),
        ("maintenanceRedeployStatus", "maintenance is not modelled"),
        ("assignedHost", "dedicated hosts are not modelled"),
        ("patchStatus", "guest patching is not modelled"),
        ("isVMInStandbyPool", "standby pools are not modelled"),
    ];

    private static (string Key, string Value)[] ImageExclusions =>
    [
        ("properties.storageProfile.dataDisks[]", "world VMs have no data disks"),
        ("properties.storageProfile.osDisk.blobUri", "images from managed disks have no blob URI"),
        ("properties.storageProfile.osDisk.snapshot", "snapshots are not modelled"),
        ("properties.storageProfile.osDisk.diskEncryptionSet", "disk encryption sets are not modelled"),
        ("properties.storageProfile.zoneResilient", "zone-resilient images are not modelled"),
    ];

    private static (string Key, string Value)[] VersionExclusions =>
    [
        ("properties.publishingProfile.targetRegions[].encryption", "disk encryption sets are not modelled"),
        ("properties.storageProfile.dataDiskImages[]", "world VMs have no data disks"),
        ("properties.storageProfile.osDiskImage.source", "the example's source is a snapshot; versions from a VM report storageProfile.source"),
        ("properties.safetyProfile.policyViolations", "policy violations are not modelled"),
    ];

    private static Dictionary<string, string> Reasons(params (string Key, string Value)[] items) => items.ToDictionary(i => i.Key, i => i.Value);

    private static Dictionary<string, string> Reasons((string Key, string Value)[] first, params (string Key, string Value)[] more)
        => first.Concat(more).ToDictionary(i => i.Key, i => i.Value);
}

/// <summary>A request made before the example's own.</summary>
internal sealed record Step(string Method, string PathTemplate, string ApiVersion, JsonNode? Body, string? BodyFromExample = null, JsonObject? Tags = null);

/// <summary>How to replay one example. Path templates use the example's parameter names.</summary>
internal sealed record Row(
    string Example,
    string Method,
    string PathTemplate,
    Dictionary<string, string>? Values = null,
    Step[]? Setup = null,
    string[]? Ignored = null,
    Dictionary<string, string>? BodyOverrides = null,
    Dictionary<string, JsonNode>? JsonOverrides = null,
    Dictionary<string, string>? QueryOverrides = null,
    (string From, string To)[]? BodyText = null,
    Dictionary<string, string>? Excluded = null,
    bool FollowMonitor = false)
{
    public override string ToString() => Example;
}
