using System;
using System.Collections.Generic;
using System.Linq;

namespace GenImage.Core.Readiness;

/// <summary>GI1001-GI1004: the source itself.</summary>
internal static class SourceRules
{
    /// <summary>OS disk types a gallery image version can be captured from.</summary>
    internal static readonly string[] OsDiskTypes = { "Standard_LRS", "StandardSSD_LRS", "StandardSSD_ZRS", "Premium_LRS", "Premium_ZRS" };

    internal const int GalleryMaxOsDiskGB = 4095;
    internal const int Gen1MaxOsDiskGB = 2048;

    public static void Register(IDictionary<string, Func<RuleContext, Outcome>> map)
    {
        map["GI1001"] = SourceExists;
        map["GI1002"] = OsStateFits;
        map["GI1003"] = NotReused;
        map["GI1004"] = OsDiskLimits;
    }

    internal static string Describe(SourceKind kind) => kind switch
    {
        SourceKind.VirtualMachine => "virtual machine",
        SourceKind.ManagedImage => "managed image",
        SourceKind.GalleryImageVersion => "gallery image version",
        _ => "unsupported resource",
    };

    private static Outcome SourceExists(RuleContext c)
    {
        if (c.Kind == SourceKind.None)
        {
            return Outcome.Skip("no source was given");
        }

        var id = c.SourceId ?? c.SourceTarget;
        if (c.Kind == SourceKind.Unsupported)
        {
            return Outcome.Fail($"'{id}' is not a virtual machine, managed image or gallery image version; a gallery image version cannot be made from it.")
                .With("sourceId", id).With("kind", "unsupported");
        }
        var kind = Describe(c.Kind);
        if (c.Input.SourceLookupError != null)
        {
            return Outcome.Fail($"The source {kind} could not be read: {c.Input.SourceLookupError}")
                .With("sourceId", id).With("kind", kind).With("lookupError", c.Input.SourceLookupError);
        }
        switch (c.Kind)
        {
            case SourceKind.VirtualMachine when c.Vm != null:
                if (string.Equals(c.Vm.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase))
                {
                    return Outcome.Fail($"The source VM '{c.Vm.Name}' exists but its provisioning state is Failed; a failed VM cannot be captured.",
                            remediation: "Repair the VM (redeploy or reapply) until its provisioning state is Succeeded, or build a new source VM.")
                        .With("sourceId", id).With("kind", kind).With("provisioningState", c.Vm.ProvisioningState);
                }
                return Outcome.Pass($"The source is the virtual machine '{c.Vm.Name}' in {c.Vm.Location}.")
                    .With("sourceId", id).With("kind", kind).With("provisioningState", c.Vm.ProvisioningState);
            case SourceKind.GalleryImageVersion when c.Input.SourceVersion != null:
                var state = c.Input.SourceVersion.ProvisioningState;
                if (state.Length > 0 && !string.Equals(state, "Succeeded", StringComparison.OrdinalIgnoreCase))
                {
                    return Outcome.Fail($"The source gallery image version '{c.Input.SourceVersion.Name}' is in provisioning state {state}; only a Succeeded version can be copied.",
                            remediation: "Wait until the source version has finished provisioning, or choose a Succeeded version.")
                        .With("sourceId", id).With("kind", kind).With("provisioningState", state);
                }
                return Outcome.Pass($"The source is the gallery image version '{c.Input.SourceVersion.Name}'.")
                    .With("sourceId", id).With("kind", kind).With("provisioningState", state);
            default:
                if (c.Input.SourceResolved)
                {
                    return Outcome.Pass($"The source is a {kind}.").With("sourceId", id).With("kind", kind);
                }
                return Outcome.Skip($"the source {kind} was not read, so whether it exists is not known")
                    .With("sourceId", id).With("kind", kind);
        }
    }

