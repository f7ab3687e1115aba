using static GenImage.Emulator.Tests.FrontDoorSupport;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>
/// With RBAC enforced, a principal holding Contributor at resource-group scope waits for its own long-running
/// operations: the status URLs are at subscription scope, and ARM does not ask for
/// Microsoft.Compute/locations/operations/read there. A principal with no access in the subscription cannot poll.
/// </summary>
public sealed class RbacPollingTests
{
    private const string RgScope = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images";

    private static readonly string World = Worlds.Standard + "\n" + $$"""
        roleAssignments:
          - { principalName: builder@genimage.example, role: Contributor, scope: {{RgScope}}, principalType: ServicePrincipal }
        """;

    [Fact]
    public async Task Contributor_at_resource_group_scope_polls_its_operations_and_a_stranger_cannot()
    {
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = World, EnforceRbac = true });
        using var builder = FrontDoorSupport.Http(host, Token("builder@genimage.example"));

        var (accepted, _) = await PostAsync(builder, VmPath("vm-linux") + "/powerOff?api-version=" + ComputeApi);
        Assert.Equal(202, (int)accepted.StatusCode);
        var statuses = await PollStatusAsync(builder, Header(accepted, "Azure-AsyncOperation"));
        Assert.Equal("Succeeded", statuses[^1]["status"]!.GetValue<string>());
        var (monitor, _) = await GetAsync(builder, Header(accepted, "Location"));
        Assert.Equal(200, (int)monitor.StatusCode);

        // Through the SDK, unmodified: WaitUntil.Completed polls the subscription-scope URL.
        var options = new Azure.ResourceManager.ArmClientOptions
        {
            Environment = new Azure.ResourceManager.ArmEnvironment(host.Endpoint, "https://management.azure.com/"),
            Transport = new Azure.Core.Pipeline.HttpClientTransport(new HttpClient(PinnedHandler(host))),
        };
        options.Retry.MaxRetries = 0;
        var client = new Azure.ResourceManager.ArmClient(new TokenOf(Token("builder@genimage.example")), host.SubscriptionIds[0], options);
        var op = await Vm(client, "vm-win").DeallocateAsync(Azure.WaitUntil.Started);
        await op.WaitForCompletionResponseAsync(TimeSpan.FromMilliseconds(20), default);
        Assert.Equal("deallocated", host.GetVm(Sub, Rg, "vm-win")!.PowerState);

        using var stranger = FrontDoorSupport.Http(host, Token("stranger@genimage.example", Guid.NewGuid().ToString("D")));
        var (refused, body) = await GetAsync(stranger, Header(accepted, "Azure-AsyncOperation"));
        Assert.Equal(403, (int)refused.StatusCode);
        Assert.Contains("'Microsoft.Compute/locations/operations/read'", body!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Contributor_at_resource_group_scope_deletes_its_group_and_polls_ARMs_operationresults()
    {
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = World, EnforceRbac = true });
        using var builder = FrontDoorSupport.Http(host, Token("builder@genimage.example"));

        var (accepted, _) = await SendAsync(builder, HttpMethod.Delete, $"subscriptions/{Sub}/resourcegroups/{Rg}?api-version=2022-09-01");
        Assert.Equal(202, (int)accepted.StatusCode);
        var location = Header(accepted, "Location");
        Assert.Contains($"/subscriptions/{Sub}/operationresults/", location);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        int status;
        do
        {
            status = (int)(await GetAsync(builder, location)).Response.StatusCode;
            Assert.True(status is 200 or 202, $"The operationresults poll answered {status}.");
            Assert.True(DateTime.UtcNow < deadline, "The deletion did not finish.");
            await Task.Delay(15);
        }
        while (status == 202);

        using var stranger = FrontDoorSupport.Http(host, Token("stranger@genimage.example", Guid.NewGuid().ToString("D")));
        var (refused, body) = await GetAsync(stranger, location);
        Assert.Equal(403, (int)refused.StatusCode);
        Assert.Contains("'Microsoft.Resources/subscriptions/operationresults/read'", body!["error"]!["message"]!.GetValue<string>());
    }

    private sealed class TokenOf(string token) : Azure.Core.TokenCredential
    {
        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
            => new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
            => new(GetToken(requestContext, cancellationToken));
    }
}
