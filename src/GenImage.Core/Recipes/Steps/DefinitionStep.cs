using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;

namespace GenImage.Core.Recipes;

/// <summary>
/// Definition: uses the image definition, or creates it (and its gallery) through <see cref="DefinitionCatalog"/>.
/// A definition whose OS, state, generation or security type differs from the recipe is refused.
/// </summary>
public sealed class DefinitionStep : RecipeStep
{
    public override string Name => RecipeSteps.Definition;
    public override int Order => 300;

    public override RecipePlanStep Describe(RecipePlan plan)
    {
        var d = plan.Recipe.Spec.Definition;
        return new RecipePlanStep
        {
            Name = Name,
            Target = plan.DefinitionId,
            Description = d.CreateIfMissing
                ? $"Use image definition {d.Name}, creating it ({d.OsType}, {d.OsState}, {d.HyperVGeneration}, {d.SecurityType}) if it is missing"
                : $"Use the existing image definition {d.Name}",
        };
    }

    public override IDictionary<string, string> Inputs(RecipePlan plan) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["definitionId"] = plan.DefinitionId,
        ["createIfMissing"] = plan.Recipe.Spec.Definition.CreateIfMissing ? "true" : "false",
    };

    public override IEnumerable<Authorization.PermissionNeed> Permissions(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        var gallery = plan.DefinitionId.Substring(0, plan.DefinitionId.LastIndexOf("/images/", StringComparison.OrdinalIgnoreCase));
        yield return Need("Microsoft.Compute/galleries/images/read", plan.DefinitionId, "read the image definition");
        if (spec.Definition.CreateIfMissing)
        {
            yield return Need("Microsoft.Compute/galleries/write", gallery, "create the gallery when it is missing");
            yield return Need("Microsoft.Compute/galleries/images/write", plan.DefinitionId, "create the image definition when it is missing");
        }
    }

    public override async Task<StepOutcome> ExecuteAsync(RunContext run, CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        var spec = run.Spec;
        var d = spec.Definition;
        var catalog = new DefinitionCatalog(run.Engines.Galleries, run.Log);
        // Readiness read the definition in this run; a definition it found missing is looked for again by the create's plan.
        var existing = run.Facts.DefinitionKnown
            ? run.Facts.Definition
            : await run.Engines.Galleries.GetDefinitionAsync(spec.Gallery.ResourceGroup, spec.Gallery.Name, d.Name, cancellationToken).ConfigureAwait(false);
        run.Facts.KnowDefinition(existing);
        var outcome = new StepOutcome();
        outcome.Outputs["definitionId"] = plan.DefinitionId;
        if (existing != null)
        {
            var mismatches = new List<string>();
            void Check(string what, string? wanted, string? actual)
            {
                if (wanted != null && actual != null && !string.Equals(wanted, actual, StringComparison.OrdinalIgnoreCase))
                {
                    mismatches.Add($"{what} is {actual}, the recipe says {wanted}");
                }
            }
            Check("osType", d.OsType, existing.OsType);
            Check("osState", d.OsState, existing.OsState);
            Check("hyperVGeneration", d.HyperVGeneration, existing.HyperVGeneration);
            Check("securityType", d.SecurityType, existing.SecurityType);
            if (mismatches.Count > 0)
            {
                throw new GenImageException(RecipeErrorIds.DefinitionMismatch, GenImageErrorKind.InvalidData,
                    $"Image definition {d.Name} exists but does not match the recipe: {string.Join("; ", mismatches)}. A definition's OS and generation cannot change: fix the recipe or use another definition name.")
                { Target = plan.DefinitionId };
            }
            outcome.Message = $"Definition {d.Name} exists ({existing.OsType}, {existing.OsState}, {existing.HyperVGeneration}, {existing.SecurityType}).";
            return outcome;
        }
        if (!d.CreateIfMissing)
        {
            throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
                $"Image definition {d.Name} does not exist and the recipe says createIfMissing: false. Create it (New-GalleryImageDefinition) or set createIfMissing: true.")
            { Target = plan.DefinitionId };
        }
        var create = await catalog.PlanCreateAsync(Intended(run.Recipe, run.Engines.SubscriptionId), true, cancellationToken).ConfigureAwait(false);
        run.Log.Verbose(create.Describe());
        var intended = new List<JournalResource>();
        if (create.CreatesGallery)
        {
            intended.Add(new JournalResource { Kind = "gallery", Id = GalleryIds.Gallery(run.Engines.SubscriptionId, spec.Gallery.ResourceGroup, spec.Gallery.Name), Purpose = "publish" });
        }

        intended.Add(new JournalResource { Kind = "galleryImageDefinition", Id = plan.DefinitionId, Purpose = "publish" });
        run.Intend(Name, intended.ToArray());
        var created = await catalog.CreateAsync(create, cancellationToken).ConfigureAwait(false);
        run.Facts.KnowDefinition(created);
        outcome.Created.Add(string.IsNullOrEmpty(created.Id) ? plan.DefinitionId : created.Id);
        outcome.Message = $"Created definition {d.Name} ({created.OsType}, {created.OsState}, {created.HyperVGeneration}, {created.SecurityType}).";
        return outcome;
    }

    /// <summary>The definition the recipe describes (what the step creates, and what readiness checks against before it exists).</summary>
    public static GalleryImageDefinition Intended(ImageRecipe recipe, string subscriptionId)
    {
        var spec = recipe.Spec;
        var d = spec.Definition;
        return new GalleryImageDefinition
        {
            Id = GalleryIds.Definition(subscriptionId, spec.Gallery.ResourceGroup, spec.Gallery.Name, d.Name),
            SubscriptionId = subscriptionId,
            ResourceGroupName = spec.Gallery.ResourceGroup,
            GalleryName = spec.Gallery.Name,
            Name = d.Name,
            OsType = d.OsType ?? "Windows",
            OsState = d.OsState,
            HyperVGeneration = d.HyperVGeneration,
            SecurityType = d.SecurityType,
            Architecture = d.Architecture,
            Publisher = d.Publisher ?? string.Empty,
            Offer = d.Offer ?? string.Empty,
            Sku = d.Sku ?? string.Empty,
            Description = d.Description,
            Tags = { ["owner"] = recipe.Owner, ["genimage.recipe"] = recipe.Name },
        };
    }
}
