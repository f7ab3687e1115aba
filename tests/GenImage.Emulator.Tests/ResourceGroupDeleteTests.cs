using System.Net;
using System.Text;
using Azure;
using Azure.ResourceManager.Resources;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>
/// Resource group DELETE as the recorded Azure traffic shows it: 202 with ARM's <c>operationresults</c> Location and
/// Retry-After (no Azure-AsyncOperation), polls answering 202 until the group and everything in it are gone, then 200.
/// </summary>
public sealed class ResourceGroupDeleteTests : IDisposable
{
    private const string RgApi = "2022-09-01";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "genimage-rgdelete-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static string GroupPath(string rg = Rg) => $"subscriptions/{Sub}/resourcegroups/{rg}?api-version={RgApi}";

    private static bool Has(HttpResponseMessage r, string name) => r.Headers.NonValidated.Contains(name) || r.Content.Headers.NonValidated.Contains(name);

    [Fact]
    public async Task Delete_answers_202_with_an_operationresults_location_and_removes_the_group_with_its_resources()
    {
        // A clock that stands still: the deletion runs until the test moves the clock on.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = Worlds.Standard, ClockScale = 1, TimeProvider = clock });
        using var http = Http(host);

        var (deleted, body) = await SendAsync(http, HttpMethod.Delete, GroupPath());
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        Assert.Null(body);
        Assert.False(Has(deleted, "Azure-AsyncOperation"));
        Assert.False(Has(deleted, "Content-Type"));
        Assert.Equal("15", Header(deleted, "Retry-After"));
        var location = Header(deleted, "Location");
        var match = System.Text.RegularExpressions.Regex.Match(location, $"^{host.Endpoint}subscriptions/{Sub}/operationresults/([A-Za-z0-9_-]+)\\?api-version={RgApi}$");
        Assert.True(match.Success, location);
        var job = match.Groups[1].Value.Replace('-', '+').Replace('_', '/');
        Assert.Equal("""{"jobId":"RESOURCEGROUPDELETIONJOB-RG:2DIMAGES-WESTEUROPE","jobLocation":"westeurope"}""",
            Encoding.UTF8.GetString(Convert.FromBase64String(job.PadRight(job.Length + ((4 - (job.Length % 4)) % 4), '='))));

        var (group, groupBody) = await GetAsync(http, GroupPath());
        Assert.Equal(HttpStatusCode.OK, group.StatusCode);
        Assert.Equal("Deleting", groupBody!["properties"]!["provisioningState"]!.GetValue<string>());
        var (update, updateBody) = await SendAsync(http, HttpMethod.Put, GroupPath(), new { location = "westeurope" });
        Assert.Equal(HttpStatusCode.Conflict, update.StatusCode);
        Assert.Equal("ResourceGroupBeingDeleted", EnvelopeTests.Code(updateBody));

        var (running, runningBody) = await GetAsync(http, location);
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        Assert.Null(runningBody);
        Assert.Equal(location, Header(running, "Location"));
        Assert.Equal("15", Header(running, "Retry-After"));
        var (again, _) = await SendAsync(http, HttpMethod.Delete, GroupPath());
        Assert.Equal(location, Header(again, "Location"));

        clock.Advance(TimeSpan.FromHours(1));
        var (done, doneBody) = await GetAsync(http, location);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Null(doneBody);
        Assert.False(Has(done, "Location"));

        var (gone, goneBody) = await GetAsync(http, GroupPath());
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("ResourceGroupNotFound", EnvelopeTests.Code(goneBody));
        Assert.Null(host.GetVm(Sub, Rg, "vm-win"));
        Assert.All(host.ListVms(Sub), vm => Assert.NotEqual(Rg, vm.ResourceGroup));
        Assert.All(host.ListDisks(Sub), disk => Assert.NotEqual(Rg, disk.ResourceGroup, StringComparer.OrdinalIgnoreCase));
        var (other, _) = await GetAsync(http, GroupPath("rg-other"));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        // The Activity Log follows the operation through its Location (there is no Azure-AsyncOperation).
        var window = FrontDoorSupport.Window(DateTimeOffset.UtcNow.AddHours(-1), clock.GetUtcNow().AddHours(1));
        var (_, log) = await GetAsync(http, FrontDoorSupport.ActivityPath($"{window} and resourceGroupName eq '{Rg}'"));
        var statuses = log!["value"]!.AsArray()
            .Where(e => e!["operationName"]!["value"]!.GetValue<string>() == "Microsoft.Resources/subscriptions/resourceGroups/delete")
            .Select(e => e!["status"]!["value"]!.GetValue<string>())
            .ToList();
        Assert.Contains("Accepted", statuses);
        Assert.Contains("Succeeded", statuses);
    }

    [Fact]
    public async Task Deleting_a_missing_group_is_ResourceGroupNotFound()
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        var (response, body) = await SendAsync(http, HttpMethod.Delete, GroupPath("rg-nope"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ResourceGroupNotFound", EnvelopeTests.Code(body));
    }

    [Fact]
    public async Task The_sdk_deletes_a_group_and_waits_for_it_unmodified()
    {
        await using var host = await StartAsync();
        var group = Sdk(host).GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(Sub, Rg));

        var operation = await group.DeleteAsync(WaitUntil.Started);
        var response = await operation.WaitForCompletionResponseAsync(TimeSpan.FromMilliseconds(20));

        Assert.Equal(200, response.Status);
        Assert.True(operation.HasCompleted);
        var exists = await Sdk(host).GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(Sub)).GetResourceGroups().ExistsAsync(Rg);
        Assert.False(exists.Value);
    }

    [Fact]
    public async Task A_group_being_deleted_is_saved_deleted()
    {
        var state = Path.Combine(_dir, "state.json");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using (var first = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = Worlds.Standard, ClockScale = 1, TimeProvider = clock, StateFile = state }))
        {
            using var http = Http(first);
            Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(http, HttpMethod.Delete, GroupPath())).Response.StatusCode);
            first.SaveState();
        }

        await using var second = await TestSupport.StartAsync(new EmulatorOptions { StateFile = state });
        using var client = Http(second);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, GroupPath())).Response.StatusCode);
        Assert.Null(second.GetVm(Sub, Rg, "vm-win"));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, GroupPath("rg-other"))).Response.StatusCode);
    }
}
