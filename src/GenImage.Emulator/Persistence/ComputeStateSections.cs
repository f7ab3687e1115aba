using System.Text.Json;
using System.Text.Json.Nodes;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Persistence;

/// <summary>Helpers shared by the Compute sections: finding a resource group and settling busy states at save.</summary>
internal static class SectionSupport
{
    public static ResourceGroupState? Group(WorldStore store, string subscriptionId, string resourceGroup)
        => store.FindSubscription(subscriptionId)?.ResourceGroups.Get(resourceGroup);

    /// <summary>The groups to save: a group whose DELETE is running is saved deleted, with everything in it.</summary>
    public static IEnumerable<ResourceGroupState> Groups(WorldStore store)
        => store.Subscriptions.All.SelectMany(s => s.ResourceGroups.All).Where(rg => !rg.Deleting);

    /// <summary>A resource being created or updated is saved as done (its provisioning operation does not survive a restart).</summary>
    public static DateTimeOffset Settled(DateTimeOffset busyUntil, DateTimeOffset now) => busyUntil < now ? busyUntil : now;

    /// <summary>A resource whose DELETE is running is saved as deleted.</summary>
    public static bool IsBeingDeleted(TimedResource resource, DateTimeOffset now)
        => resource.BusyState == "Deleting" && now < resource.BusyUntil;
}

/// <summary>
/// Galleries, image definitions and image versions. A version that is still replicating is saved as its replication
/// would end: each region that was going to complete is saved Completed, each that was going to fail is saved Failed,
/// both as of the moment of the save (no operation survives a restart, so nothing could be waiting for the rest of the
/// copy). Resources being deleted are saved as deleted.
/// </summary>
internal sealed class GalleriesStateSection : IStateSection
{
    public string Name => "galleries";

    public JsonNode? Save(WorldStore store)
    {
        var now = store.Clock.Now;
        var galleries = SectionSupport.Groups(store).SelectMany(rg => rg.Galleries.All)
            .Where(g => !g.Deleting && !SectionSupport.IsBeingDeleted(g, now))
            .Select(g => new GalleryRecord
            {
                Subscription = g.Group.Subscription.Id,
                ResourceGroup = g.Group.Name,
                Name = g.Name,
                Location = g.Location,
                Description = g.Description,
                Tags = new Dictionary<string, string>(g.Tags),
                BusyState = g.BusyState,
                BusyUntil = SectionSupport.Settled(g.BusyUntil, now),
                Images = g.Images.All.Where(i => !i.Deleting && !SectionSupport.IsBeingDeleted(i, now)).Select(i => ToRecord(i, now)).ToList(),
            }).ToList();
        return JsonSerializer.SerializeToNode(galleries, StateFile.JsonOptions);
    }

    private static GalleryImageRecord ToRecord(GalleryImageState i, DateTimeOffset now) => new()
    {
        Name = i.Name,
        Location = i.Location,
        OsType = i.OsType,
        OsState = i.OsState,
        HyperVGeneration = i.HyperVGeneration,
        Publisher = i.Publisher,
        Offer = i.Offer,
        Sku = i.Sku,
        Architecture = i.Architecture,
        Features = i.Features.Select(f => new FeatureRecord(f.Key, f.Value)).ToList(),
        Description = i.Description,
        Eula = i.Eula,
        EndOfLifeDate = i.EndOfLifeDate,
        Recommended = i.Recommended?.DeepClone().AsObject(),
        Disallowed = i.Disallowed?.DeepClone().AsObject(),
        PurchasePlan = i.PurchasePlan?.DeepClone().AsObject(),
        Tags = new Dictionary<string, string>(i.Tags),
        BusyState = i.BusyState,
        BusyUntil = SectionSupport.Settled(i.BusyUntil, now),
        Versions = i.Versions.All.Where(v => !v.Deleting).Select(v => ToRecord(v, now)).ToList(),
    };

