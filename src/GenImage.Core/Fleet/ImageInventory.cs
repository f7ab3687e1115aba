using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Logging;
using GenImage.Core.Validation;

namespace GenImage.Core.Fleet;

/// <summary>What an inventory covers and the thresholds it judges by.</summary>
public sealed class InventoryOptions
{
    /// <summary>The resource group; null for the whole subscription.</summary>
    public string? ResourceGroupName { get; set; }
    /// <summary>One gallery of <see cref="ResourceGroupName"/>; null for all.</summary>
    public string? GalleryName { get; set; }
    /// <summary>Leftovers younger than this are left alone (a validation may still be running).</summary>
    public double LeftoverAgeDays { get; set; } = 7;
    /// <summary>An end of life within this many days is "Near".</summary>
    public double EndOfLifeWarningDays { get; set; } = 30;
    /// <summary>A definition with no version published within this many days is stale.</summary>
    public double StaleAfterDays { get; set; } = 90;
    /// <summary>Also read VMs, scale sets, disks, NICs and managed images, and mark leftovers.</summary>
    public bool IncludeLeftovers { get; set; }
    /// <summary>The moment ages are measured from (tests); default now.</summary>
    public DateTimeOffset? Now { get; set; }
    /// <summary>How many definitions are listed at the same time.</summary>
    public int Parallelism { get; set; } = 4;
}

/// <summary>An inventory: definitions with their versions, leftovers (when asked for) and the roll-up.</summary>
public sealed class InventoryReport
{
    public IList<ImageDefinitionInventory> Definitions { get; } = new List<ImageDefinitionInventory>();
    public IList<ImageLeftover> Leftovers { get; } = new List<ImageLeftover>();
    public ImageInventorySummary Summary { get; set; } = new ImageInventorySummary();
    public IEnumerable<ImageVersionInventory> Versions => Definitions.SelectMany(d => d.Versions);
}

/// <summary>
/// Builds the fleet view of galleries in a subscription, a resource group or one gallery: per version its age, end of
/// life, release channel, recorded validation, replication and replicas; per definition its versions, newest, latest,
/// staleness and how far its marketplace base is behind the platform; and the leftovers image builds leave behind.
/// Reads: one gallery list (none for one gallery), one definition list per gallery, one version list per definition
/// (each with its pages), one GET with replication status per Failed version only; one platform image version list per distinct (region, publisher, offer, sku) of the
/// definitions' marketplace bases; with leftovers, one list each of VMs, scale sets, disks, NICs and managed images.
/// Sends no write.
/// </summary>
public sealed class ImageInventory
{
    public const int ProgressActivityId = 4501;

    /// <summary>The assumptions behind the estimates, as the summary states them.</summary>
    public static readonly IReadOnlyList<string> Assumptions = new[]
    {
        "Replica storage is estimated as the OS disk image size times the replicas of each region: each replica keeps one copy at the image's provisioned size (Azure bills gallery replicas by the storage used, which is at most that).",
        "Leftover disk sizes are the disks' provisioned sizes.",
        "A version's replication is Completed when its provisioning state is Succeeded (a version succeeds once every target region has its replicas); only Failed versions are read with their replication status.",
        "No prices are shown: multiply the GB figures by your own rates per storage type and region.",
        "A definition's marketplace base is the one its latest version (else its newest) recorded at publish (genimage.base.* tags), compared with the versions the platform offers in that version's region; a base not recorded, no longer offered or unreadable is Unknown, never current.",
    };

