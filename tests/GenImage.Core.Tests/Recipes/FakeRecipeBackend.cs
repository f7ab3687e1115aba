using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Recipes;

namespace GenImage.Core.Tests.Recipes;

/// <summary>An in-memory subscription with one VM and a gallery; counts every write and can fail or cancel a step once.</summary>
internal sealed class FakeRecipeBackend : IRecipeBackend, IEvidenceSource
{
    public const string Sub = "00000000-0000-0000-0000-000000000001";
    public static readonly string VmId = $"/subscriptions/{Sub}/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm-src";

    public SourceVm Vm { get; } = new() { Id = VmId, Name = "vm-src", OsType = "Linux", PowerState = "running", Tags = { ["owner"] = "platform-team" } };
    public bool VmExists { get; set; } = true;
    public Dictionary<string, GalleryImageDefinition> Definitions { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, GalleryImageVersion> Versions { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<ReadinessFinding> Findings { get; } = new() { new ReadinessFinding { RuleId = "GI1001", Severity = FindingSeverity.Error, Status = FindingStatus.Pass, Target = VmId, Message = "ok" } };
    public List<string> Writes { get; } = new();
    public List<string> CorrelationIds { get; } = new();
    public bool ValidationPasses { get; set; } = true;
    /// <summary>Throw this once from the named operation.</summary>
    public (string Operation, Exception Error)? FailOnce { get; set; }
    public RecipeReadinessRequest? LastReadiness { get; private set; }

    public string SubscriptionId => Sub;
    public string? Principal => "operator@genimage.local";
    public TimeSpan PollingInterval => TimeSpan.Zero;
    public IEvidenceSource Evidence => this;

    private void Write(string what)
    {
        if (FailOnce is { } f && f.Operation == what.Split(' ')[0])
        {
            FailOnce = null;
            throw f.Error;
        }
        Writes.Add(what);
        if (GenImage.Core.Connection.CallScope.Current is { } scope)
        {
            CorrelationIds.Add(scope.CorrelationId);
        }
    }

    public int Count(string prefix) => Writes.Count(w => w.StartsWith(prefix, StringComparison.Ordinal));

    public Task<SourceVm?> GetVmAsync(string vmId, CancellationToken cancellationToken) => Task.FromResult(VmExists && vmId == VmId ? Vm : null);

    public Task<IReadOnlyList<ReadinessFinding>> CheckReadinessAsync(RecipeReadinessRequest request, CancellationToken cancellationToken)
    {
        LastReadiness = request;
        return Task.FromResult<IReadOnlyList<ReadinessFinding>>(Findings.Select(f => new ReadinessFinding { RuleId = f.RuleId, Severity = f.Severity, Status = f.Status, Target = f.Target, Message = f.Message }).ToList());
    }

    public Task<GeneralizeResult> GeneralizeAsync(string vmId, bool prepare, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write("generalize " + vmId);
        Vm.PowerState = "deallocated";
        Vm.OsState = "generalized";
        return Task.FromResult(new GeneralizeResult { Id = vmId, Name = Vm.Name, Status = "Generalized", Prepared = prepare, OsStateAfter = "generalized", Steps = { new StepRecord { Name = "Generalize", Status = "Succeeded" } } });
    }

    public Task<GalleryImageDefinition?> GetDefinitionAsync(string definitionId, CancellationToken cancellationToken) =>
        Task.FromResult(Definitions.TryGetValue(definitionId, out var d) ? d : null);

    public Task<GalleryImageDefinition> CreateDefinitionAsync(GalleryImageDefinition definition, CancellationToken cancellationToken)
    {
        Write("createDefinition " + definition.Id);
        Definitions[definition.Id] = definition;
        return Task.FromResult(definition);
    }

    public Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<GalleryImageVersion>>(Versions.Values.Where(v => v.Id.StartsWith(definitionId + "/", StringComparison.OrdinalIgnoreCase)).ToList());

    /// <summary>Reads of a version that still answer Creating before it turns Succeeded.</summary>
    public int CreatingReads { get; set; }
    public int VersionReads { get; private set; }

    public Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken)
    {
        VersionReads++;
        if (!Versions.TryGetValue(versionId, out var v))
        {
            return Task.FromResult<GalleryImageVersion?>(null);
        }

        v.ProvisioningState = CreatingReads-- > 0 ? "Creating" : "Succeeded";
        return Task.FromResult<GalleryImageVersion?>(v);
    }

    public Task<GalleryImageVersion> PublishAsync(RecipePublishRequest request, CancellationToken cancellationToken)
    {
        Write("publish " + request.VersionId);
        var v = new GalleryImageVersion
        {
            Id = request.VersionId, Name = request.VersionId.Substring(request.VersionId.LastIndexOf('/') + 1), GalleryName = "galImages", DefinitionName = "def",
            SourceId = request.SourceId, ProvisioningState = "Succeeded", ReplicationState = "Completed", ExcludeFromLatest = request.ExcludeFromLatest,
            Regions = request.TargetRegions.Select(r => new RegionReplication { Region = r.Name, ReplicaCount = r.ReplicaCount, StorageAccountType = r.StorageAccountType, State = "Completed", Progress = 100 }).ToList(),
        };
        foreach (var t in request.Tags)
        {
            v.Tags[t.Key] = t.Value;
        }

        Versions[v.Id] = v;
        return Task.FromResult(v);
    }

    public Task<IReadOnlyList<ValidationRecord>> ValidateAsync(RecipeValidationRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write("validate " + request.VersionId);
        return Task.FromResult<IReadOnlyList<ValidationRecord>>(request.Regions.Select(r => new ValidationRecord
        {
            Region = r, Status = ValidationPasses ? "Passed" : "Failed", Message = ValidationPasses ? "Provisioning succeeded" : "OSProvisioningTimedOut",
            ImageReference = request.VersionId, SerialLogExcerpt = "login:", SerialLog = "boot\nlogin:",
        }).ToList());
    }

    public Task<GalleryImageVersion> SetExcludeFromLatestAsync(string versionId, bool exclude, CancellationToken cancellationToken)
    {
        Write("promote " + versionId);
        Versions[versionId].ExcludeFromLatest = exclude;
        return Task.FromResult(Versions[versionId]);
    }

    public Task DeleteVmAsync(string vmId, CancellationToken cancellationToken)
    {
        Write("deleteVm " + vmId);
        VmExists = false;
        return Task.CompletedTask;
    }

    public Task DeleteVersionAsync(string versionId, CancellationToken cancellationToken)
    {
        Write("deleteVersion " + versionId);
        Versions.Remove(versionId);
        return Task.CompletedTask;
    }

    // IEvidenceSource
    Task<GalleryImageDefinition?> IEvidenceSource.GetDefinitionAsync(string definitionId, CancellationToken cancellationToken) => GetDefinitionAsync(definitionId, cancellationToken);
    Task<SourceVm?> IEvidenceSource.GetVmAsync(string vmId, CancellationToken cancellationToken) => GetVmAsync(vmId, cancellationToken);
    public Task<IReadOnlyList<ActivityLogEntry>> GetActivityLogAsync(ActivityLogQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ActivityLogEntry>>(Writes.Select(w => new ActivityLogEntry { OperationName = w.Split(' ')[0] + "/action", Caller = "operator@genimage.local", Status = "Succeeded", ResourceId = w.Split(' ')[1], Timestamp = DateTimeOffset.UtcNow }).ToList());
    public Task<IReadOnlyList<RoleAssignmentEntry>> GetRoleAssignmentsAsync(string scope, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RoleAssignmentEntry>>(Array.Empty<RoleAssignmentEntry>());

    public static GenImageException ArmFailure(string what) =>
        new("ArmInternalServerError", GenImageErrorKind.ResourceUnavailable, $"Could not {what}: ARM answered 500 InternalServerError");
}
