using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>A world with image sources of every lineage and a gallery, plus helpers to publish and deploy through the SDK.</summary>
internal static class GalleryWorld
{
    public const string GalleryPath = $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/galleries/gal_images";
    public const string GalleryApi = "2022-03-03";

    public const string Yaml = """
        apiVersion: genimage.dev/emulator/v1
        kind: World
        clock: { scale: 0.0005 }
        replication:
          secondsPerGB: 10
          slowFactor: { northeurope: 3 }
          failRegions: [ eastus ]
        subscriptions:
          - id: 00000000-0000-0000-0000-000000000001
            resourceGroups:
              - name: rg-images
                location: westeurope
                virtualMachines:
                  - name: vm-linux-prepared
                    osType: Linux
                    powerState: deallocated
                    osState: generalized
                    guest: { prepared: true, leftovers: [ machineId ] }
                  - name: vm-linux-unprepared
                    osType: Linux
                    powerState: deallocated
                    osState: generalized
                  - name: vm-linux-noagent
                    osType: Linux
                    powerState: deallocated
                    osState: generalized
                    guest: { prepared: true, cloudInit: false, agent: { status: Missing } }
                  - name: vm-linux-gen1
                    osType: Linux
                    hyperVGeneration: V1
                    powerState: deallocated
                    osState: generalized
                    guest: { prepared: true }
                  - name: vm-win-tl
                    osType: Windows
                    securityType: TrustedLaunch
                    powerState: deallocated
                    osState: generalized
                    guest: { prepared: true }
                  - name: vm-win-unprepared
                    osType: Windows
                    powerState: deallocated
                    osState: generalized
                  - name: vm-win-prepared
                    osType: Windows
                    powerState: deallocated
                    osState: generalized
                    guest: { prepared: true }
                  - name: vm-linux-running
                    osType: Linux
                    osName: Ubuntu 22.04.4 LTS
                    guest: { leftovers: [ sshHostKeys, machineId, adminHome, shellHistory, cloudInitState, waagentState ] }
                  - name: vm-win-running
                    osType: Windows
                    guest:
                      sysprepBlockers: [ "appx:Microsoft.BingWeather_4.53.0.0_x64__8wekyb3d8bbwe", pendingReboot ]
                      leftovers: [ pantherUnattend ]
                      dvdRomDisabled: true
                      domain: corp.example
                galleries:
                  - name: gal_images
                    images:
                      - { name: ubuntu-gen2, osType: Linux, publisher: GenImage, offer: Ubuntu, sku: 22_04-gen2 }
                      - { name: win2022-tl, osType: Windows, publisher: GenImage, offer: WindowsServer, sku: 2022-tl, securityType: TrustedLaunch }
                      - { name: win2022, osType: Windows, publisher: GenImage, offer: WindowsServer, sku: 2022 }
                      - { name: ubuntu-specialized, osType: Linux, osState: Specialized, publisher: GenImage, offer: Ubuntu, sku: 22_04-spec }
              - name: rg-validation
                location: westeurope
        """;

    public static Task<EmulatorHost> StartAsync(TimeProvider? time = null) => TestSupport.StartAsync(Yaml, null, time);

    public static string VmId(string name, string rg = Rg) => $"/subscriptions/{Sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}";

    public static string ImagePath(string image) => $"{GalleryPath}/images/{image}";

    public static string VersionPath(string image, string version) => $"{GalleryPath}/images/{image}/versions/{version}";

    public static GalleryImageResource Image(ArmClient client, string image)
        => client.GetGalleryImageResource(GalleryImageResource.CreateResourceIdentifier(Sub, Rg, "gal_images", image));

    /// <summary>Publishes a version through the SDK and waits for the LRO (20 ms polling); returns the operation's outcome.</summary>
    public static async Task<GalleryImageVersionResource> PublishAsync(ArmClient client, string image, string version, string sourceVmName,
        params string[] regions)
    {
        var data = new GalleryImageVersionData(new AzureLocation("westeurope"))
        {
            PublishingProfile = new GalleryImageVersionPublishingProfile(),
            StorageProfile = new GalleryImageVersionStorageProfile
            {
                GallerySource = new GalleryArtifactVersionFullSource { Id = new ResourceIdentifier(VmId(sourceVmName)) },
            },
        };
        foreach (var region in regions.Length == 0 ? ["westeurope"] : regions)
        {
            data.PublishingProfile.TargetRegions.Add(new TargetRegion(region) { RegionalReplicaCount = 1, StorageAccountType = ImageStorageAccountType.StandardLrs });
        }

        var op = await Image(client, image).GetGalleryImageVersions().CreateOrUpdateAsync(WaitUntil.Started, version, data);
        return (await op.WaitForCompletionAsync(Poll, default)).Value;
    }

