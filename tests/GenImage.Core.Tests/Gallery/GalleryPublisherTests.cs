using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Tests.Vm;

namespace GenImage.Core.Tests.Gallery;

public sealed class GalleryPublisherTests
{
    private const string Def = "ubuntu-2204";
    private readonly FakeGalleryOperations _gallery = new();
    private readonly FakeVmOperations _vms = new("deallocated", "Linux", "generalized");
    private readonly RecordingLog _log = new();
    private readonly List<TimeSpan> _waits = new();
    private ReadinessInput? _seen;

    public GalleryPublisherTests()
    {
        _gallery.AddDefinition(Def);
    }

    private GalleryPublisher Publisher(params ReadinessFinding[] findings)
    {
        var publisher = new GalleryPublisher(_gallery, _vms, _log, input => { _seen = input; return findings; });
        publisher.Delay = (delay, ct) => { _waits.Add(delay); return Task.CompletedTask; };
        return publisher;
    }

    private PublishOptions Options(params string[] regions) => new()
    {
        ResourceGroupName = FakeGalleryOperations.Rg,
        GalleryName = FakeGalleryOperations.GalleryName,
        DefinitionName = Def,
        SourceId = _vms.Vm.Id,
        TargetRegions = TargetRegions.ParseAll(regions, 1, "Standard_LRS"),
        Timeout = TimeSpan.FromMinutes(5),
    };

    private static ReadinessFinding Finding(string id, FindingSeverity severity, FindingStatus status = FindingStatus.Fail) => new()
    {
        RuleId = id, Title = "Title of " + id, Severity = severity, Status = status, Message = "message of " + id,
    };

    [Fact]
    public async Task The_preflight_reads_nothing_the_caller_knows()
    {
        var definition = _gallery.Definitions.Values.Single();
        var existing = _gallery.AddVersion(Def, "1.0.0");
        var known = new[] { existing };
        var vm = await _vms.GetAsync(_vms.Vm.Id, default);
        _vms.Calls.Clear();
        // What the caller read moments ago; the fake no longer holds it, so a read would find neither definition nor versions.
        _gallery.Definitions.Clear();
        _gallery.Versions.Clear();
        var options = Options("westeurope");
        options.KnownDefinition = definition;
        options.KnownSourceVm = vm;
        options.KnownVersions = known;

        var plan = await Publisher().PlanAsync(options, default);

        Assert.Equal("1.0.1", plan.VersionName);
        Assert.Same(vm, _seen!.SourceVm);
        Assert.Equal(new[] { "1.0.0" }, _seen.ExistingVersions.Select(v => v.Name));
        Assert.Equal(definition.Id + "/versions/1.0.1", plan.VersionId);
        Assert.Empty(_vms.Calls);
    }

    [Fact]
    public async Task Publishes_to_every_region_and_follows_replication_to_completed()
    {
        var publisher = Publisher();
        var options = Options("westeurope", "northeurope=2", "eastus=1=Standard_ZRS");

        var plan = await publisher.PlanAsync(options, default);
        var version = await publisher.ExecuteAsync(plan, options, default);

        Assert.Equal("1.0.0", version.Name);
        Assert.Equal("Succeeded", version.ProvisioningState);
        Assert.Equal(new[] { "westeurope", "northeurope", "eastus" }, version.Regions.Select(r => r.Region));
        Assert.All(version.Regions, r => Assert.Equal(("Completed", 100), (r.State, r.Progress)));
        Assert.True(version.IsLatest);
        Assert.Equal(_vms.Vm.Id, _gallery.LastCreate!.SourceId);
        Assert.Equal(2, _gallery.LastCreate.TargetRegions[1].ReplicaCount);

        // One child bar per region under the fixed parent, each ending Completed.
        var children = _log.Progress.Where(p => p.ParentActivityId == GalleryProgress.Publish).ToList();
        Assert.Equal(3, children.Select(c => c.ActivityId).Distinct().Count());
        Assert.Contains(children, c => c.Activity == "Replicating to eastus" && c.PercentComplete == 100 && !c.Completed);
        Assert.All(children.GroupBy(c => c.ActivityId), g => Assert.True(g.Last().Completed));
        Assert.True(_log.Progress.Last().Completed);
        Assert.Equal(GalleryProgress.Publish, _log.Progress.Last().ActivityId);
    }

