using GenImage.Emulator.Providers.Compute;

namespace GenImage.Emulator.Resources.VirtualMachines;

/// <summary>
/// One way a VM fails to boot: what ARM ends its creation with, when, what the agent reports afterwards and what the
/// console shows. The serial-log lines are in <c>SerialConsoleLog</c>. World files name failures by <see cref="Key"/>
/// (a version's <c>boot</c>, a VM's <c>boot.failure</c>); docs/emulator.md lists them.
/// </summary>
internal sealed record BootFailure
{
    public required string Key { get; init; }

    /// <summary>Windows or Linux when the failure happens to one kind of guest only.</summary>
    public string? OsType { get; init; }

    public required string ArmCode { get; init; }

    /// <summary>When ARM ends the creation, in Azure seconds after the create request, given the boot duration.</summary>
    public required Func<double, double> FailAfter { get; init; }

    /// <summary>NotReady or Missing: the guest agent's status once the VM failed.</summary>
    public string AgentStatus { get; init; } = "NotReady";

    /// <summary>False when the guest never reached the point where an agent starts (vmAgentVersion Unknown).</summary>
    public bool AgentEverRan { get; init; }

    /// <summary>The console screenshot's colour (B, G, R).</summary>
    public (byte B, byte G, byte R) Screen { get; init; } = Black;

    public static readonly (byte, byte, byte) Black = (0x00, 0x00, 0x00);
    public static readonly (byte, byte, byte) StopErrorBlue = (0xD7, 0x78, 0x00);
    public static readonly (byte, byte, byte) SetupBlue = (0x80, 0x40, 0x00);
    public static readonly (byte, byte, byte) FirmwareGrey = (0x30, 0x30, 0x30);

    /// <summary>ARM's error message for the VM.</summary>
    public string Message(VirtualMachineState vm) => ArmCode switch
    {
        "OSProvisioningTimedOut" =>
            $"OS Provisioning for VM '{vm.Name}' did not finish in the allotted time. The VM may still finish provisioning successfully. Please check provisioning state later.",
        "VMAgentStatusCommunicationError" =>
            $"VM '{vm.Name}' has not reported status for VM agent or extensions. Please verify the VM has a running VM agent, and can establish outbound connections to Azure storage.",
        "OSProvisioningClientError" when vm.IsWindows =>
            $"OS Provisioning failed for VM '{vm.Name}' due to an error in the guest: The password does not meet the password policy requirements. Check the minimum password length, password complexity and password history requirements.",
        "OSProvisioningClientError" =>
            $"Username specified for the VM is invalid for this Linux distribution. Error details: [000004] Failed to provision: [000007] Failed to create user account:{vm.AdminUsername}, retcode:9, output:useradd: user '{vm.AdminUsername}' already exists\n.",
        _ => $"VM '{vm.Name}' failed: {ArmCode}.",
    };
}

/// <summary>The failures the emulator can reproduce, by world-file key.</summary>
internal static class BootFailures
{
    private static double TimesOut(double boot) => Durations.OsProvisioningTimeout;

    private static readonly BootFailure[] All =
    [
        new() { Key = "notSysprepped", OsType = "Windows", ArmCode = "OSProvisioningTimedOut", FailAfter = TimesOut, AgentEverRan = true, Screen = BootFailure.SetupBlue },
        new() { Key = "sysprepedAsSpecialized", OsType = "Windows", ArmCode = "OSProvisioningTimedOut", FailAfter = TimesOut, Screen = BootFailure.SetupBlue },
        new() { Key = "provisioningClientError", ArmCode = "OSProvisioningClientError", FailAfter = boot => boot + 30, AgentEverRan = true },
        new() { Key = "agentNotReporting", ArmCode = "VMAgentStatusCommunicationError", FailAfter = boot => boot + Durations.AgentStatusTimeout, AgentEverRan = true },
        new() { Key = "generationMismatch", ArmCode = "OSProvisioningTimedOut", FailAfter = TimesOut, Screen = BootFailure.FirmwareGrey },
        new() { Key = "secureBootRejected", OsType = "Linux", ArmCode = "OSProvisioningTimedOut", FailAfter = TimesOut, Screen = BootFailure.FirmwareGrey },
        new() { Key = "kernelPanic", OsType = "Linux", ArmCode = "OSProvisioningTimedOut", FailAfter = TimesOut },
        new() { Key = "fstabMissingDisk", OsType = "Linux", ArmCode = "OSProvisioningTimedOut", FailAfter = TimesOut },
        new() { Key = "cloudInitNoDatasource", OsType = "Linux", ArmCode = "OSProvisioningTimedOut", FailAfter = TimesOut, AgentEverRan = true },
        new() { Key = "agentMissing", ArmCode = "VMAgentStatusCommunicationError", FailAfter = boot => boot + Durations.AgentStatusTimeout, AgentStatus = "Missing" },
        new() { Key = "diskFull", OsType = "Linux", ArmCode = "OSProvisioningTimedOut", FailAfter = TimesOut },
        new() { Key = "noNetwork", OsType = "Linux", ArmCode = "OSProvisioningTimedOut", FailAfter = TimesOut, AgentEverRan = true },
        new() { Key = "notDeprovisioned", OsType = "Linux", ArmCode = "OSProvisioningTimedOut", FailAfter = TimesOut, AgentEverRan = true },
        new() { Key = "windowsSetupFailed", OsType = "Windows", ArmCode = "OSProvisioningTimedOut", FailAfter = TimesOut, Screen = BootFailure.SetupBlue },
    ];

    /// <summary>The world-file keys, in catalogue order.</summary>
    public static IReadOnlyList<string> Keys { get; } = All.Select(f => f.Key).ToArray();

    /// <summary>The failure with this key (case-insensitive), or null.</summary>
    public static BootFailure? Find(string? key) =>
        key is null ? null : All.FirstOrDefault(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase));

    public static BootFailure Get(string key) => Find(key) ?? throw new ArgumentException($"Unknown boot failure '{key}'.", nameof(key));
}
