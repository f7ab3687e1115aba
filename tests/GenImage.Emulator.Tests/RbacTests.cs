using static GenImage.Emulator.Tests.FrontDoorSupport;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>Role assignments and definitions from the world file, deny entries and RBAC enforcement.</summary>
public sealed class RbacTests
{
    private const string RgScope = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images";
    private const string SubScope = "/subscriptions/00000000-0000-0000-0000-000000000001";
    private const string AuthApi = "api-version=2022-04-01";

    private static string World(string extra) => Worlds.Standard + "\n" + extra;

    private static readonly string Roles = $$"""
        roleDefinitions:
          - name: Image Operator
            description: Stops and generalizes VMs, nothing else.
            actions: [ "Microsoft.Compute/virtualMachines/*", "Microsoft.Resources/subscriptions/resourceGroups/read" ]
            notActions: [ "Microsoft.Compute/virtualMachines/delete" ]
        roleAssignments:
          - { principalId: {{TesterOid}}, role: Reader, scope: {{SubScope}} }
          - { principalName: builder@genimage.example, role: Image Operator, scope: {{RgScope}}, principalType: ServicePrincipal }
          - { principalName: operator@genimage.example, role: Virtual Machine Contributor, scope: {{RgScope}}/providers/Microsoft.Compute/virtualMachines/vm-win }
        """;

