using System.Diagnostics;
using System.Text.Json;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// Azurite as build.ps1 -Task Test starts it (GENIMAGE_STORAGE_EMULATOR_CONNECTION names its connection file, which the
/// module reads); run alone, the fixture starts it with tests/azurite/Start-Azurite.ps1 and stops it after.
/// </summary>
public sealed class AzuriteServer : IDisposable
{
    private const string Variable = "GENIMAGE_STORAGE_EMULATOR_CONNECTION";
    private readonly int? _started;

    public AzuriteServer()
    {
        var file = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(file) || !File.Exists(file))
        {
            file = Path.Combine(Path.GetTempPath(), "genimage-azurite-" + Guid.NewGuid().ToString("N"), "storage-emulator.json");
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepoPaths.Root, UseShellExecute = false };
            foreach (var argument in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-File", Path.Combine(RepoPaths.Root, "tests", "azurite", "Start-Azurite.ps1"), "-ConnectionPath", file })
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start)!;
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(file))
            {
                throw new InvalidOperationException($"tests/azurite/Start-Azurite.ps1 exited {process.ExitCode} without starting Azurite; its output is in the test log.");
            }
            Environment.SetEnvironmentVariable(Variable, file);
            _started = JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("processId").GetInt32();
        }
        BlobEndpoint = JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("blobEndpoint").GetString()!;
    }

    /// <summary>https://127.0.0.1:PORT/devstoreaccount1/</summary>
    public string BlobEndpoint { get; }

    public string NewStoreUrl(string prefix) => BlobEndpoint + "runs-" + Guid.NewGuid().ToString("N").Substring(0, 12) + "/" + prefix;

    public void Dispose()
    {
        if (_started is { } pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(true);
                process.WaitForExit();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            Environment.SetEnvironmentVariable(Variable, null);
        }
    }
}

/// <summary>Invoke-ImageRecipe -Store and Get-ImageEvidence -RunPath URL through the module, against the emulator and Azurite.</summary>
public sealed class BlobStoreCmdletTests : IClassFixture<AzuriteServer>
{
    private readonly AzuriteServer _azurite;

    public BlobStoreCmdletTests(AzuriteServer azurite) => _azurite = azurite;

    [Fact]
    public async Task The_blob_store_example_runs_the_recipe_with_its_runs_in_Azurite_and_reads_it_back_by_URL()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        var store = _azurite.NewStoreUrl("example");

        var r = session.RunFile(Path.Combine(RepoPaths.Root, "examples", "recipe-blobstore.ps1"),
            new System.Collections.Hashtable { ["RecipePath"] = folder["ubuntu2204-gen2.yaml"], ["Store"] = store }, new RunOptions { RenderToHost = true });

        Assert.True(r.Succeeded, r.Describe());
        var text = session.Transcript + string.Join("\n", r.Output.Select(o => o.ToString()));
        Assert.Contains($"Journal: {store}/ubuntu2204-gen2/", text, StringComparison.Ordinal);
        Assert.Contains($"Evidence (write-once): {store}/ubuntu2204-gen2/", text, StringComparison.Ordinal);
        Assert.Contains("Read back from the container by another session: /subscriptions/", text, StringComparison.Ordinal);
        Assert.Contains("Recipe with a blob store complete", text, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Root, "runs")), "A run kept in a blob store leaves no run folder beside the recipe.");
        Assert.NotNull(emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "ubuntu-2204-gen2", "1.0.0"));
    }

    [Fact]
    public async Task A_store_URL_with_a_SAS_is_refused_before_anything_runs_and_never_repeated()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-ImageRecipe -Path $path -Store $store -Force", new
        {
            path = folder["ubuntu2204-gen2.yaml"],
            store = "https://contoso.blob.core.windows.net/image-runs?sv=2024-08-04&sp=racwl&se=2030-01-01&sig=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA%3D%3D",
        });

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.StoreUrlInvalid", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", error.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Zm9vYmFy", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Zm9vYmFy", error.TargetObject?.ToString() ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.RequestLog, e => e.Method != "GET");
    }
}
