using System;
using System.Collections.Generic;
using System.Linq;

namespace GenImage.Core.Readiness;

/// <summary>The kinds of source a gallery image version can be made from.</summary>
internal enum SourceKind
{
    None,
    VirtualMachine,
    ManagedImage,
    GalleryImageVersion,
    Unsupported,
}

/// <summary>The input of one evaluation plus what several rules derive from it.</summary>
internal sealed class RuleContext
{
    public RuleContext(ReadinessInput input)
    {
        Input = input;
        SourceId = input.SourceId ?? input.SourceVm?.Id ?? input.SourceVersion?.Id;
        if (string.IsNullOrEmpty(SourceId))
        {
            SourceId = null;
        }

        Kind = ClassifySource(SourceId, input);
        VersionName = input.VersionName ?? input.Version?.Name;
        if (string.IsNullOrWhiteSpace(VersionName))
        {
            VersionName = null;
        }

        CheckingExistingVersion = input.Version != null && input.VersionName == null;

        if (input.TargetRegions.Count > 0)
        {
            Regions = input.TargetRegions.ToList();
        }
        else if (input.Version != null)
        {
            Regions = input.Version.Regions.Select(r => new TargetRegion
            {
                Name = r.Region,
                ReplicaCount = r.ReplicaCount,
                StorageAccountType = r.StorageAccountType,
                ExcludeFromLatest = r.ExcludeFromLatest,
            }).ToList();
        }
        else
        {
            Regions = new List<TargetRegion>();
        }
    }

    public ReadinessInput Input { get; }

    /// <summary>The source id from the input, the VM or the source version.</summary>
    public string? SourceId { get; }

    public SourceKind Kind { get; }

    /// <summary>The version being checked: the one to create, or the existing one.</summary>
    public string? VersionName { get; }

    /// <summary>Test-ImageReadiness on an existing version (no new version is being created).</summary>
    public bool CheckingExistingVersion { get; }

    /// <summary>Target regions: as asked for, or those of the existing version.</summary>
    public IReadOnlyList<TargetRegion> Regions { get; }

    public SourceVm? Vm => Input.SourceVm;

    public GalleryImageDefinition? Definition => Input.Definition;

    /// <summary>The run prepares the guest before capture.</summary>
    public bool WillPrepare => Input.WillPrepare ?? Input.WillGeneralize;

    public bool DefinitionIsSpecialized =>
        Definition != null && string.Equals(Definition.OsState, "Specialized", StringComparison.OrdinalIgnoreCase);

    public string? SourceOsType => Input.SourceOsType ?? Vm?.OsType ?? Input.Guest?.OsType;

    public string? SourceHyperVGeneration => Input.SourceHyperVGeneration ?? Vm?.HyperVGeneration;

    public string? SourceLocation => Vm?.Location ?? Input.SourceVersion?.Location;

    /// <summary>The target of Source, Definition, Guest and Operations findings.</summary>
    public string SourceTarget => SourceId ?? Vm?.Name ?? "(no source)";

    /// <summary>The target of Definition findings: the definition, or the source when there is none.</summary>
    public string DefinitionTarget => Definition != null && Definition.Id.Length > 0 ? Definition.Id : SourceTarget;

    /// <summary>The target of Version and Regions findings: the version id (existing or to be created).</summary>
    public string VersionTarget
    {
        get
        {
            if (Input.Version != null && Input.Version.Id.Length > 0)
            {
                return Input.Version.Id;
            }

            if (Definition != null && Definition.Id.Length > 0 && VersionName != null)
            {
                return Definition.Id + "/versions/" + VersionName;
            }

            if (Definition != null && Definition.Id.Length > 0)
            {
                return Definition.Id;
            }

            return VersionName ?? SourceTarget;
        }
    }

    private static SourceKind ClassifySource(string? sourceId, ReadinessInput input)
    {
        if (sourceId == null)
        {
            return input.SourceVm != null ? SourceKind.VirtualMachine : SourceKind.None;
        }

        return Classify(sourceId);
    }

    /// <summary>The kind of source a resource id names.</summary>
    public static SourceKind Classify(string id)
    {
        var parts = id.Trim().Trim('/').Split('/');
        // subscriptions/S/resourceGroups/G/providers/Microsoft.Compute/TYPE/NAME[/images/D/versions/V]
        if (parts.Length < 8
            || !parts[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            || !parts[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase)
            || !parts[4].Equals("providers", StringComparison.OrdinalIgnoreCase))
        {
            return SourceKind.Unsupported;
        }
        if (!parts[5].Equals("Microsoft.Compute", StringComparison.OrdinalIgnoreCase))
        {
            return SourceKind.Unsupported;
        }

        var type = parts[6];
        if (parts.Length == 8 && type.Equals("virtualMachines", StringComparison.OrdinalIgnoreCase))
        {
            return SourceKind.VirtualMachine;
        }

        if (parts.Length == 8 && type.Equals("images", StringComparison.OrdinalIgnoreCase))
        {
            return SourceKind.ManagedImage;
        }

        if (parts.Length == 12 && type.Equals("galleries", StringComparison.OrdinalIgnoreCase)
            && parts[8].Equals("images", StringComparison.OrdinalIgnoreCase)
            && parts[10].Equals("versions", StringComparison.OrdinalIgnoreCase))
        {
            return SourceKind.GalleryImageVersion;
        }

        return SourceKind.Unsupported;
    }

    /// <summary>x64 or Arm64 from an explicit value or the VM size; null when unknown.</summary>
    public string? SourceArchitecture(out string basis)
    {
        if (!string.IsNullOrEmpty(Input.SourceArchitecture))
        {
            basis = "given";
            return Input.SourceArchitecture;
        }
        if (Vm?.VmSize is string size && size.Length > 0)
        {
            basis = "VM size " + size;
            return VmSizes.IsArm64(size) ? "Arm64" : "x64";
        }
        basis = "unknown";
        return null;
    }
}
