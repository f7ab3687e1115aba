using System;
using System.Collections.Generic;
using System.Linq;

namespace GenImage
{
    /// <summary>How serious a recipe problem is. Errors make the recipe unusable; warnings do not.</summary>
    public enum RecipeDiagnosticSeverity : long
    {
        Error,
        Warning,
    }

    /// <summary>
    /// One problem found in a recipe file: a stable id (GI9001…), where it is (file, line, column, key path),
    /// what is wrong and how to fix it. Scripts and tests test the id, never the wording.
    /// </summary>
    public sealed class RecipeDiagnostic
    {
        /// <summary>Stable id in the GI9xxx range (see docs/recipes.md).</summary>
        public string Id { get; set; } = string.Empty;
        public RecipeDiagnosticSeverity Severity { get; set; } = RecipeDiagnosticSeverity.Error;
        /// <summary>What is wrong and how to fix it.</summary>
        public string Message { get; set; } = string.Empty;
        /// <summary>Full path of the recipe file.</summary>
        public string File { get; set; } = string.Empty;
        /// <summary>1-based line.</summary>
        public int Line { get; set; }
        /// <summary>1-based column.</summary>
        public int Column { get; set; }
        /// <summary>The key path, e.g. spec.publishing.targetRegions[1].</summary>
        public string? KeyPath { get; set; }

        /// <summary>file:line:col: ID message (the form editors and CI logs understand).</summary>
        public override string ToString() => $"{File}:{Line}:{Column}: {Id} {Message}";
    }

    /// <summary>metadata of a recipe.</summary>
    public sealed class RecipeMetadata
    {
        public string Name { get; set; } = string.Empty;
        public string Owner { get; set; } = string.Empty;
        public string? Description { get; set; }
        public IDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>spec.source: the VM the image is built from.</summary>
    public sealed class RecipeSource
    {
        /// <summary>The VM's resource id (given, or built from resourceGroup + vmName and the connected subscription).</summary>
        public string? VmId { get; set; }
        public string? ResourceGroup { get; set; }
        public string? VmName { get; set; }
        /// <summary>Prepare the guest (Sysprep / deprovision) through Run Command before generalizing.</summary>
        public bool Prepare { get; set; } = true;
        /// <summary>prepare: assumed — the operator asserts that the stopped guest was prepared (with <see cref="Approver"/> and <see cref="Justification"/>).</summary>
        public bool AssumePrepared { get; set; }
        /// <summary>Who allowed prepare: assumed.</summary>
        public string? Approver { get; set; }
        /// <summary>Why prepare: assumed is safe.</summary>
        public string? Justification { get; set; }
        /// <summary>Limit of the Generalize step (preparation, shutdown, deallocate, generalize), in minutes (spec.source.timeoutMinutes).</summary>
        public int TimeoutMinutes { get; set; } = 60;
    }

    /// <summary>spec.gallery.</summary>
    public sealed class RecipeGallery
    {
        public string ResourceGroup { get; set; } = string.Empty;
        public string Name { get; set; } = string.Empty;
    }

