using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Authorization;
using GenImage.Core.Errors;
using GenImage.Core.Logging;

namespace GenImage.Core.Recipes;

/// <summary>
/// The identity's effective permissions for every action the run's remaining steps will perform, computed from its
/// role assignments and role definitions (actions, notActions, data actions, notDataActions, scopes) — before the
/// first irreversible step, so a missing right stops the run before the VM is generalized, not at Publish.
/// </summary>
public static class RecipePermissions
{
    /// <summary>Checks the steps of <paramref name="plan"/> that are still to run; reads only.</summary>
    public static async Task<PermissionCheck> CheckAsync(RecipeEngines engines, RecipePlan plan, string? objectId, CancellationToken cancellationToken)
    {
        var pending = RecipeSteps.All.Where(s => !(plan.Steps.FirstOrDefault(p => p.Name == s.Name)?.AlreadyDone ?? false));
        var needs = pending.SelectMany(s => s.Permissions(plan)).ToList();
        var check = new PermissionCheck
        {
            RecipeName = plan.Recipe.Name,
            RecipePath = plan.Recipe.Path,
            Principal = objectId == null ? engines.Principal : null,
            ObjectId = objectId ?? engines.PrincipalObjectId,
        };
        if (engines.Permissions == null || check.ObjectId == null)
        {
            check.NotCheckedReason = check.ObjectId == null ? "the signed-in identity's object id is not known" : "no source of role assignments";
            check.Results = needs.Select(n => Result(n, granted: false, by: null)).ToList();
            return check;
        }
        IReadOnlyList<RoleGrant> grants;
        try
        {
            grants = await engines.Permissions.GetGrantsAsync(check.ObjectId, engines.SubscriptionId, cancellationToken).ConfigureAwait(false);
        }
        catch (GenImageException ex)
        {
            check.NotCheckedReason = $"its role assignments could not be read ({ex.ArmErrorCode ?? ex.ErrorId}: {ex.Message})";
            check.AssignmentsUnreadable = true;
            check.Results = needs.Select(n => Result(n, granted: false, by: null)).ToList();
            return check;
        }
        if (grants.Count == 0)
        {
            // Reading role assignments itself needs a role: none at all means access that role assignments do not show
            // (a classic subscription administrator, an emulator world without roles).
            check.NotCheckedReason = "no role assignment was found for it in the subscription (classic administrators, and emulator worlds without roles, are not covered by role assignments)";
            check.Results = needs.Select(n => Result(n, granted: false, by: null)).ToList();
            return check;
        }
        check.Checked = true;
        check.Results = PermissionEvaluator.Evaluate(grants, needs).ToList();
        return check;
    }

    /// <summary>
    /// Stops a run that lacks a required permission (<see cref="RecipeErrorIds.PermissionMissing"/>, naming each action
    /// and scope); warns when the check was not possible or an optional permission is missing.
    /// </summary>
    public static void Enforce(PermissionCheck check, IGenImageLog log)
    {
        var who = check.Principal ?? check.ObjectId ?? "the signed-in identity";
        if (!check.Checked)
        {
            // Unreadable assignments are worth a warning; none at all (a classic administrator, an emulator world
            // without roles) says nothing about missing rights.
            Action<string> say = check.AssignmentsUnreadable ? log.Warning : log.Verbose;
            say($"The permissions of {who} could not be checked before the run: {check.NotCheckedReason}. " +
            "A missing permission stops the run only when its step calls ARM; Test-GenImagePermission lists what the recipe needs.");
            return;
        }
        foreach (var optional in check.Results.Where(r => !r.Required && !r.Granted))
        {
            log.Warning($"{who} lacks {optional.Action} at {optional.Scope} ({optional.Step}: {optional.Why}); the run goes on and the evidence records the gap.");
        }
        var missing = check.Missing;
        if (missing.Count == 0)
        {
            return;
        }

        throw new GenImageException(RecipeErrorIds.PermissionMissing, GenImageErrorKind.PermissionDenied,
            $"{who}{(check.ObjectId != null && check.Principal != null ? $" (object id {check.ObjectId})" : string.Empty)} lacks {missing.Count} permission(s) the run needs: " +
            string.Join("; ", missing.Select(m => $"{m.Action} at {m.Scope} ({m.Step}: {m.Why})")) +
            ". Nothing was done. Grant a role that includes them at those scopes (Test-GenImagePermission lists every permission of the recipe), then run again.")
        { Target = check.RecipePath };
    }

    private static PermissionResult Result(PermissionNeed n, bool granted, string? by) => new PermissionResult
    {
        Step = n.Step, Action = n.Action, Scope = n.Scope, Why = n.Why, Required = n.Required, IsDataAction = n.IsDataAction, Granted = granted, GrantedBy = by,
    };
}
