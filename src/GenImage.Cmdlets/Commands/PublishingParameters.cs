using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Gallery;

namespace GenImage.Cmdlets.Commands;

/// <summary>Parameter conversions shared by the publishing cmdlets.</summary>
internal static class PublishingParameters
{
    /// <summary>-Tag as a string dictionary (values converted with the invariant culture).</summary>
    /// <summary>The safety profile the bound switches ask for; a switch not given stays null (Azure's default, or unchanged).</summary>
    public static GallerySafetyProfile Safety(IDictionary bound, SwitchParameter blockDeletion, SwitchParameter allowRegionDeletion) => new GallerySafetyProfile
    {
        BlockDeletionBeforeEndOfLife = bound.Contains("BlockDeletionBeforeEndOfLife") ? blockDeletion.IsPresent : null,
        AllowDeletionOfReplicatedLocations = bound.Contains("AllowDeletionOfReplicatedLocation") ? allowRegionDeletion.IsPresent : null,
    };

    public static Dictionary<string, string> Tags(Hashtable? tags)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (tags == null)
        {
            return result;
        }

        foreach (DictionaryEntry entry in tags)
        {
            var key = Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture) ?? string.Empty;
            result[key] = Convert.ToString(Unwrap(entry.Value), CultureInfo.InvariantCulture) ?? string.Empty;
        }
        return result;
    }

    /// <summary>-TargetRegion values (strings or hashtables) parsed, with PowerShell's wrappers removed.</summary>
    public static IList<TargetRegion> Regions(object[]? values, int defaultReplicaCount, string defaultStorageAccountType)
    {
        if (values == null || values.Length == 0)
        {
            return new List<TargetRegion>();
        }

        var plain = values.Select(v =>
        {
            var value = Unwrap(v);
            if (value is IDictionary dictionary)
            {
                var copy = new Hashtable(StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry e in dictionary)
                {
                    copy[Unwrap(e.Key) ?? string.Empty] = Unwrap(e.Value);
                }

                return (object?)copy;
            }
            return value;
        });
        return TargetRegions.ParseAll(plain, defaultReplicaCount, defaultStorageAccountType);
    }

    /// <summary>The version id from -Id (validated) or from the name parameters.</summary>
    public static string VersionId(string subscriptionId, string? id, string? resourceGroup, string? gallery, string? definition, string? name)
    {
        if (id != null)
        {
            GalleryIds.ParseVersion(id);
            return id;
        }
        return GalleryIds.Version(subscriptionId, resourceGroup!, gallery!, definition!, name!);
    }

    public static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    /// <summary>A date as a UTC DateTimeOffset (a date without a zone is read as local time, as Get-Date gives it).</summary>
    public static DateTimeOffset? Date(DateTime? value) => value == null ? (DateTimeOffset?)null : new DateTimeOffset(value.Value.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>The error record of a refused pre-flight: the findings stay on the exception (<c>$_.Exception.Findings</c>).</summary>
    public static ErrorRecord Preflight(PreflightException ex, object? target)
    {
        var record = ErrorRecords.From(ex, target);
        record.ErrorDetails = new ErrorDetails(ex.Message)
        {
            RecommendedAction = "Fix each blocking finding (rule ids " + string.Join(", ", ex.RuleIds) + "); each finding says how (they are in $Error[0].Exception.Findings, " +
                                "and Get-ImageReadinessRule -Id <id> shows the rule's remediation). Test-ImageReadiness checks the same rules again.",
        };
        return record;
    }
}
