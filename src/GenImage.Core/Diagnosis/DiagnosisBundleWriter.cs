using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using GenImage.Core.Evidence;

namespace GenImage.Core.Diagnosis;

/// <summary>
/// Writes a boot-diagnosis bundle with the evidence machinery: diagnosis.json, report.md, attachments/ (the whole
/// serial log, the screenshot as PNG, the Activity Log export) and SHA256SUMS over every file. Every text goes
/// through <see cref="Redactor"/>; every gap is in the JSON and the report.
/// </summary>
public static class DiagnosisBundleWriter
{
    public const string DiagnosisFile = "diagnosis.json";
    public const string ReportFile = "report.md";
    public const string AttachmentsFolder = "attachments";
    public const string SerialLogFile = "serial.log";
    public const string ScreenshotFile = "screenshot.png";

    /// <summary>Writes the bundle into <paramref name="folder"/> (created; an earlier bundle's files there are replaced).</summary>
    public static string Write(BootDiagnosisOutcome outcome, string folder)
    {
        if (outcome == null)
        {
            throw new ArgumentNullException(nameof(outcome));
        }

        var d = outcome.Diagnosis;
        var root = Path.GetFullPath(folder);
        Directory.CreateDirectory(root);
        var attachments = Path.Combine(root, AttachmentsFolder);
        var serialTarget = SerialLogPath(root);
        var streamedHere = outcome.SerialLogFile != null && string.Equals(Path.GetFullPath(outcome.SerialLogFile), serialTarget, StringComparison.OrdinalIgnoreCase);
        if (Directory.Exists(attachments))
        {
            // The diagnosis streamed the serial log straight into the bundle: it stays, an earlier bundle's files go.
            foreach (var file in Directory.GetFiles(attachments))
            {
                if (!(streamedHere && string.Equals(Path.GetFullPath(file), serialTarget, StringComparison.OrdinalIgnoreCase)))
                {
                    File.Delete(file);
                }
            }
            foreach (var dir in Directory.GetDirectories(attachments))
            {
                Directory.Delete(dir, true);
            }
        }

        Directory.CreateDirectory(attachments);
        d.BundlePath = root;

        var encoding = new UTF8Encoding(false);
        var files = new List<string>();
        if (outcome.SerialLogFile != null && File.Exists(outcome.SerialLogFile))
        {
            if (!streamedHere)
            {
                File.Copy(outcome.SerialLogFile, serialTarget, true);
            }

            files.Add(SerialLogFile);
        }
        if (outcome.Screenshot != null)
        {
            var png = ScreenshotImage.ToPng(outcome.Screenshot);
            if (png != null)
            {
                File.WriteAllBytes(Path.Combine(attachments, ScreenshotFile), png);
                files.Add(ScreenshotFile);
                d.BootDiagnostics.ScreenshotPath ??= Path.Combine(attachments, ScreenshotFile);
            }
            else
            {
                d.Gaps.Add(new EvidenceGap { Section = "Screenshot", Reason = "The screenshot is neither a PNG nor an uncompressed BMP; it was not attached." });
            }
        }
        File.WriteAllText(Path.Combine(attachments, "activity-log.json"), EvidenceJson.SerializeRedacted(d.ActivityLog), encoding);
        files.Add("activity-log.json");

        File.WriteAllText(Path.Combine(root, DiagnosisFile), EvidenceJson.SerializeRedacted(d), encoding);
        File.WriteAllText(Path.Combine(root, ReportFile), Redactor.Redact(DiagnosisReport.Render(d, files)), encoding);
        Sha256Sums.Write(root);
        return root;
    }

    /// <summary>Where the whole serial log sits in the bundle at <paramref name="folder"/> (attachments/serial.log).</summary>
    public static string SerialLogPath(string folder) => Path.Combine(Path.GetFullPath(folder), AttachmentsFolder, SerialLogFile);

    /// <summary>Saves the screenshot to <paramref name="path"/> as PNG (as it came when it cannot be converted); returns the path written.</summary>
    public static string SaveScreenshot(byte[] screenshot, string path)
    {
        if (screenshot == null)
        {
            throw new ArgumentNullException(nameof(screenshot));
        }

        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(full, ScreenshotImage.ToPng(screenshot) ?? screenshot);
        return full;
    }
}

