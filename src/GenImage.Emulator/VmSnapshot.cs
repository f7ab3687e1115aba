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

    /// <summary>Name of the long-running operation in progress on the VM, if any (deallocate, powerOff, start, restart, runCommand).</summary>
    public string? PendingOperation { get; init; }
}
