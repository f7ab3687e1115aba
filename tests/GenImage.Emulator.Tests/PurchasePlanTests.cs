using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;
using GenImage.Emulator.World;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>
/// Marketplace purchase plans: a VM's top-level <c>plan</c> (2023-07-01), a definition's <c>properties.purchasePlan</c>
/// (2022-03-03), and the version PUT that refuses a source with a plan into a definition without one.
/// </summary>
public sealed class PurchasePlanTests
{
    private const string GalleryPath = $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/galleries/gal_plan";
    private const string GalleryApi = "2022-03-03";

    private const string Yaml = """
        apiVersion: genimage.dev/emulator/v1
        kind: World
        subscriptions:
          - id: 00000000-0000-0000-0000-000000000001
            resourceGroups:
              - name: rg-images
                location: westeurope
                virtualMachines:
                  - name: vm-market
                    osType: Linux
                    powerState: deallocated
                    osState: generalized
                    image: { publisher: fabrikam, offer: fabrikam-appliance, sku: appliance-byol }
                    plan: { name: appliance-byol, publisher: fabrikam, product: fabrikam-appliance, promotionCode: LAUNCH }
                    guest: { prepared: true }
                  - name: vm-plain
                    osType: Linux
                    powerState: deallocated
                    osState: generalized
                    guest: { prepared: true }
                galleries:
                  - name: gal_plan
                    images:
                      - { name: market-noplan, osType: Linux, publisher: gi, offer: market, sku: noplan }
                      - name: market-plan
                        osType: Linux
                        publisher: gi
                        offer: market
                        sku: plan
                        purchasePlan: { name: appliance-byol, publisher: fabrikam, product: fabrikam-appliance }
              - name: rg-validation
                location: westeurope
        """;

    private static string VmId(string name) => $"/subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/virtualMachines/{name}";

    private static JsonObject VersionBody(string sourceId) => new()
    {
        ["location"] = "westeurope",
        ["properties"] = new JsonObject
        {
            ["publishingProfile"] = new JsonObject { ["targetRegions"] = new JsonArray(new JsonObject { ["name"] = "westeurope", ["regionalReplicaCount"] = 1 }) },
            ["storageProfile"] = new JsonObject { ["source"] = new JsonObject { ["id"] = sourceId } },
        },
    };

    [Fact]
    public void World_file_reads_vm_plans_and_definition_purchase_plans()
    {
        var rg = WorldLoader.Parse(Yaml, "plans.yaml").Subscriptions[0].ResourceGroups[0];
        var plan = rg.VirtualMachines.Single(v => v.Name == "vm-market").Plan!;
        Assert.Equal(("appliance-byol", "fabrikam", "fabrikam-appliance", "LAUNCH"), (plan.Name, plan.Publisher, plan.Product, plan.PromotionCode));
        Assert.Null(rg.VirtualMachines.Single(v => v.Name == "vm-plain").Plan);
        var images = rg.Galleries.Single().Images;
        Assert.Null(images.Single(i => i.Name == "market-noplan").PurchasePlan);
        var purchasePlan = images.Single(i => i.Name == "market-plan").PurchasePlan!;
        Assert.Equal(("appliance-byol", "fabrikam", "fabrikam-appliance"), (purchasePlan.Name, purchasePlan.Publisher, purchasePlan.Product));
    }

    [Fact]
    public void Readiness_example_world_has_a_marketplace_vm_and_definitions_with_and_without_its_plan()
    {
        var rg = WorldLoader.LoadFile(Path.Combine(WorldFileTests.RepoRoot(), "examples", "worlds", "readiness.yaml")).Subscriptions[0].ResourceGroups[0];
        var plan = rg.VirtualMachines.Single(v => v.Name == "vm-market").Plan!;
        var images = rg.Galleries.Single().Images;
        var definitionPlan = images.Single(i => i.Name == "market-plan").PurchasePlan!;
        Assert.Equal((plan.Publisher, plan.Product, plan.Name), (definitionPlan.Publisher, definitionPlan.Product, definitionPlan.Name));
        Assert.Null(images.Single(i => i.Name == "market-noplan").PurchasePlan);
    }

    private const string VmPrefix = "apiVersion: genimage.dev/emulator/v1\nkind: World\nsubscriptions:\n  - id: 00000000-0000-0000-0000-000000000001\n    resourceGroups:\n      - name: rg\n        location: westeurope\n";

