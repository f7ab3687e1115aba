using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Gallery;
using GenImage.Core.Operations;
using GenImage.Core.Recipes;
using GenImage.Core.Validation;
using GenImage.Core.Vm;

namespace GenImage.Core.Tests.Recipes;

/// <summary>
/// One subscription in memory behind every operation interface a recipe run's engines use — VMs, galleries, validation
/// deployments, evidence — so the real steps and the real engines (Generalizer, GalleryPublisher, DeploymentValidator,
/// ReleaseChannel, EvidenceCollector) run against it. Every write is counted; a fault can be injected before or after any
/// write, the way ARM fails (refused, or accepted and then the answer lost).
/// </summary>
internal sealed class FakeCloud : IVmOperations, IGalleryOperations, IDeploymentOperations, IEvidenceSource, IOperationMonitor
{
    public const string Sub = "00000000-0000-0000-0000-000000000001";
    public const string Rg = "rg-images";
    public const string GalleryName = "gal_images";
    public static readonly string SourceVmId = ResourceIds.VirtualMachine(Sub, Rg, "vm-src");

    private readonly object _gate = new();

    public FakeCloud()
    {
        Vms[SourceVmId] = new SourceVm
        {
            Id = SourceVmId, Name = "vm-src", ResourceGroupName = Rg, SubscriptionId = Sub, Location = "westeurope", VmSize = "Standard_D2s_v5",
            OsType = "Linux", OsName = "Ubuntu 22.04.4 LTS", HyperVGeneration = "V2", SecurityType = "Standard", PowerState = "running",
            ProvisioningState = "Succeeded", AgentStatus = "Ready", AgentVersion = "2.9.1.1",
            OsDiskId = $"/subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/disks/vm-src-osdisk", OsDiskSizeGB = 30,
            OsDiskStorageAccountType = "Premium_LRS", Tags = { ["owner"] = "platform-team" },
        };
        Galleries[GalleryName] = new ImageGallery { Id = GalleryIds.Gallery(Sub, Rg, GalleryName), Name = GalleryName, ResourceGroupName = Rg, Location = "westeurope", ProvisioningState = "Succeeded" };
    }