    private static GalleryImageVersionRecord ToRecord(GalleryImageVersionState v, DateTimeOffset now) => new()
    {
        Name = v.Name,
        Location = v.Location,
        BusyState = v.BusyState,
        SourceId = v.SourceId,
        Lineage = v.Lineage,
        ExcludeFromLatest = v.ExcludeFromLatest,
        EndOfLifeDate = v.EndOfLifeDate,
        ReplicaCount = v.ReplicaCount,
        StorageAccountType = v.StorageAccountType,
        ReplicationMode = v.ReplicationMode,
        AllowDeletionOfReplicatedLocations = v.AllowDeletionOfReplicatedLocations,
        BlockDeletionBeforeEndOfLife = v.BlockDeletionBeforeEndOfLife,
        PublishedDate = v.PublishedDate,
        Tags = new Dictionary<string, string>(v.Tags),
        Regions = v.Regions.Select(r =>
        {
            var due = SectionSupport.Settled(r.Due, now);
            return new TargetRegionRecord
            {
                Name = r.Name,
                RegionalReplicaCount = r.RegionalReplicaCount,
                StorageAccountType = r.StorageAccountType,
                ExcludeFromLatest = r.ExcludeFromLatest,
                Encryption = r.Encryption?.DeepClone().AsObject(),
                Start = r.Start < due ? r.Start : due,
                Due = due,
                Fails = r.Fails,
            };
        }).ToList(),
    };

    public void Load(WorldStore store, JsonNode data)
    {
        foreach (var g in data.Deserialize<List<GalleryRecord>>(StateFile.JsonOptions) ?? [])
        {
            var rg = SectionSupport.Group(store, g.Subscription, g.ResourceGroup)
                ?? throw new InvalidDataException($"The state file names gallery '{g.Name}' in resource group '{g.ResourceGroup}', which it does not declare.");
            var gallery = new GalleryState(rg, g.Name, g.Location) { Description = g.Description, Tags = new(g.Tags, StringComparer.Ordinal) };
            gallery.MarkBusy(g.BusyState, g.BusyUntil);
            foreach (var i in g.Images)
            {
                var image = new GalleryImageState(gallery, i.Name, i.Location)
                {
                    OsType = i.OsType,
                    OsState = i.OsState,
                    HyperVGeneration = i.HyperVGeneration,
                    Publisher = i.Publisher,
                    Offer = i.Offer,
                    Sku = i.Sku,
                    Architecture = i.Architecture,
                    Features = i.Features.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList(),
                    Description = i.Description,
                    Eula = i.Eula,
                    EndOfLifeDate = i.EndOfLifeDate,
                    Recommended = i.Recommended,
                    Disallowed = i.Disallowed,
                    PurchasePlan = i.PurchasePlan,
                    Tags = new(i.Tags, StringComparer.Ordinal),
                };
                image.MarkBusy(i.BusyState, i.BusyUntil);
                foreach (var v in i.Versions)
                {
                    var number = Providers.Compute.ImageSources.ParseVersion(v.Name)
                        ?? throw new InvalidDataException($"The state file has an image version named '{v.Name}', which is not Major.Minor.Patch.");
                    var version = new GalleryImageVersionState(image, v.Name, v.Location, number)
                    {
                        BusyState = v.BusyState,
                        SourceId = v.SourceId,
                        Lineage = v.Lineage,
                        ExcludeFromLatest = v.ExcludeFromLatest,
                        EndOfLifeDate = v.EndOfLifeDate,
                        ReplicaCount = v.ReplicaCount,
                        StorageAccountType = v.StorageAccountType,
                        ReplicationMode = v.ReplicationMode,
                        AllowDeletionOfReplicatedLocations = v.AllowDeletionOfReplicatedLocations,
                        BlockDeletionBeforeEndOfLife = v.BlockDeletionBeforeEndOfLife,
                        PublishedDate = v.PublishedDate,
                        Tags = new(v.Tags, StringComparer.Ordinal),
                    };
                    version.Regions.AddRange(v.Regions.Select(r => new TargetRegionState
                    {
                        Name = r.Name,
                        RegionalReplicaCount = r.RegionalReplicaCount,
                        StorageAccountType = r.StorageAccountType,
                        ExcludeFromLatest = r.ExcludeFromLatest,
                        Encryption = r.Encryption,
                        Start = r.Start,
                        Due = r.Due,
                        Fails = r.Fails,
                    }));
                    image.Versions.Add(version.Name, version);
                }

                gallery.Images.Add(image.Name, image);
            }

            rg.Galleries.Add(gallery.Name, gallery);
        }
    }

