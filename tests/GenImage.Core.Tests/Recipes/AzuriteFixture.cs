using System.Diagnostics;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using GenImage.Core.Connection;
using GenImage.Core.Recipes;

namespace GenImage.Core.Tests.Recipes;

/// <summary>
/// Azurite as build.ps1 -Task Test starts it (GENIMAGE_STORAGE_EMULATOR_CONNECTION names its connection file); run
/// alone (dotnet test), the fixture starts it the same way, with tests/azurite/Start-Azurite.ps1, and stops it after.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    private readonly int? _startedProcess;

    public AzuriteFixture()
    {
        var existing = Environment.GetEnvironmentVariable(StorageEmulatorConnectionFile.EnvironmentVariable);
        if (string.IsNullOrEmpty(existing) || !File.Exists(existing))
        {
            var root = RepoRoot();
            var file = Path.Combine(Path.GetTempPath(), "genimage-azurite-" + Guid.NewGuid().ToString("N"), "storage-emulator.json");
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false };
            foreach (var argument in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-File", Path.Combine(root, "tests", "azurite", "Start-Azurite.ps1"), "-ConnectionPath", file })
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start)!;
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(file))
            {
                throw new InvalidOperationException($"tests/azurite/Start-Azurite.ps1 exited {process.ExitCode} without starting Azurite; its output is in the test log.");
            }
            Environment.SetEnvironmentVariable(StorageEmulatorConnectionFile.EnvironmentVariable, file);
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            _startedProcess = doc.RootElement.GetProperty("processId").GetInt32();
        }
        Connection = StorageEmulatorConnectionFile.Read();
    }

    public StorageEmulatorConnectionFile Connection { get; }

    /// <summary>A new, empty container's URL (with an optional prefix).</summary>
    public string NewStoreUrl(string? prefix = null) =>
        Connection.BlobEndpoint + "runs-" + Guid.NewGuid().ToString("N").Substring(0, 12) + (prefix == null ? string.Empty : "/" + prefix);

    /// <summary>A blob store over Azurite, signed in as the emulator connection does (a token Azurite's basic OAuth accepts, its certificate pinned).</summary>
    public BlobRunStore Store(string url, TimeSpan? leaseDuration = null) =>
        new(new Uri(url), new EmulatorCredential("operator@genimage.local", "00000000-0000-0000-0000-0000000000aa", EmulatorCredential.StorageAudience), Options(), leaseDuration);

    /// <summary>A plain client of the container, to look at what the store wrote.</summary>
    public BlobContainerClient Container(string url)
    {
        var parts = new BlobUriBuilder(new Uri(url)) { BlobName = string.Empty };
        return new BlobContainerClient(parts.ToUri(), new EmulatorCredential("auditor@genimage.local", "00000000-0000-0000-0000-0000000000aa", EmulatorCredential.StorageAudience), Options());
    }

    private BlobClientOptions Options() => new() { Transport = new HttpClientTransport(PinnedCertificateHandler.Create(Connection.CertificateThumbprint)) };

    public void Dispose()
    {
        if (_startedProcess is { } pid)
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
            Environment.SetEnvironmentVariable(StorageEmulatorConnectionFile.EnvironmentVariable, null);
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "GenImage.Cmdlets.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("The repository root (GenImage.Cmdlets.sln) was not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteTests : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
