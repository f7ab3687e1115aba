using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace GenImage.Core.Recipes;

/// <summary>
/// One step of a recipe run. A step says what it is (name, place in the checklist), what it will do (the plan
/// text, the target, whether it is irreversible), what the journal records as its inputs, and carries itself out
/// by composing an existing engine over its operation interface. <see cref="RecipeRunner"/> is only the journaled
/// loop around the steps. A new step is one new class (it is found by <see cref="RecipeSteps"/>) plus its keys in
/// the recipe schema.
/// </summary>
public abstract class RecipeStep
{
    /// <summary>The step's name in plans, journals and evidence (Readiness, Generalize, …).</summary>
    public abstract string Name { get; }

    /// <summary>Where the step runs in the checklist: steps run in ascending order.</summary>
    public abstract int Order { get; }

    /// <summary>False for steps that must not run once validation failed (promotion, clean-up); they are Skipped.</summary>
    public virtual bool RunsAfterFailedValidation => true;

    /// <summary>What the step will do for <paramref name="plan"/> (reads nothing; the plan holds what was read).</summary>
    public abstract RecipePlanStep Describe(RecipePlan plan);

    /// <summary>The step's parameters, as the journal records them in stepStarted.</summary>
    public abstract IDictionary<string, string> Inputs(RecipePlan plan);

    /// <summary>
    /// Carries the step out. Throws <see cref="Errors.GenImageException"/> for a failure (the run ends Failed,
    /// resumable), <see cref="OperationCanceledException"/> when stopped; returns Blocked or a failed validation as
    /// a verdict in the outcome.
    /// </summary>
    public abstract Task<StepOutcome> ExecuteAsync(RunContext run, CancellationToken cancellationToken);

    /// <summary>
    /// On -Resume, before any step runs again: brings what this step's interrupted attempts left in Azure in line with
    /// the journal — adopt what exists, delete what the run owns and no longer needs, record what finished meanwhile.
    /// The runner has already waited for the long-running operations the attempts left running. Returns what was done,
    /// in an operator's words (journaled as reconciled).
    /// </summary>
    /// <summary>The ARM actions (and data actions) the step will perform for <paramref name="plan"/>, at their scopes.</summary>
    public virtual IEnumerable<Authorization.PermissionNeed> Permissions(RecipePlan plan) => Array.Empty<Authorization.PermissionNeed>();

    /// <summary>A permission this step needs.</summary>
    protected Authorization.PermissionNeed Need(string action, string scope, string why, bool required = true) =>
        new Authorization.PermissionNeed { Step = Name, Action = action, Scope = scope, Why = why, Required = required };

    public virtual Task<IReadOnlyList<string>> ReconcileAsync(RunContext run, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Array.Empty<string>());
}
