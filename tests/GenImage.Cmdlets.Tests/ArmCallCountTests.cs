using GenImage.Emulator;
using GenImage.Emulator.Faults;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// The ARM requests of a flow against the minimum docs/arm-calls.md lists for it (healthy world, clock scale 0, so an
/// operation is done by its first poll): a recipe run reads each fact once per step where Azure cannot have changed it,
/// and the reads kept on purpose (the source VM before deallocate and before its delete, the versions before retention)
/// are still made. Each test starts its own emulator, so its request log holds the flow alone.
/// </summary>
public sealed class ArmCallCountTests
{
    private const string Compute = "/providers/Microsoft.Compute/";

    private static bool IsGet(RequestLogEntry e) => e.Method == "GET";

    private static bool IsVmRead(RequestLogEntry e, string vm) =>
        IsGet(e) && e.Path.EndsWith(Compute + "virtualMachines/" + vm, StringComparison.OrdinalIgnoreCase);

    private static bool IsDefinitionRead(RequestLogEntry e, string definition) =>
        IsGet(e) && e.Path.EndsWith("/images/" + definition, StringComparison.OrdinalIgnoreCase);

    private static bool IsVersionList(RequestLogEntry e, string definition) =>
        IsGet(e) && e.Path.EndsWith("/images/" + definition + "/versions", StringComparison.OrdinalIgnoreCase);

    private static bool IsVersionRead(RequestLogEntry e, string definition) =>
        IsGet(e) && e.Path.Contains("/images/" + definition + "/versions/", StringComparison.OrdinalIgnoreCase);

    private static bool IsOperationRead(RequestLogEntry e) =>
        IsGet(e) && e.Path.Contains(Compute + "locations/", StringComparison.OrdinalIgnoreCase) && e.Path.Contains("/operations/", StringComparison.OrdinalIgnoreCase);

    /// <summary>Long-running requests GenImage waits for (each is followed by one poll at clock scale 0).</summary>
    private static bool IsPolledPost(RequestLogEntry e) =>
        (e.Method == "POST" && e.Status == 202) || (e.Method == "DELETE" && e.Status == 202) ||
        (e.Method == "PUT" && e.Status == 201 && e.Path.Contains("/virtualMachines/", StringComparison.OrdinalIgnoreCase));

    private static string Dump(IEnumerable<RequestLogEntry> log) =>
        string.Join("\n", log.Select(e => $"{e.Method} {e.Status} {e.Path}{(e.Query.Contains("expand", StringComparison.OrdinalIgnoreCase) ? " ?" + e.Query : string.Empty)}"));

    private static void Count(int expected, IReadOnlyList<RequestLogEntry> log, Func<RequestLogEntry, bool> which, string what) =>
        Assert.True(log.Count(which) == expected, $"{what}: {log.Count(which)} request(s), expected {expected}.\n{Dump(log)}");