    private static readonly Regex ValidationDiskName = new Regex("^giv-[0-9a-f]{8}-osdisk$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex ValidationNicName = new Regex("^giv-[0-9a-f]{8}-nic$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private readonly IFleetOperations _fleet;
    private readonly IGenImageLog _log;

    public ImageInventory(IFleetOperations fleet, IGenImageLog? log = null)
    {
        _fleet = fleet ?? throw new ArgumentNullException(nameof(fleet));
        _log = log ?? NullLog.Instance;
    }

    /// <summary>The inventory of <paramref name="options"/>' scope.</summary>
    public async Task<InventoryReport> BuildAsync(InventoryOptions options, CancellationToken cancellationToken)
    {
        if (options == null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (options.GalleryName != null && string.IsNullOrEmpty(options.ResourceGroupName))
        {
            throw new GenImageException(FleetErrorIds.InvalidScope, GenImageErrorKind.InvalidArgument,
                $"-GalleryName '{options.GalleryName}' needs -ResourceGroupName: give the resource group of the gallery.");
        }
        var now = options.Now ?? DateTimeOffset.UtcNow;
        var report = new InventoryReport();

        var galleries = options.GalleryName != null
            ? new[] { (ResourceGroup: options.ResourceGroupName!, Name: options.GalleryName) }
            : (await _fleet.ListGalleriesAsync(options.ResourceGroupName, cancellationToken).ConfigureAwait(false))
                .Select(g => (ResourceGroup: g.ResourceGroupName, g.Name))
                .OrderBy(g => g.ResourceGroup, StringComparer.OrdinalIgnoreCase).ThenBy(g => g.Name, StringComparer.OrdinalIgnoreCase)
                .ToArray();

        var definitions = new List<GalleryImageDefinition>();
        foreach (var gallery in galleries)
        {
            IReadOnlyList<GalleryImageDefinition> listed;
            try
            {
                listed = await _fleet.ListDefinitionsAsync(gallery.ResourceGroup, gallery.Name, cancellationToken).ConfigureAwait(false);
            }
            catch (GenImageException ex) when (options.GalleryName != null && ex.Kind == GenImageErrorKind.ObjectNotFound)
            {
                throw new GenImageException(GalleryErrorIds.GalleryNotFound, GenImageErrorKind.ObjectNotFound,
                    $"Gallery '{gallery.Name}' does not exist in resource group '{gallery.ResourceGroup}' ({ex.Message}).", ex)
                { Target = GalleryIds.Gallery(_fleet.SubscriptionId, gallery.ResourceGroup, gallery.Name) };
            }
            definitions.AddRange(listed.OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase));
        }

        var versions = await ListVersionsAsync(definitions, options, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < definitions.Count; i++)
        {
            report.Definitions.Add(Describe(definitions[i], versions[i], options, now));
        }
        await JudgeBasesAsync(report.Definitions, cancellationToken).ConfigureAwait(false);

        Fleet? fleet = null;
        if (options.IncludeLeftovers)
        {
            fleet = await ReadFleetAsync(options, cancellationToken).ConfigureAwait(false);
            foreach (var leftover in FindLeftovers(report, fleet, options, now))
            {
                report.Leftovers.Add(leftover);
            }
        }
        report.Summary = Summarize(report, galleries.Length, options, now);
        return report;
    }

    /// <summary>Each definition's versions (one list call each, <see cref="InventoryOptions.Parallelism"/> at a time); Failed versions read with replication status.</summary>
    private async Task<IReadOnlyList<GalleryImageVersion>[]> ListVersionsAsync(List<GalleryImageDefinition> definitions, InventoryOptions options, CancellationToken cancellationToken)
    {
        var result = new IReadOnlyList<GalleryImageVersion>[definitions.Count];
        using var gate = new SemaphoreSlim(Math.Max(1, options.Parallelism));
        var done = 0;
        var tasks = definitions.Select(async (definition, index) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var listed = await _fleet.ListVersionsAsync(definition.ResourceGroupName, definition.GalleryName, definition.Name, cancellationToken).ConfigureAwait(false);
                var read = new List<GalleryImageVersion>(listed.Count);
                foreach (var version in listed)
                {
                    if (string.Equals(version.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase))
                    {
                        var detailed = await _fleet.GetVersionAsync(version.Id, true, cancellationToken).ConfigureAwait(false);
                        read.Add(detailed ?? version);
                    }
                    else
                    {
                        read.Add(version);
                    }
                }
                result[index] = read;
                var count = Interlocked.Increment(ref done);
                _log.Progress(new ProgressInfo(ProgressActivityId, "Reading image versions", $"{definition.GalleryName}/{definition.Name}")
                {
                    PercentComplete = definitions.Count == 0 ? 100 : count * 100 / definitions.Count,
                });
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        finally
        {
            _log.Progress(new ProgressInfo(ProgressActivityId, "Reading image versions", "Done") { Completed = true });
        }
        return result;
    }

    /// <summary>
    /// Each definition's marketplace base: the base its latest version (else its newest) records in genimage.base.* tags,
    /// against the versions the platform offers in that version's region. One list call per distinct (region,
    /// publisher, offer, sku); a failed call makes those bases Unknown with a warning, never fails the inventory.
    /// </summary>
    private async Task JudgeBasesAsync(IList<ImageDefinitionInventory> definitions, CancellationToken cancellationToken)
    {
        var offered = new Dictionary<string, (IReadOnlyList<string>? Versions, string? Error)>(StringComparer.OrdinalIgnoreCase);
        foreach (var definition in definitions)
        {
            var version = definition.Versions.FirstOrDefault(v => v.IsLatest) ?? definition.Versions.LastOrDefault();
            if (version == null)
            {
                definition.BaseNote = "The definition has no version.";
                continue;
            }

            definition.BaseOfVersion = version.Name;
            var baseImage = BaseImageTags.Parse(version.Tags);
            if (baseImage == null)
            {
                definition.BaseNote = $"Version {version.Name} records no marketplace base ({BaseImageTags.Prefix}* tags): it was made from a custom image, or published before GenImage recorded bases.";
                continue;
            }

            definition.BaseImage = baseImage.Image;
            definition.BaseVersion = baseImage.Version;
            var location = TargetRegions.NormalizeName(version.Location);
            var key = $"{location}|{baseImage.Image}";
            if (!offered.TryGetValue(key, out var list))
            {
                try
                {
                    list = (await _fleet.ListPlatformImageVersionsAsync(location, baseImage.Publisher, baseImage.Offer, baseImage.Sku, cancellationToken).ConfigureAwait(false), null);
                    _log.Verbose($"Platform image {baseImage.Image} in {location}: {(list.Versions == null ? "not offered" : list.Versions.Count + " version(s)")}.");
                }
                catch (GenImageException ex)
                {
                    list = (null, ex.Message);
                    _log.Warning($"The versions of platform image {baseImage.Image} in {location} could not be read, so bases on it are Unknown: {ex.Message}");
                }
                offered[key] = list;
            }

            if (list.Error != null)
            {
                definition.BaseNote = $"The platform image versions could not be read: {list.Error}";
                continue;
            }

            var judged = BaseFreshness.Judge(baseImage, list.Versions, location);
            definition.BaseState = judged.State;
            definition.NewestBaseVersion = judged.NewestVersion;
            definition.BaseVersionsBehind = judged.VersionsBehind;
            definition.BaseNote = judged.Note;
        }
    }

    private static ImageDefinitionInventory Describe(GalleryImageDefinition definition, IReadOnlyList<GalleryImageVersion> versions, InventoryOptions options, DateTimeOffset now)
    {
        var latest = LatestVersion.Resolve(versions);
        var sorted = LatestVersion.Sort(versions);
        var item = new ImageDefinitionInventory
        {
            Id = definition.Id,
            SubscriptionId = definition.SubscriptionId,
            ResourceGroupName = definition.ResourceGroupName,
            GalleryName = definition.GalleryName,
            Name = definition.Name,
            Location = definition.Location,
            OsType = definition.OsType,
            HyperVGeneration = definition.HyperVGeneration,
            SecurityType = definition.SecurityType,
            VersionCount = versions.Count,
            NewestVersion = sorted.LastOrDefault()?.Name,
            LatestVersion = latest?.Name,
        };
        foreach (var version in sorted)
        {
            item.Versions.Add(DescribeVersion(version, definition, latest, options, now));
        }
        item.LastPublished = versions.Where(v => v.PublishedDate.HasValue).Select(v => v.PublishedDate).Max();
        item.DaysSinceLastPublished = Days(now, item.LastPublished);
        item.Stale = item.DaysSinceLastPublished == null || item.DaysSinceLastPublished >= options.StaleAfterDays;
        item.FailedVersions = item.Versions.Count(v => IsFailed(v.ProvisioningState));
        item.PastEndOfLife = item.Versions.Count(v => v.EndOfLife == InventoryStates.EndOfLifePast);
        item.NearEndOfLife = item.Versions.Count(v => v.EndOfLife == InventoryStates.EndOfLifeNear);
        item.ExcludedFromLatest = item.Versions.Count(v => v.ExcludeFromLatest);
        item.TotalReplicas = item.Versions.Sum(v => v.TotalReplicas);
        item.ReplicaStorageGB = item.Versions.Sum(v => v.ReplicaStorageGB ?? 0);
        return item;
    }

    private static ImageVersionInventory DescribeVersion(GalleryImageVersion version, GalleryImageDefinition definition, GalleryImageVersion? latest,
        InventoryOptions options, DateTimeOffset now)
    {
        var item = new ImageVersionInventory
        {
            Id = version.Id,
            SubscriptionId = version.SubscriptionId,
            ResourceGroupName = version.ResourceGroupName,
            GalleryName = version.GalleryName,
            DefinitionName = version.DefinitionName,
            DefinitionId = definition.Id,
            Name = version.Name,
            Location = version.Location,
            PublishedDate = version.PublishedDate,
            AgeDays = Days(now, version.PublishedDate),
            EndOfLifeDate = version.EndOfLifeDate ?? definition.EndOfLifeDate,
            ExcludeFromLatest = version.ExcludeFromLatest,
            IsLatest = latest != null && string.Equals(latest.Id, version.Id, StringComparison.OrdinalIgnoreCase),
            ProvisioningState = version.ProvisioningState,
            Regions = version.Regions,
            RegionCount = version.Regions.Count,
            TotalReplicas = version.Regions.Sum(r => Math.Max(1, r.ReplicaCount)),
            StorageAccountTypes = string.Join(", ", version.Regions.Select(r => r.StorageAccountType).Where(s => s.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)),
            OsDiskSizeGB = version.OsDiskSizeGB,
            SourceId = version.SourceId,
            SourceKind = Gallery.GalleryIds.KindOf(version.SourceId).ToString(),
            Tags = version.Tags,
        };
        var recordedBase = BaseImageTags.Parse(version.Tags);
        item.BaseImage = recordedBase?.Image;
        item.BaseVersion = recordedBase?.Version;
        item.ReplicaStorageGB = item.OsDiskSizeGB * item.TotalReplicas;
        if (item.EndOfLifeDate is DateTimeOffset eol)
        {
            item.DaysToEndOfLife = Math.Round((eol - now).TotalDays, 1);
            item.EndOfLife = eol <= now ? InventoryStates.EndOfLifePast
                : (eol - now).TotalDays <= options.EndOfLifeWarningDays ? InventoryStates.EndOfLifeNear
                : InventoryStates.EndOfLifeScheduled;
        }
        // The validations recorded on the version (genimage.validation.REGION tags), the newest per region.
        var validations = ValidationTags.Parse(version.Tags)
            .GroupBy(r => r.Region, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First())
            .OrderBy(r => r.Region, StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (validations.Count > 0)
        {
            item.Validated = validations.All(r => r.Passed);
            item.ValidationResult = string.Join(", ", validations.Select(r => $"{r.Region}: {r.Status}" + (r.DiagnosisId != null ? $" ({r.DiagnosisId})" : string.Empty)));
        }
        item.FailedRegions = version.Regions.Where(r => IsFailed(r.State)).Select(r => r.Region).ToList();
        item.ReplicationState = item.FailedRegions.Count > 0 ? ReplicationStates.Failed : ReplicationStates.Of(version);
        return item;
    }

    // ---- leftovers ---------------------------------------------------------------------------------------------

    private sealed class Fleet
    {
        public IReadOnlyList<FleetVm> AllVms = Array.Empty<FleetVm>();
        public IReadOnlyList<FleetScaleSet> AllScaleSets = Array.Empty<FleetScaleSet>();
        public IReadOnlyList<FleetDisk> Disks = Array.Empty<FleetDisk>();
        public IReadOnlyList<FleetNic> Nics = Array.Empty<FleetNic>();
        public IReadOnlyList<ManagedImage> Images = Array.Empty<ManagedImage>();
    }

    /// <summary>VMs and scale sets of the subscription (what uses an image may be anywhere); disks, NICs and images of the scope.</summary>
    private async Task<Fleet> ReadFleetAsync(InventoryOptions options, CancellationToken cancellationToken)
    {
        var rg = options.ResourceGroupName;
        var vms = _fleet.ListVmsAsync(null, cancellationToken);
        var sets = _fleet.ListScaleSetsAsync(null, cancellationToken);
        var disks = _fleet.ListDisksAsync(rg, cancellationToken);
        var nics = _fleet.ListNicsAsync(rg, cancellationToken);
        var images = _fleet.ListManagedImagesAsync(rg, cancellationToken);
        await Task.WhenAll(vms, sets, disks, nics, images).ConfigureAwait(false);
        return new Fleet
        {
            AllVms = vms.Result,
            AllScaleSets = sets.Result,
            Disks = disks.Result,
            Nics = nics.Result,
            Images = images.Result,
        };
    }

    private IEnumerable<ImageLeftover> FindLeftovers(InventoryReport report, Fleet fleet, InventoryOptions options, DateTimeOffset now)
    {
        var rg = options.ResourceGroupName;
        var galleryScope = options.GalleryName != null;
        bool InScope(string id) => rg == null || string.Equals(FleetIds.ResourceGroupOf(id), rg, StringComparison.OrdinalIgnoreCase);
        bool InGallery(string? imageId) => !galleryScope || (imageId != null && FleetIds.Key(imageId).StartsWith(
            FleetIds.Key(GalleryIds.Gallery(_fleet.SubscriptionId, rg!, options.GalleryName!)) + "/", StringComparison.Ordinal));
        bool OldEnough(double? age) => age == null || age >= options.LeftoverAgeDays;
        var versions = report.Versions.ToList();
        var vmsInScope = fleet.AllVms.Where(v => InScope(v.Id)).ToList();
        var vmNames = new HashSet<string>(fleet.AllVms.Select(v => FleetIds.Key(v.Id)));
        var result = new List<ImageLeftover>();

        // Validation VMs: tagged by Test-ImageDeployment; older than the threshold, so no validation is running in them.
        var validationVms = new HashSet<string>();
        foreach (var vm in vmsInScope.Where(IsValidationVm))
        {
            validationVms.Add(FleetIds.Key(vm.Id));
            var age = Days(now, vm.TimeCreated);
            vm.Tags.TryGetValue(FleetIds.ValidationImageTag, out var image);
            if (!OldEnough(age) || !InGallery(image ?? vm.ImageReferenceId))
            {
                continue;
            }

            var also = new List<string>();
            if (vm.OsDiskId != null)
            {
                also.Add(vm.OsDiskId);
            }

            also.AddRange(vm.NetworkInterfaceIds.Where(n => FleetIds.NameOf(n).StartsWith(FleetIds.ValidationPrefix, StringComparison.OrdinalIgnoreCase)));
            result.Add(new ImageLeftover(LeftoverKinds.ValidationVm, vm.Id, vm.Name, vm.ResourceGroupName, vm.Location, age,
                $"Validation VM created {Ago(age)} (tag {FleetIds.ValidationTag}=true): Test-ImageDeployment deletes its VMs unless -KeepVm, so this one was kept or its clean-up failed. Removing it removes its OS disk and validation NIC too.",
                image ?? vm.ImageReferenceId, vm.OsDiskSizeGB, also, now));
        }

        // Validation disks and NICs whose VM is gone.
        foreach (var disk in fleet.Disks.Where(d => d.IsUnattached && (IsTagged(d.Tags) || ValidationDiskName.IsMatch(d.Name))))
        {
            var age = Days(now, disk.TimeCreated);
            if (!OldEnough(age) || !InGallery(disk.ImageReferenceId))
            {
                continue;
            }

            result.Add(new ImageLeftover(LeftoverKinds.ValidationDisk, disk.Id, disk.Name, disk.ResourceGroupName, disk.Location, age,
                $"OS disk of a validation VM that no longer exists, created {Ago(age)}.",
                disk.ImageReferenceId, disk.SizeGB, Array.Empty<string>(), now));
        }
        if (!galleryScope)
        {
            foreach (var nic in fleet.Nics.Where(n => n.VirtualMachineId == null && (IsTagged(n.Tags) || ValidationNicName.IsMatch(n.Name))))
            {
                var vmName = nic.Name.EndsWith("-nic", StringComparison.OrdinalIgnoreCase) ? nic.Name.Substring(0, nic.Name.Length - "-nic".Length) : nic.Name;
                var vmId = Vm.ResourceIds.VirtualMachine(_fleet.SubscriptionId, nic.ResourceGroupName, vmName);
                if (vmNames.Contains(FleetIds.Key(vmId)))
                {
                    continue; // its VM exists: a validation may be attaching it
                }

                var diskAge = fleet.Disks.Where(d => string.Equals(d.Name, vmName + "-osdisk", StringComparison.OrdinalIgnoreCase)).Select(d => Days(now, d.TimeCreated)).FirstOrDefault();
                if (!OldEnough(diskAge))
                {
                    continue;
                }

                result.Add(new ImageLeftover(LeftoverKinds.ValidationNic, nic.Id, nic.Name, nic.ResourceGroupName, nic.Location, diskAge,
                    $"Network interface of validation VM {vmName}, which no longer exists; attached to nothing.",
                    null, null, Array.Empty<string>(), now));
            }
        }

        // Sources: VMs that versions and managed images were made from.
        var sources = new Dictionary<string, List<DateTimeOffset?>>();
        void Source(string? id, DateTimeOffset? published)
        {
            if (!FleetIds.IsVm(id))
            {
                return;
            }

            var key = FleetIds.Key(id);
            if (!sources.TryGetValue(key, out var dates))
            {
                sources[key] = dates = new List<DateTimeOffset?>();
            }

            dates.Add(published);
        }
        foreach (var v in versions)
        {
            Source(v.SourceId, v.PublishedDate);
        }

        foreach (var image in fleet.Images)
        {
            Source(image.SourceId, null);
        }

        var imageDisks = new HashSet<string>(fleet.Images.Where(i => i.OsDiskId != null).Select(i => FleetIds.Key(i.OsDiskId)));

        // Generalized source VMs kept after publishing.
        foreach (var vm in vmsInScope.Where(v => string.Equals(v.OsState, "generalized", StringComparison.OrdinalIgnoreCase) && !validationVms.Contains(FleetIds.Key(v.Id))))
        {
            if (!sources.TryGetValue(FleetIds.Key(vm.Id), out var dates))
            {
                continue;
            }

            var lastPublished = dates.Where(d => d.HasValue).Select(d => d!.Value).DefaultIfEmpty().Max();
            var age = dates.Any(d => d.HasValue) ? Days(now, lastPublished) : Days(now, vm.TimeCreated);
            if (!OldEnough(age))
            {
                continue;
            }

            if (galleryScope && !versions.Any(v => FleetIds.Same(v.SourceId, vm.Id)))
            {
                continue;
            }

            var also = vm.OsDiskId == null ? Array.Empty<string>() : new[] { vm.OsDiskId };
            var count = versions.Count(v => FleetIds.Same(v.SourceId, vm.Id)) + fleet.Images.Count(i => FleetIds.Same(i.SourceId, vm.Id));
            result.Add(new ImageLeftover(LeftoverKinds.KeptSourceVm, vm.Id, vm.Name, vm.ResourceGroupName, vm.Location, age,
                $"Generalized VM kept after {count} image(s) were made from it{(dates.Any(d => d.HasValue) ? $", the last {Ago(age)}" : string.Empty)}: a generalized VM cannot be started again, and its OS disk keeps costing. Removing it removes its OS disk too.",
                null, vm.OsDiskSizeGB, also, now));
        }

        // Unattached OS disks of (deleted) source VMs.
        if (!galleryScope)
        {
            var sourceVmNames = sources.Keys.Select(k => (Rg: FleetIds.ResourceGroupOf(k), Name: FleetIds.NameOf(k))).ToList();
            foreach (var disk in fleet.Disks.Where(d => d.IsUnattached && !IsTagged(d.Tags) && !ValidationDiskName.IsMatch(d.Name)))
            {
                var fromImage = imageDisks.Contains(FleetIds.Key(disk.Id));
                var owner = sourceVmNames.FirstOrDefault(s => string.Equals(s.Rg, disk.ResourceGroupName, StringComparison.OrdinalIgnoreCase) && IsOsDiskOf(disk.Name, s.Name));
                if (!fromImage && owner.Name == null)
                {
                    continue;
                }

                var age = Days(now, disk.TimeCreated);
                if (!OldEnough(age))
                {
                    continue;
                }

                var who = owner.Name ?? FleetIds.NameOf(fleet.Images.First(i => FleetIds.Same(i.OsDiskId, disk.Id)).SourceId ?? "a VM");
                result.Add(new ImageLeftover(LeftoverKinds.SourceDisk, disk.Id, disk.Name, disk.ResourceGroupName, disk.Location, age,
                    $"Unattached OS disk of {who}, which images were made from; the images keep their own copies.",
                    owner.Name == null ? null : Vm.ResourceIds.VirtualMachine(_fleet.SubscriptionId, owner.Rg, owner.Name), disk.SizeGB, Array.Empty<string>(), now));
            }
        }

        // Versions whose replication failed, which nothing deploys.
        var pinned = new HashSet<string>(fleet.AllVms.Select(v => v.ImageReferenceId).Concat(fleet.AllScaleSets.Select(s => s.ImageReferenceId))
            .Where(id => id != null).Select(id => FleetIds.Key(id)));
        foreach (var v in versions.Where(v => IsFailed(v.ProvisioningState)))
        {
            if (!OldEnough(v.AgeDays) || pinned.Contains(FleetIds.Key(v.Id)))
            {
                continue;
            }

            var regions = v.FailedRegions.Count == 0 ? "a region" : string.Join(", ", v.FailedRegions);
            result.Add(new ImageLeftover(LeftoverKinds.FailedVersion, v.Id, $"{v.GalleryName}/{v.DefinitionName}/{v.Name}", v.ResourceGroupName, v.Location, v.AgeDays,
                $"Replication failed in {regions}; the version is Failed, never becomes latest and no VM or scale set uses it. Remove it, or retry the failed region (remove it from the target regions and add it again).",
                v.DefinitionId, v.ReplicaStorageGB, Array.Empty<string>(), now));
        }

        // Managed images nothing uses (no VM, scale set or version names them).
        if (!galleryScope)
        {
            var referenced = new HashSet<string>(pinned.Concat(versions.Where(v => v.SourceId != null).Select(v => FleetIds.Key(v.SourceId))));
            foreach (var image in fleet.Images.Where(i => !referenced.Contains(FleetIds.Key(i.Id))))
            {
                result.Add(new ImageLeftover(LeftoverKinds.UnreferencedImage, image.Id, image.Name, image.ResourceGroupName, image.Location, null,
                    "Managed image that no VM, scale set or gallery version in the subscription uses (ARM reports no creation time for managed images, so no age applies).",
                    image.SourceId, image.OsDiskSizeGB, Array.Empty<string>(), now));
            }
        }

        return result
            .OrderBy(l => KindOrder(l.Kind))
            .ThenBy(l => l.ResourceGroupName, StringComparer.OrdinalIgnoreCase)
            .ThenBy(l => l.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Test-ImageDeployment's tag on its VMs.</summary>
    internal static bool IsValidationVm(FleetVm vm) => IsTagged(vm.Tags);

    private static bool IsTagged(IDictionary<string, string> tags) =>
        tags.TryGetValue(FleetIds.ValidationTag, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Azure's OS disk names for a VM: {vm}_OsDisk_1_{hex} (portal, CLI), {vm}-osdisk, {vm}_osdisk.</summary>
    internal static bool IsOsDiskOf(string diskName, string vmName) =>
        diskName.StartsWith(vmName + "_OsDisk_", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(diskName, vmName + "-osdisk", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(diskName, vmName + "_osdisk", StringComparison.OrdinalIgnoreCase);

    private static int KindOrder(string kind) => Array.IndexOf(new[]
    {
        LeftoverKinds.ValidationVm, LeftoverKinds.ValidationDisk, LeftoverKinds.ValidationNic, LeftoverKinds.SourceDisk,
        LeftoverKinds.KeptSourceVm, LeftoverKinds.FailedVersion, LeftoverKinds.UnreferencedImage,
    }, kind);

    // ---- summary -----------------------------------------------------------------------------------------------

    private ImageInventorySummary Summarize(InventoryReport report, int galleries, InventoryOptions options, DateTimeOffset now)
    {
        var versions = report.Versions.ToList();
        var summary = new ImageInventorySummary
        {
            Scope = options.GalleryName != null ? $"gallery {options.ResourceGroupName}/{options.GalleryName}"
                : options.ResourceGroupName != null ? $"resource group {options.ResourceGroupName}"
                : $"subscription {_fleet.SubscriptionId}",
            GeneratedAt = now,
            Galleries = galleries,
            Definitions = report.Definitions.Count,
            Versions = versions.Count,
            FailedVersions = versions.Count(v => IsFailed(v.ProvisioningState)),
            PastEndOfLife = versions.Count(v => v.EndOfLife == InventoryStates.EndOfLifePast),
            NearEndOfLife = versions.Count(v => v.EndOfLife == InventoryStates.EndOfLifeNear),
            ExcludedFromLatest = versions.Count(v => v.ExcludeFromLatest),
            StaleDefinitions = report.Definitions.Count(d => d.Stale),
            DefinitionsWithoutLatest = report.Definitions.Count(d => d.LatestVersion == null),
            OutdatedBaseDefinitions = report.Definitions.Count(d => d.BaseOutdated),
            UnknownBaseDefinitions = report.Definitions.Count(d => d.BaseState == InventoryStates.BaseUnknown),
            Regions = versions.SelectMany(v => v.Regions).Select(r => r.Region).Distinct(StringComparer.OrdinalIgnoreCase).Count(),
            TotalReplicas = versions.Sum(v => v.TotalReplicas),
            Leftovers = report.Leftovers.Count,
            LeftoverDiskGB = report.Leftovers.Where(l => l.Kind != LeftoverKinds.FailedVersion && l.Kind != LeftoverKinds.UnreferencedImage).Sum(l => l.SizeGB ?? 0),
            Thresholds = string.Format(CultureInfo.InvariantCulture, "leftovers older than {0} days, end of life near within {1} days, stale after {2} days",
                options.LeftoverAgeDays, options.EndOfLifeWarningDays, options.StaleAfterDays),
        };
        foreach (var region in versions.SelectMany(v => v.Regions.Select(r => (r, v.OsDiskSizeGB))))
        {
            if (region.OsDiskSizeGB == null)
            {
                continue;
            }

            var type = region.r.StorageAccountType.Length == 0 ? "Unknown" : region.r.StorageAccountType;
            summary.ReplicaStorageGB.TryGetValue(type, out var gb);
            summary.ReplicaStorageGB[type] = gb + region.OsDiskSizeGB.Value * Math.Max(1, region.r.ReplicaCount);
        }
        foreach (var group in report.Leftovers.GroupBy(l => l.Kind))
        {
            summary.LeftoversByKind[group.Key] = group.Count();
        }

        foreach (var assumption in Assumptions)
        {
            summary.Assumptions.Add(assumption);
        }

        if (!options.IncludeLeftovers)
        {
            summary.Assumptions.Add("Leftovers were not looked for (use -Leftover or -Summary).");
        }

        return summary;
    }

    private static bool IsFailed(string? state) => string.Equals(state, "Failed", StringComparison.OrdinalIgnoreCase);

    private static double? Days(DateTimeOffset now, DateTimeOffset? then) =>
        then == null ? (double?)null : Math.Round((now - then.Value).TotalDays, 1);

    private static string Ago(double? age) =>
        age == null ? "at an unknown time"
        : age < 1 ? string.Format(CultureInfo.InvariantCulture, "{0:0} hours ago", age * 24)
        : string.Format(CultureInfo.InvariantCulture, "{0:0.#} days ago", age);
}

/// <summary>Stable error ids of the fleet view.</summary>
public static class FleetErrorIds
{
    public const string InvalidScope = "InvalidInventoryScope";
    public const string NotALeftover = "NotALeftover";
    public const string ScaleSetPinsVersion = "ScaleSetPinsVersion";
    public const string InvalidImageReference = "InvalidImageReference";
    public const string TemplateUnreadable = "TemplateUnreadable";
}
