using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace GenImage.Core.Authorization;

/// <summary>A permission one step of a run needs: an action (or data action) at a scope, and why.</summary>
public sealed class PermissionNeed
{
    public string Step { get; set; } = string.Empty;
    /// <summary>The ARM action, e.g. Microsoft.Compute/galleries/images/versions/write.</summary>
    public string Action { get; set; } = string.Empty;
    /// <summary>The resource id (or resource group, subscription) the action is checked at.</summary>
    public string Scope { get; set; } = string.Empty;
    public string Why { get; set; } = string.Empty;
    /// <summary>A data-plane action (dataActions / notDataActions of a role).</summary>
    public bool IsDataAction { get; set; }
    /// <summary>False for a permission whose absence only leaves a gap (the Activity Log in the evidence), not a failure.</summary>
    public bool Required { get; set; } = true;
}

/// <summary>One block of a role definition's permissions.</summary>
public sealed class PermissionBlock
{
    public IList<string> Actions { get; set; } = new List<string>();
    public IList<string> NotActions { get; set; } = new List<string>();
    public IList<string> DataActions { get; set; } = new List<string>();
    public IList<string> NotDataActions { get; set; } = new List<string>();
}

/// <summary>A role assigned to the principal (directly or through a group) at a scope, with the role's permissions.</summary>
public sealed class RoleGrant
{
    public string RoleName { get; set; } = string.Empty;
    public string RoleDefinitionId { get; set; } = string.Empty;
    public string Scope { get; set; } = string.Empty;
    public IList<PermissionBlock> Permissions { get; set; } = new List<PermissionBlock>();
    public override string ToString() => $"{RoleName} at {Scope}";
}

/// <summary>Reads the roles a principal holds in a subscription: its role assignments and their role definitions.</summary>
public interface IPermissionSource
{
    /// <summary>Every role the principal holds at, above or below the subscription (through groups too). Throws GenImageException when the assignments cannot be read.</summary>
    Task<IReadOnlyList<RoleGrant>> GetGrantsAsync(string principalObjectId, string subscriptionId, CancellationToken cancellationToken);
}

/// <summary>
/// ARM's authorization rule, evaluated from role assignments and role definitions: an action is granted at a scope
/// when a role assigned at that scope or above has a permission block whose actions (data actions) match it and
/// whose notActions (notDataActions) do not. Deny assignments are not read: they can only take away.
/// </summary>
public static class PermissionEvaluator
{
    /// <summary>An action pattern (<c>*</c> for any characters, case-insensitive) matches an action.</summary>
    public static bool Matches(string pattern, string action)
    {
        if (pattern == null || action == null)
        {
            return false;
        }

        return MatchAt(pattern, 0, action, 0);
    }

    private static bool MatchAt(string p, int i, string a, int j)
    {
        while (i < p.Length)
        {
            if (p[i] == '*')
            {
                while (i < p.Length && p[i] == '*')
                {
                    i++;
                }

                if (i == p.Length)
                {
                    return true;
                }

                for (var k = j; k <= a.Length; k++)
                {
                    if (MatchAt(p, i, a, k))
                    {
                        return true;
                    }
                }

                return false;
            }
            if (j >= a.Length || char.ToUpperInvariant(p[i]) != char.ToUpperInvariant(a[j]))
            {
                return false;
            }

            i++;
            j++;
        }
        return j == a.Length;
    }

    /// <summary>An assignment at <paramref name="assignmentScope"/> applies at <paramref name="scope"/> (the same, or below it).</summary>
    public static bool Covers(string assignmentScope, string scope)
    {
        var a = assignmentScope.TrimEnd('/');
        var s = scope.TrimEnd('/');
        if (a.Length == 0)
        {
            return true;   // the root
        }

        return s.Equals(a, StringComparison.OrdinalIgnoreCase) || s.StartsWith(a + "/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The first grant that allows the need, or null.</summary>
    public static RoleGrant? Granting(IEnumerable<RoleGrant> grants, PermissionNeed need) =>
        grants.FirstOrDefault(g => Covers(g.Scope, need.Scope) && g.Permissions.Any(block => Allows(block, need)));

    private static bool Allows(PermissionBlock block, PermissionNeed need) =>
        need.IsDataAction
            ? block.DataActions.Any(p => Matches(p, need.Action)) && !block.NotDataActions.Any(p => Matches(p, need.Action))
            : block.Actions.Any(p => Matches(p, need.Action)) && !block.NotActions.Any(p => Matches(p, need.Action));

    public static IReadOnlyList<GenImage.PermissionResult> Evaluate(IEnumerable<RoleGrant> grants, IEnumerable<PermissionNeed> needs)
    {
        var list = grants.ToList();
        return needs.Select(n =>
        {
            var grant = Granting(list, n);
            return new GenImage.PermissionResult
            {
                Step = n.Step, Action = n.Action, Scope = n.Scope, Why = n.Why, Required = n.Required, IsDataAction = n.IsDataAction,
                Granted = grant != null, GrantedBy = grant?.ToString(),
            };
        }).ToList();
    }
}