    [Fact]
    public async Task The_preflight_gets_the_whole_input_and_a_blocking_finding_stops_before_any_write()
    {
        _gallery.AddVersion(Def, "1.0.0");
        var publisher = Publisher(Finding("GI2003", FindingSeverity.Error), Finding("GI3003", FindingSeverity.Warning), Finding("GI4001", FindingSeverity.Error, FindingStatus.Pass));

        var ex = await Assert.ThrowsAsync<PreflightException>(() => publisher.PlanAsync(Options("westeurope"), default));

        Assert.Equal(GalleryErrorIds.PreflightFailed, ex.ErrorId);
        Assert.Equal(GenImageErrorKind.InvalidOperation, ex.Kind);
        Assert.Equal(new[] { "GI2003" }, ex.RuleIds);
        Assert.Equal(3, ex.Findings.Count);
        Assert.Contains("GI2003 Title of GI2003: message of GI2003", ex.Message);
        Assert.DoesNotContain("GI3003", ex.Message);
        Assert.Empty(_gallery.Writes);

        Assert.NotNull(_seen);
        Assert.Equal(_vms.Vm.Id, _seen!.SourceId);
        Assert.Equal("generalized", _seen.SourceVm!.OsState);
        Assert.False(_seen.WillGeneralize);
        Assert.Equal(Def, _seen.Definition!.Name);
        Assert.Equal("1.0.1", _seen.VersionName);
        Assert.Single(_seen.ExistingVersions);
        Assert.Equal("westeurope", Assert.Single(_seen.TargetRegions).Name);
    }

    [Fact]
    public async Task Warning_findings_become_plan_warnings_with_their_ids()
    {
        var plan = await Publisher(Finding("GI3003", FindingSeverity.Warning)).PlanAsync(Options("westeurope"), default);

        Assert.Contains("GI3003 Title of GI3003: message of GI3003", plan.Warnings);
    }

    [Fact]
    public async Task The_source_region_is_added_with_a_warning_when_missing()
    {
        var plan = await Publisher().PlanAsync(Options("eastus=2"), default);

        Assert.Equal(new[] { "westeurope", "eastus" }, plan.TargetRegions.Select(r => r.Name));
        Assert.Contains(plan.Warnings, w => w.StartsWith("GI4002", StringComparison.Ordinal) && w.Contains("westeurope"));
    }

    [Fact]
    public async Task Without_target_regions_the_source_region_is_the_target()
    {
        var plan = await Publisher().PlanAsync(Options(), default);

        Assert.Equal("westeurope", Assert.Single(plan.TargetRegions).Name);
        Assert.Empty(plan.Warnings);
    }

    [Theory]
    [InlineData(VersionIncrement.Patch, "1.2.4")]
    [InlineData(VersionIncrement.Minor, "1.3.0")]
    [InlineData(VersionIncrement.Major, "2.0.0")]
    public async Task Increment_counts_from_the_highest_existing_version(VersionIncrement part, string expected)
    {
        _gallery.AddVersion(Def, "1.2.3");
        _gallery.AddVersion(Def, "1.0.9");
        var options = Options("westeurope");
        options.Increment = part;

        var plan = await Publisher().PlanAsync(options, default);

        Assert.Equal(expected, plan.VersionName);
    }

    [Fact]
    public async Task Skip_preflight_warns_what_was_not_checked_and_does_not_call_the_rules()
    {
        var options = Options("westeurope");
        options.SkipPreflight = true;

        var plan = await Publisher(Finding("GI2003", FindingSeverity.Error)).PlanAsync(options, default);

        Assert.Null(_seen);
        Assert.True(plan.PreflightSkipped);
        var warning = Assert.Single(plan.Warnings);
        Assert.Contains("-SkipPreflight", warning);
        Assert.Contains("Hyper-V generation (GI2003)", warning);
    }

    [Fact]
    public async Task Retry_after_longer_than_the_polling_interval_is_waited()
    {
        _gallery.RetryAfter = TimeSpan.FromSeconds(7);
        var publisher = Publisher();
        var options = Options("westeurope");

        await publisher.ExecuteAsync(await publisher.PlanAsync(options, default), options, default);

        Assert.NotEmpty(_waits);
        Assert.All(_waits, w => Assert.Equal(TimeSpan.FromSeconds(7), w));
    }

    [Fact]
    public async Task NoWait_returns_the_version_in_creating_state_after_one_put()
    {
        var publisher = Publisher();
        var options = Options("westeurope", "eastus");
        options.NoWait = true;

        var version = await publisher.ExecuteAsync(await publisher.PlanAsync(options, default), options, default);

        Assert.Equal("Creating", version.ProvisioningState);
        Assert.Single(_gallery.Writes);
        Assert.Empty(_waits);
    }

