using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace GenImage.Core.Evidence;

/// <summary>One permissions block of a role definition: actions, notActions, dataActions, notDataActions.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "An Azure RBAC permissions block, named as ARM names it (roleDefinition.properties.permissions[]); not a code-access permission.")]
public sealed class RolePermission
{
    public IList<string> Actions { get; set; } = new List<string>();
    public IList<string> NotActions { get; set; } = new List<string>();
    public IList<string> DataActions { get; set; } = new List<string>();
    public IList<string> NotDataActions { get; set; } = new List<string>();
}

/// <summary>What a principal can do that matters to images, and the operation that grants it.</summary>
public sealed class Capability
{
    private Capability(string name, string operation, bool isDataAction, string description)
    {
        Name = name;
        Operation = operation;
        IsDataAction = isDataAction;
        Description = description;
    }

    public string Name { get; }
    public string Operation { get; }
    public bool IsDataAction { get; }
    public string Description { get; }

    public static readonly Capability Publish = new Capability("Publish", "Microsoft.Compute/galleries/images/versions/write", false, "publish, change and promote image versions");
    public static readonly Capability DeleteVersions = new Capability("DeleteVersions", "Microsoft.Compute/galleries/images/versions/delete", false, "delete image versions");
    public static readonly Capability Read = new Capability("Read", "Microsoft.Compute/galleries/images/versions/read", false, "read image versions");
    public static readonly Capability ReadDiagnostics = new Capability("ReadDiagnostics", "Microsoft.Compute/virtualMachines/retrieveBootDiagnosticsData/action", false, "read VMs' boot diagnostics (serial log, screenshot)");
    public static readonly Capability RunCommands = new Capability("RunCommands", "Microsoft.Compute/virtualMachines/runCommand/action", false, "run commands inside VMs");
    public static readonly Capability ReadStorageBlobs = new Capability("ReadStorageBlobs", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", true, "read blobs (custom boot-diagnostics storage) with the signed-in identity");

    /// <summary>Every capability the evidence reports, in report order.</summary>
    public static IReadOnlyList<Capability> All { get; } = new[] { Publish, DeleteVersions, Read, ReadDiagnostics, RunCommands, ReadStorageBlobs };
}

/// <summary>
/// Decides what a role allows from its definition's permissions, as Azure RBAC does: an operation is allowed when an
/// action (or, for a data operation, a data action) of a permissions block matches it and no notAction
/// (notDataAction) of the same block does; matching is case-insensitive and '*' matches any characters. Actions
/// never grant data operations and data actions never grant control-plane ones.
/// </summary>
public static class RolePermissions
{
    public static bool Allows(IEnumerable<RolePermission> permissions, string operation, bool isDataAction)
    {
        if (permissions == null)
        {
            throw new ArgumentNullException(nameof(permissions));
        }

        foreach (var p in permissions)
        {
            var allow = isDataAction ? p.DataActions : p.Actions;
            var deny = isDataAction ? p.NotDataActions : p.NotActions;
            if (allow.Any(a => Matches(a, operation)) && !deny.Any(a => Matches(a, operation)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The capabilities the permissions grant, in <see cref="Capability.All"/> order.</summary>
    public static IList<string> Capabilities(IEnumerable<RolePermission> permissions)
    {
        var list = permissions.ToList();
        return Capability.All.Where(c => Allows(list, c.Operation, c.IsDataAction)).Select(c => c.Name).ToList();
    }

    /// <summary>ARM's pattern match: case-insensitive, '*' for any characters.</summary>
    public static bool Matches(string pattern, string operation)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return false;
        }

        if (pattern == "*")
        {
            return true;
        }

        if (pattern.IndexOf('*') < 0)
        {
            return string.Equals(pattern, operation, StringComparison.OrdinalIgnoreCase);
        }

        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*") + "$";
        return Regex.IsMatch(operation, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    /// <summary>True when an assignment at <paramref name="assignmentScope"/> applies at <paramref name="scope"/> (the same scope or one of its parents).</summary>
    public static bool Covers(string assignmentScope, string scope)
    {
        var outer = (assignmentScope ?? string.Empty).TrimEnd('/');
        if (outer.Length == 0)
        {
            return true;
        }

        var inner = (scope ?? string.Empty).TrimEnd('/');
        return string.Equals(inner, outer, StringComparison.OrdinalIgnoreCase)
               || (inner.Length > outer.Length && inner.StartsWith(outer, StringComparison.OrdinalIgnoreCase) && inner[outer.Length] == '/');
    }
}
