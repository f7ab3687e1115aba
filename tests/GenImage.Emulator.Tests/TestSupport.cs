using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;

namespace GenImage.Emulator.Tests;

/// <summary>Clients for the emulator: raw HTTP and the Azure SDK, both pinned to the emulator's certificate.</summary>
internal static class TestSupport
{
    public const string Sub = "00000000-0000-0000-0000-000000000001";
    public const string Rg = "rg-images";
    public const string ComputeApi = "2023-07-01";

    /// <summary>An unsigned test token naming a principal (the emulator reads, never verifies, it).</summary>
    public static string Token { get; } = MakeToken();

    private static string MakeToken()
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + B64("{\"upn\":\"tester@genimage.example\",\"oid\":\"11111111-2222-3333-4444-555555555555\"}") + ".";
    }

    /// <summary>
    /// One TLS certificate for every emulator this test process starts (an RSA-2048 key per start cost a fifth of a
    /// second of CPU each). HostTests still checks the certificate a host makes for itself.
    /// </summary>
    public static X509Certificate2 Certificate { get; } = EmulatorHost.CreateCertificate();

    public static Task<EmulatorHost> StartAsync(string? worldYaml = null, double? scale = 0.001, TimeProvider? time = null)
        => StartAsync(new EmulatorOptions { WorldYaml = worldYaml ?? Worlds.Standard, ClockScale = scale, TimeProvider = time });

    /// <summary>Starts an emulator with <paramref name="options"/>, serving <see cref="Certificate"/> unless they name another.</summary>
    public static Task<EmulatorHost> StartAsync(EmulatorOptions options)
    {
        options.Certificate ??= Certificate;
        return EmulatorHost.StartAsync(options);
    }

    /// <summary>
    /// A poll every 20 ms (±20 %), or later when Retry-After says so. Operation.WaitForCompletion(TimeSpan) would raise
    /// the interval to one second; a DelayStrategy has no such floor. A new one per wait (it holds a random generator).
    /// </summary>
    public static DelayStrategy Poll => DelayStrategy.CreateFixedDelayStrategy(TimeSpan.FromMilliseconds(20));

    public static HttpClientHandler PinnedHandler(EmulatorHost host, Action<X509Certificate2>? seen = null) => new()
    {
        ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
        {
            if (cert is null)
            {
                return false;
            }

            seen?.Invoke(cert);
            return Convert.ToHexString(SHA256.HashData(cert.RawData)) == host.CertificateThumbprint;
        },
    };

    public static HttpClient Http(EmulatorHost host, bool authenticate = true)
    {
        var client = new HttpClient(PinnedHandler(host)) { BaseAddress = host.Endpoint };
        if (authenticate)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        return client;
    }

    public static ArmClient Sdk(EmulatorHost host)
    {
        var options = new ArmClientOptions
        {
            Environment = new ArmEnvironment(host.Endpoint, "https://management.azure.com/"),
            Transport = new HttpClientTransport(new HttpClient(PinnedHandler(host))),
        };
        options.Retry.MaxRetries = 0;
        return new ArmClient(new FakeCredential(), host.SubscriptionIds[0], options);
    }

    public static VirtualMachineResource Vm(ArmClient client, string name, string rg = Rg)
        => client.GetVirtualMachineResource(VirtualMachineResource.CreateResourceIdentifier(Sub, rg, name));

    public static string VmPath(string name, string rg = Rg) => $"subscriptions/{Sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}";

    public static async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string relative, object? body = null)
    {
        using var request = new HttpRequestMessage(method, relative);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text));
    }

    public static Task<(HttpResponseMessage Response, JsonNode? Body)> GetAsync(HttpClient http, string relative)
        => SendAsync(http, HttpMethod.Get, relative);

    public static Task<(HttpResponseMessage Response, JsonNode? Body)> PostAsync(HttpClient http, string relative, object? body = null)
        => SendAsync(http, HttpMethod.Post, relative, body);

    public static string Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.Single()
            : response.Content.Headers.TryGetValues(name, out var cv) ? cv.Single()
            : throw new Xunit.Sdk.XunitException($"Response has no '{name}' header.");

    /// <summary>Polls until the condition holds on the VM snapshot (the emulator's clock is scaled, so this is short).</summary>
    public static async Task<VmSnapshot> WaitForVmAsync(EmulatorHost host, string name, Func<VmSnapshot, bool> condition, string rg = Rg)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var vm = host.GetVm(Sub, rg, name) ?? throw new Xunit.Sdk.XunitException($"VM {name} not found.");
            if (condition(vm))
            {
                return vm;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"VM {name} did not reach the expected state; last: {vm}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Polls an Azure-AsyncOperation URL until it reports a terminal status; returns every status seen.</summary>
    public static async Task<List<JsonNode>> PollStatusAsync(HttpClient http, string statusUrl)
    {
        var seen = new List<JsonNode>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var (response, body) = await GetAsync(http, statusUrl);
            Assert.Equal(200, (int)response.StatusCode);
            seen.Add(body!);
            if (body!["status"]!.GetValue<string>() is "Succeeded" or "Failed" or "Canceled")
            {
                return seen;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException("The operation did not finish.");
            }

            await Task.Delay(15);
        }
    }

    public static string Marker(string name) => $"# genimage-script: {name}/1";

    private sealed class FakeCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => new(Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => new(GetToken(requestContext, cancellationToken));
    }
}

/// <summary>World files used by the tests.</summary>
internal static class Worlds
{
    public const string Standard = """
        apiVersion: genimage.dev/emulator/v1
        kind: World
        clock: { scale: 0.001 }
        tenantId: 00000000-0000-0000-0000-0000000000aa
        subscriptions:
          - id: 00000000-0000-0000-0000-000000000001
            displayName: GenImage Tests
            resourceGroups:
              - name: rg-images
                location: westeurope
                tags: { owner: platform-team }
                virtualMachines:
                  - name: vm-win
                    osType: Windows
                    hyperVGeneration: V2
                    securityType: TrustedLaunch
                    tags: { owner: platform-team }
                  - name: vm-linux
                    osType: Linux
                    osName: Ubuntu 22.04.4 LTS
                    guest: { cloudInit: true, leftovers: [ sshHostKeys, machineId, shellHistory ] }
                  - name: vm-win-appx
                    osType: Windows
                    guest:
                      sysprepBlockers: [ "appx:Microsoft.BingWeather_4.53.0.0_x64__8wekyb3d8bbwe" ]
                  - name: vm-stopped
                    osType: Windows
                    powerState: stopped
                  - name: vm-deallocated
                    osType: Linux
                    powerState: deallocated
                  - name: vm-generalized
                    osType: Linux
                    powerState: deallocated
                    osState: generalized
                  - name: vm-agent-notready
                    osType: Linux
                    guest: { agent: { status: NotReady } }
                  - name: vm-agent-missing
                    osType: Windows
                    hyperVGeneration: V1
                    guest: { agent: { status: Missing } }
              - name: rg-other
                location: eastus
          - id: 00000000-0000-0000-0000-000000000002
            displayName: Second
        """;
}
