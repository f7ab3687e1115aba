using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using GenImage.Core.Errors;

namespace GenImage.Core.Evidence;

/// <summary>Raw files that go into a bundle's attachments folder next to the evidence.</summary>
public sealed class EvidenceAttachments
{
    /// <summary>The recipe's text, when the evidence is about a recipe run.</summary>
    public string? RecipeText { get; set; }
    /// <summary>The run journal (JSON lines) as it was when the evidence was collected.</summary>
    public string? JournalText { get; set; }
}

/// <summary>
/// Writes an evidence bundle: evidence.json, report.md, attachments/ (serial logs, Activity Log export,
/// recipe, journal) and SHA256SUMS over every file. Every text goes through <see cref="Redactor"/>.
/// </summary>
public static class EvidenceBundleWriter
{
    public const string EvidenceFile = "evidence.json";
    public const string ReportFile = "report.md";
    public const string AttachmentsFolder = "attachments";

    /// <summary>
    /// Writes the bundle into <paramref name="folder"/> (created; files of an earlier bundle there are replaced).
    /// A file-system failure (full disk, a path through a file, a denied folder) is a GenImage error naming the folder.
    /// </summary>
    public static string Write(ImageEvidence evidence, string folder, EvidenceAttachments? attachments = null)
    {
        if (evidence == null)
        {
            throw new ArgumentNullException(nameof(evidence));
        }

        string root;
        try
        {
            root = Path.GetFullPath(folder);
        }
        catch (Exception ex) when (IoErrors.IsIoFailure(ex) || ex is ArgumentException)
        {
            throw IoErrors.Translate(ex, "write the evidence bundle", folder);
        }
        try
        {
            return WriteBundle(evidence, root, attachments);
        }
        catch (Exception ex) when (IoErrors.IsIoFailure(ex))
        {
            throw IoErrors.Translate(ex, "write the evidence bundle", root);
        }
    }

