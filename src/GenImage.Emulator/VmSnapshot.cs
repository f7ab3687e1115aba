namespace GenImage.Emulator;

/// <summary>A point-in-time copy of an emulated virtual machine, for assertions.</summary>
public sealed record VmSnapshot
{
    public required string SubscriptionId { get; init; }
    public required string ResourceGroup { get; init; }
    public required string Name { get; init; }
    public required string Id { get; init; }
    public required string Location { get; init; }
    public required string Size { get; init; }

    /// <summary>running, stopped, deallocated, starting, stopping or deallocating (the suffix of <c>PowerState/…</c>).</summary>
    public required string PowerState { get; init; }

    /// <summary><c>null</c>, or <c>"generalized"</c> once the VM was generalized.</summary>
    public string? OsState { get; init; }

    /// <summary>Succeeded, or Updating while a power operation runs.</summary>
    public required string ProvisioningState { get; init; }

    /// <summary>Windows or Linux.</summary>
    public required string OsType { get; init; }

    /// <summary>V1 or V2.</summary>
    public required string HyperVGeneration { get; init; }

    /// <summary>Standard, TrustedLaunch or ConfidentialVM.</summary>
    public required string SecurityType { get; init; }

    /// <summary>Whether the guest has been prepared for imaging (Sysprep / waagent deprovision).</summary>
    public required bool GuestPrepared { get; init; }

    /// <summary>Lineage fact recorded by generalize: whether the guest had been prepared at that moment; <c>null</c> before generalize.</summary>
    public bool? GeneralizedWithPreparedGuest { get; init; }

    /// <summary>The agent status the instance view reports now: Ready, NotReady or Missing.</summary>
    public required string AgentStatus { get; init; }

    /// <summary>The agent status the guest reports whenever it is running (from the world file).</summary>
    public required string ConfiguredAgentStatus { get; init; }

    public required bool CloudInit { get; init; }
    public required IReadOnlyList<string> SysprepBlockers { get; init; }
    public required IReadOnlyList<string> Leftovers { get; init; }

    /// <summary>Recognised guest scripts that ran, in order, as <c>name/version:status</c>.</summary>
    public required IReadOnlyList<string> ScriptsRun { get; init; }

    /// <summary>Name of the long-running operation in progress on the VM, if any (deallocate, powerOff, start, restart, runCommand; create or delete for VMs created through PUT).</summary>
    public string? PendingOperation { get; init; }

    /// <summary>The OS disk's name (a <c>Microsoft.Compute/disks</c> resource in the VM's group).</summary>
    public string? OsDiskName { get; init; }

    /// <summary>For a VM created through PUT: the <c>imageReference.id</c> it was created from.</summary>
    public string? ImageReferenceId { get; init; }

    /// <summary>For a VM created from a gallery image: the version used (after "latest" resolution).</summary>
    public string? ResolvedImageVersionId { get; init; }

    /// <summary>The error code that failed provisioning (OSProvisioningTimedOut, VMAgentStatusCommunicationError), if any.</summary>
    public string? ProvisioningErrorCode { get; init; }

    /// <summary>For a VM created through PUT: when the guest finished booting.</summary>
    public DateTimeOffset? BootCompletedAt { get; init; }

    /// <summary>For a VM created through PUT: when the agent first reported Ready (provisioning succeeded).</summary>
    public DateTimeOffset? AgentReadyAt { get; init; }

    /// <summary>For a VM created through PUT: Azure seconds from the request to the booted guest.</summary>
    public double? BootDurationAzureSeconds { get; init; }

    /// <summary>For a VM created through PUT: Azure seconds from the request to the agent reporting Ready.</summary>
    public double? AgentReadyAzureSeconds { get; init; }
}

/// <summary>A point-in-time copy of a gallery image version and its replication, for assertions.</summary>
public sealed record ImageVersionSnapshot
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Location { get; init; }

    /// <summary>Creating, Updating, Succeeded, Failed or Deleting.</summary>
    public required string ProvisioningState { get; init; }

    /// <summary>InProgress, Completed or Failed.</summary>
    public required string AggregatedState { get; init; }

    public required bool ExcludeFromLatest { get; init; }
    public required string SourceId { get; init; }
    public required int OsDiskSizeGB { get; init; }
    public required DateTimeOffset PublishedDate { get; init; }
    public required IReadOnlyList<RegionReplicationSnapshot> Regions { get; init; }
}

/// <summary>Replication of a version to one region.</summary>
public sealed record RegionReplicationSnapshot
{
    /// <summary>ARM location name, e.g. westeurope.</summary>
    public required string Region { get; init; }

    /// <summary>As ARM reports it in <c>replicationStatus.summary[].region</c>, e.g. West Europe.</summary>
    public required string DisplayName { get; init; }

    /// <summary>Replicating, Completed or Failed.</summary>
    public required string State { get; init; }

    /// <summary>0–100.</summary>
    public required int Progress { get; init; }

    public required string Details { get; init; }
    public required int RegionalReplicaCount { get; init; }
    public required string StorageAccountType { get; init; }
    public required bool ExcludeFromLatest { get; init; }
}

/// <summary>A point-in-time copy of a managed disk, for assertions.</summary>
public sealed record DiskSnapshot
{
    public required string Id { get; init; }
    public required string ResourceGroup { get; init; }
    public required string Name { get; init; }
    public required string Location { get; init; }
    public required string OsType { get; init; }
    public required int SizeGB { get; init; }

    /// <summary>The VM it is attached to; null when unattached.</summary>
    public string? ManagedBy { get; init; }

    /// <summary>Attached or Unattached.</summary>
    public required string DiskState { get; init; }
}