    private static Outcome OsStateFits(RuleContext c)
    {
        if (c.Kind != SourceKind.VirtualMachine)
        {
            return Outcome.Skip("the source is not a virtual machine");
        }

        if (c.Vm == null)
        {
            return Outcome.Skip("the source VM was not read");
        }

        if (c.Definition == null)
        {
            return Outcome.Skip("no image definition was given");
        }

        var vm = c.Vm;
        var defState = c.Definition.OsState;
        Outcome With(Outcome o) => o.With("vmOsState", vm.OsState ?? "not generalized").With("powerState", vm.PowerState)
            .With("willGeneralize", c.Input.WillGeneralize).With("definitionOsState", defState);

        if (string.Equals(defState, "Generalized", StringComparison.OrdinalIgnoreCase))
        {
            if (vm.IsGeneralized)
            {
                return With(Outcome.Pass($"The VM '{vm.Name}' is generalized, as the Generalized definition requires."));
            }

            if (c.Input.WillGeneralize)
            {
                return With(Outcome.Pass($"The VM '{vm.Name}' is not generalized yet ({vm.PowerState}); this run prepares and generalizes it before capture."));
            }
            return With(Outcome.Fail(
                $"The VM '{vm.Name}' is not generalized ({vm.PowerState}) and this run does not generalize it. Captured into the Generalized definition '{c.Definition.Name}', " +
                "its VMs would fail at first boot with OSProvisioningTimedOut."));
        }
        if (string.Equals(defState, "Specialized", StringComparison.OrdinalIgnoreCase))
        {
            if (vm.IsGeneralized)
            {
                return With(Outcome.Fail(
                    $"The VM '{vm.Name}' is generalized, but the definition '{c.Definition.Name}' is Specialized; VMs made from a generalized disk with a Specialized definition never finish provisioning.",
                    remediation: "Publish the generalized VM to a Generalized definition, or use a VM that was not generalized."));
            }
            return With(Outcome.Pass($"The VM '{vm.Name}' is not generalized, as the Specialized definition requires."));
        }
        return With(Outcome.Skip($"the definition's OS state '{defState}' is neither Generalized nor Specialized (GI2002 reports it)"));
    }

    private static Outcome NotReused(RuleContext c)
    {
        if (c.Vm == null)
        {
            return Outcome.Skip("the source is not a virtual machine that was read");
        }

        var vm = c.Vm;
        if (!vm.IsGeneralized)
        {
            return Outcome.Pass($"The VM '{vm.Name}' is not generalized, so it is not being reused.").With("vmOsState", "not generalized");
        }
        if (c.WillPrepare)
        {
            return Outcome.Fail(
                    $"The VM '{vm.Name}' is already generalized, but this run asks to prepare and generalize it again; a generalized VM cannot be started, so Run Command cannot prepare it.",
                    remediation: "Leave out the prepare/generalize step for this VM (it is generalized already), or build a new source VM.")
                .With("vmOsState", vm.OsState).With("willPrepare", true);
        }
        var earlier = c.Input.ExistingVersions
            .Where(v => v.SourceId != null && string.Equals(v.SourceId.TrimEnd('/'), vm.Id.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            .Where(v => c.Input.Version == null || !string.Equals(v.Name, c.Input.Version.Name, StringComparison.OrdinalIgnoreCase))
            .Select(v => v.Name)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        if (earlier.Count > 0)
        {
            return Outcome.Fail(
                    $"The generalized VM '{vm.Name}' is already the source of version(s) {string.Join(", ", earlier)} of this definition; a new version from it would publish the same content again.")
                .With("vmOsState", vm.OsState).With("versionsFromThisVm", earlier);
        }
        return Outcome.Pass($"The VM '{vm.Name}' is generalized and not the source of an existing version of this definition.")
            .With("vmOsState", vm.OsState).With("versionsFromThisVm", earlier);
    }

    private static Outcome OsDiskLimits(RuleContext c)
    {
        var size = c.Vm?.OsDiskSizeGB ?? c.Input.SourceVersion?.OsDiskSizeGB;
        var type = c.Vm?.OsDiskStorageAccountType;
        if (size == null && type == null)
        {
            return Outcome.Skip("the source's OS disk size and type are not known");
        }

        var generation = c.Definition?.HyperVGeneration ?? c.SourceHyperVGeneration;
        var isGen1 = string.Equals(generation, "V1", StringComparison.OrdinalIgnoreCase);
        var limit = isGen1 ? Gen1MaxOsDiskGB : GalleryMaxOsDiskGB;
        var problems = new List<string>();
        if (size.HasValue && size.Value > limit)
        {
            problems.Add(isGen1
                ? $"the OS disk is {size} GB, above the {Gen1MaxOsDiskGB} GB limit of Hyper-V generation 1 images"
                : $"the OS disk is {size} GB, above the {GalleryMaxOsDiskGB} GB limit of gallery image versions");
        }
        if (size.HasValue && size.Value <= 0)
        {
            problems.Add($"the OS disk size {size} GB is not valid");
        }

        if (type != null && !OsDiskTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"the OS disk type '{type}' cannot be captured (known types: {string.Join(", ", OsDiskTypes)})");
        }
        var outcome = problems.Count > 0
            ? Outcome.Fail("The source's OS disk is outside the limits: " + string.Join("; ", problems) + ".")
            : Outcome.Pass($"The OS disk ({(size.HasValue ? size + " GB" : "size unknown")}, {type ?? "type unknown"}) is within the limits ({limit} GB).");
        return outcome.With("osDiskSizeGB", size).With("osDiskType", type).With("limitGB", limit).With("hyperVGeneration", generation);
    }
}
