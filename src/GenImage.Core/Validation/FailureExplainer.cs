using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace GenImage.Core.Validation;

/// <summary>Turns ARM provisioning failures into what they mean for the image, with the serial-log lines that support it.</summary>
public static class FailureExplainer
{
    private static readonly (string Code, string Explanation, Regex Evidence)[] Known =
    {
        ("OSProvisioningTimedOut",
            "The VM booted but never finished OS provisioning: the image was probably generalized without Sysprep (Windows) or without waagent/cloud-init deprovisioning (Linux), so the guest did not run the provisioning step. Prepare the source with Invoke-GeneralizeVm -Prepare and publish a new version.",
            new Regex(@"oobe|sysprep|provision|specialize|unattend|cloud-init|waagent|ovf|timed? ?out|hostname|ssh host key", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)),
        ("OSProvisioningClientError",
            "The guest rejected the provisioning data (user name, password or SSH key, or computer name); or the image was not generalized. Check the credential and the image's preparation.",
            new Regex(@"provision|password|user|ssh|unattend|oobe", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)),
        ("VMAgentStatusCommunicationError",
            "The VM booted but its Azure VM agent never reported: the agent is missing, disabled, or blocked from reaching the host (firewall, proxy, or a broken network configuration in the image). Install and enable the agent in the source and publish a new version.",
            new Regex(@"agent|waagent|walinuxagent|WindowsAzureGuestAgent|network|dhcp|firewall|proxy", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)),
        ("AllocationFailed",
            "Azure had no capacity for the size in this region; the image is not at fault. Retry later or choose another -VmSize.",
            new Regex(@"(?!)")),
        ("SkuNotAvailable",
            "The VM size is not offered in this region (or to this subscription); the image is not at fault. Choose another -VmSize.",
            new Regex(@"(?!)")),
        ("GalleryImageNotFound",
            "The image version is not available in this region: it is not replicated there (or replication has not completed). Add the region to the version's target regions and wait for replication.",
            new Regex(@"(?!)")),
        ("InvalidParameter",
            "Azure refused the validation VM's parameters; the message names the one. For a security-type mismatch, the definition's security type does not fit the image's Hyper-V generation.",
            new Regex(@"(?!)")),
    };

    private static readonly Regex ErrorLine = new Regex(@"error|fail|fatal|panic|timed? ?out|exception|denied|refused|cannot|could not|unable",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>The operator explanation of an ARM error code; a generic one for codes not known.</summary>
    public static string Explain(string? code, string? message)
    {
        foreach (var k in Known)
        {
            if (string.Equals(k.Code, code, StringComparison.OrdinalIgnoreCase))
            {
                return k.Explanation;
            }
        }
        return $"The validation VM did not provision ({code ?? "no error code"}): {message ?? "no message"}";
    }

    /// <summary>The serial-log lines that support the explanation of <paramref name="code"/> (at most <paramref name="max"/>, in log order).</summary>
    public static IList<string> SupportingLines(string? code, IReadOnlyList<string> log, int max = 10)
    {
        Regex? evidence = null;
        foreach (var k in Known)
        {
            if (string.Equals(k.Code, code, StringComparison.OrdinalIgnoreCase))
            {
                evidence = k.Evidence;
            }
        }
        var lines = log.Where(l => (evidence != null && evidence.IsMatch(l)) || ErrorLine.IsMatch(l)).ToList();
        return lines.Skip(Math.Max(0, lines.Count - max)).ToList();
    }

    /// <summary>The last <paramref name="tail"/> non-empty lines of a serial log, without control characters.</summary>
    public static IList<string> Tail(string? log, int tail)
    {
        if (string.IsNullOrEmpty(log))
        {
            return new List<string>();
        }

        var lines = SplitLines(log!);
        return lines.Skip(Math.Max(0, lines.Count - tail)).ToList();
    }

    /// <summary>The lines of a serial log, cleaned of ANSI escapes and control characters, empty lines dropped.</summary>
    public static IReadOnlyList<string> SplitLines(string log)
    {
        var ansi = new Regex(@"\x1B\[[0-9;?]*[A-Za-z]", RegexOptions.CultureInvariant);
        return log.Split('\n')
            .Select(l => ansi.Replace(l, string.Empty))
            .Select(l => new string(l.Where(c => !char.IsControl(c) || c == '\t').ToArray()).TrimEnd())
            .Where(l => l.Length > 0)
            .ToList();
    }
}
