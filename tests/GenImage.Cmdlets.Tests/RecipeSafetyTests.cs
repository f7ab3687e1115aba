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
        string gallery = name == "5000" ? new string('g', 5000) : name;
        using var folder = new RecipeFolder();
        string recipe = folder.Write("bad-gallery.yaml", File.ReadAllText(folder["windows2022-gen2-tl.yaml"]).Replace("    name: gal_images", "    name: " + gallery));
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
}
