using System.Text.Json;
using GenImage.Emulator;

namespace GenImage.Cmdlets.Tests;

/// <summary>-Resume reconciles the world with the journal before it continues: against the emulator.</summary>
public sealed class RecipeReconcileTests
{
    private static bool IsPrepareOrInspect(RequestLogEntry e, string vm) =>
        e.Method == "POST" && e.Path.EndsWith($"/virtualMachines/{vm}/runCommand", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task Ctrl_C_during_Sysprep_then_Resume_at_once_waits_for_the_Run_Command_and_finishes()
    {
        using var folder = new RecipeFolder();
        var recipe = folder.Write("win-novalidation.yaml", File.ReadAllText(folder["windows2022-gen2-tl.yaml"])
            .Replace("  validation:\n    enabled: true\n", "  validation:\n    enabled: false\n"));
        // Sysprep (the second Run Command; the first is the readiness inspection) is certainly still running in the
        // guest when the stop arrives and when the resume starts at once: the emulator's clock freezes as the
        // inspection's POST is answered and moves on by more than the inspection takes (so it ends, and nothing else
        // is under way), then stands still: Sysprep, started on the frozen clock, runs until the resume has found it
        // running. (Freezing as Sysprep's own POST is answered would race it: on a loaded machine its few scaled
        // minutes can pass before the answer's event.) Ctrl+C comes once the run has journaled the accepted Sysprep
        // (a stop before that is the case of a lost answer, which GeneralizeStep handles otherwise).
        var clock = new TestClock();
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.Healthy, time: clock);
        using var session = emulator.Connect();
        var inspectionDone = TimeSpan.FromSeconds(120 * emulator.Host.ClockScale); // the Windows inspection takes 30 Azure seconds

        var runCommands = 0;
        void OnRequest(RequestLogEntry e)
        {
            if (IsPrepareOrInspect(e, Worlds.WindowsVm) && e.Status == 202 && Interlocked.Increment(ref runCommands) == 1)
            {
                clock.Freeze();
                clock.Advance(inspectionDone);
            }
        }
        emulator.Host.RequestCompleted += OnRequest;
        var stopped = session.Run("Invoke-ImageRecipe -Path $path -Force", new RunOptions
        {
            Variables = new Dictionary<string, object?> { ["path"] = recipe },
            VerbosePreference = ActionPreference.Continue,
            StopWhen = _ => Volatile.Read(ref runCommands) >= 2 && SysprepJournaled(folder.Runs),
        });
        emulator.Host.RequestCompleted -= OnRequest;

        Assert.True(stopped.Stopped, stopped.Describe());

        // The resume's first read of an operation's status finds Sysprep running; then time goes on.
        void OnStatusRead(RequestLogEntry e)
        {
            if (e.Method == "GET" && e.Path.Contains("/operations/", StringComparison.OrdinalIgnoreCase))
            {
                clock.Thaw();
            }
        }
        emulator.Host.RequestCompleted += OnStatusRead;
        var resumed = session.Run("Invoke-ImageRecipe -Path $path -Resume -Force", new RunOptions
        {
            Variables = new Dictionary<string, object?> { ["path"] = recipe },
            VerbosePreference = ActionPreference.Continue,
        });
        emulator.Host.RequestCompleted -= OnStatusRead;

        Assert.True(resumed.Succeeded, resumed.Describe());
        Assert.Equal("Succeeded", resumed.SingleOutput().Get<string>("Status"));
        // Sysprep ran once: the resume waited for it instead of starting it again (which ARM answers with 409).
        Assert.Equal(2, emulator.RequestLog.Count(e => IsPrepareOrInspect(e, Worlds.WindowsVm)));
        Assert.Contains(resumed.VerboseMessages, m => m.Contains("is still running in Azure: waiting for it", StringComparison.Ordinal));
        Assert.DoesNotContain(emulator.RequestLog, e => e.Status == 409);
        Assert.Equal("generalized", emulator.Vm(Worlds.WindowsVm).OsState);
        var journal = resumed.SingleOutput().Get<string>("JournalPath");
        var events = File.ReadAllLines(journal).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "operationEnded" &&
            e.GetProperty("operation").GetProperty("status").GetString() == "Succeeded" &&
            e.GetProperty("operation").GetProperty("result").GetString()!.Contains("prepare-windows", StringComparison.Ordinal));
    }

    /// <summary>Whether the run's journal records the accepted Sysprep Run Command (the second one, of generalize).</summary>
    private static bool SysprepJournaled(string runs)
    {
        try
        {
            return Directory.GetFiles(runs, "journal.jsonl", SearchOption.AllDirectories).Any(journal => File.ReadLines(journal).Any(line =>
            {
                using var e = JsonDocument.Parse(line);
                var root = e.RootElement;
                return root.GetProperty("type").GetString() == "operationStarted"
                    && root.TryGetProperty("step", out var step) && step.GetString() == "Generalize"
                    && root.TryGetProperty("operation", out var op) && op.GetProperty("path").GetString()!.EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase);
            }));
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return false;   // being written
        }
    }

    [Fact]
    public async Task A_test_VM_left_by_an_interrupted_validation_is_deleted_on_Resume()
    {
        using var folder = new RecipeFolder();
        // The stop is pressed while the test VM is being created: the emulator's clock freezes as its PUT is answered,
        // and thaws at the run's next request (its clean-up must be able to finish).
        var clock = new TestClock();
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.Healthy, time: clock);
        using var session = emulator.Connect();
        var recipe = folder["ubuntu2204-gen2.yaml"];

        using var testVmAccepted = new CancellationTokenSource();
        void OnRequest(RequestLogEntry e)
        {
            if (testVmAccepted.IsCancellationRequested)
            {
                clock.Thaw();
            }
            else if (e.Method == "PUT" && e.Path.Contains("/virtualMachines/giv-", StringComparison.OrdinalIgnoreCase) && e.Status < 300)
            {
                clock.Freeze();
                testVmAccepted.Cancel();
            }
        }
        emulator.Host.RequestCompleted += OnRequest;
        var stopped = session.Run("Invoke-ImageRecipe -Path $path -Force", new RunOptions
        {
            Variables = new Dictionary<string, object?> { ["path"] = recipe },
            CancellationToken = testVmAccepted.Token,
        });
        emulator.Host.RequestCompleted -= OnRequest;
        clock.Thaw();
        Assert.True(stopped.Stopped, stopped.Describe());

        var resumed = session.Run("Invoke-ImageRecipe -Path $path -Resume -Force", new { path = recipe });

        Assert.True(resumed.Succeeded, resumed.Describe());
        var created = emulator.RequestLog.Where(e => e.Method == "PUT" && e.Path.Contains("/virtualMachines/giv-", StringComparison.OrdinalIgnoreCase) && e.Status < 300)
            .Select(e => e.Path[(e.Path.LastIndexOf('/') + 1)..]).Distinct().ToList();
        Assert.NotEmpty(created);
        Assert.All(created, name => Assert.Null(emulator.FindVm(Worlds.ResourceGroup, name)));
        Assert.DoesNotContain(emulator.Host.ListDisks(emulator.SubscriptionId), d => d.Name.StartsWith("giv-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(1, emulator.RequestLog.Count(e => e.Method == "PUT" && e.Path.Contains("/versions/", StringComparison.OrdinalIgnoreCase) && e.Status < 300));
    }
}
