using GenImage.Core.Errors;
using GenImage.Core.Fleet;
using GenImage.Core.Gallery;
using static GenImage.Core.Tests.Fleet.FakeFleetOperations;

namespace GenImage.Core.Tests.Fleet;

public sealed class ImageConsumersTests : IDisposable
{
    private readonly FakeFleetOperations _fleet = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "genimage-consumers-" + Guid.NewGuid().ToString("N"));
    private readonly GalleryImageDefinition _web;
    private readonly GalleryImageVersion _v10;
    private readonly GalleryImageVersion _v11;

    public ImageConsumersTests()
    {
        Directory.CreateDirectory(_dir);
        _web = _fleet.AddDefinition("rg-images", "gal_win", "win2022-web");
        _v10 = _fleet.AddVersion(_web, "1.0.0", 60);
        _v11 = _fleet.AddVersion(_web, "1.1.0", 10);
        _fleet.AddVm("rg-apps", "vm-latest", image: _web.Id).ExactVersion = "1.1.0";
        _fleet.AddVm("rg-apps", "vm-old-latest", image: _web.Id).ExactVersion = "1.0.0";
        _fleet.AddVm("rg-apps", "vm-pinned", image: _v10.Id);
        _fleet.AddVm("rg-apps", "vm-marketplace");
        _fleet.ScaleSets.Add(new FleetScaleSet { Id = $"{Rg("rg-apps")}/providers/Microsoft.Compute/virtualMachineScaleSets/ss-web", Name = "ss-web", ResourceGroupName = "rg-apps", ImageReferenceId = _v11.Id });
        _fleet.ScaleSets.Add(new FleetScaleSet { Id = $"{Rg("rg-apps")}/providers/Microsoft.Compute/virtualMachineScaleSets/ss-latest", Name = "ss-latest", ResourceGroupName = "rg-apps", ImageReferenceId = _web.Id + "/versions/latest" });
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<IReadOnlyList<ImageConsumer>> FindAsync(string id, params string[] templates) =>
        new ImageConsumers(_fleet).FindAsync(new ConsumerQuery { ImageId = id, TemplatePaths = templates }, default);

    private static IEnumerable<string> Rows(IEnumerable<ImageConsumer> consumers) => consumers.Select(c => $"{c.Kind} {c.Name} {c.Via}");

    [Fact]
    public async Task A_version_that_latest_resolves_to_has_its_pinned_consumers_and_everything_on_latest()
    {
        Assert.Equal(
            ["VirtualMachine vm-latest Latest", "VirtualMachine vm-old-latest Latest", "ScaleSet ss-latest Latest", "ScaleSet ss-web Version"],
            Rows(await FindAsync(_v11.Id)));
    }

    [Fact]
    public async Task A_version_that_is_not_latest_has_its_pinned_consumers_and_the_vms_created_from_it_on_latest()
    {
        Assert.Equal(["VirtualMachine vm-old-latest Latest", "VirtualMachine vm-pinned Version"], Rows(await FindAsync(_v10.Id)));
        Assert.Equal(1, _fleet.Reads.Count(r => r.StartsWith("list-versions", StringComparison.Ordinal)));
        Assert.Equal(["list-scalesets", "list-vms"], _fleet.Reads.Where(r => !r.StartsWith("list-versions", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task A_definition_has_every_consumer_of_it_or_of_its_versions_and_a_managed_image_its_own()
    {
        Assert.Equal(5, (await FindAsync(_web.Id)).Count);
        Assert.Equal("Version", (await FindAsync(_web.Id)).Single(c => c.Name == "vm-pinned").Via);
        _fleet.AddVm("rg-apps", "vm-legacy", image: ImageId("rg-images", "img-base"));
        Assert.Equal(["VirtualMachine vm-legacy ManagedImage"], Rows(await FindAsync(ImageId("rg-images", "img-base"))));
    }

    [Fact]
    public async Task Templates_are_searched_for_literal_ids_resourceId_calls_and_bicep_existing_resources()
    {
        File.WriteAllText(Path.Combine(_dir, "web.json"), $$"""
            {
              "resources": [
                { "properties": { "storageProfile": { "imageReference": { "id": "{{_v11.Id}}" } } } },
                { "properties": { "storageProfile": { "imageReference": { "id": "[resourceId('rg-images', 'Microsoft.Compute/galleries/images/versions', 'gal_win', 'win2022-web', '1.1.0')]" } } } },
                { "properties": { "storageProfile": { "imageReference": { "id": "[resourceId('Microsoft.Compute/galleries/images/versions', parameters('gallery'), 'win2022-web', '1.1.0')]" } } } },
                { "properties": { "storageProfile": { "imageReference": { "id": "[resourceId('other-rg', 'Microsoft.Compute/galleries/images', 'gal_win', 'win2022-web')]" } } } }
              ]
            }
            """);
        Directory.CreateDirectory(Path.Combine(_dir, "bicep"));
        File.WriteAllText(Path.Combine(_dir, "bicep", "api.bicep"), """
            resource image 'Microsoft.Compute/galleries/images@2022-03-03' existing = {
              name: 'gal_win/win2022-web'
            }
            var pinned = resourceId('Microsoft.Compute/galleries/images/versions', 'gal_win', 'win2022-web', '1.0.0')
            """);
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), _v11.Id);

        var found = (await FindAsync(_v11.Id, _dir)).Where(c => c.Kind == ImageConsumers.Template).ToList();

        Assert.Equal(["api.bicep Latest 1:16", "web.json Version 3:70", "web.json Version 4:71"], found.Select(c => $"{c.Name} {c.Via} {c.Line}:{c.Column}"));
        Assert.All(found.Where(c => c.Via == "Version"), c => Assert.Equal(_v11.Id, c.ReferencedId));
        Assert.Equal(Path.Combine(_dir, "bicep", "api.bicep"), found[0].Id);
    }

    [Fact]
    public async Task An_id_that_is_no_image_and_a_path_that_does_not_exist_are_errors()
    {
        var bad = await Assert.ThrowsAsync<GenImageException>(() => FindAsync(VmId("rg-apps", "vm-pinned")));
        Assert.Equal((FleetErrorIds.InvalidImageReference, GenImageErrorKind.InvalidArgument), (bad.ErrorId, bad.Kind));
        var missing = await Assert.ThrowsAsync<GenImageException>(() => FindAsync(_v11.Id, Path.Combine(_dir, "nope")));
        Assert.Equal(FleetErrorIds.TemplateUnreadable, missing.ErrorId);
    }

    [Fact]
    public async Task Release_impact_names_who_is_hit_and_refuses_removing_a_version_a_scale_set_pins()
    {
        var channel = new ReleaseChannel(new GalleryView(_fleet), GenImage.Core.Logging.NullLog.Instance);
        var remove = await channel.PlanAsync(ReleaseChannel.Remove, _v11.Id, default);
        var impact = await new ReleaseImpactReader(_fleet).AssessAsync(remove, default);

        Assert.Equal("Remove image version 1.1.0 and its replicas in 1 region(s) (latest: 1.1.0 -> 1.0.0); pinned by scale set ss-web (scale-out and reimage fail once it is gone); " +
            "VM vm-latest, VM vm-old-latest, scale set ss-latest on latest get 1.0.0 instead of 1.1.0 from their next deployment or reimage", impact.Describe());
        var refusal = impact.RemovalRefusal()!;
        Assert.Equal(FleetErrorIds.ScaleSetPinsVersion, refusal.ErrorId);
        Assert.Contains("scale set ss-web", refusal.Message);

        var removeOld = await new ReleaseImpactReader(_fleet).AssessAsync(await channel.PlanAsync(ReleaseChannel.Remove, _v10.Id, default), default);
        Assert.Null(removeOld.RemovalRefusal());
        Assert.EndsWith("; pinned by VM vm-pinned (scale-out and reimage fail once it is gone)", removeOld.Describe());
    }

    /// <summary>The release channel reads the fleet's versions through the gallery interface.</summary>
    private sealed class GalleryView(FakeFleetOperations fleet) : IGalleryOperations
    {
        public TimeSpan PollingInterval => TimeSpan.Zero;
        public Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken) =>
            fleet.ListVersionsAsync(resourceGroup, gallery, definition, cancellationToken);
        public Task<string?> GetResourceGroupLocationAsync(string resourceGroup, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ImageGallery?> GetGalleryAsync(string resourceGroup, string gallery, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ImageGallery> CreateGalleryAsync(string resourceGroup, string gallery, string location, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<GalleryImageDefinition?> GetDefinitionAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<GalleryImageDefinition>> ListDefinitionsAsync(string resourceGroup, string gallery, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<GalleryImageDefinition> CreateDefinitionAsync(GalleryImageDefinition definition, CancellationToken cancellationToken) => throw new NotSupportedException();
        public async Task<GalleryImageVersion?> GetVersionAsync(string versionId, bool withReplicationStatus, CancellationToken cancellationToken)
        {
            // Removal reads the version itself for its safety profile.
            var address = GalleryIds.ParseVersion(versionId);
            var versions = await fleet.ListVersionsAsync(address.ResourceGroupName, address.GalleryName, address.DefinitionName, cancellationToken);
            return versions.FirstOrDefault(v => string.Equals(v.Name, address.VersionName, StringComparison.OrdinalIgnoreCase));
        }
        public Task<VersionPoll> PollVersionAsync(string versionId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<TimeSpan?> BeginCreateVersionAsync(string versionId, VersionCreateRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<GalleryImageVersion> UpdateVersionAsync(string versionId, VersionUpdateRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeleteVersionAsync(string versionId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ManagedImage?> GetManagedImageAsync(string imageId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ManagedImage> CreateManagedImageAsync(string imageId, string location, string sourceVmId, string? hyperVGeneration, IDictionary<string, string> tags, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
