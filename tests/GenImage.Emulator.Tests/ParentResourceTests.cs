using System.Net;
using static GenImage.Emulator.Tests.GalleryWorld;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>Nested resources whose parent does not exist answer ARM's 404 <c>ParentResourceNotFound</c> (GET, list and PUT).</summary>
public sealed class ParentResourceTests
{
    private const string MissingGallery = $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/galleries/gal_missing";

    private static object DefinitionBody => new
    {
        location = "westeurope",
        properties = new { osType = "Linux", osState = "Generalized", hyperVGeneration = "V2", identifier = new { publisher = "p", offer = "o", sku = "s" } },
    };

    private static object VersionBody => new
    {
        location = "westeurope",
        properties = new { storageProfile = new { source = new { id = VmId("vm-linux-prepared") } } },
    };

    [Theory]
    [InlineData("GET", MissingGallery + "/images/ubuntu-gen2", "gal_missing")]
    [InlineData("GET", MissingGallery + "/images", "gal_missing")]
    [InlineData("PUT", MissingGallery + "/images/ubuntu-gen2", "gal_missing")]
    [InlineData("GET", MissingGallery + "/images/ubuntu-gen2/versions/1.0.0", "gal_missing")]
    [InlineData("GET", GalleryPath + "/images/missing-def/versions/1.0.0", "gal_images/missing-def")]
    [InlineData("GET", GalleryPath + "/images/missing-def/versions", "gal_images/missing-def")]
    [InlineData("PUT", GalleryPath + "/images/missing-def/versions/1.0.0", "gal_images/missing-def")]
    [InlineData("GET", $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/virtualMachines/vm-missing/runCommands/rc1", "vm-missing")]
    [InlineData("PUT", $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/virtualMachines/vm-missing/runCommands/rc1", "vm-missing")]
    public async Task Children_of_a_missing_parent_are_ParentResourceNotFound(string method, string path, string parent)
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var api = path.Contains("/galleries/", StringComparison.Ordinal) ? GalleryApi : ComputeApi;
        var body = method != "PUT" ? null
            : path.Contains("/versions/", StringComparison.Ordinal) ? VersionBody
            : path.Contains("/runCommands/", StringComparison.Ordinal) ? new { location = "westeurope", properties = new { source = new { script = "echo hi" } } }
            : DefinitionBody;

        var (response, error) = await SendAsync(http, new HttpMethod(method), $"{path}?api-version={api}", body);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ParentResourceNotFound", error!["error"]!["code"]!.GetValue<string>());
        Assert.Equal($"Can not perform requested operation on nested resource. Parent resource '{parent}' not found.", error["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_missing_resource_under_an_existing_parent_stays_ResourceNotFound()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);

        var (definition, definitionBody) = await GetAsync(http, $"{GalleryPath}/images/missing-def?api-version={GalleryApi}");
        Assert.Equal(HttpStatusCode.NotFound, definition.StatusCode);
        Assert.Equal("ResourceNotFound", definitionBody!["error"]!["code"]!.GetValue<string>());

        var (version, versionBody) = await GetAsync(http, $"{VersionPath("ubuntu-gen2", "9.9.9")}?api-version={GalleryApi}");
        Assert.Equal(HttpStatusCode.NotFound, version.StatusCode);
        Assert.Equal("ResourceNotFound", versionBody!["error"]!["code"]!.GetValue<string>());

        var (gallery, galleryBody) = await GetAsync(http, $"{MissingGallery}?api-version={GalleryApi}");
        Assert.Equal(HttpStatusCode.NotFound, gallery.StatusCode);
        Assert.Equal("ResourceNotFound", galleryBody!["error"]!["code"]!.GetValue<string>());
    }
}
