using System;
using System.Collections.Generic;
using System.Linq;
using GenImage.Core.Diagnosis;

namespace GenImage.Core.Validation;

/// <summary>
/// Turns ARM provisioning failures into what they mean for the image, through the boot-failure catalogue
/// (<see cref="BootSignatureCatalog"/>), with the serial-log lines that support it.
/// </summary>
public static class FailureExplainer
{
    /// <summary>The operator explanation and fix of an ARM error code; a generic one for codes not known.</summary>
    public static string Explain(string? code, string? message, string? osType = null)
    {
        var signature = BootSignatureCatalog.ForCode(code, osType);
        return signature != null
            ? $"{signature.Explanation} {signature.Fix}"
            : $"The validation VM did not provision ({code ?? "no error code"}): {message ?? "no message"}";
    }

    /// <summary>The serial-log lines that support the explanation of <paramref name="code"/> (at most <paramref name="max"/>, in log order).</summary>
    public static IList<string> SupportingLines(string? code, IReadOnlyList<string> log, int max = 10)
    {
        var facts = new BootFacts { ErrorCode = code, ProvisioningState = "Failed", SerialLog = SerialLogText.Parse(string.Join("\n", log)) };
        var match = BootSignatureCatalog.Match(facts);
        var lines = match?.Lines.Select(l => l.Text).ToList() ?? new List<string>();
        return lines.Skip(Math.Max(0, lines.Count - max)).ToList();
    }

    /// <summary>The last <paramref name="tail"/> non-empty lines of a serial log, without control characters.</summary>
    public static IList<string> Tail(string? log, int tail) =>
        SerialLogText.Parse(log).Tail(tail).Select(l => l.Text).ToList();

    /// <summary>The lines of a serial log, cleaned of ANSI escapes and control characters, empty lines dropped.</summary>
    public static IReadOnlyList<string> SplitLines(string log) =>
        SerialLogText.Parse(log).Lines.Where(l => l.Length > 0).ToList();
}