    [Theory]
    // unknown key in a VM's plan, reported at the key
    [InlineData(VmPrefix + "        virtualMachines:\n          - name: vm1\n            osType: Linux\n            plan: { name: p, publisher: f, product: a, offer: x }\n", 11, 56, "unknown key 'offer'")]
    // a partial plan, reported at the plan
    [InlineData(VmPrefix + "        virtualMachines:\n          - name: vm1\n            osType: Linux\n            plan: { name: p, publisher: f }\n", 11, 19, "missing the required key 'product'")]
    // an empty plan name, reported at the value
    [InlineData(VmPrefix + "        virtualMachines:\n          - name: vm1\n            osType: Linux\n            plan: { name: '', publisher: f, product: a }\n", 11, 27, "must not be empty")]
    // a plan that is not a mapping
    [InlineData(VmPrefix + "        virtualMachines:\n          - name: vm1\n            osType: Linux\n            plan: byol\n", 11, 19, "must be a mapping")]
    // a definition's purchase plan has no promotion code (ARM's ImagePurchasePlan has none)
    [InlineData(VmPrefix + "        galleries:\n          - name: g\n            images:\n              - name: d\n                osType: Linux\n                publisher: p\n                offer: o\n                sku: s\n                purchasePlan: { name: p, publisher: f, product: a, promotionCode: X }\n", 16, 68, "unknown key 'promotionCode'")]
    public void Invalid_plans_report_line_and_column(string yaml, int line, int column, string fragment)
    {
        var ex = Assert.Throws<WorldFileException>(() => WorldLoader.Parse(yaml, "test.yaml"));
        Assert.Contains(fragment, ex.Problem);
        Assert.Equal((line, column), (ex.Line, ex.Column));
    }

    [Fact]
    public async Task Sdk_reads_the_vm_plan_and_the_definition_purchase_plan()
    {
        await using var host = await StartAsync(Yaml, 0);
        var client = Sdk(host);

        var market = (await Vm(client, "vm-market").GetAsync(InstanceViewType.InstanceView)).Value.Data;
        Assert.Equal(("appliance-byol", "fabrikam", "fabrikam-appliance", "LAUNCH"),
            (market.Plan.Name, market.Plan.Publisher, market.Plan.Product, market.Plan.PromotionCode));
        Assert.Null((await Vm(client, "vm-plain").GetAsync()).Value.Data.Plan);

        var gallery = client.GetGalleryResource(new ResourceIdentifier("/" + GalleryPath));
        var withPlan = (await gallery.GetGalleryImageAsync("market-plan")).Value.Data.PurchasePlan;
        Assert.Equal(("appliance-byol", "fabrikam", "fabrikam-appliance"), (withPlan.Name, withPlan.Publisher, withPlan.Product));
        Assert.Null((await gallery.GetGalleryImageAsync("market-noplan")).Value.Data.PurchasePlan);

        // A definition created through the SDK keeps the plan it was given.
        var data = new GalleryImageData(new AzureLocation("westeurope"))
        {
            OSType = SupportedOperatingSystemType.Linux,
            OSState = OperatingSystemStateType.Generalized,
            HyperVGeneration = HyperVGeneration.V2,
            Identifier = new GalleryImageIdentifier("gi", "market", "sdk"),
            PurchasePlan = new ImagePurchasePlan { Name = "appliance-byol", Publisher = "fabrikam", Product = "fabrikam-appliance" },
        };
        var created = (await gallery.GetGalleryImages().CreateOrUpdateAsync(WaitUntil.Completed, "market-sdk", data)).Value.Data.PurchasePlan;
        Assert.Equal("fabrikam/fabrikam-appliance/appliance-byol", $"{created.Publisher}/{created.Product}/{created.Name}");
    }

    [Fact]
    public async Task Version_put_refuses_a_source_with_a_plan_into_a_definition_without_one()
    {
        await using var host = await StartAsync(Yaml, 0);
        using var http = Http(host);

        var (refused, error) = await SendAsync(http, HttpMethod.Put, $"{GalleryPath}/images/market-noplan/versions/1.0.0?api-version={GalleryApi}",
            VersionBody(VmId("vm-market")).ToJsonString());
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Equal("BadRequest", error!["error"]!["code"]!.GetValue<string>());
        Assert.Contains("fabrikam/fabrikam-appliance/appliance-byol", error["error"]!["message"]!.GetValue<string>());
        Assert.Equal("properties.purchasePlan", error["error"]!["target"]!.GetValue<string>());
        Assert.Null(host.GetImageVersion(Sub, Rg, "gal_plan", "market-noplan", "1.0.0"));

        // The same definition takes a source without a plan; the definition with the plan takes the marketplace VM.
        var (plain, _) = await SendAsync(http, HttpMethod.Put, $"{GalleryPath}/images/market-noplan/versions/1.0.0?api-version={GalleryApi}",
            VersionBody(VmId("vm-plain")).ToJsonString());
        Assert.Equal(201, (int)plain.StatusCode);
        var (market, _) = await SendAsync(http, HttpMethod.Put, $"{GalleryPath}/images/market-plan/versions/1.0.0?api-version={GalleryApi}",
            VersionBody(VmId("vm-market")).ToJsonString());
        Assert.Equal(201, (int)market.StatusCode);
        Assert.NotNull(host.GetImageVersion(Sub, Rg, "gal_plan", "market-plan", "1.0.0"));
    }