    [Fact]
    public async Task A_failed_region_is_a_replication_error_naming_the_region()
    {
        _gallery.FailRegion = "eastus";
        var publisher = Publisher();
        var options = Options("westeurope", "eastus");

        var ex = await Assert.ThrowsAsync<GenImageException>(async () => await publisher.ExecuteAsync(await publisher.PlanAsync(options, default), options, default));

        Assert.Equal(GalleryErrorIds.ReplicationFailed, ex.ErrorId);
        Assert.Contains("eastus (disk copy failed)", ex.Message);
        Assert.True(_log.Progress.Last().Completed);
    }

    [Fact]
    public async Task Timeout_names_the_parameter()
    {
        _gallery.Stuck = true;
        var publisher = new GalleryPublisher(_gallery, _vms, _log, _ => Array.Empty<ReadinessFinding>());
        var options = Options("westeurope");
        options.Timeout = TimeSpan.FromMilliseconds(50);

        var ex = await Assert.ThrowsAsync<GenImageException>(async () => await publisher.ExecuteAsync(await publisher.PlanAsync(options, default), options, default));

        Assert.Equal(ErrorIds.Timeout, ex.ErrorId);
        Assert.Contains("-TimeoutSec", ex.Message);
        Assert.Contains("westeurope", ex.Message);
    }

    [Fact]
    public async Task A_missing_definition_says_how_to_create_it()
    {
        var options = Options("westeurope");
        options.DefinitionName = "nope";

        var ex = await Assert.ThrowsAsync<GenImageException>(() => Publisher().PlanAsync(options, default));

        Assert.Equal(GalleryErrorIds.DefinitionNotFound, ex.ErrorId);
        Assert.Contains("New-GalleryImageDefinition", ex.Message);
    }

    [Fact]
    public async Task The_real_rules_refuse_a_gen2_vm_into_a_v1_definition()
    {
        _gallery.AddDefinition("gen1", generation: "V1", sku: "gen1");
        var publisher = new GalleryPublisher(_gallery, _vms, _log);
        var options = Options("westeurope");
        options.DefinitionName = "gen1";

        var ex = await Assert.ThrowsAsync<PreflightException>(() => publisher.PlanAsync(options, default));

        Assert.Contains("GI2003", ex.RuleIds);
        Assert.Empty(_gallery.Writes);
    }
    [Fact]
    public async Task The_source_vm_marketplace_base_is_tagged_from_the_preflight_read_without_another_call()
    {
        _vms.Vm.BaseImage = new MarketplaceImage { Publisher = "Canonical", Offer = "0001-com-ubuntu-server-jammy", Sku = "22_04-lts-gen2", Version = "22.04.202411010" };
        var publisher = Publisher();
        var options = Options("westeurope");
        options.Tags["owner"] = "platform-team";

        var plan = await publisher.PlanAsync(options, default);
        var reads = _vms.Calls.Count;
        await publisher.ExecuteAsync(plan, options, default);

        Assert.Equal(reads, _vms.Calls.Count);
        Assert.Equal("22.04.202411010", plan.SourceBase!.Version);
        var tags = _gallery.LastCreate!.Tags;
        Assert.Equal(("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2", "22.04.202411010", "platform-team"),
            (tags["genimage.base.publisher"], tags["genimage.base.offer"], tags["genimage.base.sku"], tags["genimage.base.version"], tags["owner"]));
    }

    [Fact]
    public async Task A_source_vm_made_from_a_custom_image_records_no_base_and_says_why()
    {
        _vms.Vm.ImageReferenceId = $"/subscriptions/{FakeGalleryOperations.Sub}/resourceGroups/rg/providers/Microsoft.Compute/images/img-base";
        var publisher = Publisher();
        var options = Options("westeurope");

        var plan = await publisher.PlanAsync(options, default);
        await publisher.ExecuteAsync(plan, options, default);

        Assert.Null(plan.SourceBase);
        Assert.StartsWith("not a marketplace image", plan.SourceBaseNote);
        Assert.DoesNotContain(_gallery.LastCreate!.Tags.Keys, k => k.StartsWith(BaseImageTags.Prefix, StringComparison.Ordinal));
        Assert.Contains(_log.Verbose, v => v.Contains("No marketplace base recorded", StringComparison.Ordinal));
    }
}
