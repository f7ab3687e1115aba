using System;
using System.Collections.Generic;
using System.Linq;
using GenImage.Core.Errors;

namespace GenImage.Core.Gallery;

/// <summary>Stable error ids of the publishing cmdlets (the cmdlets prefix them with "GenImage.").</summary>
public static class GalleryErrorIds
{
    public const string PreflightFailed = "PreflightFailed";
    public const string InvalidTargetRegion = "InvalidTargetRegion";
    public const string InvalidVersionName = "InvalidVersionName";
    public const string GalleryNotFound = "GalleryNotFound";
    public const string DefinitionNotFound = "GalleryImageDefinitionNotFound";
    public const string DefinitionExists = "GalleryImageDefinitionExists";
    public const string IdentifierInUse = "GalleryImageIdentifierInUse";
    public const string VersionNotFound = "GalleryImageVersionNotFound";
    public const string VersionNotReady = "GalleryImageVersionNotReady";
    /// <summary>safetyProfile.blockDeletionBeforeEndOfLife and an end of life still ahead: Azure refuses the delete.</summary>
    public const string VersionDeletionBlocked = "GalleryImageVersionDeletionBlocked";
    /// <summary>-BlockDeletionBeforeEndOfLife without an end-of-life date blocks nothing.</summary>
    public const string DeletionBlockNeedsEndOfLife = "DeletionBlockNeedsEndOfLife";
    public const string ReplicationFailed = "ReplicationFailed";
    public const string VersionProvisioningFailed = "GalleryImageVersionFailed";
    public const string LatestVersionRemoval = "LatestVersionRemoval";
    public const string UnsupportedSource = "UnsupportedSource";
    public const string ManagedImageExists = "ManagedImageExists";
}

/// <summary>
/// The publishing pre-flight found blocking problems. <see cref="Findings"/> holds every finding of the
/// run (blocking, warnings and passes), so scripts can read the rule ids from the error record.
/// </summary>
public sealed class PreflightException : GenImageException
{
    public PreflightException(string target, IReadOnlyList<ReadinessFinding> findings)
        : base(GalleryErrorIds.PreflightFailed, GenImageErrorKind.InvalidOperation, Describe(target, findings))
    {
        Findings = findings ?? throw new ArgumentNullException(nameof(findings));
        Target = target;
    }

    /// <summary>Every finding of the pre-flight.</summary>
    public IReadOnlyList<ReadinessFinding> Findings { get; }

    /// <summary>The findings that blocked the run.</summary>
    public IReadOnlyList<ReadinessFinding> BlockingFindings => Findings.Where(f => f.IsBlocking).ToList();

    /// <summary>The rule ids of the blocking findings, in rule order.</summary>
    public IReadOnlyList<string> RuleIds => BlockingFindings.Select(f => f.RuleId).ToList();

    private static string Describe(string target, IReadOnlyList<ReadinessFinding> findings)
    {
        var blocking = findings.Where(f => f.IsBlocking).ToList();
        var lines = blocking.Select(f =>
            $"{f.RuleId} {f.Title}: {f.Message}" + (string.IsNullOrEmpty(f.Remediation) ? string.Empty : " Fix: " + f.Remediation));
        return $"The publishing pre-flight refused '{target}' with {blocking.Count} blocking finding(s); nothing was written." +
               Environment.NewLine + string.Join(Environment.NewLine, lines);
    }
}
