using System.Net;
using System.Text.Json.Nodes;
using static GenImage.Emulator.Tests.GalleryWorld;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>
/// Compute's operation-group throttling as recorded responses show it (x-ms-ratelimit-remaining-resource, 3- and
/// 30-minute windows) and ARM's subscription headers on every answer by default.
/// </summary>
public sealed class ComputeThrottlingTests
{
    private static string? Value(HttpResponseMessage r, string name) => r.Headers.TryGetValues(name, out var v) ? v.Single() : null;

    [Fact]
    public async Task Compute_answers_name_their_operation_group_and_arm_its_subscription_budget()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);

        var (get, _) = await GetAsync(http, VmPath("vm-linux-running") + "?api-version=" + ComputeApi);
        Assert.Equal("Microsoft.Compute/LowCostGet3Min;4999,Microsoft.Compute/LowCostGet30Min;39999", Value(get, "x-ms-ratelimit-remaining-resource"));
        Assert.NotNull(Value(get, "x-ms-ratelimit-remaining-subscription-reads"));

        var (list, _) = await GetAsync(http, $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/virtualMachines?api-version={ComputeApi}");
        Assert.StartsWith("Microsoft.Compute/HighCostGet3Min;139,", Value(list, "x-ms-ratelimit-remaining-resource"));

        var (put, _) = await SendAsync(http, HttpMethod.Put, $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/galleries/gal_t?api-version={GalleryApi}",
            new { location = "westeurope", properties = new { } });
        Assert.Equal("Microsoft.Compute/CreateUpdateGallery3Min;49,Microsoft.Compute/CreateUpdateGallery30Min;299", Value(put, "x-ms-ratelimit-remaining-resource"));
        Assert.NotNull(Value(put, "x-ms-ratelimit-remaining-subscription-writes"));

        var (poll, _) = await GetAsync(http, put.Headers.GetValues("Azure-AsyncOperation").Single());
        Assert.StartsWith("Microsoft.Compute/GetOperationStatus3Min;1199,", Value(poll, "x-ms-ratelimit-remaining-resource"));

        // Lists of galleries carried no resource header in the recordings; a refused request still counts and carries one.
        var (galleries, _) = await GetAsync(http, $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/galleries?api-version={GalleryApi}");
        Assert.Null(Value(galleries, "x-ms-ratelimit-remaining-resource"));
        var (refused, _) = await PostAsync(http, VmPath("vm-linux-running") + "/generalize?api-version=" + ComputeApi);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.StartsWith("Microsoft.Compute/UpdateVM3Min;239,", Value(refused, "x-ms-ratelimit-remaining-resource"));
    }

    [Fact]
    public async Task An_empty_operation_group_answers_429_with_Retry_After_and_Computes_body()
    {
        var yaml = GalleryWorld.Yaml + """

            throttling:
              resource:
                LowCostGet3Min: { bucket: 2, refillPerSecond: 0.5 }
            """;
        await using var host = await TestSupport.StartAsync(yaml, null);
        Assert.Equal(2, host.Throttling.Resource["LowCostGet3Min"].Bucket);
        using var http = Http(host);
        var path = VmPath("vm-linux-running") + "?api-version=" + ComputeApi;

        var (first, _) = await GetAsync(http, path);
        Assert.StartsWith("Microsoft.Compute/LowCostGet3Min;1,", Value(first, "x-ms-ratelimit-remaining-resource"));
        await GetAsync(http, path);
        var (throttled, body) = await GetAsync(http, path);

        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.True(int.Parse(Value(throttled, "Retry-After")!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.StartsWith("Microsoft.Compute/LowCostGet3Min;0,", Value(throttled, "x-ms-ratelimit-remaining-resource"));
        Assert.Equal("OperationNotAllowed", body!["error"]!["code"]!.GetValue<string>());
        var detail = body["error"]!["details"]![0]!;
        Assert.Equal("TooManyRequests", detail["code"]!.GetValue<string>());
        Assert.Equal("LowCostGet", detail["target"]!.GetValue<string>());
        Assert.Equal("LowCostGet", JsonNode.Parse(detail["message"]!.GetValue<string>())!["operationGroup"]!.GetValue<string>());

        // Another operation group is not affected.
        var (list, _) = await GetAsync(http, $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/virtualMachines?api-version={ComputeApi}");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task An_unknown_window_in_the_world_file_is_an_error_with_its_position()
    {
        var yaml = Worlds.Standard + """

            throttling:
              resource:
                GetEverything3Min: { bucket: 2 }
            """;
        var ex = await Assert.ThrowsAsync<WorldFileException>(() => EmulatorHost.StartAsync(new EmulatorOptions { WorldYaml = yaml }));
        Assert.Contains("GetEverything3Min", ex.Message);
        Assert.True(ex.Line > 0);
    }
}
