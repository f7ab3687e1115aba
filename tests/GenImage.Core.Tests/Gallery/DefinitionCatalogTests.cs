using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Tests.Vm;

namespace GenImage.Core.Tests.Gallery;

public sealed class DefinitionCatalogTests
{
    private readonly FakeGalleryOperations _gallery = new();
    private readonly DefinitionCatalog _catalog;

    public DefinitionCatalogTests()
    {
        _catalog = new DefinitionCatalog(_gallery, new RecordingLog());
        _gallery.AddDefinition("ubuntu-2204", publisher: "contoso", offer: "ubuntu", sku: "22_04");
    }

    private static GalleryImageDefinition New(string name, string sku, string gallery = FakeGalleryOperations.GalleryName) => new()
    {
        SubscriptionId = FakeGalleryOperations.Sub, ResourceGroupName = FakeGalleryOperations.Rg, GalleryName = gallery, Name = name,
        Publisher = "Contoso", Offer = "Ubuntu", Sku = sku, OsType = "linux", HyperVGeneration = "v2",
    };

    [Fact]
    public async Task The_same_publisher_offer_sku_is_refused_before_any_write()
    {
        var ex = await Assert.ThrowsAsync<GenImageException>(() => _catalog.PlanCreateAsync(New("other-name", "22_04"), false, default));

        Assert.Equal(GalleryErrorIds.IdentifierInUse, ex.ErrorId);
        Assert.Equal(GenImageErrorKind.ResourceExists, ex.Kind);
        Assert.Contains("'ubuntu-2204'", ex.Message);
        Assert.Empty(_gallery.Writes);
    }

    [Fact]
    public async Task The_same_name_is_refused()
    {
        var ex = await Assert.ThrowsAsync<GenImageException>(() => _catalog.PlanCreateAsync(New("UBUNTU-2204", "24_04"), false, default));

        Assert.Equal(GalleryErrorIds.DefinitionExists, ex.ErrorId);
    }

    [Fact]
    public async Task A_new_definition_takes_the_gallery_location_and_canonical_spellings()
    {
        var created = await _catalog.CreateAsync(await _catalog.PlanCreateAsync(New("ubuntu-2404", "24_04"), false, default), default);

        Assert.Equal(("westeurope", "Linux", "V2"), (created.Location, created.OsType, created.HyperVGeneration));
        Assert.Equal(new[] { "PUT definition ubuntu-2404" }, _gallery.Writes);
    }

    [Fact]
    public async Task A_missing_gallery_needs_CreateGallery()
    {
        var ex = await Assert.ThrowsAsync<GenImageException>(() => _catalog.PlanCreateAsync(New("d", "s", "gal_new"), false, default));
        Assert.Equal(GalleryErrorIds.GalleryNotFound, ex.ErrorId);
        Assert.Contains("-CreateGallery", ex.Message);

        var plan = await _catalog.PlanCreateAsync(New("d", "s", "gal_new"), true, default);
        Assert.True(plan.CreatesGallery);
        await _catalog.CreateAsync(plan, default);
        Assert.Equal(new[] { "PUT gallery gal_new", "PUT definition d" }, _gallery.Writes);
    }

    [Fact]
    public void Trusted_launch_needs_gen2()
    {
        var d = New("tl", "tl");
        d.SecurityType = "TrustedLaunch";
        d.HyperVGeneration = "V1";

        var ex = Assert.Throws<GenImageException>(() => DefinitionCatalog.Validate(d));

        Assert.Contains("-HyperVGeneration V2", ex.Message);
    }
}