    [Fact]
    public async Task Ubuntu_recipe_makes_the_minimum_of_requests()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync(clockScale: 0);
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = folder["ubuntu2204-gen2.yaml"] });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal("Succeeded", r.SingleOutput().Get<string>("Status"));
        var log = emulator.RequestLog.ToList();
        // docs/arm-calls.md, Invoke-ImageRecipe (ubuntu2204-gen2): 33.
        Count(33, log, _ => true, "all requests");
        // The source VM: the plan, before the irreversible deallocate, before the irreversible delete (kept on purpose).
        Count(3, log, e => IsVmRead(e, Worlds.LinuxVm), "source VM reads");
        Count(1, log, e => IsDefinitionRead(e, "ubuntu-2204-gen2"), "definition reads");
        Count(1, log, e => IsVersionList(e, "ubuntu-2204-gen2"), "versions lists");
        // The replication read that ends the publish and the evidence's read after promotion: no 404 check, no re-read.
        Count(2, log, e => IsVersionRead(e, "ubuntu-2204-gen2"), "version reads");
        // One poll per long-running operation: inspect, prepare, deallocate, test VM create, probe, test VM and source deletes.
        Count(7, log, IsPolledPost, "long-running requests");
        Count(7, log, IsOperationRead, "operation polls");
    }

    [Fact]
    public async Task Windows_recipe_makes_the_minimum_of_requests()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync(clockScale: 0);
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = folder["windows2022-gen2-tl.yaml"] });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal("Succeeded", r.SingleOutput().Get<string>("Status"));
        var log = emulator.RequestLog.ToList();
        // docs/arm-calls.md, Invoke-ImageRecipe (windows2022-gen2-tl): 31.
        Count(31, log, _ => true, "all requests");
        // The plan and the read before the irreversible deallocate; the source is kept (deleteSourceVm: false).
        Count(2, log, e => IsVmRead(e, Worlds.WindowsVm), "source VM reads");
        Count(1, log, e => IsDefinitionRead(e, "win2022-datacenter-g2"), "definition reads");
        // The plan's (it names the version; readiness, publish and promotion use it) and retention's (kept on purpose).
        Count(2, log, e => IsVersionList(e, "win2022-datacenter-g2"), "versions lists");
        Count(2, log, e => IsVersionRead(e, "win2022-datacenter-g2"), "version reads");
        Count(6, log, IsOperationRead, "operation polls");
    }

    [Fact]
    public async Task Recipe_reads_the_source_again_before_preparing_when_the_guest_did_not_answer_the_inspection()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync(clockScale: 0);
        using var session = emulator.Connect();
        // The readiness inspection's Run Command fails: nothing shows the VM still ran after the plan read it.
        emulator.Host.Faults.Add(new FaultRule { Name = "inspection fails", Effect = FaultEffect.FailOperation, ErrorCode = "VMAgentStatusCommunicationError", Method = "POST", Path = "*/virtualMachines/" + Worlds.LinuxVm + "/runCommand", Count = 1 });
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = folder["ubuntu2204-gen2.yaml"] });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal("Succeeded", r.SingleOutput().Get<string>("Status"));
        Assert.Contains(r.WarningMessages, w => w.Contains("could not be inspected", StringComparison.Ordinal));
        var log = emulator.RequestLog.ToList();
        // The plan, Generalize's own read before it prepares the guest, before deallocate, before the delete.
        Count(4, log, e => IsVmRead(e, Worlds.LinuxVm), "source VM reads");
        var prepare = log.FindIndex(e => e.Method == "POST" && e.Status == 202 && e.Path.EndsWith(Worlds.LinuxVm + "/runCommand", StringComparison.OrdinalIgnoreCase) &&
            log.Take(log.IndexOf(e)).Any(p => p.Method == "POST" && p.Path.EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase)));
        Assert.True(prepare > 0, Dump(log));
        Assert.True(IsVmRead(log[prepare - 1], Worlds.LinuxVm), $"the preparation follows a read of the VM:\n{Dump(log)}");
    }

    [Fact]
    public async Task Generalize_with_prepare_makes_the_minimum_and_one_read_back()
    {
        await using var emulator = await EmulatorFixture.StartAsync(clockScale: 0);
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName $rg -Name $vm -Prepare -Force", new { rg = Worlds.ResourceGroup, vm = Worlds.LinuxVm });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal("generalized", r.SingleOutput().Get<string>("OsStateAfter"));
        var log = emulator.RequestLog.ToList();
        // docs/arm-calls.md, Invoke-GeneralizeVm -Prepare (Linux): 7, plus the read after generalize for OsStateAfter.
        Count(8, log, _ => true, "all requests");
        Count(3, log, e => IsVmRead(e, Worlds.LinuxVm), "VM reads");
        // Run Command and deallocate: one status poll each; the output comes with the status, not from a second read.
        Count(2, log, IsOperationRead, "operation polls");
    }
}