    private static string WriteBundle(ImageEvidence evidence, string root, EvidenceAttachments? attachments)
    {
        Directory.CreateDirectory(root);
        var attachmentDir = Path.Combine(root, AttachmentsFolder);
        // A run streams each serial log into the attachments before the bundle is written: those stay, the rest goes.
        var inPlace = new HashSet<string>(evidence.Validation.Where(v => v.SerialLogFile != null)
            .Select(v => Path.GetFullPath(v.SerialLogFile!)), StringComparer.OrdinalIgnoreCase);
        if (Directory.Exists(attachmentDir))
        {
            foreach (var file in Directory.GetFiles(attachmentDir, "*", SearchOption.AllDirectories))
            {
                if (!inPlace.Contains(Path.GetFullPath(file)))
                {
                    File.Delete(file);
                }
            }
            foreach (var dir in Directory.GetDirectories(attachmentDir))
            {
                Directory.Delete(dir, true);
            }
        }

        Directory.CreateDirectory(attachmentDir);
        evidence.BundlePath = root;

        var encoding = new UTF8Encoding(false);
        var attached = new List<string>();
        // evidence.json names each serial log by its place in the bundle, with its size and SHA256; the log itself is a
        // file (streamed there by the run, or copied from where an earlier bundle has it), never text in memory.
        var files = evidence.Validation.Select(v => v.SerialLogFile).ToList();
        foreach (var record in evidence.Validation)
        {
            if (record.SerialLogFile == null)
            {
                continue;
            }

            var target = SerialLogPath(root, record.Region);
            var source = Path.GetFullPath(record.SerialLogFile);
            if (!string.Equals(source, target, StringComparison.OrdinalIgnoreCase))
            {
                if (!File.Exists(source))
                {
                    evidence.Gaps.Add(new EvidenceGap { Section = "SerialLog", Reason = $"The serial log of the validation in {record.Region} is no longer at {source}; evidence.json keeps its size and SHA256." });
                    record.SerialLogFile = null;
                    continue;
                }
                File.Copy(source, target, true);
            }
            else if (!File.Exists(target))
            {
                evidence.Gaps.Add(new EvidenceGap { Section = "SerialLog", Reason = $"The serial log of the validation in {record.Region} is missing from the bundle ({target}); evidence.json keeps its size and SHA256." });
                record.SerialLogFile = null;
                continue;
            }
            var name = Path.GetFileName(target);
            record.SerialLogFile = AttachmentsFolder + "/" + name;
            attached.Add(name);
        }
        File.WriteAllText(Path.Combine(attachmentDir, "activity-log.json"), EvidenceJson.SerializeRedacted(evidence.ActivityLog), encoding);
        attached.Add("activity-log.json");
        File.WriteAllText(Path.Combine(attachmentDir, "role-assignments.json"), EvidenceJson.SerializeRedacted(evidence.RoleAssignments), encoding);
        attached.Add("role-assignments.json");
        if (attachments?.RecipeText != null)
        {
            File.WriteAllText(Path.Combine(attachmentDir, "recipe.yaml"), Redactor.Redact(attachments.RecipeText), encoding);
            attached.Add("recipe.yaml");
        }
        if (attachments?.JournalText != null)
        {
            File.WriteAllText(Path.Combine(attachmentDir, "journal.jsonl"), Redactor.Redact(attachments.JournalText), encoding);
            attached.Add("journal.jsonl");
        }

        try
        {
            File.WriteAllText(Path.Combine(root, EvidenceFile), EvidenceJson.SerializeRedacted(evidence), encoding);
            File.WriteAllText(Path.Combine(root, ReportFile), Redactor.Redact(EvidenceReport.Render(evidence, attached)), encoding);
        }
        finally
        {
            // The records keep pointing at the files on disk (the bundle's, or the original when it was not copied).
            for (var i = 0; i < files.Count; i++)
            {
                if (evidence.Validation[i].SerialLogFile != null)
                {
                    evidence.Validation[i].SerialLogFile = Path.Combine(root, evidence.Validation[i].SerialLogFile!.Replace('/', Path.DirectorySeparatorChar));
                }
            }
        }
        Sha256Sums.Write(root);
        return root;
    }

    /// <summary>Where the serial log of the validation in <paramref name="region"/> sits in the bundle at <paramref name="bundleFolder"/>.</summary>
    public static string SerialLogPath(string bundleFolder, string region) =>
        Path.Combine(Path.GetFullPath(bundleFolder), AttachmentsFolder, $"serial-{Safe(region)}.log");

    private static string Safe(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name)
        {
            sb.Append(char.IsLetterOrDigit(c) || c == '-' ? c : '_');
        }

        return sb.Length == 0 ? "region" : sb.ToString();
    }
}