    internal sealed record FeatureRecord(string Name, string Value);

    internal sealed record GalleryRecord
    {
        public string Subscription { get; init; } = "";
        public string ResourceGroup { get; init; } = "";
        public string Name { get; init; } = "";
        public string Location { get; init; } = "";
        public string? Description { get; init; }
        public Dictionary<string, string> Tags { get; init; } = new();
        public string BusyState { get; init; } = "Creating";
        public DateTimeOffset BusyUntil { get; init; }
        public List<GalleryImageRecord> Images { get; init; } = new();
    }

    internal sealed record GalleryImageRecord
    {
        public string Name { get; init; } = "";
        public string Location { get; init; } = "";
        public string OsType { get; init; } = "";
        public string OsState { get; init; } = "";
        public string HyperVGeneration { get; init; } = "";
        public string Publisher { get; init; } = "";
        public string Offer { get; init; } = "";
        public string Sku { get; init; } = "";
        public string Architecture { get; init; } = "x64";
        public List<FeatureRecord> Features { get; init; } = new();
        public string? Description { get; init; }
        public string? Eula { get; init; }
        public string? EndOfLifeDate { get; init; }
        public JsonObject? Recommended { get; init; }
        public JsonObject? Disallowed { get; init; }
        public JsonObject? PurchasePlan { get; init; }
        public Dictionary<string, string> Tags { get; init; } = new();
        public string BusyState { get; init; } = "Creating";
        public DateTimeOffset BusyUntil { get; init; }
        public List<GalleryImageVersionRecord> Versions { get; init; } = new();
    }

    internal sealed record GalleryImageVersionRecord
    {
        public string Name { get; init; } = "";
        public string Location { get; init; } = "";
        public string BusyState { get; init; } = "Creating";
        public string SourceId { get; init; } = "";
        public required ImageLineage Lineage { get; init; }
        public bool ExcludeFromLatest { get; init; }
        public string? EndOfLifeDate { get; init; }
        public int ReplicaCount { get; init; } = 1;
        public string StorageAccountType { get; init; } = "Standard_LRS";
        public string? ReplicationMode { get; init; }
        public bool AllowDeletionOfReplicatedLocations { get; init; }
        public bool BlockDeletionBeforeEndOfLife { get; init; }
        public DateTimeOffset PublishedDate { get; init; }
        public Dictionary<string, string> Tags { get; init; } = new();
        public List<TargetRegionRecord> Regions { get; init; } = new();
    }

    internal sealed record TargetRegionRecord
    {
        public string Name { get; init; } = "";
        public int RegionalReplicaCount { get; init; } = 1;
        public string StorageAccountType { get; init; } = "Standard_LRS";
        public bool ExcludeFromLatest { get; init; }
        public JsonObject? Encryption { get; init; }
        public DateTimeOffset Start { get; init; }
        public DateTimeOffset Due { get; init; }
        public bool Fails { get; init; }
    }
}

/// <summary>Managed images (Microsoft.Compute/images). An image being created is saved as created; one being deleted as deleted.</summary>
internal sealed class ManagedImagesStateSection : IStateSection
{
    public string Name => "images";

