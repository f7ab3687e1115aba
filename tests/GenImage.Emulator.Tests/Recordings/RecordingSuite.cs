using System.Text.RegularExpressions;

namespace GenImage.Emulator.Tests.Recordings;

/// <summary>How a recording's world is seeded: resources that exist before its first exchange, and steps between exchanges.</summary>
internal sealed record RecordingSeed
{
    /// <summary>YAML list items under the subscription's <c>resourceGroups:</c> (indented 6 spaces), or null.</summary>
    public string? ResourceGroups { get; init; }

    public IReadOnlyList<SeedStep> Steps { get; init; } = [];

    /// <summary>Recorded requests the replay sends with another body, by entry, and why.</summary>
    public IReadOnlyDictionary<int, (string Body, string Why)> RequestBodies { get; init; } = new Dictionary<int, (string, string)>();

    public string WorldYaml(string subscriptionId) => $"""
        apiVersion: genimage.dev/emulator/v1
        kind: World
        subscriptions:
          - id: {subscriptionId}
            displayName: Recorded subscription
        """ + (ResourceGroups is null ? "" : "\n    resourceGroups:\n" + ResourceGroups);
}

/// <summary>
/// A step run before a recorded entry: a request whose answer is not compared (it must succeed), or only moving the
/// clock on. <see cref="StandsForOperation"/> names a recorded operation URL the step's operation stands for (an
/// excerpt polls an operation whose start it leaves out).
/// </summary>
internal sealed record SeedStep(int BeforeEntry, string Why, string? Method = null, string? Uri = null, string? Body = null,
    bool AdvanceClock = false, string? StandsForOperation = null);

/// <summary>
/// A difference between the emulator and a recording that the replay accepts, with the reason. <see cref="Recording"/>
/// is the end of the file name (without <c>.json</c>) or <c>*</c>; <see cref="Request"/> a regular expression over
/// "METHOD path?query" as recorded; <see cref="Aspect"/> what differs (<see cref="Difference.Aspect"/>; a body path also
/// covers the paths below it; <c>*</c> every difference); <see cref="Entries"/>, when given, the entries it is about.
/// </summary>
internal sealed record KnownDifference(string Recording, string Request, string Aspect, string Reason, int[]? Entries = null)
{
    public bool Explains(RecordedExchange exchange, Difference difference)
        => (Recording == "*" || exchange.Recording.EndsWith(Recording, StringComparison.Ordinal))
           && (Entries is null || Entries.Contains(exchange.Entry))
           && Regex.IsMatch($"{exchange.Method} {exchange.Uri}", Request, RegexOptions.IgnoreCase)
           && (Aspect == "*"
               || difference.Aspect == Aspect
               || (Aspect.StartsWith("body:", StringComparison.Ordinal)
                   && (difference.Aspect.StartsWith(Aspect + ".", StringComparison.Ordinal) || difference.Aspect.StartsWith(Aspect + "[]", StringComparison.Ordinal))));
}

/// <summary>
/// The one place that says how each recording of <c>../shared/arm-recordings</c> is replayed: its seeded world and the
/// differences from Azure that are accepted, each with its reason.
/// </summary>
internal static class RecordingSuite
{
    private const string GalleryExcerpt = "GalleryImageVersionOperationsTests__Delete().EXCERPT";
    private const string BootDiagnosticExcerpt = "VirtualMachineOperationsTests__BootDiagnostic[2023-03-01].EXCERPT";

