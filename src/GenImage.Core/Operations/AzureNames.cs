using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using GenImage.Core.Gallery;

namespace GenImage.Core.Operations;

/// <summary>The kinds of names GenImage creates or looks up, each with Azure's naming rule.</summary>
public enum AzureNameKind : long
{
    ResourceGroup,
    Gallery,
    GalleryImageDefinition,
    GalleryImageVersion,
    VirtualMachine,
    Disk,
    NetworkInterface,
}

/// <summary>
/// Azure's naming rules (length and characters) for the resources GenImage names, checked statically, so a name
/// Azure would refuse stops a run before anything irreversible rather than after the VM was generalized.
/// Rules from the Microsoft.Compute / Microsoft.Resources API descriptions and Azure's resource-name rules.
/// </summary>
public static class AzureNames
{
    private static readonly Regex ResourceGroupPattern = new Regex(@"^[-\w._()]{1,90}$", RegexOptions.CultureInvariant);
    // Galleries: letters, digits, '_' and '.', '.' only in the middle; no hyphen.
    private static readonly Regex GalleryPattern = new Regex(@"^[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,78}[A-Za-z0-9_])?$", RegexOptions.CultureInvariant);
    // Image definitions: letters, digits, '.', '_' and '-', starting and ending with a letter or digit.
    private static readonly Regex DefinitionPattern = new Regex(@"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,78}[A-Za-z0-9])?$", RegexOptions.CultureInvariant);
    // VMs: letters, digits, '-', '.', '_'; start with a letter or digit; not ending in '.' or '-'.
    private static readonly Regex VmPattern = new Regex(@"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9_])?$", RegexOptions.CultureInvariant);
    // Disks and NICs: letters, digits, '.', '_', '-'; start with a letter or digit; end with a letter, digit or '_'.
    private static readonly Regex DiskOrNicPattern = new Regex(@"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,78}[A-Za-z0-9_])?$", RegexOptions.CultureInvariant);

    /// <summary>What the rule of <paramref name="kind"/> allows, in an operator's words.</summary>
    public static string Rule(AzureNameKind kind) => kind switch
    {
        AzureNameKind.ResourceGroup => "1-90 letters, digits, '-', '_', '.', '(' and ')', not ending in '.'",
        AzureNameKind.Gallery => "1-80 letters, digits, '_' and '.', with '.' only in the middle (no '-')",
        AzureNameKind.GalleryImageDefinition => "1-80 letters, digits, '.', '_' and '-', starting and ending with a letter or digit",
        AzureNameKind.GalleryImageVersion => "Major.Minor.Patch of whole numbers from 0 to 2147483647 without leading zeros",
        AzureNameKind.VirtualMachine => "1-64 letters, digits, '-', '_' and '.', starting with a letter or digit and not ending in '.' or '-' (a Windows computer name: at most 15, no '.')",
        _ => "1-80 letters, digits, '.', '_' and '-', starting with a letter or digit and ending with a letter, digit or '_'",
    };

    /// <summary>Why Azure would refuse <paramref name="name"/> as a <paramref name="kind"/>, or null when it would not.</summary>
    public static string? Problem(AzureNameKind kind, string? name, string? osType = null)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the name is empty";
        }

        var shown = name!.Length > 40 ? name.Substring(0, 40) + $"… ({name.Length} characters)" : name;
        bool ok;
        switch (kind)
        {
            case AzureNameKind.ResourceGroup:
                ok = ResourceGroupPattern.IsMatch(name) && !name.EndsWith(".", StringComparison.Ordinal);
                break;
            case AzureNameKind.Gallery:
                ok = GalleryPattern.IsMatch(name);
                break;
            case AzureNameKind.GalleryImageDefinition:
                ok = DefinitionPattern.IsMatch(name);
                break;
            case AzureNameKind.GalleryImageVersion:
                return ImageVersionNumber.NewNameProblem(name);
            case AzureNameKind.VirtualMachine:
                ok = VmPattern.IsMatch(name) &&
                     !(string.Equals(osType, "Windows", StringComparison.OrdinalIgnoreCase) && (name.Length > 15 || name.IndexOf('.') >= 0));
                break;
            default:
                ok = DiskOrNicPattern.IsMatch(name);
                break;
        }
        return ok ? null : $"'{shown}' is not a valid {Noun(kind)} name: Azure allows {Rule(kind)}";
    }

    /// <summary>Every problem of a set of names (kind, name, where it comes from), as "where: problem".</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<(AzureNameKind Kind, string? Name, string Where)> names, string? osType = null) =>
        names.Select(n => Problem(n.Kind, n.Name, osType) is { } p ? $"{n.Where}: {p}" : null).Where(p => p != null).Select(p => p!).ToList();

    private static string Noun(AzureNameKind kind) => kind switch
    {
        AzureNameKind.ResourceGroup => "resource group",
        AzureNameKind.Gallery => "gallery",
        AzureNameKind.GalleryImageDefinition => "image definition",
        AzureNameKind.GalleryImageVersion => "image version",
        AzureNameKind.VirtualMachine => "virtual machine",
        AzureNameKind.Disk => "disk",
        _ => "network interface",
    };
}