    public JsonNode? Save(WorldStore store)
    {
        var now = store.Clock.Now;
        var images = SectionSupport.Groups(store).SelectMany(rg => rg.Images.All)
            .Where(i => !SectionSupport.IsBeingDeleted(i, now))
            .Select(i => new ManagedImageRecord
            {
                Subscription = i.Group.Subscription.Id,
                ResourceGroup = i.Group.Name,
                Name = i.Name,
                Location = i.Location,
                SourceVmId = i.SourceVmId,
                CapturedFromVm = i.CapturedFromVm,
                Lineage = i.Lineage,
                HyperVGeneration = i.HyperVGeneration,
                OsDiskId = i.OsDiskId,
                StorageAccountType = i.StorageAccountType,
                ZoneResilient = i.ZoneResilient,
                Tags = new Dictionary<string, string>(i.Tags),
                BusyState = i.BusyState,
                BusyUntil = SectionSupport.Settled(i.BusyUntil, now),
            }).ToList();
        return JsonSerializer.SerializeToNode(images, StateFile.JsonOptions);
    }

    public void Load(WorldStore store, JsonNode data)
    {
        foreach (var i in data.Deserialize<List<ManagedImageRecord>>(StateFile.JsonOptions) ?? [])
        {
            var rg = SectionSupport.Group(store, i.Subscription, i.ResourceGroup)
                ?? throw new InvalidDataException($"The state file names image '{i.Name}' in resource group '{i.ResourceGroup}', which it does not declare.");
            var image = new ManagedImageState(rg, i.Name, i.Location)
            {
                SourceVmId = i.SourceVmId,
                CapturedFromVm = i.CapturedFromVm,
                Lineage = i.Lineage,
                HyperVGeneration = i.HyperVGeneration,
                OsDiskId = i.OsDiskId,
                StorageAccountType = i.StorageAccountType,
                ZoneResilient = i.ZoneResilient,
                Tags = new(i.Tags, StringComparer.Ordinal),
            };
            image.MarkBusy(i.BusyState, i.BusyUntil);
            rg.Images.Add(image.Name, image);
        }
    }

    internal sealed record ManagedImageRecord
    {
        public string Subscription { get; init; } = "";
        public string ResourceGroup { get; init; } = "";
        public string Name { get; init; } = "";
        public string Location { get; init; } = "";
        public string SourceVmId { get; init; } = "";
        public bool CapturedFromVm { get; init; } = true;
        public required ImageLineage Lineage { get; init; }
        public string HyperVGeneration { get; init; } = "V2";
        public string OsDiskId { get; init; } = "";
        public string? StorageAccountType { get; init; }
        public bool ZoneResilient { get; init; }
        public Dictionary<string, string> Tags { get; init; } = new();
        public string BusyState { get; init; } = "Creating";
        public DateTimeOffset BusyUntil { get; init; }
    }
}

/// <summary>
/// Managed disks. Loading replaces the disks the VMs' constructors made, so uniqueId, timeCreated and attachment come
/// from the file. A disk being deleted is saved as deleted; the OS disk of a VM being deleted is saved as that
/// deletion leaves it (deleted with <c>deleteOption</c> Delete, otherwise unattached).
/// </summary>
internal sealed class DisksStateSection : IStateSection
{
    public string Name => "disks";

    public JsonNode? Save(WorldStore store)
    {
        var disks = new List<DiskRecord>();
        foreach (var rg in SectionSupport.Groups(store))
        {
            foreach (var d in rg.Disks.All.Where(d => !d.Deleting))
            {
                var managedBy = d.ManagedBy;
                var detachedGuest = d.DetachedGuest;
                if (managedBy is not null && rg.VirtualMachines.All.FirstOrDefault(vm => string.Equals(vm.ResourceId, managedBy, StringComparison.OrdinalIgnoreCase))
                        is { Lifecycle: "Deleting" } deleting)
                {
                    if (deleting.OsDiskDeleteOption == "Delete")
                    {
                        continue;
                    }

                    managedBy = null;
                    detachedGuest = ImageLineage.FromVm(deleting);
                }

                disks.Add(new DiskRecord
                {
                    Subscription = rg.Subscription.Id,
                    ResourceGroup = rg.Name,
                    Name = d.Name,
                    Location = d.Location,
                    OsType = d.OsType,
                    HyperVGeneration = d.HyperVGeneration,
                    SizeGB = d.SizeGB,
                    StorageAccountType = d.StorageAccountType,
                    TimeCreated = d.TimeCreated,
                    SecurityType = d.SecurityType,
                    ImageReferenceId = d.ImageReferenceId,
                    ManagedBy = managedBy,
                    UniqueId = d.UniqueId,
                    DetachedGuest = detachedGuest,
                    Tags = new Dictionary<string, string>(d.Tags),
                });
            }
        }

        return JsonSerializer.SerializeToNode(disks, StateFile.JsonOptions);
    }

