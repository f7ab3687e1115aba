using System;

namespace GenImage.Core.Diagnosis;

/// <summary>
/// What is known about one boot, from ARM and from boot diagnostics: the input of
/// <see cref="BootSignatureCatalog.Match"/>. Everything may be unknown (null); a signature that needs a fact that is
/// unknown does not match on it.
/// </summary>
public sealed class BootFacts
{
    /// <summary>Windows or Linux.</summary>
    public string? OsType { get; set; }

    /// <summary>The VM's provisioning state (Succeeded, Failed, Creating, …).</summary>
    public string? ProvisioningState { get; set; }

    /// <summary>The ARM error code that ended provisioning (OSProvisioningTimedOut, …), or of a refused create.</summary>
    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    /// <summary>The agent's display status: Ready, Not Ready, or null when the instance view has none.</summary>
    public string? AgentStatus { get; set; }

    /// <summary>The agent version the instance view reports; "Unknown" or null when no agent ever reported.</summary>
    public string? AgentVersion { get; set; }

    /// <summary>running, stopped, deallocated, starting, …</summary>
    public string? PowerState { get; set; }

    /// <summary>True when the VM was created with an osProfile (the image deployed as generalized); false without one (as specialized).</summary>
    public bool? DeployedGeneralized { get; set; }

    /// <summary>The OS state of the image the VM came from (Generalized or Specialized), when known.</summary>
    public string? ImageOsState { get; set; }

    /// <summary>The serial log; <see cref="SerialLogText.Empty"/> when there is none.</summary>
    public SerialLogText SerialLog { get; set; } = SerialLogText.Empty;

    internal bool IsWindows => string.Equals(OsType, "Windows", StringComparison.OrdinalIgnoreCase);
    internal bool IsLinux => string.Equals(OsType, "Linux", StringComparison.OrdinalIgnoreCase);

    internal bool CodeIs(string code) => string.Equals(ErrorCode, code, StringComparison.OrdinalIgnoreCase);

    internal bool AgentReady => string.Equals(AgentStatus, "Ready", StringComparison.OrdinalIgnoreCase);

    /// <summary>No agent version was ever reported (the agent is absent or has never run).</summary>
    internal bool AgentNeverReported =>
        string.IsNullOrEmpty(AgentVersion) || string.Equals(AgentVersion, "Unknown", StringComparison.OrdinalIgnoreCase);

    internal bool ProvisioningFailed => string.Equals(ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase);

    internal bool Running => string.Equals(PowerState, "running", StringComparison.OrdinalIgnoreCase);

    /// <summary>The image was deployed as specialized while the guest expected provisioning, or the image is Specialized.</summary>
    internal bool DeployedSpecialized =>
        DeployedGeneralized == false || string.Equals(ImageOsState, "Specialized", StringComparison.OrdinalIgnoreCase);
}
