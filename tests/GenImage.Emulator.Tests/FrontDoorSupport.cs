using System.Net.Http.Headers;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;

namespace GenImage.Emulator.Tests;

/// <summary>Helpers for the throttling, fault, Activity Log, RBAC and persistence tests.</summary>
internal static class FrontDoorSupport
{
    public const string TesterOid = "11111111-2222-3333-4444-555555555555";
    public const string TesterUpn = "tester@genimage.example";

    /// <summary>An unsigned token (alg none) with the given claims, as the module's emulator credential makes them.</summary>
    public static string Token(string upn, string? oid = null)
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var payload = oid is null
            ? $"{{\"aud\":\"https://management.azure.com/\",\"upn\":\"{upn}\",\"name\":\"{upn}\"}}"
            : $"{{\"aud\":\"https://management.azure.com/\",\"upn\":\"{upn}\",\"oid\":\"{oid}\",\"name\":\"{upn}\"}}";
        return B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + B64(payload) + ".";
    }

    public static HttpClient Http(EmulatorHost host, string token)
    {
        var client = new HttpClient(TestSupport.PinnedHandler(host)) { BaseAddress = host.Endpoint };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The SDK with its retry policy on (short fixed delay), to show it recovers from 429/5xx.</summary>
    public static ArmClient RetryingSdk(EmulatorHost host, int maxRetries = 5)
    {
        var options = new ArmClientOptions
        {
            Environment = new ArmEnvironment(host.Endpoint, "https://management.azure.com/"),
            Transport = new HttpClientTransport(new HttpClient(TestSupport.PinnedHandler(host))),
        };
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(3);
        return new ArmClient(new StaticCredential(TestSupport.Token), host.SubscriptionIds[0], options);
    }

    public static string Window(DateTimeOffset? from = null, DateTimeOffset? to = null)
        => $"eventTimestamp ge '{(from ?? DateTimeOffset.UtcNow.AddHours(-1)):yyyy-MM-ddTHH:mm:ss.fffZ}' and eventTimestamp le '{(to ?? DateTimeOffset.UtcNow.AddHours(1)):yyyy-MM-ddTHH:mm:ss.fffZ}'";

    public static string ActivityPath(string filter, string? select = null)
        => $"subscriptions/{TestSupport.Sub}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter={Uri.EscapeDataString(filter)}"
           + (select is null ? "" : $"&$select={Uri.EscapeDataString(select)}");

    private sealed class StaticCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }
}
