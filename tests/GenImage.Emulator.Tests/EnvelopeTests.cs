using System.Net;
using System.Text.Json.Nodes;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>One emulator of the standard world, shared by the tests of a class that change nothing in it.</summary>
public sealed class StandardWorldFixture : IAsyncLifetime
{
    public EmulatorHost Host { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await StartAsync();
        Http = TestSupport.Http(Host);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>
/// The ARM envelope: authentication, api-version, request ids, error shapes, 404 codes, routing. The tests only read
/// (or are refused), so the class shares one emulator; the one that creates a resource group starts its own.
/// </summary>
public sealed class EnvelopeTests : IClassFixture<StandardWorldFixture>
{
    private readonly EmulatorHost _host;
    private readonly HttpClient _http;

    public EnvelopeTests(StandardWorldFixture world)
    {
        _host = world.Host;
        _http = world.Http;
    }

    [Fact]
    public async Task Request_without_bearer_token_is_401_with_arm_error_body()
    {
        using var anonymous = Http(_host, authenticate: false);
        var (response, body) = await GetAsync(anonymous, $"subscriptions/{Sub}?api-version=2022-12-01");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("AuthenticationFailed", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("Authentication failed. The 'Authorization' header is missing.", body["error"]!["message"]!.GetValue<string>());
        Assert.Equal("AuthenticationFailed", _host.RequestLog.Last().ArmErrorCode);
    }

    [Fact]
    public async Task Missing_api_version_is_400()
    {
        var (response, body) = await GetAsync(_http, $"subscriptions/{Sub}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MissingApiVersionParameter", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("The api-version query parameter (?api-version=) is required for all requests.", body["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_compute_api_version_is_NoRegisteredProviderFound_with_the_supported_versions()
    {
        var (response, body) = await GetAsync(_http, VmPath("vm-win") + "?api-version=2019-01-01");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("NoRegisteredProviderFound", body!["error"]!["code"]!.GetValue<string>());
        var message = body["error"]!["message"]!.GetValue<string>();
        Assert.StartsWith("No registered resource provider found for location 'westeurope' and API version '2019-01-01' for type 'virtualMachines'. The supported api-versions are '2019-03-01, 2019-07-01, ", message);
        Assert.Contains("2023-07-01", message);
        Assert.Contains("2026-04-01", message);
        Assert.Contains("The supported locations are '", message);

        // The resource group api-version is not a compute api-version.
        var (rgResponse, rgBody) = await GetAsync(_http, VmPath("vm-win") + "?api-version=2022-09-01");
        Assert.Equal(HttpStatusCode.BadRequest, rgResponse.StatusCode);
        Assert.Equal("NoRegisteredProviderFound", rgBody!["error"]!["code"]!.GetValue<string>());

        // Galleries are their own type with their own versions; the operation poll names its location from the path.
        var (galleryResponse, galleryBody) = await GetAsync(_http, $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/galleries/g1?api-version=2023-07-01");
        Assert.Equal(HttpStatusCode.BadRequest, galleryResponse.StatusCode);
        Assert.Contains("for type 'galleries'. The supported api-versions are '2019-03-01, 2019-07-01, 2019-12-01, 2020-09-30, ", galleryBody!["error"]!["message"]!.GetValue<string>());
        var (_, operationBody) = await GetAsync(_http, $"subscriptions/{Sub}/providers/Microsoft.Compute/locations/northeurope/operations/x?api-version=2019-01-01");
        Assert.StartsWith("No registered resource provider found for location 'northeurope' ", operationBody!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_resource_group_api_version_is_InvalidApiVersionParameter()
    {
        var (response, body) = await GetAsync(_http, $"subscriptions/{Sub}/resourcegroups/{Rg}?api-version=2019-01-01");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidApiVersionParameter", body!["error"]!["code"]!.GetValue<string>());
        Assert.StartsWith("The api-version '2019-01-01' is invalid. The supported versions are '", body["error"]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("virtualMachines/vm-win", "2026-04-01")]
    [InlineData("virtualMachines/vm-win", "2025-11-01")]
    [InlineData("virtualMachines/vm-win", "2025-04-01")]
    [InlineData("virtualMachines/vm-win", "2024-11-01")]
    [InlineData("galleries", "2025-12-03")]
    [InlineData("galleries", "2025-03-03")]
    [InlineData("galleries", "2024-03-03")]
    [InlineData("disks", "2025-01-02")]
    [InlineData("disks", "2026-03-02")]
    [InlineData("virtualMachines/vm-win", "2019-03-01")]
    [InlineData("galleries", "2019-07-01")]
    [InlineData("galleries", "2020-09-30")]
    [InlineData("disks", "2019-07-01")]
    public async Task Current_sdk_and_recorded_api_versions_are_accepted(string type, string apiVersion)
    {
        var (response, _) = await GetAsync(_http, $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/{type}?api-version={apiVersion}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Every_response_carries_request_ids_and_json_content_type()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, VmPath("vm-win") + "?api-version=2023-07-01");
        request.Headers.Add("x-ms-correlation-request-id", "c0ffee00-0000-0000-0000-000000000001");
        var echoed = await _http.SendAsync(request);
        Assert.Equal("c0ffee00-0000-0000-0000-000000000001", Header(echoed, "x-ms-correlation-request-id"));

        foreach (var path in new[] { VmPath("vm-win") + "?api-version=2023-07-01", "subscriptions/nope?api-version=2022-12-01", "foo" })
        {
            var (response, _) = await GetAsync(_http, path);
            Assert.True(Guid.TryParse(Header(response, "x-ms-request-id"), out _));
            Assert.True(Guid.TryParse(Header(response, "x-ms-correlation-request-id"), out _));
            Assert.Contains(Header(response, "x-ms-request-id"), Header(response, "x-ms-routing-request-id"));
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        }

        var last = _host.RequestLog.Last();
        Assert.Equal("GET", last.Method);
        Assert.Equal("/foo", last.Path);
        Assert.NotNull(last.RequestId);
        Assert.NotNull(last.CorrelationId);
    }

    [Fact]
    public async Task Every_answer_carries_ARMs_envelope_and_a_content_type_only_with_a_body()
    {
        var (read, _) = await GetAsync(_http, VmPath("vm-win") + "?api-version=2023-07-01");
        var (error, _) = await GetAsync(_http, VmPath("vm-nope") + "?api-version=2023-07-01");
        var (empty, emptyBody) = await PostAsync(_http, VmPath("vm-deallocated") + "/generalize?api-version=2023-07-01");
        Assert.Null(emptyBody);
        foreach (var response in new[] { read, error, empty })
        {
            // As every recorded Azure answer has them.
            Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
            Assert.Equal("no-cache", response.Headers.Pragma.ToString());
            Assert.Equal("-1", string.Join(",", response.Content.Headers.NonValidated["Expires"]));
            Assert.Equal("max-age=31536000; includeSubDomains", Header(response, "Strict-Transport-Security"));
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        }

        Assert.Equal("application/json; charset=utf-8", read.Content.Headers.ContentType!.ToString());
        Assert.Equal("application/json; charset=utf-8", error.Content.Headers.ContentType!.ToString());
        Assert.Null(empty.Content.Headers.ContentType);
        Assert.Equal(0, empty.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("subscriptions/00000000-0000-0000-0000-00000000dead/resourceGroups/rg-images?api-version=2022-09-01", "SubscriptionNotFound", "The subscription '00000000-0000-0000-0000-00000000dead' could not be found.")]
    [InlineData("subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-nope?api-version=2022-09-01", "ResourceGroupNotFound", "Resource group 'rg-nope' could not be found.")]
    [InlineData("subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-nope/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2023-07-01", "ResourceGroupNotFound", "Resource group 'rg-nope' could not be found.")]
    [InlineData("subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2023-07-01", "ResourceNotFound", "The Resource 'Microsoft.Compute/virtualMachines/vm1' under resource group 'rg-images' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")]
    public async Task Missing_things_are_404_with_arm_codes(string path, string code, string message)
    {
        var (response, body) = await GetAsync(_http, path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(code, body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(message, body["error"]!["message"]!.GetValue<string>());
        Assert.Equal(code, _host.RequestLog.Last().ArmErrorCode);
    }

    [Fact]
    public async Task Unknown_routes_are_404_with_a_clear_code()
    {
        var (r1, b1) = await GetAsync(_http, $"subscriptions/{Sub}/resourceGroups/rg-images/providers/Microsoft.Compute/widgets/w1?api-version=2023-07-01");
        Assert.Equal(HttpStatusCode.NotFound, r1.StatusCode);
        Assert.Equal("InvalidResourceType", b1!["error"]!["code"]!.GetValue<string>());
        Assert.Contains("'widgets'", b1["error"]!["message"]!.GetValue<string>());

        var (r2, b2) = await GetAsync(_http, $"subscriptions/{Sub}/resourceGroups/rg-images/providers/Microsoft.Widgets/widgets/w1?api-version=2023-07-01");
        Assert.Equal(HttpStatusCode.NotFound, r2.StatusCode);
        Assert.Equal("NoRegisteredProviderFound", b2!["error"]!["code"]!.GetValue<string>());

        var (r3, b3) = await SendAsync(_http, HttpMethod.Delete, VmPath("vm-win") + "/start?api-version=2023-07-01");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, r3.StatusCode);
        Assert.Equal("MethodNotAllowed", b3!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Paths_match_case_insensitively_and_names_keep_their_case()
    {
        var (response, body) = await GetAsync(_http,
            $"SUBSCRIPTIONS/{Sub}/RESOURCEGROUPS/RG-IMAGES/PROVIDERS/microsoft.compute/VIRTUALMACHINES/VM-WIN?API-VERSION=2023-07-01");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("vm-win", body!["name"]!.GetValue<string>());
        Assert.Equal($"/subscriptions/{Sub}/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm-win", body["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Vm_json_has_the_2023_07_01_shape()
    {
        var (_, vm) = await GetAsync(_http, VmPath("vm-win") + "?api-version=2023-07-01");
        var p = vm!["properties"]!;
        Assert.Equal("Microsoft.Compute/virtualMachines", vm["type"]!.GetValue<string>());
        Assert.Equal("westeurope", vm["location"]!.GetValue<string>());
        Assert.Equal("platform-team", vm["tags"]!["owner"]!.GetValue<string>());
        Assert.Equal("Standard_D2s_v5", p["hardwareProfile"]!["vmSize"]!.GetValue<string>());
        var osDisk = p["storageProfile"]!["osDisk"]!;
        Assert.Equal("Windows", osDisk["osType"]!.GetValue<string>());
        Assert.Equal("FromImage", osDisk["createOption"]!.GetValue<string>());
        Assert.Equal("ReadWrite", osDisk["caching"]!.GetValue<string>());
        Assert.Equal(127, osDisk["diskSizeGB"]!.GetValue<int>());
        Assert.Equal("Premium_LRS", osDisk["managedDisk"]!["storageAccountType"]!.GetValue<string>());
        Assert.EndsWith("/providers/Microsoft.Compute/disks/" + osDisk["name"]!.GetValue<string>(), osDisk["managedDisk"]!["id"]!.GetValue<string>());
        Assert.Equal("azureadmin", p["osProfile"]!["adminUsername"]!.GetValue<string>());
        Assert.Null(p["osProfile"]!["adminPassword"]);
        Assert.Equal("TrustedLaunch", p["securityProfile"]!["securityType"]!.GetValue<string>());
        Assert.True(p["securityProfile"]!["uefiSettings"]!["vTpmEnabled"]!.GetValue<bool>());
        Assert.Single(p["networkProfile"]!["networkInterfaces"]!.AsArray());
        Assert.Equal("Succeeded", p["provisioningState"]!.GetValue<string>());
        Assert.True(Guid.TryParse(p["vmId"]!.GetValue<string>(), out _));
        Assert.True(DateTimeOffset.TryParse(p["timeCreated"]!.GetValue<string>(), out _));
        Assert.Null(p["instanceView"]);

        var (_, linux) = await GetAsync(_http, VmPath("vm-linux") + "?api-version=2023-07-01&$expand=instanceView");
        Assert.Null(linux!["properties"]!["securityProfile"]);
        Assert.NotNull(linux["properties"]!["osProfile"]!["linuxConfiguration"]);
        Assert.Equal("V2", linux["properties"]!["instanceView"]!["hyperVGeneration"]!.GetValue<string>());
    }

    [Fact]
    public async Task Lists_wrap_values()
    {
        var (_, byGroup) = await GetAsync(_http, $"subscriptions/{Sub}/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines?api-version=2023-07-01");
        Assert.Equal(8, byGroup!["value"]!.AsArray().Count);

        var (_, bySub) = await GetAsync(_http, $"subscriptions/{Sub}/providers/Microsoft.Compute/virtualMachines?api-version=2023-07-01");
        Assert.Equal(8, bySub!["value"]!.AsArray().Count);

        var (_, groups) = await GetAsync(_http, $"subscriptions/{Sub}/resourcegroups?api-version=2022-09-01");
        Assert.Equal(["rg-images", "rg-other"], groups!["value"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()));

        var (_, subs) = await GetAsync(_http, "subscriptions?api-version=2022-12-01");
        Assert.Equal(2, subs!["value"]!.AsArray().Count);
        Assert.Equal("Enabled", subs["value"]![0]!["state"]!.GetValue<string>());
        Assert.Equal(_host.TenantId, subs["value"]![0]!["tenantId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Resource_group_put_head_and_location_conflict()
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        var path = $"subscriptions/{Sub}/resourcegroups/rg-New?api-version=2022-09-01";
        var (head1, _) = await SendAsync(http, HttpMethod.Head, path);
        Assert.Equal(HttpStatusCode.NotFound, head1.StatusCode);

        var (created, body) = await SendAsync(http, HttpMethod.Put, path, new { location = "West Europe", tags = new { env = "test" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("westeurope", body!["location"]!.GetValue<string>());
        Assert.Equal("Succeeded", body["properties"]!["provisioningState"]!.GetValue<string>());

        var (updated, _) = await SendAsync(http, HttpMethod.Put, path, new { location = "westeurope" });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var (head2, _) = await SendAsync(http, HttpMethod.Head, $"subscriptions/{Sub}/resourcegroups/RG-NEW?api-version=2022-09-01");
        Assert.Equal(HttpStatusCode.NoContent, head2.StatusCode);

        var (conflict, error) = await SendAsync(http, HttpMethod.Put, path, new { location = "eastus" });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("InvalidResourceGroupLocation", error!["error"]!["code"]!.GetValue<string>());

        var (noLocation, error2) = await SendAsync(http, HttpMethod.Put, path, new { tags = new { } });
        Assert.Equal(HttpStatusCode.BadRequest, noLocation.StatusCode);
        Assert.Equal("LocationRequired", error2!["error"]!["code"]!.GetValue<string>());

        var (badJson, error3) = await SendAsync(http, HttpMethod.Put, path, "{ not json");
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        Assert.Equal("InvalidRequestContent", error3!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_log_is_ordered_and_keeps_secrets_out()
    {
        _host.ClearRequestLog();
        await GetAsync(_http, $"subscriptions/{Sub}?api-version=2022-12-01&sig=s3cr3t-value&$expand=x");
        await GetAsync(_http, $"subscriptions/{Sub}/resourcegroups?api-version=2022-09-01");

        var log = _host.RequestLog;
        Assert.Equal(2, log.Count);
        Assert.Equal($"/subscriptions/{Sub}", log[0].Path);
        Assert.Equal(200, log[0].Status);
        Assert.Contains("api-version=2022-12-01", log[0].Query);
        Assert.Contains("$expand=x", log[0].Query);
        Assert.DoesNotContain("s3cr3t", log[0].Query);
        Assert.All(log, e => Assert.DoesNotContain(Token, e.ToString()));
        Assert.True(log[0].Time <= log[1].Time);
        Assert.Null(log[1].ArmErrorCode);
    }

    [Fact]
    public async Task Malformed_authorization_is_rejected_and_any_bearer_token_is_accepted()
    {
        using var basic = Http(_host, authenticate: false);
        basic.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        var (r1, b1) = await GetAsync(basic, $"subscriptions/{Sub}?api-version=2022-12-01");
        Assert.Equal(HttpStatusCode.Unauthorized, r1.StatusCode);
        Assert.Equal("InvalidAuthenticationToken", b1!["error"]!["code"]!.GetValue<string>());

        using var opaque = Http(_host, authenticate: false);
        opaque.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-jwt");
        var (r2, _) = await GetAsync(opaque, $"subscriptions/{Sub}?api-version=2022-12-01");
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
    }

    [Fact]
    public void Bearer_token_claims_name_the_caller()
    {
        Assert.Equal("tester@genimage.example", Arm.BearerToken.CallerName(Token));
        Assert.Equal("unknown", Arm.BearerToken.CallerName("opaque"));
        Assert.Equal("unknown", Arm.BearerToken.CallerName("a.%%%.c"));
    }

    internal static string Code(JsonNode? body) => body!["error"]!["code"]!.GetValue<string>();
}
