using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace GenImage.Core.Diagnosis;

/// <summary>What a boot failure points at.</summary>
public static class BootCause
{
    /// <summary>The image (its preparation, its content, its definition): publish a fixed version.</summary>
    public const string Image = "Image";

    /// <summary>The deployment (size, region, parameters, capacity): the image is not at fault.</summary>
    public const string Deployment = "Deployment";

    /// <summary>Not determined from the evidence at hand.</summary>
    public const string Unknown = "Unknown";
}

/// <summary>
/// One classic boot failure: a stable id (GI7xxx, a page under docs/diagnoses), what it means for the image and
/// how to fix it, and how to recognise it: the ARM error codes it ends with, the serial-log lines a real guest
/// prints, and facts of the VM and its image.
/// </summary>
public sealed class BootSignature
{
    internal BootSignature(string id, string name, string cause, string? osType, string title, string explanation, string fix)
    {
        Id = id;
        Name = name;
        Cause = cause;
        OsType = osType;
        Title = title;
        Explanation = explanation;
        Fix = fix;
    }

    /// <summary>Stable id, e.g. GI7007. Scripts and tests use it, never the wording.</summary>
    public string Id { get; }

    /// <summary>A short PascalCase name, e.g. KernelPanicNoRootDevice.</summary>
    public string Name { get; }

    /// <summary><see cref="BootCause.Image"/> or <see cref="BootCause.Deployment"/>.</summary>
    public string Cause { get; }

    /// <summary>Windows, Linux, or null for both.</summary>
    public string? OsType { get; }

    public string Title { get; }

    /// <summary>What happened and what it means for the image, in an operator's words.</summary>
    public string Explanation { get; }

    /// <summary>How to fix it.</summary>
    public string Fix { get; }

    /// <summary>Relative path of the signature's page, docs/diagnoses/GI7007.md.</summary>
    public string HelpUri => "docs/diagnoses/" + Id + ".md";

    /// <summary>ARM error codes this failure ends with (empty: any, or none).</summary>
    public IReadOnlyList<string> ArmCodes { get; internal set; } = Array.Empty<string>();

    /// <summary>
    /// Serial-log lines that prove this failure on their own (a real guest prints them only in this case). Any
    /// match makes the signature a candidate whatever the ARM code.
    /// </summary>
    internal IReadOnlyList<Regex> Evidence { get; set; } = Array.Empty<Regex>();

    /// <summary>Serial-log lines that support the diagnosis once made (context around the evidence).</summary>
    internal IReadOnlyList<Regex> Context { get; set; } = Array.Empty<Regex>();

    /// <summary>
    /// A match without serial-log evidence: from the ARM code and the facts of the VM and its image. Null: the
    /// signature needs evidence in the serial log.
    /// </summary>
    internal Func<BootFacts, bool>? StateMatch { get; set; }

    /// <summary>Why <see cref="StateMatch"/> matched, said to the operator.</summary>
    internal Func<BootFacts, string>? StateReason { get; set; }

    /// <summary>Boot-stage order among signatures with serial-log evidence: the earliest stage is the root cause.</summary>
    internal int Stage { get; set; } = 100;

    public override string ToString() => $"{Id} {Title}";
}

/// <summary>A signature that matched, with the serial-log lines and the facts that made it match.</summary>
public sealed class BootSignatureMatch
{
    internal BootSignatureMatch(BootSignature signature)
    {
        Signature = signature;
    }

    public BootSignature Signature { get; }

    /// <summary>The serial-log lines that prove or support it, in log order, with line numbers (at most 30).</summary>
    public IList<SerialLogLine> Lines { get; } = new List<SerialLogLine>();

    /// <summary>Why it matched: the ARM code, the facts, the evidence lines.</summary>
    public IList<string> Reasons { get; } = new List<string>();

    /// <summary>True when serial-log lines prove it; false when it rests on the ARM code and the facts alone.</summary>
    public bool FromSerialLog { get; internal set; }
}