    [Fact]
    public async Task Vm_put_keeps_its_plan_and_refuses_a_partial_one()
    {
        await using var host = await StartAsync(Yaml, 0);
        using var http = Http(host);
        var (published, _) = await SendAsync(http, HttpMethod.Put, $"{GalleryPath}/images/market-plan/versions/1.0.0?api-version={GalleryApi}",
            VersionBody(VmId("vm-market")).ToJsonString());
        Assert.Equal(201, (int)published.StatusCode);
        var versionId = $"/{GalleryPath}/images/market-plan/versions/1.0.0";

        JsonObject Body(JsonObject plan) => new()
        {
            ["location"] = "westeurope",
            ["plan"] = plan,
            ["properties"] = new JsonObject
            {
                ["hardwareProfile"] = new JsonObject { ["vmSize"] = "Standard_D2s_v5" },
                ["storageProfile"] = new JsonObject { ["imageReference"] = new JsonObject { ["id"] = versionId } },
                ["osProfile"] = new JsonObject
                {
                    ["computerName"] = "vm-from-market",
                    ["adminUsername"] = "validator",
                    ["linuxConfiguration"] = new JsonObject { ["ssh"] = new JsonObject { ["publicKeys"] = new JsonArray(new JsonObject { ["path"] = "/home/validator/.ssh/authorized_keys", ["keyData"] = "ssh-ed25519 AAAA" }) } },
                },
            },
        };

        var (partial, partialError) = await SendAsync(http, HttpMethod.Put, $"{VmPath("vm-partial", "rg-validation")}?api-version={ComputeApi}",
            Body(new JsonObject { ["name"] = "appliance-byol", ["publisher"] = "fabrikam" }).ToJsonString());
        Assert.Equal(400, (int)partial.StatusCode);
        Assert.Equal("InvalidParameter", partialError!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("plan.product", partialError["error"]!["target"]!.GetValue<string>());

        var (created, json) = await SendAsync(http, HttpMethod.Put, $"{VmPath("vm-from-market", "rg-validation")}?api-version={ComputeApi}",
            Body(new JsonObject { ["name"] = "appliance-byol", ["publisher"] = "fabrikam", ["product"] = "fabrikam-appliance" }).ToJsonString());
        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal("fabrikam-appliance", json!["plan"]!["product"]!.GetValue<string>());
        var (_, read) = await GetAsync(http, $"{VmPath("vm-from-market", "rg-validation")}?api-version={ComputeApi}");
        Assert.Equal("appliance-byol", read!["plan"]!["name"]!.GetValue<string>());
        Assert.Null(read["plan"]!["promotionCode"]);
    }

    private static JsonObject VmBody(string imageId, JsonObject? plan)
    {
        var body = new JsonObject
        {
            ["location"] = "westeurope",
            ["properties"] = new JsonObject
            {
                ["hardwareProfile"] = new JsonObject { ["vmSize"] = "Standard_D2s_v5" },
                ["storageProfile"] = new JsonObject { ["imageReference"] = new JsonObject { ["id"] = imageId } },
                ["osProfile"] = new JsonObject
                {
                    ["adminUsername"] = "validator",
                    ["linuxConfiguration"] = new JsonObject { ["ssh"] = new JsonObject { ["publicKeys"] = new JsonArray(new JsonObject { ["path"] = "/home/validator/.ssh/authorized_keys", ["keyData"] = "ssh-ed25519 AAAA" }) } },
                },
            },
        };
        if (plan is not null)
        {
            body["plan"] = plan;
        }

        return body;
    }

    [Fact]
    public async Task Vm_put_from_an_image_with_a_purchase_plan_without_the_plan_is_refused()
    {
        await using var host = await StartAsync(Yaml, 0);
        using var http = Http(host);
        var (published, _) = await SendAsync(http, HttpMethod.Put, $"{GalleryPath}/images/market-plan/versions/1.0.0?api-version={GalleryApi}",
            VersionBody(VmId("vm-market")).ToJsonString());
        Assert.Equal(201, (int)published.StatusCode);

        // Both the version and the definition (latest) need the plan.
        foreach (var imageId in new[] { $"/{GalleryPath}/images/market-plan/versions/1.0.0", $"/{GalleryPath}/images/market-plan" })
        {
            var (refused, error) = await SendAsync(http, HttpMethod.Put, $"{VmPath("vm-noplan", "rg-validation")}?api-version={ComputeApi}",
                VmBody(imageId, null).ToJsonString());
            Assert.Equal(400, (int)refused.StatusCode);
            Assert.Equal("VMMarketplaceInvalidInput", error!["error"]!["code"]!.GetValue<string>());
            var message = error["error"]!["message"]!.GetValue<string>();
            Assert.Contains("requires Plan information in the request", message);
            Assert.Contains("/resourceGroups/rg-validation/providers/Microsoft.Compute/virtualMachines/vm-noplan", message);
            Assert.Null(host.GetVm(Sub, "rg-validation", "vm-noplan"));
        }
    }

    [Fact]
    public async Task Vm_put_with_a_plan_other_than_the_image_purchase_plan_is_refused()
    {
        await using var host = await StartAsync(Yaml, 0);
        using var http = Http(host);
        var (published, _) = await SendAsync(http, HttpMethod.Put, $"{GalleryPath}/images/market-plan/versions/1.0.0?api-version={GalleryApi}",
            VersionBody(VmId("vm-market")).ToJsonString());
        Assert.Equal(201, (int)published.StatusCode);

        var (refused, error) = await SendAsync(http, HttpMethod.Put, $"{VmPath("vm-otherplan", "rg-validation")}?api-version={ComputeApi}",
            VmBody($"/{GalleryPath}/images/market-plan/versions/1.0.0",
                new JsonObject { ["name"] = "appliance-payg", ["publisher"] = "fabrikam", ["product"] = "fabrikam-appliance" }).ToJsonString());
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Equal("VMMarketplaceInvalidInput", error!["error"]!["code"]!.GetValue<string>());
        var message = error["error"]!["message"]!.GetValue<string>();
        Assert.Contains("fabrikam/fabrikam-appliance/appliance-payg", message);
        Assert.Contains("fabrikam/fabrikam-appliance/appliance-byol", message);
        Assert.Null(host.GetVm(Sub, "rg-validation", "vm-otherplan"));
    }

    [Fact]
    public async Task Vm_put_from_an_image_without_a_purchase_plan_needs_no_plan()
    {
        await using var host = await StartAsync(Yaml, 0);
        using var http = Http(host);
        var (published, _) = await SendAsync(http, HttpMethod.Put, $"{GalleryPath}/images/market-noplan/versions/1.0.0?api-version={GalleryApi}",
            VersionBody(VmId("vm-plain")).ToJsonString());
        Assert.Equal(201, (int)published.StatusCode);

        var (created, json) = await SendAsync(http, HttpMethod.Put, $"{VmPath("vm-plain-copy", "rg-validation")}?api-version={ComputeApi}",
            VmBody($"/{GalleryPath}/images/market-noplan/versions/1.0.0", null).ToJsonString());
        Assert.Equal(201, (int)created.StatusCode);
        Assert.Null(json!["plan"]);
        Assert.NotNull(host.GetVm(Sub, "rg-validation", "vm-plain-copy"));
    }

    [Fact]
    public async Task Sdk_vm_create_without_the_plan_fails_with_the_arm_error_code()
    {
        await using var host = await StartAsync(Yaml, 0);
        using var http = Http(host);
        var (published, _) = await SendAsync(http, HttpMethod.Put, $"{GalleryPath}/images/market-plan/versions/1.0.0?api-version={GalleryApi}",
            VersionBody(VmId("vm-market")).ToJsonString());
        Assert.Equal(201, (int)published.StatusCode);

        var client = Sdk(host);
        var group = client.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(Sub, "rg-validation"));
        VirtualMachineData Data() => new(new AzureLocation("westeurope"))
        {
            HardwareProfile = new VirtualMachineHardwareProfile { VmSize = new VirtualMachineSizeType("Standard_D2s_v5") },
            StorageProfile = new VirtualMachineStorageProfile { ImageReference = new ImageReference { Id = new ResourceIdentifier($"/{GalleryPath}/images/market-plan/versions/1.0.0") } },
            OSProfile = new VirtualMachineOSProfile { ComputerName = "vm-sdk", AdminUsername = "validator", AdminPassword = "Plan-Test-Passw0rd!" },
        };

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => group.GetVirtualMachines().CreateOrUpdateAsync(WaitUntil.Started, "vm-sdk", Data()));
        Assert.Equal(400, ex.Status);
        Assert.Equal("VMMarketplaceInvalidInput", ex.ErrorCode);

        var withPlan = Data();
        withPlan.Plan = new ComputePlan { Name = "appliance-byol", Publisher = "fabrikam", Product = "fabrikam-appliance" };
        await group.GetVirtualMachines().CreateOrUpdateAsync(WaitUntil.Started, "vm-sdk", withPlan);
        Assert.NotNull(host.GetVm(Sub, "rg-validation", "vm-sdk"));
        Assert.Equal("appliance-byol", (await Vm(client, "vm-sdk", "rg-validation").GetAsync()).Value.Data.Plan.Name);
    }
}
