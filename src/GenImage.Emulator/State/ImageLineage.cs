namespace GenImage.Emulator.State;

/// <summary>
/// What an image carries from the VM it was captured from: the guest as it was at capture time. VMs created from the
/// image inherit it, and it decides how they provision (see <see cref="BootOutcome"/>).
/// </summary>
internal sealed record ImageLineage
{
    public required string SourceVmId { get; init; }
    public required string OsType { get; init; }

    /// <summary>Generalized or Specialized (gallery spelling).</summary>
    public required string OsState { get; init; }

    public required string HyperVGeneration { get; init; }

    /// <summary>The source VM's security type: Standard, TrustedLaunch or ConfidentialVM.</summary>
    public required string SecurityType { get; init; }

    /// <summary>Whether the guest had been prepared (Sysprep / waagent deprovision) when the VM was generalized; null when specialized.</summary>
    public bool? GeneralizedWithPreparedGuest { get; init; }

    public required string AgentStatus { get; init; }
    public required string AgentVersion { get; init; }
    public required string OsName { get; init; }
    public required string OsVersion { get; init; }
    public required bool CloudInit { get; init; }
    public required IReadOnlyList<string> SysprepBlockers { get; init; }
    public required IReadOnlyList<string> Leftovers { get; init; }
    public bool DvdRomDisabled { get; init; }
    public string? Domain { get; init; }
    public required int OsDiskSizeGB { get; init; }
    public string Architecture { get; init; } = "x64";

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsWindows => OsType == "Windows";

    public static ImageLineage FromVm(VirtualMachineState vm) => new()
    {
        SourceVmId = vm.ResourceId,
        OsType = vm.OsType,
        OsState = vm.OsState == "generalized" ? "Generalized" : "Specialized",
        HyperVGeneration = vm.HyperVGeneration,
        SecurityType = vm.SecurityType,
        GeneralizedWithPreparedGuest = vm.OsState == "generalized" ? vm.GeneralizedWithPreparedGuest ?? vm.Guest.Prepared : null,
        AgentStatus = vm.Guest.AgentStatus,
        AgentVersion = vm.Guest.AgentVersion,
        OsName = vm.OsName,
        OsVersion = vm.OsVersion,
        CloudInit = vm.Guest.CloudInit,
        SysprepBlockers = vm.Guest.SysprepBlockers.ToArray(),
        Leftovers = vm.Guest.Leftovers.ToArray(),
        DvdRomDisabled = vm.Guest.DvdRomDisabled,
        Domain = vm.Guest.Domain,
        OsDiskSizeGB = vm.OsDiskSizeGB,
    };

    /// <summary>How a VM created from this image provisions.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public BootOutcome Outcome
        => OsState == "Generalized" && GeneralizedWithPreparedGuest != true ? BootOutcome.OsProvisioningTimedOut
            : AgentStatus != "Ready" ? BootOutcome.AgentNotReporting
            : BootOutcome.Provisions;
}

/// <summary>The error that ends the creation of a VM whose image does not provision.</summary>
internal static class ProvisioningFailures
{
    public static (string Code, string Message) For(BootOutcome outcome, string vmName) => outcome == BootOutcome.OsProvisioningTimedOut
        ? ("OSProvisioningTimedOut",
            $"OS Provisioning for VM '{vmName}' did not finish in the allotted time. The VM may still finish provisioning successfully. Please check provisioning state later.")
        : ("VMAgentStatusCommunicationError",
            $"VM '{vmName}' has not reported status for VM agent or extensions. Please verify the VM has a running VM agent, and can establish outbound connections to Azure storage.");
}

/// <summary>How a VM created from an image ends its creation.</summary>
internal enum BootOutcome
{
    /// <summary>The guest boots, the agent reports Ready, provisioning succeeds.</summary>
    Provisions,

    /// <summary>Generalized without Sysprep / deprovisioning: the guest never signals that OS provisioning finished.</summary>
    OsProvisioningTimedOut,

    /// <summary>The guest boots but no VM agent reports: VMAgentStatusCommunicationError.</summary>
    AgentNotReporting,
}