    public void Load(WorldStore store, JsonNode data)
    {
        foreach (var rg in SectionSupport.Groups(store))
        {
            rg.Disks.Clear();
        }

        foreach (var d in data.Deserialize<List<DiskRecord>>(StateFile.JsonOptions) ?? [])
        {
            var rg = SectionSupport.Group(store, d.Subscription, d.ResourceGroup)
                ?? throw new InvalidDataException($"The state file names disk '{d.Name}' in resource group '{d.ResourceGroup}', which it does not declare.");
            rg.Disks.Add(d.Name, new DiskState(rg, d.Name, d.Location)
            {
                OsType = d.OsType,
                HyperVGeneration = d.HyperVGeneration,
                SizeGB = d.SizeGB,
                StorageAccountType = d.StorageAccountType,
                TimeCreated = d.TimeCreated,
                SecurityType = d.SecurityType,
                ImageReferenceId = d.ImageReferenceId,
                ManagedBy = d.ManagedBy,
                UniqueId = d.UniqueId,
                DetachedGuest = d.DetachedGuest,
                Tags = new Dictionary<string, string>(d.Tags ?? new(), StringComparer.Ordinal),
            });
        }
    }

    internal sealed record DiskRecord
    {
        public string Subscription { get; init; } = "";
        public string ResourceGroup { get; init; } = "";
        public string Name { get; init; } = "";
        public string Location { get; init; } = "";
        public string OsType { get; init; } = "";
        public string HyperVGeneration { get; init; } = "V2";
        public int SizeGB { get; init; }
        public string StorageAccountType { get; init; } = "Premium_LRS";
        public DateTimeOffset TimeCreated { get; init; }
        public string? SecurityType { get; init; }
        public string? ImageReferenceId { get; init; }
        public string? ManagedBy { get; init; }
        public string UniqueId { get; init; } = "";
        public ImageLineage? DetachedGuest { get; init; }
        public Dictionary<string, string>? Tags { get; init; }
    }
}

/// <summary>
/// Managed run commands. An execution still running at save is saved Canceled (its effect never happens, as with a
/// Run Command in progress); one that a power action preempted is saved Failed; one being deleted is saved as deleted.
/// </summary>
internal sealed class RunCommandsStateSection : IStateSection
{
    public const string CanceledByRestart = "The execution was canceled: the emulator stopped before it completed.";

    public string Name => "runCommands";

    public JsonNode? Save(WorldStore store)
    {
        var now = store.Clock.Now;
        var records = SectionSupport.Groups(store)
            .SelectMany(rg => rg.VirtualMachines.All.Where(vm => vm.Lifecycle != "Deleting"))
            .SelectMany(vm => vm.RunCommands.All.Where(rc => rc.ProvisioningState != "Deleting").Select(rc => ToRecord(vm, rc, now)))
            .ToList();
        return JsonSerializer.SerializeToNode(records, StateFile.JsonOptions);
    }

