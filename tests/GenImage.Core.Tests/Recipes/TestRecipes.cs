using GenImage.Core.Recipes;

namespace GenImage.Core.Tests.Recipes;

/// <summary>The small Ubuntu recipe that <see cref="FakeCloud"/>'s world fits, shared by the run, lease, resume, permission and store tests.</summary>
internal static class TestRecipes
{
    /// <summary>
    /// Parses the recipe as if it were <c>recipe.yaml</c> in <paramref name="folder"/> (its runs go to <c>runs</c> there).
    /// <paramref name="deleteSourceVm"/> adds <c>cleanup.deleteSourceVm</c>; <paramref name="store"/> sets <c>evidence.store</c>.
    /// </summary>
    public static ImageRecipe Ubuntu(string folder, bool deleteSourceVm = false, string? store = null) => RecipeParser.ParseText($$"""
        apiVersion: genimage.dev/v1
        kind: ImageRecipe
        metadata: { name: ubuntu, owner: platform-team }
        spec:
          source: { resourceGroup: rg-images, vmName: vm-src }
          gallery: { resourceGroup: rg-images, name: gal_images }
          definition:
            name: ubuntu
            osType: Linux
            identifier: { publisher: Contoso, offer: Ubuntu, sku: "22" }
          version: { increment: patch }
          publishing: { targetRegions: [ westeurope ] }
          validation: { regions: [ westeurope ] }
        {{(deleteSourceVm ? "  cleanup: { deleteSourceVm: true }\n" : string.Empty)}}  evidence: { outputPath: runs{{(store == null ? string.Empty : ", store: " + store)}} }
        """, Path.Combine(folder, "recipe.yaml"));
}