/// <summary>report.md: a report an auditor can read, summary first, then one section per source, gaps said explicitly.</summary>
public static class EvidenceReport
{
    public static string Render(ImageEvidence e, IReadOnlyList<string> attachments)
    {
        var r = new StringBuilder();
        var s = e.Summary;
        var vm = e.SubjectKind == ImageEvidence.SubjectVm;
        r.AppendLine(vm ? $"# VM evidence: {Name(e)}" : $"# Image evidence: {Name(e)}");
        r.AppendLine();
        r.AppendLine($"Generated {Time(e.GeneratedAt)} by {e.GeneratedBy ?? "(unknown principal)"}; evidence schema version {e.SchemaVersion}.");
        r.AppendLine();
        r.AppendLine("## Summary");
        r.AppendLine();
        r.AppendLine("| question | answer |");
        r.AppendLine("|---|---|");
        if (vm)
        {
            r.AppendLine($"| Which VM | {Cell(s.From ?? "unknown")} |");
        }
        else
        {
            r.AppendLine($"| What was built | {Cell(s.Built ?? "nothing was published")} |");
            r.AppendLine($"| From what | {Cell(s.From ?? "unknown")} |");
        }
        r.AppendLine($"| By whom | {Cell(s.By ?? "unknown (see gaps)")} |");
        if (!vm)
        {
            r.AppendLine($"| Did it boot | {(s.Booted == true ? "yes: every validation deployment passed" : s.Booted == false ? "**no**: a validation deployment failed" : "not validated")} |");
            r.AppendLine($"| Where is it replicated | {Cell(s.ReplicatedIn.Count == 0 ? "nowhere" : string.Join(", ", s.ReplicatedIn))} |");
            r.AppendLine($"| Latest | {(s.ExcludedFromLatest ? "excluded from latest" : "included in latest")} |");
        }
        r.AppendLine($"| Owner | {Cell(e.Owner ?? "not tagged")} |");
        r.AppendLine($"| Gaps | {(e.Gaps.Count == 0 ? "none" : $"**{e.Gaps.Count}** (see Gaps)")} |");
        r.AppendLine();

        r.AppendLine("## Gaps");
        r.AppendLine();
        if (e.Gaps.Count == 0)
        {
            r.AppendLine("Every source of evidence was read.");
        }

        foreach (var gap in e.Gaps)
        {
            r.AppendLine($"- **{gap.Section}**: {gap.Reason}");
        }

        r.AppendLine();

        r.AppendLine("## Version");
        r.AppendLine();
        if (e.Version == null)
        {
            r.AppendLine(vm ? "The evidence is about a VM, not an image version." : "No image version (see Gaps).");
        }
        else
        {
            var v = e.Version;
            r.AppendLine($"- Id: `{v.Id}`");
            r.AppendLine($"- Provisioning state: {v.ProvisioningState}; replication: {v.ReplicationState}");
            r.AppendLine($"- Excluded from latest: {(v.ExcludeFromLatest ? "yes" : "no")}; end of life: {(v.EndOfLifeDate.HasValue ? v.EndOfLifeDate.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "not set")}");
            r.AppendLine($"- Published: {(v.PublishedDate.HasValue ? Time(v.PublishedDate.Value) : "unknown")}");
            r.AppendLine();
            r.AppendLine("| region | replicas | storage | state | progress |");
            r.AppendLine("|---|---|---|---|---|");
            foreach (var region in v.Regions)
            {
                r.AppendLine($"| {region.Region} | {region.ReplicaCount} | {region.StorageAccountType} | {region.State} | {region.Progress}% |");
            }
        }
        r.AppendLine();

        r.AppendLine("## Definition");
        r.AppendLine();
        if (e.Definition == null)
        {
            r.AppendLine("Not read (see Gaps).");
        }
        else
        {
            var d = e.Definition;
            r.AppendLine($"- Id: `{d.Id}`");
            r.AppendLine($"- {d.OsType}, {d.OsState}, generation {d.HyperVGeneration}, security type {d.SecurityType}, {d.Architecture}");
            r.AppendLine($"- Identifier: {d.Publisher} / {d.Offer} / {d.Sku}");
        }
        r.AppendLine();

        r.AppendLine(vm ? "## VM" : "## Source");
        r.AppendLine();
        r.AppendLine(vm ? $"- VM id: `{e.Source.SourceId ?? "unknown"}`" : $"- Source id: `{e.Source.SourceId ?? "unknown"}`");
        if (e.Source.Vm != null)
        {
            var source = e.Source.Vm;
            r.AppendLine($"- {(vm ? "VM" : "Source VM")} now: {source.PowerState}, provisioning {source.ProvisioningState}, agent {source.AgentStatus ?? "none"}, OS state {source.OsState ?? "not generalized"}, {source.OsType} {source.OsName}, generation {source.HyperVGeneration}, {source.SecurityType}");
        }
        if (e.Source.BaseImage != null)
        {
            r.AppendLine($"- Marketplace base: `{e.Source.BaseImage}` ({e.Source.BaseImageNote})");
        }
        else if (e.Source.BaseImageNote != null)
        {
            r.AppendLine($"- Marketplace base: {e.Source.BaseImageNote}");
        }
        if (e.Source.GeneralizeSteps.Count > 0)
        {
            r.AppendLine($"- Generalize record (correlation id `{e.Source.GeneralizeCorrelationId}`):");
            foreach (var step in e.Source.GeneralizeSteps)
            {
                r.AppendLine($"  - {step.Name}: {step.Status}{(step.Detail == null ? string.Empty : " — " + step.Detail)}");
            }
        }
        r.AppendLine();

        r.AppendLine("## Readiness");
        r.AppendLine();
        if (e.Readiness.Count == 0)
        {
            r.AppendLine("No readiness findings recorded.");
        }
        else
        {
            r.AppendLine("| rule | severity | status | target | message |");
            r.AppendLine("|---|---|---|---|---|");
            foreach (var f in e.Readiness)
            {
                var status = f.Status.ToString() + (f.Suppressed ? $" (suppressed: {f.SuppressionJustification})" : string.Empty);
                r.AppendLine($"| {f.RuleId} | {f.Severity} | {Cell(status)} | {Cell(Short(f.Target))} | {Cell(f.Message)} |");
            }
        }
        r.AppendLine();

        r.AppendLine("## Validation");
        r.AppendLine();
        if (e.Validation.Count == 0)
        {
            r.AppendLine("No validation deployment recorded.");
        }

        foreach (var v in e.Validation)
        {
            r.AppendLine($"### {v.Region}: {v.Status}");
            r.AppendLine();
            r.AppendLine($"- {v.Message}");
            if (v.VmSize != null)
            {
                r.AppendLine($"- VM size: {v.VmSize}; image: `{v.ImageReference}`");
            }

            if (v.ProbeResult != null)
            {
                r.AppendLine($"- Probe: {v.ProbeResult}");
            }

            if (v.SerialLogExcerpt != null)
            {
                r.AppendLine(v.SerialLogFile != null
                    ? $"- Serial log (last lines; the whole log, {v.SerialLogBytes} bytes, SHA256 {v.SerialLogSha256}: `{v.SerialLogFile.Replace('\\', '/')}`):"
                    : "- Serial log (last lines; the whole log was not saved):");
                r.AppendLine();
                r.AppendLine("```");
                r.AppendLine(v.SerialLogExcerpt.TrimEnd());
                r.AppendLine("```");
            }
            r.AppendLine();
        }

        r.AppendLine("## Activity Log");
        r.AppendLine();
        r.AppendLine($"Window: {(e.ActivityLogFrom.HasValue ? Time(e.ActivityLogFrom.Value) : "?")} to {(e.ActivityLogTo.HasValue ? Time(e.ActivityLogTo.Value) : "?")}; {e.ActivityLog.Count} event(s).");
        r.AppendLine();
        if (e.ActivityLog.Count > 0)
        {
            r.AppendLine("| time | caller | operation | status | resource | correlation id |");
            r.AppendLine("|---|---|---|---|---|---|");
            foreach (var a in e.ActivityLog.OrderBy(a => a.Timestamp))
            {
                r.AppendLine($"| {Time(a.Timestamp)} | {Cell(a.Caller)} | {Cell(a.OperationName)} | {a.Status} | {Cell(Short(a.ResourceId))} | {a.CorrelationId} |");
            }

            r.AppendLine();
        }

        r.AppendLine("## Role assignments");
        r.AppendLine();
        r.AppendLine($"Scope: `{e.RoleAssignmentScope ?? "unknown"}`");
        r.AppendLine();
        if (e.RoleAssignments.Count > 0)
        {
            r.AppendLine("What each principal can do comes from its role definition's actions and notActions (dataActions for data), not from the role's name.");
            r.AppendLine();
            r.AppendLine("| principal | type | role | can | scope |");
            r.AppendLine("|---|---|---|---|---|");
            foreach (var ra in e.RoleAssignments)
            {
                var can = ra.PermissionsRead ? (ra.Capabilities.Count == 0 ? "none of these" : string.Join(", ", ra.Capabilities)) : "unknown (see Gaps)";
                r.AppendLine($"| {Cell(ra.PrincipalDisplayName ?? ra.PrincipalId)} | {ra.PrincipalType} | {Cell(ra.RoleName ?? ra.RoleDefinitionId)} | {can} | {Cell(Short(ra.Scope))}{(ra.Inherited ? " (inherited)" : string.Empty)} |");
            }
            r.AppendLine();
            r.AppendLine("Publish: " + Cell(string.Join(", ", e.RoleAssignments.Where(a => a.Capabilities.Contains("Publish")).Select(a => a.PrincipalDisplayName ?? a.PrincipalId).DefaultIfEmpty("nobody listed"))) + ". " +
                         "Read diagnostics: " + Cell(string.Join(", ", e.RoleAssignments.Where(a => a.Capabilities.Contains("ReadDiagnostics")).Select(a => a.PrincipalDisplayName ?? a.PrincipalId).DefaultIfEmpty("nobody listed"))) + ". " +
                         "Run commands: " + Cell(string.Join(", ", e.RoleAssignments.Where(a => a.Capabilities.Contains("RunCommands")).Select(a => a.PrincipalDisplayName ?? a.PrincipalId).DefaultIfEmpty("nobody listed"))) + ".");
            r.AppendLine();
        }

        r.AppendLine("## Tags");
        r.AppendLine();
        if (e.Tags.Count == 0)
        {
            r.AppendLine("No tags.");
        }

        foreach (var tag in e.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            r.AppendLine($"- {tag.Key}: {Redactor.RedactValue(tag.Key, tag.Value)}");
        }

        r.AppendLine();

        r.AppendLine("## Recipe, run and approvals");
        r.AppendLine();
        if (e.Recipe != null)
        {
            r.AppendLine($"- Recipe `{e.Recipe.Name}` ({e.Recipe.Path}), SHA-256 `{e.Recipe.Sha256}`, owner {e.Recipe.Owner}");
        }
        else
        {
            r.AppendLine("- No recipe recorded.");
        }

        if (e.RunId != null)
        {
            r.AppendLine($"- Run `{e.RunId}`");
        }

        foreach (var step in e.Steps)
        {
            r.AppendLine($"  - {step.Name}: {step.Status}{(step.CorrelationId == null ? string.Empty : $" (correlation id `{step.CorrelationId}`)")}{(step.Message == null ? string.Empty : " — " + step.Message)}");
        }

        if (e.Approvals.Count == 0)
        {
            r.AppendLine("- No approvals recorded.");
        }

        foreach (var a in e.Approvals)
        {
            r.AppendLine($"- Approved by {a.Approver}{(a.Role == null ? string.Empty : $" ({a.Role})")}{(a.ApprovedAt.HasValue ? " on " + a.ApprovedAt.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty)}{(a.Reference == null ? string.Empty : ", " + a.Reference)}");
        }

        r.AppendLine();

        r.AppendLine("## Files");
        r.AppendLine();
        r.AppendLine("- `evidence.json` (docs/schemas/evidence.schema.json)");
        foreach (var a in attachments)
        {
            r.AppendLine($"- `attachments/{a}`");
        }

        r.AppendLine("- `SHA256SUMS`: check with `sha256sum -c SHA256SUMS` in this folder");
        return r.ToString();
    }

    private static string Name(ImageEvidence e) =>
        e.Version != null ? $"{e.Version.GalleryName}/{e.Version.DefinitionName}/{e.Version.Name}"
        : e.SubjectKind == ImageEvidence.SubjectVm && e.Source.Vm != null ? e.Source.Vm.Name
        : Short(e.Subject);

    internal static string Short(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return string.Empty;
        }

        var providers = id!.IndexOf("/providers/", StringComparison.OrdinalIgnoreCase);
        return providers < 0 ? id : id.Substring(providers + "/providers/".Length);
    }

    private static string Time(DateTimeOffset t) => MarkdownText.Time(t);

    private static string Cell(string text) => MarkdownText.Cell(text);
}