    /// <summary>spec.definition: the image definition, created when missing.</summary>
    public sealed class RecipeDefinition
    {
        public string Name { get; set; } = string.Empty;
        public bool CreateIfMissing { get; set; } = true;
        public string? OsType { get; set; }
        public string OsState { get; set; } = "Generalized";
        public string HyperVGeneration { get; set; } = "V2";
        public string SecurityType { get; set; } = "Standard";
        public string Architecture { get; set; } = "x64";
        public string? Publisher { get; set; }
        public string? Offer { get; set; }
        public string? Sku { get; set; }
        public string? Description { get; set; }
        public bool IsSpecialized => string.Equals(OsState, "Specialized", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>spec.version: an explicit version, or an increment of the highest existing one.</summary>
    public sealed class RecipeVersion
    {
        /// <summary>Major.Minor.Patch, when explicit.</summary>
        public string? Name { get; set; }
        /// <summary>major, minor or patch, when computed.</summary>
        public string? Increment { get; set; }
    }

    /// <summary>spec.publishing.</summary>
    public sealed class RecipePublishing
    {
        public IList<TargetRegion> TargetRegions { get; set; } = new List<TargetRegion>();
        public bool ExcludeFromLatest { get; set; } = true;
        public DateTimeOffset? EndOfLife { get; set; }
        /// <summary>Limit of the Publish step (create and replicate), in minutes (spec.publishing.timeoutMinutes).</summary>
        public int TimeoutMinutes { get; set; } = 180;
    }

    /// <summary>One readiness suppression: a rule that may fail without blocking, with who allowed it and why.</summary>
    public sealed class RecipeSuppression
    {
        public string Rule { get; set; } = string.Empty;
        public string Justification { get; set; } = string.Empty;
        public string Approver { get; set; } = string.Empty;
        public DateTimeOffset? Expires { get; set; }
        public override string ToString() => $"{Rule} ({Approver}: {Justification})";
    }

    /// <summary>spec.readiness.</summary>
    public sealed class RecipeReadiness
    {
        /// <summary>Rule ids (wildcards allowed) that are not evaluated.</summary>
        public IList<string> Exclude { get; set; } = new List<string>();
        public IList<RecipeSuppression> Suppressions { get; set; } = new List<RecipeSuppression>();
    }

    /// <summary>spec.validation: deploy a test VM from the published version.</summary>
    public sealed class RecipeValidation
    {
        public bool Enabled { get; set; } = true;
        /// <summary>Regions to validate in; empty means the first target region.</summary>
        public IList<string> Regions { get; set; } = new List<string>();
        public string? VmSize { get; set; }
        public string? SubnetId { get; set; }
        /// <summary>Full path of the probe script (resolved against the recipe's folder).</summary>
        public string? ProbeScript { get; set; }
        public int TimeoutMinutes { get; set; } = 30;
        /// <summary>How often a region's validation is tried again after a transient Azure failure (0-10).</summary>
        public int Retries { get; set; } = 2;
    }

    /// <summary>spec.promotion.</summary>
    public sealed class RecipePromotion
    {
        /// <summary>afterValidation (include in latest once validation passed) or manual (leave excluded).</summary>
        public string Policy { get; set; } = "afterValidation";
    }

    /// <summary>spec.evidence.</summary>
    public sealed class RecipeEvidence
    {
        /// <summary>Full path of the folder runs and bundles are written to (resolved against the recipe's folder).</summary>
        public string OutputPath { get; set; } = string.Empty;
        /// <summary>
        /// A blob container URL (https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]) that keeps the runs — journal,
        /// lease, evidence — instead of <see cref="OutputPath"/>, so that any job on any worker resumes them; null: the folder.
        /// </summary>
        public string? Store { get; set; }
        public int ActivityLogWindowHours { get; set; } = 24;
    }

    /// <summary>spec.cleanup.</summary>
    public sealed class RecipeCleanup
    {
        public bool DeleteSourceVm { get; set; }
        /// <summary>How many versions to keep under the definition after publishing; 0 keeps all.</summary>
        public int KeepVersions { get; set; }
    }

    /// <summary>One approval recorded in the recipe (change ticket, approver).</summary>
    public sealed class RecipeApproval
    {
        public string Approver { get; set; } = string.Empty;
        public string? Role { get; set; }
        public DateTimeOffset? ApprovedAt { get; set; }
        public string? Reference { get; set; }
        public override string ToString() => Reference == null ? Approver : $"{Approver} ({Reference})";
    }

    /// <summary>spec of a recipe.</summary>
    public sealed class RecipeSpec
    {
        public RecipeSource Source { get; set; } = new RecipeSource();
        public RecipeGallery Gallery { get; set; } = new RecipeGallery();
        public RecipeDefinition Definition { get; set; } = new RecipeDefinition();
        public RecipeVersion Version { get; set; } = new RecipeVersion();
        public RecipePublishing Publishing { get; set; } = new RecipePublishing();
        public RecipeReadiness Readiness { get; set; } = new RecipeReadiness();
        public RecipeValidation Validation { get; set; } = new RecipeValidation();
        public RecipePromotion Promotion { get; set; } = new RecipePromotion();
        public RecipeEvidence Evidence { get; set; } = new RecipeEvidence();
        public RecipeCleanup Cleanup { get; set; } = new RecipeCleanup();
        public IList<RecipeApproval> Approvals { get; set; } = new List<RecipeApproval>();
    }

    /// <summary>
    /// A parsed image recipe (Get-ImageRecipe). When <see cref="IsValid"/> is false, <see cref="Diagnostics"/>
    /// says why, and Invoke-ImageRecipe refuses it.
    /// </summary>
    public sealed class ImageRecipe
    {
        /// <summary>Full path of the recipe file.</summary>
        public string Path { get; set; } = string.Empty;
        public string ApiVersion { get; set; } = string.Empty;
        public string Kind { get; set; } = string.Empty;
        /// <summary>metadata.name (also the <see cref="Name"/> shortcut).</summary>
        public RecipeMetadata Metadata { get; set; } = new RecipeMetadata();
        public string Name => Metadata.Name;
        public string Owner => Metadata.Owner;
        public RecipeSpec Spec { get; set; } = new RecipeSpec();
        public IList<RecipeDiagnostic> Diagnostics { get; set; } = new List<RecipeDiagnostic>();
        public bool IsValid => Diagnostics.All(d => d.Severity != RecipeDiagnosticSeverity.Error);
        /// <summary>SHA-256 (hex) of the file's bytes, recorded in the journal and the evidence.</summary>
        public string ContentSha256 { get; set; } = string.Empty;
        /// <summary>The file's text, kept so the evidence can carry the exact recipe that was run.</summary>
        public string Content { get; set; } = string.Empty;
    }
}

namespace GenImage
{
    /// <summary>What Test-ImageRecipe found for one recipe file.</summary>
    public sealed class RecipeTestResult
    {
        public string Path { get; set; } = string.Empty;
        public string Name { get; set; } = string.Empty;
        /// <summary>No static (file) error.</summary>
        public bool IsValid { get; set; }
        /// <summary>The readiness rules ran against the live resources (a connection was open and the recipe was valid).</summary>
        public bool ReadinessChecked { get; set; }
        /// <summary>Valid, and no readiness finding blocks the run.</summary>
        public bool Passed { get; set; }
        public System.Collections.Generic.IList<RecipeDiagnostic> Diagnostics { get; set; } = new System.Collections.Generic.List<RecipeDiagnostic>();
        public System.Collections.Generic.IList<ReadinessFinding> Findings { get; set; } = new System.Collections.Generic.List<ReadinessFinding>();
        /// <summary>Ids of the problems and blocking findings, for a quick look.</summary>
        public string ProblemIds => string.Join(", ", System.Linq.Enumerable.Distinct(System.Linq.Enumerable.Concat(
            System.Linq.Enumerable.Select(Diagnostics, d => d.Id),
            System.Linq.Enumerable.Select(System.Linq.Enumerable.Where(Findings, f => f.IsBlocking), f => f.RuleId))));
    }
}
