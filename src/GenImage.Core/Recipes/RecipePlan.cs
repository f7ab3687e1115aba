using System;
using System.Collections.Generic;

namespace GenImage.Core.Recipes
{
    /// <summary>How Invoke-ImageRecipe runs a recipe.</summary>
    public sealed class RecipeRunOptions
    {
        /// <summary>Continue the recipe's unfinished run from its first unfinished step.</summary>
        public bool Resume { get; set; }
        /// <summary>Start a new run even though one is unfinished (the unfinished one is marked Abandoned).</summary>
        public bool NewRun { get; set; }
        /// <summary>
        /// Validate the newest run's version again — a run that ended ValidationFailed, or an unfinished one — without
        /// publishing again: Validate and the steps after it run again. Implies <see cref="Resume"/>.
        /// </summary>
        public bool RetryValidation { get; set; }
        public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;
    }

    /// <summary>One step of a plan.</summary>
    public sealed class RecipePlanStep
    {
        public string Name { get; set; } = string.Empty;
        /// <summary>What the step will do, in an operator's words (ShouldProcess / -WhatIf text).</summary>
        public string Description { get; set; } = string.Empty;
        /// <summary>The resource the step acts on.</summary>
        public string Target { get; set; } = string.Empty;
        /// <summary>Cannot be undone: generalize, publish, delete. Needs confirmation unless -Force.</summary>
        public bool Irreversible { get; set; }
        /// <summary>Finished in the run being resumed: it will not run again.</summary>
        public bool AlreadyDone { get; set; }
    }

    /// <summary>What a run will do, worked out without writing anything.</summary>
    public sealed class RecipePlan
    {
        public ImageRecipe Recipe { get; set; } = new ImageRecipe();
        public string SourceVmId { get; set; } = string.Empty;
        public string DefinitionId { get; set; } = string.Empty;
        public string VersionName { get; set; } = string.Empty;
        public string VersionId { get; set; } = string.Empty;
        /// <summary>The source VM as the plan read it; null when it was not read (already generalized in the run, Specialized).</summary>
        public SourceVm? SourceVm { get; set; }
        /// <summary>The definition's versions as the plan listed them to name the version; null when it did not list them.</summary>
        internal IReadOnlyList<GalleryImageVersion>? Versions { get; set; }
        public IList<RecipePlanStep> Steps { get; set; } = new List<RecipePlanStep>();
        /// <summary>The identity's permissions for the steps still to run (checked while planning).</summary>
        public PermissionCheck? Permissions { get; set; }
        /// <summary>The run being resumed, or null for a new run.</summary>
        public string? ResumeRunId { get; set; }
        /// <summary>Where the journal being resumed is, for messages.</summary>
        public string? ResumeJournalPath { get; set; }
        /// <summary>-RetryValidation: the step the resumed run starts again from (Validate), whatever it did before.</summary>
        public string? RedoFrom { get; set; }
        /// <summary>The newest run of the recipe when the plan was made (a run started since makes the plan outdated).</summary>
        public string? NewestRunId { get; set; }
        /// <summary>An unfinished run that -NewRun abandons.</summary>
        public string? AbandonRunId { get; set; }
    }
}

namespace GenImage.Core.Recipes
{
    /// <summary>The recipe keys that set the steps' time limits; timeout errors name them.</summary>
    public static class RecipeTimeoutKeys
    {
        public const string Generalize = "spec.source.timeoutMinutes";
        public const string Publish = "spec.publishing.timeoutMinutes";
        public const string Validation = "spec.validation.timeoutMinutes";
    }
}
