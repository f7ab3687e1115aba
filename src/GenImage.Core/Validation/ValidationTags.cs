using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace GenImage.Core.Validation;

/// <summary>
/// Validation outcomes recorded on the image version itself, as tags, so that evidence and diagnosis find them without
/// a run journal: one tag per region, <c>genimage.validation.REGION</c> =
/// <c>v1;outcome=Passed;time=2026-01-02T09:30:00Z;region=westeurope;size=Standard_D2s_v5;corr=GUID[;diag=GI7007]</c>.
/// Azure allows 50 tags per resource, names up to 512 characters and values up to 256; a new outcome replaces the
/// region's previous one, at most <see cref="MaxValidationTags"/> regions are kept (the oldest go), and nothing is
/// written when the version's other tags leave no room.
/// </summary>
public static class ValidationTags
{
    public const string Prefix = "genimage.validation.";
    public const string ReadinessTag = "genimage.readiness";
    public const int MaxValidationTags = 10;
    public const int MaxTagsPerResource = 50;
    public const int MaxValueLength = 256;
    private const string Format = "v1";

    /// <summary>The tag for one validation result; null for a cancelled validation (no outcome to record).</summary>
    public static KeyValuePair<string, string>? For(ValidationResult result, DateTimeOffset endedAt)
    {
        if (result == null)
        {
            throw new ArgumentNullException(nameof(result));
        }

        if (string.IsNullOrEmpty(result.Region) || result.Outcome.Length == 0 || result.Outcome == DeploymentValidator.OutcomeCancelled)
        {
            return null;
        }

        var outcome = result.Succeeded ? "Passed" : result.Outcome == DeploymentValidator.OutcomeTimedOut ? "TimedOut" : "Failed";
        var value = new StringBuilder(Format)
            .Append(";outcome=").Append(outcome)
            .Append(";time=").Append(endedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Append(";region=").Append(Clean(result.Region))
            .Append(";size=").Append(Clean(result.VmSize));
        if (!string.IsNullOrEmpty(result.CorrelationId))
        {
            value.Append(";corr=").Append(Clean(result.CorrelationId!));
        }

        if (!result.Succeeded && !string.IsNullOrEmpty(result.DiagnosisId))
        {
            value.Append(";diag=").Append(Clean(result.DiagnosisId!));
        }

        if (!result.Succeeded && !string.IsNullOrEmpty(result.ErrorCode))
        {
            value.Append(";code=").Append(Clean(result.ErrorCode!));
        }

        var text = value.ToString();
        return new KeyValuePair<string, string>(Prefix + Clean(result.Region), text.Length <= MaxValueLength ? text : text.Substring(0, MaxValueLength));
    }

    /// <summary>The tag for a validation record of a run (Passed or Failed); null without a region or a status.</summary>
    public static KeyValuePair<string, string>? For(ValidationRecord record)
    {
        if (record == null)
        {
            throw new ArgumentNullException(nameof(record));
        }

        if (string.IsNullOrEmpty(record.Region) || !(record.Passed || string.Equals(record.Status, "Failed", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var result = new ValidationResult
        {
            Region = record.Region,
            Outcome = record.Passed ? DeploymentValidator.OutcomeSucceeded : DeploymentValidator.OutcomeFailed,
            VmSize = record.VmSize ?? string.Empty,
            CorrelationId = record.CorrelationId,
            DiagnosisId = record.DiagnosisId,
        };
        return For(result, record.RecordedAt ?? DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// The version's tags with <paramref name="tag"/> added (replacing the region's previous outcome); the oldest
    /// validation tags go beyond <see cref="MaxValidationTags"/> or when the resource would pass 50 tags. Null, with
    /// the reason, when even that leaves no room.
    /// </summary>
    public static IDictionary<string, string>? Merge(IDictionary<string, string> existing, KeyValuePair<string, string> tag, out string? refused)
    {
        refused = null;
        var merged = new Dictionary<string, string>(existing, StringComparer.OrdinalIgnoreCase);
        merged[tag.Key] = tag.Value;
        var validation = merged.Where(t => IsValidationTag(t.Key) && !string.Equals(t.Key, tag.Key, StringComparison.OrdinalIgnoreCase))
            .OrderBy(t => TimeOf(t.Value) ?? DateTimeOffset.MinValue)
            .Select(t => t.Key)
            .ToList();
        var i = 0;
        while ((merged.Count(t => IsValidationTag(t.Key)) > MaxValidationTags || merged.Count > MaxTagsPerResource) && i < validation.Count)
        {
            merged.Remove(validation[i++]);
        }
        if (merged.Count > MaxTagsPerResource)
        {
            refused = $"the version already has {existing.Count} tags and Azure allows {MaxTagsPerResource}";
            return null;
        }
        return merged;
    }

    public static bool IsValidationTag(string key) => key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The validations recorded in <paramref name="tags"/>, newest first.</summary>
    public static IList<ValidationRecord> Parse(IDictionary<string, string> tags)
    {
        var records = new List<ValidationRecord>();
        foreach (var tag in tags.Where(t => IsValidationTag(t.Key)))
        {
            var fields = Fields(tag.Value);
            if (!fields.TryGetValue("outcome", out var outcome))
            {
                continue;
            }

            var region = fields.TryGetValue("region", out var r) ? r : tag.Key.Substring(Prefix.Length);
            fields.TryGetValue("size", out var size);
            fields.TryGetValue("diag", out var diagnosis);
            fields.TryGetValue("code", out var code);
            fields.TryGetValue("corr", out var correlation);
            var at = TimeOf(tag.Value);
            var passed = string.Equals(outcome, "Passed", StringComparison.OrdinalIgnoreCase);
            records.Add(new ValidationRecord
            {
                Region = region,
                VmSize = string.IsNullOrEmpty(size) ? null : size,
                Status = passed ? "Passed" : "Failed",
                Message = passed
                    ? $"A validation VM ({size}) booted in {region}" + (at.HasValue ? $" on {at.Value:yyyy-MM-dd HH:mm}Z." : ".")
                    : $"A validation VM ({size}) in {region} {(outcome == "TimedOut" ? "timed out" : "failed")}" + (code != null ? $" ({code})" : string.Empty) + (diagnosis != null ? $", diagnosis {diagnosis}" : string.Empty) + (at.HasValue ? $", on {at.Value:yyyy-MM-dd HH:mm}Z." : "."),
                RecordedAt = at,
                CorrelationId = correlation,
                DiagnosisId = diagnosis,
                Source = "VersionTags",
            });
        }
        return records.OrderByDescending(v => v.RecordedAt ?? DateTimeOffset.MinValue).ToList();
    }

    /// <summary>The value of the genimage.readiness tag for a publish's pre-flight findings.</summary>
    public static string ReadinessValue(IReadOnlyList<ReadinessFinding> findings, bool skipped)
    {
        if (skipped)
        {
            return Format + ";skipped=true";
        }

        var failed = findings.Where(f => f.Status == FindingStatus.Fail).ToList();
        var text = new StringBuilder(Format)
            .Append(";passed=").Append(findings.Count(f => f.Status == FindingStatus.Pass).ToString(CultureInfo.InvariantCulture))
            .Append(";failed=").Append(failed.Count.ToString(CultureInfo.InvariantCulture));
        void Ids(string name, IEnumerable<ReadinessFinding> list)
        {
            var ids = list.Select(f => f.RuleId).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count > 0)
            {
                text.Append(';').Append(name).Append('=').Append(string.Join(",", ids));
            }
        }
        Ids("errors", failed.Where(f => f.Severity == FindingSeverity.Error && !f.Suppressed));
        Ids("suppressed", failed.Where(f => f.Suppressed));
        Ids("warnings", failed.Where(f => f.Severity != FindingSeverity.Error));
        var value = text.ToString();
        return value.Length <= MaxValueLength ? value : value.Substring(0, MaxValueLength);
    }

    /// <summary>The genimage.readiness tag in words; null when the version has none.</summary>
    public static string? DescribeReadiness(IDictionary<string, string> tags)
    {
        var pair = tags.FirstOrDefault(t => string.Equals(t.Key, ReadinessTag, StringComparison.OrdinalIgnoreCase));
        if (pair.Key == null)
        {
            return null;
        }

        var f = Fields(pair.Value);
        if (f.TryGetValue("skipped", out var skipped) && skipped == "true")
        {
            return "The publishing pre-flight was skipped (-SkipPreflight): no readiness findings.";
        }

        var parts = new List<string>();
        if (f.TryGetValue("passed", out var passed))
        {
            parts.Add($"{passed} passed");
        }

        if (f.TryGetValue("failed", out var failed))
        {
            parts.Add($"{failed} failed");
        }

        if (f.TryGetValue("errors", out var errors))
        {
            parts.Add($"errors {errors}");
        }

        if (f.TryGetValue("suppressed", out var suppressed))
        {
            parts.Add($"suppressed {suppressed}");
        }

        if (f.TryGetValue("warnings", out var warnings))
        {
            parts.Add($"warnings {warnings}");
        }

        return "Readiness at publish: " + (parts.Count == 0 ? pair.Value : string.Join("; ", parts)) + ".";
    }

    private static DateTimeOffset? TimeOf(string value) =>
        Fields(value).TryGetValue("time", out var t) && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : (DateTimeOffset?)null;

    private static Dictionary<string, string> Fields(string value)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in (value ?? string.Empty).Split(';'))
        {
            var eq = part.IndexOf('=');
            if (eq > 0)
            {
                fields[part.Substring(0, eq).Trim()] = part.Substring(eq + 1).Trim();
            }
        }
        return fields;
    }

    /// <summary>Tag names may not contain &lt; &gt; % &amp; \ ? /; values here never need ';' or '='.</summary>
    private static string Clean(string? text)
    {
        var sb = new StringBuilder();
        foreach (var c in text ?? string.Empty)
        {
            if (c == ';' || c == '=' || c == '<' || c == '>' || c == '%' || c == '&' || c == '\\' || c == '?' || c == '/')
            {
                continue;
            }

            sb.Append(c);
        }
        return sb.ToString();
    }
}