    /// <summary>The seed of a recording: most start from an empty subscription and create what they use.</summary>
    public static RecordingSeed Seed(string recording)
    {
        if (recording.EndsWith(BootDiagnosticExcerpt, StringComparison.Ordinal))
        {
            // The excerpt is the last three entries; the VM they read and patch was created earlier in the test.
            return new RecordingSeed
            {
                ResourceGroups = """
                          - name: testRG-1480
                            location: eastus
                            virtualMachines:
                              - name: testVM-8165
                                osType: Linux
                                size: Standard_F2
                                adminUsername: adminuser
                                tags: { azsecpack: nonprod, platformsettings.host_environment.service.platform_optedin_for_rootcerts: "true" }
                    """,
            };
        }

        if (recording.EndsWith(GalleryExcerpt, StringComparison.Ordinal))
        {
            const string sub = "/subscriptions/db1ab6f0-4769-4b27-930e-01e2ef9c123c";
            const string gallery = sub + "/resourceGroups/testRG-4758/providers/Microsoft.Compute/galleries/testGallery7878";
            return new RecordingSeed
            {
                // The group and the VM the version is captured from were created earlier in the test.
                ResourceGroups = """
                          - name: testRG-4758
                            location: westus2
                            virtualMachines:
                              - name: testVM-9461
                                osType: Linux
                                hyperVGeneration: V1
                                powerState: deallocated
                                osState: generalized
                                guest: { prepared: true }
                    """,
                Steps =
                [
                    new SeedStep(2, "the excerpt leaves out the polls that saw the gallery created", AdvanceClock: true),
                    new SeedStep(2, "the excerpt leaves out the definition's creation", "PUT", gallery + "/images/1.0.0?api-version=2020-09-30",
                        """{"location":"westus2","properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s"}}}"""),
                    new SeedStep(2, "the definition is created before the version", AdvanceClock: true),
                    new SeedStep(2, "the excerpt leaves out the version's PUT; entry 2 polls its operation", "PUT", gallery + "/images/1.0.0/versions/1.0.0?api-version=2020-09-30",
                        """{"location":"westus2","properties":{"publishingProfile":{"targetRegions":[{"name":"West US 2","regionalReplicaCount":1,"storageAccountType":"Standard_LRS"}]},"storageProfile":{"source":{"id":"SOURCE"}}}}"""
                            .Replace("SOURCE", sub + "/resourceGroups/testRG-4758/providers/Microsoft.Compute/virtualMachines/testVM-9461", StringComparison.Ordinal),
                        StandsForOperation: sub + "/providers/Microsoft.Compute/locations/westus2/capsOperations/8bfe310d-436c-4b61-aa82-aef58f6c6899?api-version=2020-09-30"),
                    new SeedStep(3, "the excerpt leaves out the polls that saw the version created", AdvanceClock: true),
                ],
            };
        }

        if (recording.EndsWith("SharedGalleryImage__CanCreateUpdateListGetDeleteGallery", StringComparison.Ordinal))
        {
            // The subscription-wide gallery list shows a gallery the test did not create.
            return new RecordingSeed
            {
                ResourceGroups = """
                          - name: MULTITENANT
                            location: eastus2
                            galleries:
                              - name: sharedgallery
                    """,
            };
        }

        if (recording.EndsWith("SharedGalleryImage__CanCreateUpdateGetDeleteGalleryImageVersion", StringComparison.Ordinal))
        {
            const string group = "/subscriptions/ec0aa5f7-9e78-40c9-85cd-535c6305b380/resourceGroups/vmexttest7727";
            return new RecordingSeed
            {
                RequestBodies = new Dictionary<int, (string, string)>
                {
                    [25] = ("""{"location":"westcentralus","tags":{},"properties":{"sourceVirtualMachine":{"id":"GROUP/providers/Microsoft.Compute/virtualMachines/muldvm2303"},"hyperVGeneration":"V1"}}"""
                        .Replace("GROUP", group, StringComparison.Ordinal),
                        "the recorded VM has unmanaged (VHD) disks and the test captures the image from their blobs; the emulator models managed disks only, so the image is captured from the VM itself, as for a managed VM"),
                },
            };
        }

        return new RecordingSeed();
    }

    /// <summary>The recordings of November 2019 (declared before the list that uses it: static fields initialise in order).</summary>
    private static readonly string[] Nov2019Galleries = ["CanCreateUpdateGetDeleteGalleryImage", "CanCreateUpdateListGetDeleteGallery"];