    [Fact]
    public async Task Role_assignments_list_at_above_and_below_the_scope_with_ARM_filters()
    {
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = World(Roles) });
        using var http = Http(host);

        var (response, body) = await GetAsync(http, $"{RgScope[1..]}/providers/Microsoft.Authorization/roleAssignments?{AuthApi}");
        Assert.Equal(200, (int)response.StatusCode);
        var all = body!["value"]!.AsArray();
        Assert.Equal(3, all.Count);
        var reader = all.Single(a => a!["properties"]!["scope"]!.GetValue<string>() == SubScope)!;
        Assert.Equal(TesterOid, reader["properties"]!["principalId"]!.GetValue<string>());
        Assert.Equal($"{SubScope}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", reader["properties"]!["roleDefinitionId"]!.GetValue<string>());
        Assert.Equal("Microsoft.Authorization/roleAssignments", reader["type"]!.GetValue<string>());
        Assert.Equal($"{SubScope}/providers/Microsoft.Authorization/roleAssignments/{reader["name"]!.GetValue<string>()}", reader["id"]!.GetValue<string>());

        var (_, atScope) = await GetAsync(http, $"{RgScope[1..]}/providers/Microsoft.Authorization/roleAssignments?{AuthApi}&$filter={Uri.EscapeDataString("atScope()")}");
        Assert.Equal([SubScope, RgScope], atScope!["value"]!.AsArray().Select(a => a!["properties"]!["scope"]!.GetValue<string>()));

        var builderOid = Authorization.Principal.StableObjectId("builder@genimage.example");
        var (_, byPrincipal) = await GetAsync(http, $"{SubScope[1..]}/providers/Microsoft.Authorization/roleAssignments?{AuthApi}&$filter={Uri.EscapeDataString($"principalId eq '{builderOid}'")}");
        var only = Assert.Single(byPrincipal!["value"]!.AsArray())!;
        Assert.Equal("ServicePrincipal", only["properties"]!["principalType"]!.GetValue<string>());

        var (missingRg, missingBody) = await GetAsync(http, $"subscriptions/{Sub}/resourceGroups/rg-nope/providers/Microsoft.Authorization/roleAssignments?{AuthApi}");
        Assert.Equal(404, (int)missingRg.StatusCode);
        Assert.Equal("ResourceGroupNotFound", missingBody!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Role_definitions_carry_their_permissions()
    {
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = World(Roles) });
        using var http = Http(host);

        var (_, list) = await GetAsync(http, $"{SubScope[1..]}/providers/Microsoft.Authorization/roleDefinitions?{AuthApi}");
        var names = list!["value"]!.AsArray().Select(d => d!["properties"]!["roleName"]!.GetValue<string>()).ToList();
        Assert.Equal(["Owner", "Contributor", "Reader", "Virtual Machine Contributor", "Compute Gallery Sharing Admin", "Image Operator"], names);

        var (response, contributor) = await GetAsync(http, $"{SubScope[1..]}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c?{AuthApi}");
        Assert.Equal(200, (int)response.StatusCode);
        var permissions = contributor!["properties"]!["permissions"]![0]!;
        Assert.Equal(["*"], permissions["actions"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains("Microsoft.Compute/galleries/share/action", permissions["notActions"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Empty(permissions["dataActions"]!.AsArray());
        Assert.Equal("BuiltInRole", contributor["properties"]!["type"]!.GetValue<string>());

        var (_, custom) = await GetAsync(http, $"{SubScope[1..]}/providers/Microsoft.Authorization/roleDefinitions?{AuthApi}&$filter={Uri.EscapeDataString("roleName eq 'Image Operator'")}");
        Assert.Equal("CustomRole", Assert.Single(custom!["value"]!.AsArray())!["properties"]!["type"]!.GetValue<string>());

        var (missing, missingBody) = await GetAsync(http, $"{SubScope[1..]}/providers/Microsoft.Authorization/roleDefinitions/{Guid.NewGuid()}?{AuthApi}");
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal("RoleDefinitionDoesNotExist", missingBody!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_world_can_deny_reading_role_assignments()
    {
        var yaml = World(Roles + "\n" + """
            rbac:
              deny:
                - principal: tester@genimage.example
                  actions: [ "Microsoft.Authorization/roleAssignments/read" ]
            """);
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = yaml });
        using var http = Http(host);

        var (denied, body) = await GetAsync(http, $"{RgScope[1..]}/providers/Microsoft.Authorization/roleAssignments?{AuthApi}");
        Assert.Equal(403, (int)denied.StatusCode);
        Assert.Equal("AuthorizationFailed", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(
            $"The client '{TesterUpn}' with object id '{TesterOid}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '{RgScope}/providers/Microsoft.Authorization/roleAssignments' or the scope is invalid. If access was recently granted, please refresh your credentials.",
            body["error"]!["message"]!.GetValue<string>());

        // Without enforcement, everything else is allowed; another principal may read assignments.
        Assert.Equal(200, (int)(await GetAsync(http, VmPath("vm-win") + "/instanceView?api-version=" + ComputeApi)).Response.StatusCode);
        using var other = FrontDoorSupport.Http(host, Token("builder@genimage.example"));
        Assert.Equal(200, (int)(await GetAsync(other, $"{RgScope[1..]}/providers/Microsoft.Authorization/roleAssignments?{AuthApi}")).Response.StatusCode);
    }

    [Fact]
    public async Task Enforcement_checks_actions_inherited_from_the_scope_with_ARM_message()
    {
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = World(Roles), EnforceRbac = true });
        Assert.True(host.EnforcesRbac);

        // Reader at the subscription: reads pass, the deallocate action does not.
        using var reader = Http(host);
        Assert.Equal(200, (int)(await GetAsync(reader, VmPath("vm-win") + "?api-version=" + ComputeApi)).Response.StatusCode);
        var (denied, body) = await PostAsync(reader, VmPath("vm-win") + "/deallocate?api-version=" + ComputeApi);
        Assert.Equal(403, (int)denied.StatusCode);
        Assert.Equal(
            $"The client '{TesterUpn}' with object id '{TesterOid}' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/deallocate/action' over scope '/{VmPath("vm-win")}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
            body!["error"]!["message"]!.GetValue<string>());
        Assert.Equal("running", host.GetVm(Sub, Rg, "vm-win")!.PowerState);

        // A custom role at the resource group, assigned by name (the object id is derived as the module derives it).
        using var builder = FrontDoorSupport.Http(host, Token("builder@genimage.example"));
        Assert.Equal(202, (int)(await PostAsync(builder, VmPath("vm-linux") + "/powerOff?api-version=" + ComputeApi)).Response.StatusCode);
        var (rgWrite, rgBody) = await SendAsync(builder, HttpMethod.Put, $"subscriptions/{Sub}/resourcegroups/rg-images?api-version=2022-09-01", new { location = "westeurope" });
        Assert.Equal(403, (int)rgWrite.StatusCode);
        Assert.Contains("'Microsoft.Resources/subscriptions/resourceGroups/write'", rgBody!["error"]!["message"]!.GetValue<string>());
        Assert.Contains($"with object id '{Authorization.Principal.StableObjectId("builder@genimage.example")}'", rgBody["error"]!["message"]!.GetValue<string>());
        Assert.Equal(403, (int)(await GetAsync(builder, $"subscriptions/{Sub}/resourceGroups/rg-other/providers/Microsoft.Compute/virtualMachines?api-version={ComputeApi}")).Response.StatusCode);

        // An assignment on one VM does not reach its neighbour.
        using var op = FrontDoorSupport.Http(host, Token("operator@genimage.example"));
        Assert.Equal(202, (int)(await PostAsync(op, VmPath("vm-win") + "/deallocate?api-version=" + ComputeApi)).Response.StatusCode);
        Assert.Equal(403, (int)(await PostAsync(op, VmPath("vm-stopped") + "/generalize?api-version=" + ComputeApi)).Response.StatusCode);

        // Nobody assigned: even reads fail; the subscription list stays open, as in ARM.
        using var stranger = FrontDoorSupport.Http(host, Token("stranger@genimage.example", Guid.NewGuid().ToString("D")));
        Assert.Equal(403, (int)(await GetAsync(stranger, VmPath("vm-win") + "?api-version=" + ComputeApi)).Response.StatusCode);
        Assert.Equal(200, (int)(await GetAsync(stranger, "subscriptions?api-version=2022-12-01")).Response.StatusCode);

        // The refusals are in the Activity Log as failed writes.
        var (_, events) = await GetAsync(reader, ActivityPath(Window() + " and status eq 'Failed'"));
        Assert.Contains(events!["value"]!.AsArray(), e => e!["properties"]!["statusCode"]!.GetValue<string>() == "Forbidden"
            && e["operationName"]!["value"]!.GetValue<string>() == "Microsoft.Compute/virtualMachines/deallocate/action");
    }

    [Fact]
    public void Assignments_must_name_a_known_role_and_a_principal()
    {
        var unknownRole = Assert.Throws<WorldFileException>(() => Emulator.World.WorldLoader.Parse(World("roleAssignments:\n  - { principalName: a@b.c, role: Janitor, scope: / }"), "w.yaml"));
        Assert.Contains("roleAssignments[0].role", unknownRole.Message);
        var noPrincipal = Assert.Throws<WorldFileException>(() => Emulator.World.WorldLoader.Parse(World("roleAssignments:\n  - { role: Reader, scope: / }"), "w.yaml"));
        Assert.Contains("principalId", noPrincipal.Message);
    }
}