    public Dictionary<string, SourceVm> Vms { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Disks and NICs of validation VMs.</summary>
    public HashSet<string> Resources { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, ImageGallery> Galleries { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, GalleryImageDefinition> Definitions { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, GalleryImageVersion> Versions { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every write, as "operation resource-id", in order.</summary>
    public List<string> Writes { get; } = new();
    /// <summary>The correlation id each write carried.</summary>
    public List<string?> CorrelationIds { get; } = new();

    /// <summary>A validation VM boots (false: it fails with OSProvisioningTimedOut, as an unprepared image does).</summary>
    public bool ValidationBoots { get; set; } = true;
    /// <summary>ARM codes the next validation VM creates fail with, one per create (InternalExecutionError, AllocationFailed, …).</summary>
    public Queue<string> CreateFailures { get; } = new();
    /// <summary>ARM codes the next probe Run Commands fail with before they run, one per probe (Conflict, InternalServerError, …).</summary>
    public Queue<string> ProbeFailures { get; } = new();
    private readonly Dictionary<string, string> _createFailure = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Polls a new version stays Creating before it replicates.</summary>
    public int CreatingPolls { get; set; }

    /// <summary>Consulted before every write ("publish", "createVm", …): an exception to throw instead of writing.</summary>
    public Func<string, Exception?>? Before { get; set; }
    /// <summary>Consulted after every write: an exception to throw although the write happened (the answer was lost).</summary>
    public Func<string, Exception?>? After { get; set; }

    public SourceVm Source => Vms[SourceVmId];
    public bool SourceExists => Vms.ContainsKey(SourceVmId);
    public TimeSpan PollingInterval => TimeSpan.Zero;

    public RecipeEngines Engines() => new(Sub, "operator@genimage.local", this, this, this, this, this)
    {
        RunStore = recipe => new KillableRunStore(new LocalRunStore(recipe.Spec.Evidence.OutputPath), this),
        // The "process" of this fake: a kill ends it, a restart is a new one.
        Host = new RunHost { Name = "fake-host", ProcessId = _pid, IsAlive = (pid, _) => pid == _pid },
        LeaseHeartbeat = TimeSpan.Zero,
    };

    private int _pid = 1000;

    // ---------------------------------------------------------------- kills

    /// <summary>True once the "process" was killed: every call of the run (ARM and journal) fails from then on.</summary>
    public bool Killed { get; private set; }

    /// <summary>Kills the process now: nothing it does afterwards reaches ARM or the journal. Returns the exception to throw.</summary>
    public Exception Kill()
    {
        Killed = true;
        return new ProcessKilledException();
    }

    /// <summary>The process starts again: calls work again (what ARM accepted before the kill went on without it).</summary>
    public void Restart()
    {
        _pid++;
        Killed = false;
        Before = null;
        After = null;
    }

    private void Alive()
    {
        if (Killed)
        {
            throw new ProcessKilledException();
        }
    }

    public int Count(string operation)
    {
        lock (_gate)
        {
            return Writes.Count(w => w.Split(' ')[0] == operation);
        }
    }

    /// <summary>Fails the first <paramref name="operation"/> with <paramref name="error"/> (before it is done).</summary>
    public void FailOnce(string operation, Exception error)
    {
        var fired = false;
        var previous = Before;
        Before = op =>
        {
            if (fired || op != operation)
            {
                return previous?.Invoke(op);
            }

            fired = true;
            return error;
        };
    }

    public static GenImageException ArmFailure(string what, string code = "InternalServerError", int status = 500) =>
        new("Arm" + code, status >= 500 ? GenImageErrorKind.ResourceUnavailable : GenImageErrorKind.InvalidOperation, $"Could not {what}: ARM answered {status} {code}")
        { ArmErrorCode = code, HttpStatus = status };

    private void Write(string operation, string resource, Action apply, AcceptedOperation? accepted = null)
    {
        Alive();
        if (Before?.Invoke(operation) is { } before)
        {
            throw before;
        }

        lock (_gate)
        {
            apply();
            Writes.Add(operation + " " + resource);
            CorrelationIds.Add(CallScope.Current?.CorrelationId);
        }
        // ARM's answer reaches the pipeline (which reports an accepted operation) before anything can go wrong after it.
        if (accepted != null)
        {
            CallScope.Current?.OperationAccepted?.Invoke(accepted);
        }

        if (After?.Invoke(operation) is { } after)
        {
            throw after;
        }
    }

    private static GenImageException NotFound(string id) =>
        new(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound, $"'{id}' was not found.") { Target = id, HttpStatus = 404 };

    private static SourceVm Copy(SourceVm v) => new()
    {
        Id = v.Id, Name = v.Name, ResourceGroupName = v.ResourceGroupName, SubscriptionId = v.SubscriptionId, Location = v.Location, VmSize = v.VmSize,
        OsType = v.OsType, OsName = v.OsName, HyperVGeneration = v.HyperVGeneration, SecurityType = v.SecurityType, PowerState = v.PowerState,
        OsState = v.OsState, ProvisioningState = v.ProvisioningState, AgentStatus = v.AgentStatus, AgentVersion = v.AgentVersion,
        OsDiskId = v.OsDiskId, OsDiskSizeGB = v.OsDiskSizeGB, OsDiskStorageAccountType = v.OsDiskStorageAccountType,
        Tags = new Dictionary<string, string>(v.Tags, StringComparer.OrdinalIgnoreCase),
    };

    // ---------------------------------------------------------------- IVmOperations

    public Task<SourceVm> GetAsync(string vmId, CancellationToken cancellationToken)
    {
        Alive();
        lock (_gate)
        {
            return Vms.TryGetValue(vmId, out var vm) ? Task.FromResult(Copy(vm)) : throw NotFound(vmId);
        }
    }

    public Task StartAsync(string vmId, CancellationToken cancellationToken)
    {
        Alive();
        Write("start", vmId, () => Vms[vmId].PowerState = "running");
        return Task.CompletedTask;
    }

    public Task DeallocateAsync(string vmId, CancellationToken cancellationToken)
    {
        Alive();
        Write("deallocate", vmId, () => Vms[vmId].PowerState = "deallocated");
        return Task.CompletedTask;
    }

    public Task GeneralizeAsync(string vmId, CancellationToken cancellationToken)
    {
        Alive();
        if (Vms[vmId].PowerState == "running")
        {
            throw new GenImageException("ArmOperationNotAllowed", GenImageErrorKind.InvalidOperation, "The VM is running.") { ArmErrorCode = "OperationNotAllowed", HttpStatus = 409 };
        }

        Write("generalize", vmId, () => Vms[vmId].OsState = "generalized");
        return Task.CompletedTask;
    }

    /// <summary>The answer of a script, by its marker line; preparing a guest shuts it down as the real scripts do.</summary>
    public Task<RunCommandOutput> RunCommandAsync(string vmId, string commandId, IReadOnlyList<string> script, CancellationToken cancellationToken)
    {
        Alive();
        cancellationToken.ThrowIfCancellationRequested();
        var marker = script.FirstOrDefault(l => l.Contains("genimage-script:", StringComparison.Ordinal)) ?? string.Empty;
        if (marker.Contains("inspect-", StringComparison.Ordinal))
        {
            // Read-only: not a write.
            return Task.FromResult(new RunCommandOutput(
                "GENIMAGE-RESULT {\"script\":\"inspect-linux\",\"status\":\"succeeded\",\"message\":\"Inspected /: no provisioning leftovers found.\",\"facts\":" +
                "{\"root\":\"/\",\"osRelease\":\"Ubuntu 22.04.4 LTS\",\"sshHostKeys\":[],\"machineId\":false,\"adminUsers\":[],\"shellHistory\":[],\"cloudInitState\":[]," +
                "\"waagentState\":[],\"waagentInstalled\":true,\"waagentVersion\":\"2.9.1.1\",\"agentConfigured\":true,\"truncatedLists\":[]}}\n", string.Empty));
        }
        if (marker.Contains("prepare-", StringComparison.Ordinal))
        {
            const string prepared = "GENIMAGE-RESULT {\"script\":\"prepare-linux\",\"status\":\"succeeded\",\"message\":\"Deprovisioning scheduled.\",\"deprovision\":\"scheduled\"}\n";
            // The Run Command is accepted and keeps running in the guest whatever the caller does: it ends after
            // PreparationPolls reads of its state, and the guest then shuts down.
            var url = $"fake://operations/{Guid.NewGuid():N}";
            Write("prepare", vmId, () => _running[url] = (PreparationPolls, prepared, () => Vms[vmId].PowerState = "stopped"),
                new AcceptedOperation { Method = "POST", Path = vmId + "/runCommand", StatusUrl = url });
            return WaitForGuestAsync(url, cancellationToken);
        }
        if (ProbeFailures.Count > 0)
        {
            var code = ProbeFailures.Dequeue();
            throw new GenImageException("Arm" + code, GenImageErrorKind.InvalidOperation, $"Run command could not start: {code}.") { ArmErrorCode = code, HttpStatus = code == "Conflict" ? 409 : 500 };
        }
        Write("probe", vmId, () => { });
        return Task.FromResult(new RunCommandOutput(ProbeStdOut, string.Empty));
    }

    /// <summary>A preparation Run Command ends after this many reads of its state (it outlives a caller that stops waiting).</summary>
    public int PreparationPolls { get; set; } = 1;
    /// <summary>An ARM code a preparation Run Command ends Failed with although the guest did the work and shut down (the answer was lost).</summary>
    public string? PreparationAnswerLostWith { get; set; }

    private readonly Dictionary<string, (int PollsLeft, string StdOut, Action Complete)> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OperationState> _ended = new(StringComparer.Ordinal);

    private async Task<RunCommandOutput> WaitForGuestAsync(string url, CancellationToken cancellationToken)
    {
        while (true)
        {
            var state = await GetAsync(new AcceptedOperation { StatusUrl = url }, cancellationToken);
            if (!state.IsRunning)
            {
                return new RunCommandOutput(state.StdOut ?? string.Empty, string.Empty);
            }

            await Task.Delay(1, cancellationToken);
        }
    }

    /// <summary>IOperationMonitor: each read brings a running operation one step closer to its end.</summary>
    public Task<OperationState> GetAsync(AcceptedOperation operation, CancellationToken cancellationToken)
    {
        Alive();
        lock (_gate)
        {
            var url = operation.StatusUrl ?? operation.ResultUrl ?? string.Empty;
            if (_ended.TryGetValue(url, out var done))
            {
                return Task.FromResult(done);
            }

            if (!_running.TryGetValue(url, out var op))
            {
                return Task.FromResult(new OperationState { Status = "Unknown" });
            }

            if (op.PollsLeft > 1)
            {
                _running[url] = (op.PollsLeft - 1, op.StdOut, op.Complete);
                return Task.FromResult(new OperationState { Status = "InProgress" });
            }
            _running.Remove(url);
            op.Complete();
            var state = PreparationAnswerLostWith is { } code && op.StdOut.Contains("prepare-", StringComparison.Ordinal)
                ? new OperationState { Status = "Failed", Error = $"{code}: An internal execution error occurred. Please retry later." }
                : new OperationState { Status = "Succeeded", StdOut = op.StdOut };
            _ended[url] = state;
            return Task.FromResult(state);
        }
    }

    public string ProbeStdOut { get; set; } = "GENIMAGE-RESULT {\"script\":\"probe\",\"status\":\"succeeded\",\"message\":\"nginx answers\"}\n";

    // ---------------------------------------------------------------- IGalleryOperations

    public Task<string?> GetResourceGroupLocationAsync(string resourceGroup, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(string.Equals(resourceGroup, Rg, StringComparison.OrdinalIgnoreCase) ? "westeurope" : null);

    public Task<ImageGallery?> GetGalleryAsync(string resourceGroup, string gallery, CancellationToken cancellationToken)
    {
        Alive();
        lock (_gate)
        {
            return Task.FromResult(Galleries.TryGetValue(gallery, out var g) ? g : null);
        }
    }

    public Task<ImageGallery> CreateGalleryAsync(string resourceGroup, string gallery, string location, CancellationToken cancellationToken)
    {
        Alive();
        var g = new ImageGallery { Id = GalleryIds.Gallery(Sub, resourceGroup, gallery), Name = gallery, ResourceGroupName = resourceGroup, Location = location, ProvisioningState = "Succeeded" };
        Write("createGallery", g.Id, () => Galleries[gallery] = g);
        return Task.FromResult(g);
    }

    public Task<GalleryImageDefinition?> GetDefinitionAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken)
    {
        Alive();
        lock (_gate)
        {
            return Task.FromResult(Definitions.TryGetValue(GalleryIds.Definition(Sub, resourceGroup, gallery, definition), out var d) ? d : null);
        }
    }

    public Task<IReadOnlyList<GalleryImageDefinition>> ListDefinitionsAsync(string resourceGroup, string gallery, CancellationToken cancellationToken)
    {
        Alive();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<GalleryImageDefinition>>(Definitions.Values.Where(d => d.GalleryName == gallery).ToList());
        }
    }

    public Task<GalleryImageDefinition> CreateDefinitionAsync(GalleryImageDefinition definition, CancellationToken cancellationToken)
    {
        Alive();
        definition.ProvisioningState = "Succeeded";
        if (string.IsNullOrEmpty(definition.Location))
        {
            definition.Location = "westeurope";
        }

        Write("createDefinition", definition.Id, () => Definitions[definition.Id] = definition);
        return Task.FromResult(definition);
    }

    public int VersionReads { get; private set; }

    public Task<GalleryImageVersion?> GetVersionAsync(string versionId, bool withReplicationStatus, CancellationToken cancellationToken)
    {
        Alive();
        lock (_gate)
        {
            VersionReads++;
            return Task.FromResult(Versions.TryGetValue(versionId, out var v) ? Clone(Advance(v)) : null);
        }
    }

    /// <summary>Puts a version back into Creating for <paramref name="polls"/> more reads (an interrupted create still provisioning).</summary>
    public void StillProvisioning(string versionId, int polls)
    {
        lock (_gate)
        {
            Versions[versionId].ProvisioningState = "Creating";
            _polls[versionId] = 0;
            CreatingPolls = polls;
        }
    }

    public Task<VersionPoll> PollVersionAsync(string versionId, CancellationToken cancellationToken)
    {
        Alive();
        lock (_gate)
        {
            return Task.FromResult(new VersionPoll(Clone(Advance(Versions[versionId])), null));
        }
    }

    private readonly Dictionary<string, int> _polls = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A version replicates as it is read: Creating for <see cref="CreatingPolls"/> reads, then Succeeded.</summary>
    private GalleryImageVersion Advance(GalleryImageVersion v)
    {
        if (v.ProvisioningState != "Creating")
        {
            return v;
        }

        var polls = _polls.TryGetValue(v.Id, out var p) ? p + 1 : 1;
        _polls[v.Id] = polls;
        if (polls <= CreatingPolls)
        {
            return v;
        }

        v.ProvisioningState = "Succeeded";
        v.ReplicationState = "Completed";
        foreach (var r in v.Regions) { r.State = "Completed"; r.Progress = 100; }
        return v;
    }

    public Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken)
    {
        Alive();
        var prefix = GalleryIds.Definition(Sub, resourceGroup, gallery, definition) + "/versions/";
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<GalleryImageVersion>>(Versions.Values.Where(v => v.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Select(Clone).ToList());
        }
    }

    public Task<TimeSpan?> BeginCreateVersionAsync(string versionId, VersionCreateRequest request, CancellationToken cancellationToken)
    {
        Alive();
        var a = GalleryIds.ParseVersion(versionId);
        var v = new GalleryImageVersion
        {
            Id = versionId, SubscriptionId = Sub, ResourceGroupName = a.ResourceGroupName, GalleryName = a.GalleryName, DefinitionName = a.DefinitionName,
            Name = a.VersionName, Location = request.Location, ProvisioningState = "Creating", ReplicationState = "InProgress",
            ExcludeFromLatest = request.ExcludeFromLatest, EndOfLifeDate = request.EndOfLifeDate, SourceId = request.SourceId,
            Regions = request.TargetRegions.Select(t => new RegionReplication { Region = t.Name, ReplicaCount = t.ReplicaCount, StorageAccountType = t.StorageAccountType, State = "Replicating" }).ToList(),
        };
        foreach (var t in request.Tags)
        {
            v.Tags[t.Key] = t.Value;
        }

        Write("publish", versionId, () => Versions[versionId] = v);
        return Task.FromResult<TimeSpan?>(null);
    }

    public Task<GalleryImageVersion> UpdateVersionAsync(string versionId, VersionUpdateRequest request, CancellationToken cancellationToken)
    {
        Alive();
        var v = Versions[versionId];
        Write("updateVersion", versionId, () =>
        {
            if (request.ExcludeFromLatest != null)
            {
                v.ExcludeFromLatest = request.ExcludeFromLatest.Value;
            }

            if (request.EndOfLifeDate != null)
            {
                v.EndOfLifeDate = request.EndOfLifeDate;
            }

            if (request.Tags != null)
            {
                v.Tags = new Dictionary<string, string>(request.Tags, StringComparer.OrdinalIgnoreCase);
            }
        });
        return Task.FromResult(Clone(v));
    }

    public Task DeleteVersionAsync(string versionId, CancellationToken cancellationToken)
    {
        Alive();
        Write("deleteVersion", versionId, () => Versions.Remove(versionId));
        return Task.CompletedTask;
    }

    public Task<ManagedImage?> GetManagedImageAsync(string imageId, CancellationToken cancellationToken) => Task.FromResult<ManagedImage?>(null);

    public Task<ManagedImage> CreateManagedImageAsync(string imageId, string location, string sourceVmId, string? hyperVGeneration, IDictionary<string, string> tags, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Recipes do not capture managed images.");

    private static GalleryImageVersion Clone(GalleryImageVersion v)
    {
        var c = new GalleryImageVersion
        {
            Id = v.Id, SubscriptionId = v.SubscriptionId, ResourceGroupName = v.ResourceGroupName, GalleryName = v.GalleryName, DefinitionName = v.DefinitionName,
            Name = v.Name, Location = v.Location, ProvisioningState = v.ProvisioningState, ReplicationState = v.ReplicationState,
            ExcludeFromLatest = v.ExcludeFromLatest, EndOfLifeDate = v.EndOfLifeDate, SourceId = v.SourceId,
            Regions = v.Regions.Select(r => new RegionReplication { Region = r.Region, ReplicaCount = r.ReplicaCount, StorageAccountType = r.StorageAccountType, ExcludeFromLatest = r.ExcludeFromLatest, State = r.State, Progress = r.Progress, Details = r.Details }).ToList(),
        };
        foreach (var t in v.Tags)
        {
            c.Tags[t.Key] = t.Value;
        }

        return c;
    }

    public GalleryImageVersion AddVersion(string definition, string name, bool excluded = false)
    {
        var v = new GalleryImageVersion
        {
            Id = GalleryIds.Version(Sub, Rg, GalleryName, definition, name), SubscriptionId = Sub, ResourceGroupName = Rg, GalleryName = GalleryName,
            DefinitionName = definition, Name = name, Location = "westeurope", ProvisioningState = "Succeeded", ReplicationState = "Completed", ExcludeFromLatest = excluded,
            Regions = { new RegionReplication { Region = "westeurope", ReplicaCount = 1, StorageAccountType = "Standard_LRS", State = "Completed", Progress = 100 } },
        };
        Versions[v.Id] = v;
        return v;
    }

    // ---------------------------------------------------------------- IDeploymentOperations

    public async Task<ValidationImage> GetImageAsync(string imageId, CancellationToken cancellationToken)
    {
        Alive();
        var version = await GetVersionAsync(imageId, true, cancellationToken).ConfigureAwait(false) ?? throw NotFound(imageId);
        var definition = Definitions[version.DefinitionId];
        return new ValidationImage
        {
            Id = version.Id, Kind = "GalleryImageVersion", Name = version.Name, ResourceGroupName = version.ResourceGroupName, Location = version.Location,
            OsType = definition.OsType, OsState = definition.OsState, HyperVGeneration = definition.HyperVGeneration, SecurityType = definition.SecurityType,
            AvailableRegions = version.Regions.Where(r => r.State == "Completed").Select(r => r.Region).ToList(),
            RegionStates = version.Regions.ToDictionary(r => r.Region, r => r.State, StringComparer.OrdinalIgnoreCase),
        };
    }

    public Task RecordOnImageAsync(string imageId, KeyValuePair<string, string> tag, CancellationToken cancellationToken)
    {
        var v = Versions.TryGetValue(imageId, out var found) ? found : throw NotFound(imageId);
        Write("recordOnImage", imageId, () => v.Tags[tag.Key] = tag.Value);
        return Task.CompletedTask;
    }

    public Task BeginCreateVmAsync(ValidationVmSpec spec, CancellationToken cancellationToken)
    {
        Alive();
        Write("createVm", spec.VmId, () =>
        {
            if (CreateFailures.Count > 0)
            {
                _createFailure[spec.VmId] = CreateFailures.Dequeue();
            }

            Vms[spec.VmId] = new SourceVm
            {
                Id = spec.VmId, Name = spec.Name, ResourceGroupName = spec.ResourceGroupName, SubscriptionId = spec.SubscriptionId, Location = spec.Location,
                OsType = spec.OsType, PowerState = "running", ProvisioningState = ValidationBoots ? "Succeeded" : "Failed", AgentStatus = ValidationBoots ? "Ready" : null,
                Tags = new Dictionary<string, string>(spec.Tags, StringComparer.OrdinalIgnoreCase),
            };
            Resources.Add(spec.OsDiskId);
            if (spec.NicId != null)
            {
                Resources.Add(spec.NicId);
            }
        });
        return Task.CompletedTask;
    }

    public Task WaitForCreateAsync(string vmId, CancellationToken cancellationToken)
    {
        Alive();
        if (_createFailure.TryGetValue(vmId, out var code))
        {
            throw new GenImageException("Arm" + code, GenImageErrorKind.ResourceUnavailable, $"The create of {vmId} failed: {code}. Please retry later.") { ArmErrorCode = code, Target = vmId };
        }

        if (!ValidationBoots)
        {
            throw new GenImageException("ArmOSProvisioningTimedOut", GenImageErrorKind.InvalidOperation, "OS Provisioning for VM did not finish in the allotted time.")
            { ArmErrorCode = "OSProvisioningTimedOut", Target = vmId };
        }

        return Task.CompletedTask;
    }

    public Task<ValidationVmStatus> GetVmStatusAsync(string vmId, CancellationToken cancellationToken)
    {
        Alive();
        lock (_gate)
        {
            return Task.FromResult(Vms.TryGetValue(vmId, out var vm)
                ? new ValidationVmStatus { Exists = true, ProvisioningState = vm.ProvisioningState, PowerState = vm.PowerState, AgentStatus = vm.AgentStatus }
                : new ValidationVmStatus { Exists = false });
        }
    }

    public Task<System.IO.Stream?> OpenSerialLogAsync(string vmId, CancellationToken cancellationToken) =>
        Task.FromResult<System.IO.Stream?>(new System.IO.MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            ValidationBoots ? "[    0.000000] Linux version 5.15\ncloud-init: provisioning finished\nlogin:\n" : "waiting for provisioning\n")));

    public Task DeleteVmAsync(string vmId, CancellationToken cancellationToken)
    {
        Alive();
        if (!Vms.ContainsKey(vmId))
        {
            return Task.CompletedTask;
        }

        Write("deleteVm", vmId, () =>
        {
            Vms.Remove(vmId);
            var name = vmId[(vmId.LastIndexOf('/') + 1)..];
            Resources.RemoveWhere(r => r.EndsWith("/" + name + "-osdisk", StringComparison.OrdinalIgnoreCase) || r.EndsWith("/" + name + "-nic", StringComparison.OrdinalIgnoreCase));
        });
        return Task.CompletedTask;
    }

    public Task DeleteResourceAsync(string resourceId, CancellationToken cancellationToken)
    {
        Alive();
        if (!Resources.Contains(resourceId))
        {
            return Task.CompletedTask;
        }

        Write("deleteResource", resourceId, () => Resources.Remove(resourceId));
        return Task.CompletedTask;
    }

    public Task<bool> ResourceExistsAsync(string resourceId, CancellationToken cancellationToken)
    {
        Alive();
        lock (_gate)
        {
            return Task.FromResult(Resources.Contains(resourceId) || Vms.ContainsKey(resourceId));
        }
    }

    /// <summary>Validation VMs (and their disks and NICs) that still exist.</summary>
    public IReadOnlyList<string> ValidationLeftovers()
    {
        lock (_gate)
        {
            return Vms.Keys.Where(k => k.Contains("/virtualMachines/giv-", StringComparison.OrdinalIgnoreCase)).Concat(Resources).ToList();
        }
    }

    // ---------------------------------------------------------------- IEvidenceSource

    Task<GalleryImageVersion?> IEvidenceSource.GetVersionAsync(string versionId, CancellationToken cancellationToken) => GetVersionAsync(versionId, true, cancellationToken);

    Task<GalleryImageDefinition?> IEvidenceSource.GetDefinitionAsync(string definitionId, CancellationToken cancellationToken)
    {
        Alive();
        lock (_gate)
        {
            return Task.FromResult(Definitions.TryGetValue(definitionId, out var d) ? d : null);
        }
    }

    Task<SourceVm?> IEvidenceSource.GetVmAsync(string vmId, CancellationToken cancellationToken)
    {
        Alive();
        lock (_gate)
        {
            return Task.FromResult(Vms.TryGetValue(vmId, out var vm) ? Copy(vm) : null);
        }
    }

    public Task<IReadOnlyList<ActivityLogEntry>> GetActivityLogAsync(ActivityLogQuery query, CancellationToken cancellationToken)
    {
        Alive();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ActivityLogEntry>>(Writes.Select((w, i) => new ActivityLogEntry
            {
                OperationName = w.Split(' ')[0] + "/action", Caller = "operator@genimage.local", Status = "Succeeded", ResourceId = w.Split(' ')[1],
                Timestamp = DateTimeOffset.UtcNow, CorrelationId = CorrelationIds[i],
            }).ToList());
        }
    }

    public Task<IReadOnlyList<RoleAssignmentEntry>> GetRoleAssignmentsAsync(string scope, CancellationToken cancellationToken)
    {
        Alive();
        WhileCollectingEvidence?.Invoke();
        return Task.FromResult<IReadOnlyList<RoleAssignmentEntry>>(Array.Empty<RoleAssignmentEntry>());
    }

    /// <summary>Runs while the evidence step collects (before it writes the bundle).</summary>
    public Action? WhileCollectingEvidence { get; set; }
}

/// <summary>The "process" was killed: nothing after this reaches ARM or the journal.</summary>
internal sealed class ProcessKilledException : Exception
{
    public ProcessKilledException() : base("The process was killed.") { }
}

/// <summary>A run store that stops working when the fake process is killed, as a killed process writes no journal line.</summary>
internal sealed class KillableRunStore : IRunStore
{
    private readonly IRunStore _inner;
    private readonly FakeCloud _cloud;