    /// <summary>Differences from the recorded Azure answers that the emulator keeps, each with its reason.</summary>
    public static readonly IReadOnlyList<KnownDifference> KnownDifferences =
    [
        // ---- Azure's answers changed over time; the emulator follows the newest recording ----------------------------
        .. Nov2019Galleries.Select(recording => new KnownDifference(recording, ".", "header:x-ms-ratelimit-remaining-resource",
            "the two November-2019 gallery recordings carry no x-ms-ratelimit-remaining-resource on gallery requests and capsOperations polls; the May-2020 and August-2021 recordings carry it on the same requests (INDEX.md: not constant over time), and the emulator sends it as they do")),
        new("CanCreateUpdateGetDeleteGalleryImageVersion", "/capsOperations/|/versions/0\\.0\\.4", "header:Retry-After",
            "in May 2020 no capsOperations answer carried Retry-After; the August-2021 recording (the newest) has Retry-After on an image version's DELETE and on every in-progress poll of its operations, and the emulator follows it"),

        // ---- the tags map ----------------------------------------------------------------------------------------------
        new("*", ".", "body:tags", EmptyTags),
        new("*", ".", "body:value[].tags", EmptyTags),

        // ---- what the emulator does not model (GenImage does not use it) ------------------------------------------------
        new("*", ".", "body:properties.storageProfile.osDisk.vhd", Unmanaged),
        new("*", ".", "body:value[].properties.storageProfile.osDisk.vhd", Unmanaged),
        new("*", ".", "body:properties.storageProfile.osDisk.blobUri", Unmanaged),
        new("*", ".", "body:properties.storageProfile.dataDisks[]", DataDisks),
        new("*", ".", "body:value[].properties.storageProfile.dataDisks[]", DataDisks),
        new("*", ".", "body:properties.storageProfile.dataDiskImages[]", DataDisks),
        new("*", ".", "body:value[].properties.storageProfile.dataDiskImages[]", DataDisks),
        new("ManageVirtualMachineTest", "^PATCH ", "header:Azure-AsyncOperation",
            DataDisks + "; these PATCHes only attach and detach data disks, so the emulator answers them as no-ops (200 without an operation)", [17, 18]),
        new("ManageVirtualMachineTest", "/operations/", "replay", "polls of the data-disk PATCHes above, which started no operation in the emulator", [20, 21]),
        new("ManageVirtualMachineWithUnmanagedDisksTest", "^PATCH ", "header:Azure-AsyncOperation",
            DataDisks + "; these PATCHes only change unmanaged data disks, so the emulator answers them as no-ops (200 without an operation)", [12, 13, 14, 15]),
        new("ManageVirtualMachineWithUnmanagedDisksTest", "/operations/", "replay", "polls of the data-disk PATCHes above, which started no operation in the emulator", [17, 18, 23, 24]),
        new("ManageVirtualMachineTest", "/disks/|/DiskOperations/", "*",
            "managed disks exist only as VM OS disks in the emulator: a disk PUT (here empty data disks) is 405, so the disk, its operation and its reads are missing"),
        new("VirtualMachine__CanCreate", "/capture|/operations/5b5110b4", "*",
            "legacy VHD capture (POST capture) is not emulated; GenImage publishes to a Compute Gallery. Its polls have no operation to go to"),
        new("CannotUpdateProximityPlacementGroupForVirtualMachine", "/proximityPlacementGroups/|/availabilitySets/", "*",
            "proximity placement groups and availability sets are not emulated (404 InvalidResourceType); GenImage's validation VMs use neither"),
        new("CannotUpdateProximityPlacementGroupForVirtualMachine", "virtualMachines", "body:properties.proximityPlacementGroup", PlacementGroups),
        new("CannotUpdateProximityPlacementGroupForVirtualMachine", "virtualMachines", "body:value[].properties.proximityPlacementGroup", PlacementGroups),
        new("CannotUpdateProximityPlacementGroupForVirtualMachine", "^PATCH .*virtualMachines/chashvm", "*",
            PlacementGroups + ": the PATCH that moves the running VM to another group is refused by Azure (409 OperationNotAllowed) and has nothing to refuse in the emulator"),
        new("CannotUpdateProximityPlacementGroupForVirtualMachine", "virtualMachines", "body:properties.licenseType", LicenseType),
        new("CannotUpdateProximityPlacementGroupForVirtualMachine", "virtualMachines", "body:value[].properties.licenseType", LicenseType),
        new("CanCreateUpdatePriorityAndPrice", "virtualMachines", "body:properties.priority", Spot),
        new("CanCreateUpdatePriorityAndPrice", "virtualMachines", "body:properties.evictionPolicy", Spot),
        new("CanCreateUpdatePriorityAndPrice", "virtualMachines", "body:properties.billingProfile", Spot),
        new("CanCreateUpdatePriorityAndPrice", "virtualMachines", "body:value[].properties.priority", Spot),
        new("CanCreateUpdatePriorityAndPrice", "virtualMachines", "body:value[].properties.evictionPolicy", Spot),
        new("CanCreateUpdatePriorityAndPrice", "virtualMachines", "body:value[].properties.billingProfile", Spot),
        new("CanCreateUpdatePriorityAndPrice", "^PATCH ", "*",
            Spot + ": Azure refuses a billing-profile change on a running VM (409 OperationNotAllowed) and a priority change (409 PropertyChangeNotAllowed); the emulator has neither property to refuse", [13, 17]),
        new("CanCreateUpdatePriorityAndPrice", "^PATCH ", "header:Azure-AsyncOperation",
            Spot + "; these PATCHes only change billingProfile.maxPrice, so the emulator answers them as no-ops (200 without an operation)", [14, 15, 16]),
        new("CanCreateUpdatePriorityAndPrice", "/operations/", "replay", "polls of the maxPrice PATCHes above, which started no operation in the emulator", [23, 29, 30]),
        new(BootDiagnosticExcerpt, "virtualMachines/testVM-8165", "body:properties.osProfile.linuxConfiguration.ssh",
            "the recorded VM was created with an SSH key (Azure returns its public keys); a world file's VMs have no SSH keys, and the emulator does not return the keys of VMs created through PUT either"),
    ];

    private const string EmptyTags = "Azure keeps an empty tags object that a request sent (\"tags\": {}) and returns it; the emulator keeps tags as a map and omits the property when it is empty, as Azure does for resources created without tags. No SDK tells the two apart";
    private const string Unmanaged = "unmanaged (VHD) disks are not modelled: the emulator gives every VM a managed OS disk and captures images from VMs and managed disks (GenImage works with managed disks only)";
    private const string DataDisks = "data disks are not modelled: VMs, managed images and image versions have an OS disk only (GenImage images OS disks)";
    private const string PlacementGroups = "proximity placement groups and availability sets are not modelled; a VM's reference to them is not kept";
    private const string LicenseType = "licenseType (Azure Hybrid Benefit) is not modelled; GenImage's validation VMs are created without it";
    private const string Spot = "Spot / Low-priority VMs (priority, evictionPolicy, billingProfile) are not modelled; GenImage's validation VMs are regular VMs";
}
