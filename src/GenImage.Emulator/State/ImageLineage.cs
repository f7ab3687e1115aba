using GenImage.Emulator.Resources.VirtualMachines;

namespace GenImage.Emulator.State;

/// <summary>
/// What an image carries from the VM it was captured from: the guest as it was at capture time. VMs created from the
/// image inherit it, and it decides how they provision (see <see cref="Failure"/>).
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

    /// <summary>
    /// The failure every VM from this image meets (a key of <see cref="BootFailures"/>), as the world file declared it;
    /// null when the failure, if any, follows from the guest (see <see cref="Failure"/>).
    /// </summary>
    public string? BootFailure { get; init; }

    /// <summary>
    /// How a VM created from this image fails, or null when it provisions: the declared <see cref="BootFailure"/>, else
    /// what the guest at capture time implies (generalized without preparation: notSysprepped or notDeprovisioned; no
    /// agent: agentMissing; an agent that does not report: agentNotReporting).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Failure
        => BootFailure
           ?? (OsState == "Generalized" && GeneralizedWithPreparedGuest != true ? (IsWindows ? "notSysprepped" : "notDeprovisioned")
               : AgentStatus == "Missing" ? "agentMissing"
               : AgentStatus != "Ready" ? "agentNotReporting"
               : null);
}
