using System;
using System.Collections.Generic;

namespace GenImage.Core.Readiness;

/// <summary>GI2001-GI2007: the source against the image definition it is published to.</summary>
internal static class DefinitionRules
{
    public static void Register(IDictionary<string, Func<RuleContext, Outcome>> map)
    {
        map["GI2001"] = OsType;
        map["GI2002"] = OsState;
        map["GI2003"] = Generation;
        map["GI2004"] = SecurityType;
        map["GI2005"] = Architecture;
        map["GI2006"] = DiskController;
        map["GI2007"] = PurchasePlan;
    }

    private static bool Same(string? a, string? b) => string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);

    private static Outcome OsType(RuleContext c)
    {
        if (c.Definition == null)
        {
            return Outcome.Skip("no image definition was given");
        }

        var source = c.SourceOsType;
        if (string.IsNullOrEmpty(source))
        {
            return Outcome.Skip("the source's OS type is not known");
        }

        var outcome = Same(source, c.Definition.OsType)
            ? Outcome.Pass($"The source and the definition '{c.Definition.Name}' are both {c.Definition.OsType}.")
            : Outcome.Fail($"The source is {source}, but the definition '{c.Definition.Name}' is {c.Definition.OsType}.");
        return outcome.With("sourceOsType", source).With("definitionOsType", c.Definition.OsType);
    }

    private static Outcome OsState(RuleContext c)
    {
        if (c.Definition == null)
        {
            return Outcome.Skip("no image definition was given");
        }

        var state = c.Definition.OsState;
        Outcome With(Outcome o) => o.With("definitionOsState", state).With("sourceKind", SourceRules.Describe(c.Kind))
            .With("willGeneralize", c.Input.WillGeneralize);
        var generalized = Same(state, "Generalized");
        if (!generalized && !Same(state, "Specialized"))
        {
            return With(Outcome.Fail($"The definition '{c.Definition.Name}' has the OS state '{state}'; it must be Generalized or Specialized.",
                remediation: "Recreate the definition with -OsState Generalized or -OsState Specialized."));
        }
        if (!generalized && c.Input.WillGeneralize)
        {
            return With(Outcome.Fail($"This run generalizes the source, but the definition '{c.Definition.Name}' is Specialized; a generalized disk under a Specialized definition does not provision."));
        }
        if (!generalized && c.Kind == SourceKind.ManagedImage)
        {
            return With(Outcome.Fail($"A managed image is always generalized, but the definition '{c.Definition.Name}' is Specialized."));
        }
        return With(Outcome.Pass(generalized
            ? $"The definition '{c.Definition.Name}' is Generalized, which fits this publish."
            : $"The definition '{c.Definition.Name}' is Specialized and the source is not being generalized."));
    }

    internal static string? NormalizeGeneration(string? g)
    {
        if (string.IsNullOrWhiteSpace(g))
        {
            return null;
        }

        var t = g!.Trim().ToUpperInvariant();
        if (t == "V1" || t == "1" || t == "GEN1")
        {
            return "V1";
        }

        if (t == "V2" || t == "2" || t == "GEN2")
        {
            return "V2";
        }

        return g.Trim();
    }

    private static Outcome Generation(RuleContext c)
    {
        if (c.Definition == null)
        {
            return Outcome.Skip("no image definition was given");
        }

        var source = NormalizeGeneration(c.SourceHyperVGeneration);
        if (source == null)
        {
            return Outcome.Skip("the source's Hyper-V generation is not known (a deallocated VM does not report it)");
        }

        var definition = NormalizeGeneration(c.Definition.HyperVGeneration) ?? "V1";
        var outcome = source == definition
            ? Outcome.Pass($"The source and the definition '{c.Definition.Name}' are both Hyper-V generation {definition}.")
            : Outcome.Fail(source == "V2"
                ? $"The source is a generation 2 (UEFI) VM, but the definition '{c.Definition.Name}' is V1; the image would not boot."
                : $"The source is a generation 1 (BIOS) VM, but the definition '{c.Definition.Name}' is V2; the image would not boot.");
        return outcome.With("sourceHyperVGeneration", source).With("definitionHyperVGeneration", definition);
    }

    private static Outcome SecurityType(RuleContext c)
    {
        if (c.Definition == null)
        {
            return Outcome.Skip("no image definition was given");
        }

        if (c.Vm == null)
        {
            return Outcome.Skip("the security type of a source that is not a VM is not known");
        }

        var source = string.IsNullOrEmpty(c.Vm.SecurityType) ? "Standard" : c.Vm.SecurityType;
        var definition = string.IsNullOrEmpty(c.Definition.SecurityType) ? "Standard" : c.Definition.SecurityType;
        var generation = NormalizeGeneration(c.SourceHyperVGeneration);
        Outcome With(Outcome o) => o.With("sourceSecurityType", source).With("definitionSecurityType", definition).With("sourceHyperVGeneration", generation);

        bool sourceTl = Same(source, "TrustedLaunch"), sourceCvm = Same(source, "ConfidentialVM"), sourceStd = Same(source, "Standard");
        var d = definition.ToUpperInvariant();
        var needsGen2 = d != "STANDARD";
        if (needsGen2 && generation == "V1")
        {
            return With(Outcome.Fail($"The definition '{c.Definition.Name}' has the security type {definition}, which needs a generation 2 source; the source is generation 1."));
        }
        bool ok;
        string why;
        switch (d)
        {
            case "STANDARD":
                ok = sourceStd;
                why = sourceTl
                    ? "Azure refuses a Trusted Launch VM as the source of a definition that is not Trusted Launch"
                    : "a Confidential VM source needs a ConfidentialVM definition";
                break;
            case "TRUSTEDLAUNCH":
            case "TRUSTEDLAUNCHSUPPORTED":
                ok = sourceStd || sourceTl;
                why = "a Confidential VM source cannot be published to a Trusted Launch definition";
                break;
            case "CONFIDENTIALVM":
                ok = sourceCvm;
                why = "a ConfidentialVM definition needs a Confidential VM source";
                break;
            case "CONFIDENTIALVMSUPPORTED":
                ok = sourceStd || sourceCvm;
                why = "a Trusted Launch source cannot be published to a ConfidentialVMSupported definition";
                break;
            case "TRUSTEDLAUNCHANDCONFIDENTIALVMSUPPORTED":
                ok = sourceStd || sourceTl || sourceCvm;
                why = "the source's security type is unknown";
                break;
            default:
                return With(Outcome.Fail($"The definition '{c.Definition.Name}' has the unknown security type '{definition}'."));
        }
        return With(ok
            ? Outcome.Pass($"The source's security type {source} fits the definition's {definition}.")
            : Outcome.Fail($"The source is {source} but the definition '{c.Definition.Name}' is {definition}: {why}."));
    }

    private static Outcome Architecture(RuleContext c)
    {
        if (c.Definition == null)
        {
            return Outcome.Skip("no image definition was given");
        }

        var source = c.SourceArchitecture(out var basis);
        if (source == null)
        {
            return Outcome.Skip("the source's architecture is not known (no VM size)");
        }

        var definition = string.IsNullOrEmpty(c.Definition.Architecture) ? "x64" : c.Definition.Architecture;
        var outcome = Same(source, definition)
            ? Outcome.Pass($"The source and the definition '{c.Definition.Name}' are both {definition}.")
            : Outcome.Fail($"The source is {source} ({basis}), but the definition '{c.Definition.Name}' is {definition}.");
        return outcome.With("sourceArchitecture", source).With("basis", basis).With("definitionArchitecture", definition);
    }

    private static Outcome DiskController(RuleContext c)
    {
        if (c.Definition == null)
        {
            return Outcome.Skip("no image definition was given");
        }

        var size = c.Vm?.VmSize;
        if (string.IsNullOrEmpty(size))
        {
            return Outcome.Skip("the source VM's size is not known");
        }

        var nvmeOnly = VmSizes.IsNvmeOnly(size!);
        var declared = c.Definition.DiskControllerTypes;
        var definitionHasNvme = declared != null && declared.IndexOf("NVMe", StringComparison.OrdinalIgnoreCase) >= 0;
        var outcome = !nvmeOnly
            ? Outcome.Pass($"The size {size} has a SCSI disk controller, which every definition supports.")
            : definitionHasNvme
                ? Outcome.Pass($"The size {size} only has NVMe disks and the definition '{c.Definition.Name}' declares NVMe.")
                : Outcome.Fail($"The size {size} only has NVMe disks, but the definition '{c.Definition.Name}' declares {(declared ?? "no disk controller types (SCSI only)")}.");
        return outcome.With("vmSize", size).With("nvmeOnlySize", nvmeOnly).With("definitionDiskControllerTypes", declared);
    }

    private static Outcome PurchasePlan(RuleContext c)
    {
        if (c.Definition == null)
        {
            return Outcome.Skip("no image definition was given");
        }

        var source = c.Input.SourcePurchasePlan;
        if (source == null)
        {
            return Outcome.Skip("the source's purchase plan was not read");
        }

        var definition = string.IsNullOrWhiteSpace(c.Definition.PurchasePlan) ? null : c.Definition.PurchasePlan!.Trim();
        Outcome With(Outcome o) => o.With("sourcePurchasePlan", source.Length == 0 ? null : source).With("definitionPurchasePlan", definition);
        if (source.Length == 0)
        {
            return With(Outcome.Pass(definition == null
                ? "Neither the source nor the definition has a purchase plan."
                : $"The source has no purchase plan; the definition carries {definition}."));
        }
        if (definition == null)
        {
            return With(Outcome.Fail($"The source comes from a marketplace image with the plan {source}, but the definition '{c.Definition.Name}' has no purchase plan; VMs from the image fail to deploy."));
        }
        return With(Same(source, definition)
            ? Outcome.Pass($"The source's plan {source} matches the definition's.")
            : Outcome.Fail($"The source's plan {source} differs from the definition's plan {definition}."));
    }
}