    /// <summary>PUT of a VM from an image through raw HTTP (the body the module sends); returns the response and its status URL.</summary>
    public static async Task<(int Status, JsonNode? Body, string? StatusUrl)> CreateVmAsync(HttpClient http, string name, string imageId,
        string osType = "Linux", string? securityType = null, bool osProfile = true, string deleteOption = "Delete", bool bootDiagnostics = true)
    {
        var properties = new JsonObject
        {
            ["hardwareProfile"] = new JsonObject { ["vmSize"] = "Standard_D2s_v5" },
            ["storageProfile"] = new JsonObject
            {
                ["imageReference"] = new JsonObject { ["id"] = imageId },
                ["osDisk"] = new JsonObject
                {
                    ["createOption"] = "FromImage",
                    ["deleteOption"] = deleteOption,
                    ["managedDisk"] = new JsonObject { ["storageAccountType"] = "Standard_LRS" },
                },
            },
            ["networkProfile"] = new JsonObject
            {
                ["networkInterfaces"] = new JsonArray(new JsonObject
                {
                    ["id"] = $"/subscriptions/{Sub}/resourceGroups/rg-validation/providers/Microsoft.Network/networkInterfaces/{name}-nic",
                    ["properties"] = new JsonObject { ["primary"] = true },
                }),
            },
            ["diagnosticsProfile"] = new JsonObject { ["bootDiagnostics"] = new JsonObject { ["enabled"] = bootDiagnostics } },
        };
        if (osProfile)
        {
            properties["osProfile"] = new JsonObject
            {
                ["computerName"] = name.Length > 15 ? name[..15] : name,
                ["adminUsername"] = "validator",
                ["adminPassword"] = SecretPassword,
            };
        }

        if (securityType is not null)
        {
            properties["securityProfile"] = new JsonObject
            {
                ["securityType"] = securityType,
                ["uefiSettings"] = new JsonObject { ["secureBootEnabled"] = true, ["vTpmEnabled"] = true },
            };
        }

        var body = new JsonObject { ["location"] = "westeurope", ["properties"] = properties };
        var (response, json) = await SendAsync(http, HttpMethod.Put, $"{VmPath(name, "rg-validation")}?api-version={ComputeApi}", body.ToJsonString());
        var statusUrl = response.Headers.TryGetValues("Azure-AsyncOperation", out var values) ? values.Single() : null;
        return ((int)response.StatusCode, json, statusUrl);
    }

    /// <summary>A password that must never come back from the emulator.</summary>
    public const string SecretPassword = "Pa55w0rd-never-returned-7391!";

    public static async Task<JsonNode> PutJsonAsync(HttpClient http, string path, string api, JsonObject body, int expectedStatus)
    {
        var (response, json) = await SendAsync(http, HttpMethod.Put, $"{path}?api-version={api}", body.ToJsonString());
        Assert.True(expectedStatus == (int)response.StatusCode, $"Expected {expectedStatus}, got {(int)response.StatusCode}: {json?.ToJsonString()}");
        return json!;
    }

    public static JsonObject VersionBody(string sourceId, params string[] regions)
    {
        var targets = new JsonArray();
        foreach (var r in regions)
        {
            targets.Add(new JsonObject { ["name"] = r, ["regionalReplicaCount"] = 1 });
        }

        return new JsonObject
        {
            ["location"] = "westeurope",
            ["properties"] = new JsonObject
            {
                ["publishingProfile"] = new JsonObject { ["targetRegions"] = targets },
                ["storageProfile"] = new JsonObject { ["source"] = new JsonObject { ["id"] = sourceId } },
            },
        };
    }

    public static async Task<ImageVersionSnapshot> WaitForVersionAsync(EmulatorHost host, string image, string version, Func<ImageVersionSnapshot, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var v = host.GetImageVersion(Sub, Rg, "gal_images", image, version) ?? throw new Xunit.Sdk.XunitException($"Version {image}/{version} not found.");
            if (condition(v))
            {
                return v;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Version {image}/{version} did not reach the expected state; last: {v}");
            }

            await Task.Delay(10);
        }
    }

    public static ResourceGroupResource ResourceGroup(ArmClient client, string rg = Rg)
        => client.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(Sub, rg));
}