    private static RunCommandRecord ToRecord(VirtualMachineState vm, RunCommandState rc, DateTimeOffset now)
    {
        var record = new RunCommandRecord
        {
            Subscription = vm.Group.Subscription.Id,
            ResourceGroup = vm.Group.Name,
            VirtualMachine = vm.Name,
            Name = rc.Name,
            Location = rc.Location,
            Source = rc.Source.DeepClone().AsObject(),
            Parameters = rc.Parameters?.DeepClone().AsArray(),
            AsyncExecution = rc.AsyncExecution,
            TreatFailureAsDeploymentFailure = rc.TreatFailureAsDeploymentFailure,
            TimeoutInSeconds = rc.TimeoutInSeconds,
            RunAsUser = rc.RunAsUser,
            OutputBlobUri = rc.OutputBlobUri,
            ErrorBlobUri = rc.ErrorBlobUri,
            Tags = new Dictionary<string, string>(rc.Tags),
            ProvisioningState = rc.ProvisioningState,
            ExecutionState = rc.ExecutionState,
            ExecutionMessage = rc.ExecutionMessage,
            ExitCode = rc.ExitCode,
            Output = rc.Output,
            Error = rc.Error,
            StartTime = rc.StartTime,
            EndTime = rc.EndTime,
        };
        if (rc.ExecutionState is not ("Running" or "Pending"))
        {
            return record;
        }

        if (rc.Execution is { Status: "Failed" } failed)
        {
            return record with
            {
                ExecutionState = "Failed",
                ExecutionMessage = failed.ErrorMessage,
                Error = failed.ErrorMessage ?? "",
                EndTime = failed.EndTime,
                ProvisioningState = "Failed",
            };
        }

        return record with
        {
            ExecutionState = "Canceled",
            ExecutionMessage = CanceledByRestart,
            EndTime = now,
            ProvisioningState = rc.TreatFailureAsDeploymentFailure ? "Failed" : "Succeeded",
        };
    }

    public void Load(WorldStore store, JsonNode data)
    {
        foreach (var r in data.Deserialize<List<RunCommandRecord>>(StateFile.JsonOptions) ?? [])
        {
            var vm = SectionSupport.Group(store, r.Subscription, r.ResourceGroup)?.VirtualMachines.Get(r.VirtualMachine)
                ?? throw new InvalidDataException($"The state file names run command '{r.Name}' of VM '{r.VirtualMachine}', which it does not declare.");
            vm.RunCommands.Add(r.Name, new RunCommandState(vm, r.Name, r.Location)
            {
                Source = r.Source,
                Parameters = r.Parameters,
                AsyncExecution = r.AsyncExecution,
                TreatFailureAsDeploymentFailure = r.TreatFailureAsDeploymentFailure,
                TimeoutInSeconds = r.TimeoutInSeconds,
                RunAsUser = r.RunAsUser,
                OutputBlobUri = r.OutputBlobUri,
                ErrorBlobUri = r.ErrorBlobUri,
                Tags = new(r.Tags, StringComparer.Ordinal),
                ProvisioningState = r.ProvisioningState,
                ExecutionState = r.ExecutionState,
                ExecutionMessage = r.ExecutionMessage,
                ExitCode = r.ExitCode,
                Output = r.Output,
                Error = r.Error,
                StartTime = r.StartTime,
                EndTime = r.EndTime,
            });
        }
    }

    internal sealed record RunCommandRecord
    {
        public string Subscription { get; init; } = "";
        public string ResourceGroup { get; init; } = "";
        public string VirtualMachine { get; init; } = "";
        public string Name { get; init; } = "";
        public string Location { get; init; } = "";
        public JsonObject Source { get; init; } = new();
        public JsonArray? Parameters { get; init; }
        public bool AsyncExecution { get; init; }
        public bool TreatFailureAsDeploymentFailure { get; init; }
        public int TimeoutInSeconds { get; init; }
        public string? RunAsUser { get; init; }
        public string? OutputBlobUri { get; init; }
        public string? ErrorBlobUri { get; init; }
        public Dictionary<string, string> Tags { get; init; } = new();
        public string ProvisioningState { get; init; } = "Succeeded";
        public string ExecutionState { get; init; } = "Succeeded";
        public string? ExecutionMessage { get; init; }
        public int? ExitCode { get; init; }
        public string Output { get; init; } = "";
        public string Error { get; init; } = "";
        public DateTimeOffset? StartTime { get; init; }
        public DateTimeOffset? EndTime { get; init; }
    }
}
