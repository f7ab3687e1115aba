using GenImage.Emulator;

namespace GenImage.Cmdlets.Tests;

/// <summary>Nothing irreversible happens before a check that could have stopped the run.</summary>
public sealed class RecipeSafetyTests
{
    internal static bool IsWrite(RequestLogEntry e) =>
        !string.Equals(e.Method, "GET", StringComparison.OrdinalIgnoreCase) && !string.Equals(e.Method, "HEAD", StringComparison.OrdinalIgnoreCase);

    [Theory]
    [InlineData("gal-images!")]
    [InlineData("5000")]
    public async Task A_gallery_name_Azure_would_refuse_stops_the_run_before_anything_is_written(string name)
    {
        var gallery = name == "5000" ? new string('g', 5000) : name;
        using var folder = new RecipeFolder();
        var recipe = folder.Write("bad-gallery.yaml", File.ReadAllText(folder["windows2022-gen2-tl.yaml"]).Replace("    name: gal_images", "    name: " + gallery));
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var test = session.Run("Test-ImageRecipe -Path $path", new { path = recipe });
        var invoke = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = recipe });

        Assert.Contains("GI9013", test.SingleOutput().Get<string>("ProblemIds"));
        var error = Assert.Single(invoke.Errors);
        Assert.StartsWith("GenImage.GI9013", error.FullyQualifiedErrorId);
        Assert.Empty(invoke.Output);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
        Assert.Equal("running", emulator.Vm(Worlds.WindowsVm).PowerState);
        Assert.Null(emulator.Vm(Worlds.WindowsVm).OsState);
        Assert.False(Directory.Exists(folder.Runs));
    }

    [Fact]
    public async Task A_stopped_VM_with_no_proof_of_preparation_is_refused_unless_the_recipe_asserts_it_with_an_approver()
    {
        using var folder = new RecipeFolder();
        var text = File.ReadAllText(folder["windows2022-gen2-tl.yaml"]).Replace("vmName: vm-win2022-src", "vmName: vm-win-unprepared")
            .Replace("    probeScript: probes/windows-probe.ps1\n", string.Empty);
        var refused = folder.Write("unprepared.yaml", text);
        var assumed = folder.Write("assumed.yaml", text.Replace("    prepare: true                    # Sysprep through Run Command before generalizing",
            "    prepare: assumed\n    approver: cab@contoso.example\n    justification: stopped by the image pipeline after Sysprep"));
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.ClassicFailures);
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = refused });

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.PreparationUnproven", error.FullyQualifiedErrorId);
        Assert.Contains("prepare: assumed", error.Exception.Message);
        Assert.DoesNotContain(emulator.RequestLog, e => IsWrite(e) && !e.Path.EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase));
        Assert.Null(emulator.Vm("vm-win-unprepared").OsState);

        // Asserted with an approver, the run goes on (and the warning says on whose word).
        var asserted = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = assumed });
        Assert.Contains(asserted.WarningMessages, w => w.Contains("cab@contoso.example", StringComparison.Ordinal));
        Assert.Equal("generalized", emulator.Vm("vm-win-unprepared").OsState);
    }

    [Fact]
    public async Task Invoke_GeneralizeVm_refuses_a_stopped_VM_unless_AssumePrepared_and_Force_does_not_imply_it()
    {
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.ClassicFailures);
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var refused = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win-unprepared -Force");

        Assert.StartsWith("GenImage.PreparationUnproven", Assert.Single(refused.Errors).FullyQualifiedErrorId);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);

        var asserted = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win-unprepared -AssumePrepared -Force -WarningAction SilentlyContinue");
        Assert.True(asserted.Succeeded, asserted.Describe());
        Assert.Equal("generalized", emulator.Vm("vm-win-unprepared").OsState);
    }
}