/// <summary>report.md of a boot diagnosis: the verdict first, then the VM, its boot diagnostics, its image, the Activity Log, the gaps.</summary>
public static class DiagnosisReport
{
    public static string Render(VmBootDiagnosis d, IReadOnlyList<string> attachments)
    {
        var r = new StringBuilder();
        r.AppendLine($"# Boot diagnosis: {d.Name}");
        r.AppendLine();
        r.AppendLine($"Diagnosed {Time(d.DiagnosedAt)} by {d.DiagnosedBy ?? "(unknown principal)"}; diagnosis schema version {d.SchemaVersion}. VM `{d.Id}`.");
        r.AppendLine();
        r.AppendLine("## Verdict");
        r.AppendLine();
        if (d.DiagnosisId == null)
        {
            r.AppendLine("**No failure found.** " + d.Explanation);
        }
        else
        {
            r.AppendLine($"**{d.DiagnosisId}: {d.Title}** (points at: {d.Cause}; [page]({d.HelpUri}))");
            r.AppendLine();
            r.AppendLine(d.Explanation);
            r.AppendLine();
            r.AppendLine("**Fix:** " + d.Fix);
        }
        r.AppendLine();
        if (d.Evidence.Count > 0)
        {
            r.AppendLine("Evidence:");
            r.AppendLine();
            foreach (var e in d.Evidence)
            {
                r.AppendLine("- " + e);
            }

            r.AppendLine();
        }
        r.AppendLine("Checked:");
        r.AppendLine();
        foreach (var c in d.Checked)
        {
            r.AppendLine("- " + c);
        }

        r.AppendLine();

        r.AppendLine("## Gaps");
        r.AppendLine();
        if (d.Gaps.Count == 0)
        {
            r.AppendLine("Every source was read.");
        }

        foreach (var gap in d.Gaps)
        {
            r.AppendLine($"- **{gap.Section}**: {gap.Reason}");
        }

        r.AppendLine();

        r.AppendLine("## VM");
        r.AppendLine();
        r.AppendLine("| | |");
        r.AppendLine("|---|---|");
        r.AppendLine($"| Location, size | {d.Location}, {d.VmSize} |");
        r.AppendLine($"| OS | {d.OsType} {d.OsName}, generation {d.HyperVGeneration ?? "unknown"}, {d.SecurityType} |");
        r.AppendLine($"| Provisioning | {d.ProvisioningState}{(d.ProvisioningErrorCode != null ? $": {d.ProvisioningErrorCode}" : string.Empty)} |");
        if (d.ProvisioningErrorMessage != null)
        {
            r.AppendLine($"| Error message | {Cell(d.ProvisioningErrorMessage)} |");
        }

        r.AppendLine($"| Power state | {d.PowerState} |");
        r.AppendLine($"| Agent | {d.AgentStatus ?? "none"}{(d.AgentVersion != null ? $" ({d.AgentVersion})" : string.Empty)}{(d.AgentMessage != null ? ": " + Cell(d.AgentMessage) : string.Empty)} |");
        r.AppendLine($"| Failed at | {(d.FailedAt.HasValue ? Time(d.FailedAt.Value) : "not failed")} |");
        r.AppendLine($"| Created | {(d.TimeCreated.HasValue ? Time(d.TimeCreated.Value) : "unknown")}, {(d.DeployedGeneralized == false ? "without an osProfile (specialized)" : "with an osProfile (generalized)")} |");
        r.AppendLine();

        var b = d.BootDiagnostics;
        r.AppendLine("## Boot diagnostics");
        r.AppendLine();
        r.AppendLine(b.Enabled ? $"On ({b.Storage}). Serial log: {(b.SerialLogRead ? $"{b.SerialLogLineCount} lines, {b.SerialLogBytes} bytes" : "not read")}; screenshot: {(b.ScreenshotRead ? "read" : "not read")}." : $"Off. Turn them on: `{b.EnableCommand}`.");
        r.AppendLine();
        if (b.MatchedLines.Count > 0)
        {
            r.AppendLine("Matched lines (line number in the serial log; `>` marks the evidence):");
            r.AppendLine();
            r.AppendLine("```");
            foreach (var l in b.MatchedLines)
            {
                r.AppendLine($"{(l.IsEvidence ? ">" : " ")}{l.LineNumber,7}  {l.Text}");
            }

            r.AppendLine("```");
            r.AppendLine();
        }
        if (b.Tail.Count > 0)
        {
            r.AppendLine("Last lines:");
            r.AppendLine();
            r.AppendLine("```");
            foreach (var l in b.Tail)
            {
                r.AppendLine($"{l.LineNumber,8}  {l.Text}");
            }

            r.AppendLine("```");
            r.AppendLine();
        }
        if (attachments.Contains(DiagnosisBundleWriter.ScreenshotFile))
        {
            r.AppendLine($"![screenshot]({DiagnosisBundleWriter.AttachmentsFolder}/{DiagnosisBundleWriter.ScreenshotFile})");
            r.AppendLine();
        }

        var i = d.Image;
        r.AppendLine("## Image lineage");
        r.AppendLine();
        r.AppendLine($"- Image reference ({i.Kind}): `{i.ImageReference ?? "none"}`" + (i.RequestedVersion != null ? $"; asked for {i.RequestedVersion}" : string.Empty) + (i.ExactVersion != null ? $", got {i.ExactVersion}" : string.Empty));
        if (i.Version != null)
        {
            r.AppendLine($"- Version `{i.Version.Id}`: published {(i.Version.PublishedDate.HasValue ? Time(i.Version.PublishedDate.Value) : "unknown")}, {i.Version.ProvisioningState}, {(i.Version.ExcludeFromLatest ? "excluded from latest" : "in latest")}, regions {string.Join(", ", i.Version.Regions.Select(x => $"{x.Region} ({x.State})"))}");
        }

        if (i.Definition != null)
        {
            r.AppendLine($"- Definition `{i.Definition.Id}`: {i.Definition.OsType}, {i.Definition.OsState}, generation {i.Definition.HyperVGeneration}, {i.Definition.SecurityType}");
        }

        if (i.ManagedImage != null)
        {
            r.AppendLine($"- Managed image `{i.ManagedImage.Id}`: {i.ManagedImage.OsType}, {i.ManagedImage.OsState}, generation {i.ManagedImage.HyperVGeneration}");
        }

        if (i.SourceId != null)
        {
            r.AppendLine($"- Source: `{i.SourceId}`" + (i.SourceVm != null ? $" (now {i.SourceVm.PowerState}, {(i.SourceVm.IsGeneralized ? "generalized" : "not generalized")})" : " (no longer exists)"));
        }

        if (i.Preparation != null)
        {
            r.AppendLine($"- Preparation: {i.Preparation}");
        }

        if (i.ReadinessAtPublish != null)
        {
            r.AppendLine($"- {i.ReadinessAtPublish}");
        }

        r.AppendLine();
        if (i.GeneralizeRecord.Count > 0)
        {
            r.AppendLine("Generalize record:");
            r.AppendLine();
            r.AppendLine("| time | caller | operation | status | correlation id |");
            r.AppendLine("|---|---|---|---|---|");
            foreach (var e in i.GeneralizeRecord)
            {
                r.AppendLine($"| {Time(e.Timestamp)} | {Cell(e.Caller)} | {Cell(e.OperationName)} | {e.Status} | {e.CorrelationId} |");
            }

            r.AppendLine();
        }
        r.AppendLine("Validations recorded for the version:");
        r.AppendLine();
        if (i.Validations.Count == 0)
        {
            r.AppendLine("None.");
        }
        else
        {
            r.AppendLine("| region | size | status | diagnosis | time | correlation id |");
            r.AppendLine("|---|---|---|---|---|---|");
            foreach (var v in i.Validations)
            {
                r.AppendLine($"| {v.Region} | {v.VmSize} | {v.Status} | {v.DiagnosisId} | {(v.RecordedAt.HasValue ? Time(v.RecordedAt.Value) : string.Empty)} | {v.CorrelationId} |");
            }
        }
        r.AppendLine();
        if (i.Differences.Count > 0)
        {
            r.AppendLine("How this VM differs:");
            r.AppendLine();
            foreach (var x in i.Differences)
            {
                r.AppendLine("- " + x);
            }

            r.AppendLine();
        }

        r.AppendLine("## Activity Log");
        r.AppendLine();
        r.AppendLine($"Window: {(d.ActivityLogFrom.HasValue ? Time(d.ActivityLogFrom.Value) : "?")} to {(d.ActivityLogTo.HasValue ? Time(d.ActivityLogTo.Value) : "?")}; {d.ActivityLog.Count} event(s).");
        r.AppendLine();
        if (d.ActivityLog.Count > 0)
        {
            r.AppendLine("| time | caller | operation | status | resource | correlation id |");
            r.AppendLine("|---|---|---|---|---|---|");
            foreach (var a in d.ActivityLog)
            {
                r.AppendLine($"| {Time(a.Timestamp)} | {Cell(a.Caller)} | {Cell(a.OperationName)} | {a.Status} | {Cell(EvidenceReport.Short(a.ResourceId))} | {a.CorrelationId} |");
            }

            r.AppendLine();
        }

        r.AppendLine("## Files");
        r.AppendLine();
        r.AppendLine($"- `{DiagnosisBundleWriter.DiagnosisFile}`");
        foreach (var a in attachments)
        {
            r.AppendLine($"- `{DiagnosisBundleWriter.AttachmentsFolder}/{a}`");
        }

        r.AppendLine("- `SHA256SUMS`: check with `sha256sum -c SHA256SUMS` in this folder");
        return r.ToString();
    }

    private static string Time(DateTimeOffset t) => MarkdownText.Time(t);

    private static string Cell(string text) => MarkdownText.Cell(text);
}
