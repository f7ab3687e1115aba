using System;
using System.Collections.Generic;
using GenImage.Core.Errors;

namespace GenImage.Core.Validation;

/// <summary>What a validation deployment says about the image.</summary>
public enum ValidationVerdictKind : long
{
    /// <summary>The VM booted, its agent was Ready, and the probe (when there is one) said yes.</summary>
    Passed,
    /// <summary>The image failed: it did not provision or boot, its agent never came up, or the probe said no.</summary>
    ImageFailed,
    /// <summary>Azure had a transient problem (5xx, 429, a dropped connection, InternalExecutionError, AllocationFailed, a probe Run Command that never ran): nothing was learned about the image; try again.</summary>
    Transient,
    /// <summary>The deployment was refused for a reason that is neither the image nor transient (size not offered, quota, a bad subnet): fix it, then try again.</summary>
    NotJudged,
}

/// <summary>
/// Tells a failed image from a failed attempt. Only a failed boot, agent or probe is a verdict on the image; an Azure
/// hiccup is retried, and a refused deployment is fixed — neither may end a recipe run ValidationFailed.
/// </summary>
public static class ValidationVerdicts
{
    /// <summary>ARM codes that say the image itself failed to come up.</summary>
    private static readonly HashSet<string> ImageCodes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "OSProvisioningTimedOut", "OSProvisioningClientError", "VMAgentStatusCommunicationError",
        ValidationErrorIds.ProvisioningTimeout,
    };

    /// <summary>True for an error Azure may not give again: a 5xx or 429, a dropped connection, a transient ARM code.</summary>
    public static bool IsTransient(GenImageException ex) => ArmErrors.IsTransient(ex);

    /// <summary>What one region's deployment says, and why, in an operator's words.</summary>
    public static (ValidationVerdictKind Kind, string Reason) Judge(ValidationResult result)
    {
        if (result == null)
        {
            throw new ArgumentNullException(nameof(result));
        }

        if (result.Succeeded)
        {
            return (ValidationVerdictKind.Passed, "the VM booted");
        }

        if (result.ProbeErrorCode != null)
        {
            // The VM booted; the probe could not be run: that says nothing about the image.
            return (ValidationVerdictKind.Transient, $"the probe Run Command did not run ({result.ProbeErrorCode})");
        }
        if (result.ProbeSucceeded == false)
        {
            return (ValidationVerdictKind.ImageFailed, "the probe reported failure");
        }

        var code = result.ErrorCode ?? string.Empty;
        if (ImageCodes.Contains(code))
        {
            return (ValidationVerdictKind.ImageFailed, code);
        }

        if (ArmErrors.IsTransientCode(code))
        {
            return (ValidationVerdictKind.Transient, code);
        }

        return (ValidationVerdictKind.NotJudged, code.Length == 0 ? result.Outcome : code);
    }
}