    public KillableRunStore(IRunStore inner, FakeCloud cloud)
    {
        _inner = inner;
        _cloud = cloud;
    }

    private T Alive<T>(Func<T> f) => _cloud.Killed ? throw new ProcessKilledException() : f();
    private void Alive(Action a) { if (_cloud.Killed) { throw new ProcessKilledException(); } a(); }

    public string Location(string recipeName) => _inner.Location(recipeName);
    public IReadOnlyList<string> ListRuns(string recipeName) => Alive(() => _inner.ListRuns(recipeName));
    public IReadOnlyList<string> ListRecipes() => Alive(() => _inner.ListRecipes());
    public void CreateRun(string recipeName, string runId) => Alive(() => _inner.CreateRun(recipeName, runId));
    public IReadOnlyList<string> ReadLines(string recipeName, string runId) => Alive(() => _inner.ReadLines(recipeName, runId));
    public void AppendLine(string recipeName, string runId, string line) => Alive(() => _inner.AppendLine(recipeName, runId, line));
    public string JournalLocation(string recipeName, string runId) => _inner.JournalLocation(recipeName, runId);
    public string RunFolder(string recipeName, string runId) => _inner.RunFolder(recipeName, runId);
    public string? ReadLease(string recipeName) => Alive(() => _inner.ReadLease(recipeName));
    public bool TryCreateLease(string recipeName, string content) => Alive(() => _inner.TryCreateLease(recipeName, content));
    public bool TryReplaceLease(string recipeName, string expected, string content) => Alive(() => _inner.TryReplaceLease(recipeName, expected, content));
    public void DeleteLease(string recipeName, string expected) => Alive(() => _inner.DeleteLease(recipeName, expected));
    public bool? LeaseHeld(string recipeName) => Alive(() => _inner.LeaseHeld(recipeName));
    public PublishedEvidence PublishEvidence(string recipeName, string runId, string localFolder) => Alive(() => _inner.PublishEvidence(recipeName, runId, localFolder));
}

/// <summary>Role assignments of the signed-in identity, or a failure to read them.</summary>
internal sealed class FakePermissions : GenImage.Core.Authorization.IPermissionSource
{
    public List<GenImage.Core.Authorization.RoleGrant> Grants { get; } = new();
    public GenImageException? Failure { get; set; }

    public Task<IReadOnlyList<GenImage.Core.Authorization.RoleGrant>> GetGrantsAsync(string principalObjectId, string subscriptionId, CancellationToken cancellationToken) =>
        Failure != null ? throw Failure : Task.FromResult<IReadOnlyList<GenImage.Core.Authorization.RoleGrant>>(Grants);
}
