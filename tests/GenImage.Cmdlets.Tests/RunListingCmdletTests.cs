using GenImage.Emulator.Faults;

namespace GenImage.Cmdlets.Tests;

/// <summary>Get-ImageRun over runs Invoke-ImageRecipe kept, against the emulator.</summary>
public sealed class RunListingCmdletTests
{
    [Fact]
    public async Task Runs_of_a_folder_are_listed_finished_and_unfinished_and_pipe_to_Get_ImageEvidence()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        var ok = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = folder["ubuntu2204-gen2.yaml"] });
        Assert.True(ok.Succeeded, ok.Describe());
        // Promotion fails on every retry: the Windows run ends Failed, unfinished (-Resume continues it).
        emulator.Host.Faults.Add(new FaultRule { Name = "promote fails", Effect = FaultEffect.InternalServerError, Method = "PATCH", Path = "*/images/*/versions/*" });
        var failed = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = folder["windows2022-gen2-tl.yaml"] });
        Assert.Equal("Failed", failed.SingleOutput().Get<string>("Status"));
        emulator.Host.Faults.Clear();

        var r = session.Run("Get-ImageRun -Path $runs", new { runs = folder.Runs });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(2, r.Output.Count);
        var done = r.Output.Single(o => o.Get<string>("RecipeName") == "ubuntu2204-gen2");
        Assert.Equal(ok.SingleOutput().Get<string>("RunId"), done.Get<string>("RunId"));
        Assert.Equal("Succeeded", done.Get<object>("Status").ToString());
        Assert.Equal(ok.SingleOutput().Get<string>("VersionName"), done.Get<string>("VersionName"));
        Assert.Equal(ok.SingleOutput().Get<DateTimeOffset>("StartedAt"), done.Get<DateTimeOffset>("Started"));
        Assert.NotNull(done.Get<string>("Owner"));
        Assert.False(done.Get<bool>("HoldsLease"));
        var unfinished = r.Output.Single(o => o.Get<string>("RecipeName") == "win2022-gen2-tl");
        Assert.Equal("Failed", unfinished.Get<object>("Status").ToString());
        Assert.Equal(failed.SingleOutput().Get<string>("RunId"), unfinished.Get<string>("RunId"));

        var filtered = session.Run("Get-ImageRun -Path $runs -RecipeName 'UBUNTU*' -Newest 1", new { runs = folder.Runs });
        Assert.Equal("ubuntu2204-gen2", Assert.Single(filtered.Output).Get<string>("RecipeName"));

        var evidence = session.Run("Get-ImageRun -Path $runs -RecipeName ubuntu* | Get-ImageEvidence", new { runs = folder.Runs });
        Assert.True(evidence.Succeeded, evidence.Describe());
        Assert.Equal(ok.SingleOutput().Get<string>("RunId"), evidence.SingleOutput().Get<string>("RunId"));
    }

    [Fact]
    public async Task A_store_URL_with_a_SAS_or_not_a_URL_is_a_GenImage_error_that_never_repeats_the_query()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var sas = session.Run("Get-ImageRun -Store $store", new { store = "https://contoso.blob.core.windows.net/image-runs?sv=2024-08-04&sig=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA%3D%3D" });
        var folder = session.Run("Get-ImageRun -Store ./runs");

        var error = Assert.Single(sas.Errors);
        Assert.StartsWith("GenImage.StoreUrlInvalid", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.DoesNotContain("Zm9vYmFy", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Zm9vYmFy", error.TargetObject?.ToString() ?? string.Empty, StringComparison.Ordinal);
        Assert.StartsWith("GenImage.StoreUrlInvalid", Assert.Single(folder.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_without_runs_lists_nothing_and_needs_no_connection()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = ModuleSession.Open(emulator, connect: false);
        var empty = Path.Combine(Path.GetTempPath(), "genimage-noruns-" + Guid.NewGuid().ToString("N"));

        var r = session.Run("Get-ImageRun -Path $p", new { p = empty });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Empty(r.Output);
    }
}
