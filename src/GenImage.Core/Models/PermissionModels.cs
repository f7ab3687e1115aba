using System.Collections.Generic;
using System.Linq;

namespace GenImage;

/// <summary>Whether one permission a run needs is granted to the identity, and by which role.</summary>
public sealed class PermissionResult
{
    public string Step { get; set; } = string.Empty;
    /// <summary>The ARM action (or data action).</summary>
    public string Action { get; set; } = string.Empty;
    public string Scope { get; set; } = string.Empty;
    public string Why { get; set; } = string.Empty;
    /// <summary>False when its absence only leaves a gap in the evidence.</summary>
    public bool Required { get; set; }
    public bool IsDataAction { get; set; }
    public bool Granted { get; set; }
    /// <summary>The role, and the scope it is assigned at, that grants it.</summary>
    public string? GrantedBy { get; set; }
    public override string ToString() => $"{Step}: {Action} at {Scope}: {(Granted ? "granted by " + GrantedBy : "missing")}";
}

/// <summary>The permission check of a recipe (Test-GenImagePermission, and every run before its first step).</summary>
public sealed class PermissionCheck
{
    public string RecipeName { get; set; } = string.Empty;
    public string RecipePath { get; set; } = string.Empty;
    /// <summary>The identity checked (the signed-in account, or -ObjectId).</summary>
    public string? Principal { get; set; }
    public string? ObjectId { get; set; }
    /// <summary>False when the role assignments could not be read (see <see cref="NotCheckedReason"/>).</summary>
    public bool Checked { get; set; }
    public string? NotCheckedReason { get; set; }
    /// <summary>Not checked because reading the role assignments failed (rather than because there were none).</summary>
    public bool AssignmentsUnreadable { get; set; }
    public IList<PermissionResult> Results { get; set; } = new List<PermissionResult>();
    /// <summary>Required permissions that no assigned role grants.</summary>
    public IList<PermissionResult> Missing => Results.Where(r => r.Required && !r.Granted).ToList();
    /// <summary>Checked, and nothing required is missing.</summary>
    public bool Passed => Checked && Missing.Count == 0;
}
