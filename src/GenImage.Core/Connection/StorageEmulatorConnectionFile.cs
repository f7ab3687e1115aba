using System;
using System.IO;
using System.Text.Json;
using GenImage.Core.Errors;

namespace GenImage.Core.Connection;

/// <summary>
/// The file that says where the local Azure Storage emulator (Azurite, started over HTTPS with --oauth basic by
/// tests/azurite/Start-Azurite.ps1) listens and which certificate it serves: its blob endpoint
/// (https://127.0.0.1:PORT/devstoreaccount1/) and the certificate's SHA-256 thumbprint, which an emulator connection
/// pins for the Storage client as it pins the ARM emulator's. It holds nothing secret (no account key, no token).
/// </summary>
public sealed class StorageEmulatorConnectionFile
{
    public const string EnvironmentVariable = "GENIMAGE_STORAGE_EMULATOR_CONNECTION";

    /// <summary>The account endpoint, https://127.0.0.1:PORT/ACCOUNT/.</summary>
    public Uri BlobEndpoint { get; private set; } = null!;
    public string CertificateThumbprint { get; private set; } = string.Empty;
    public string Path { get; private set; } = string.Empty;

    /// <summary>The environment variable's path, else $HOME/.genimage/storage-emulator.json.</summary>
    public static string DefaultPath()
    {
        var fromEnv = System.Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return fromEnv!;
        }

        var home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        return System.IO.Path.Combine(home, ".genimage", "storage-emulator.json");
    }

    /// <summary>Reads and checks the file; errors say which file and what to do.</summary>
    public static StorageEmulatorConnectionFile Read(string? path = null)
    {
        var file = string.IsNullOrWhiteSpace(path) ? DefaultPath() : path!;
        if (!File.Exists(file))
        {
            throw new GenImageException(ErrorIds.EmulatorConnectionFile, GenImageErrorKind.ObjectNotFound,
                $"No storage emulator connection file at '{file}': an emulator connection reaches a blob store only through Azurite started " +
                $"by tests/azurite/Start-Azurite.ps1 (see docs/emulator.md), which writes it. Start Azurite that way, or set {EnvironmentVariable} to its file.")
            { Target = file };
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var root = doc.RootElement;
            var endpoint = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("blobEndpoint", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            var thumbprint = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("certificateThumbprint", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (endpoint == null || thumbprint == null)
            {
                throw Bad(file, "it has no 'blobEndpoint' and 'certificateThumbprint' strings.");
            }
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || EmulatorConnectionFile.LoopbackProblem(uri) is { } problem)
            {
                throw Bad(file, $"'blobEndpoint' must be https on a loopback address (https://127.0.0.1:PORT/ACCOUNT/), not '{endpoint}'.");
            }
            return new StorageEmulatorConnectionFile
            {
                BlobEndpoint = uri,
                CertificateThumbprint = EmulatorConnectionFile.NormalizeThumbprint(thumbprint, file),
                Path = file,
            };
        }
        catch (JsonException ex)
        {
            throw new GenImageException(ErrorIds.EmulatorConnectionFile, GenImageErrorKind.InvalidData,
                $"The storage emulator connection file '{file}' is not valid JSON (line {ex.LineNumber + 1}). Start Azurite again to rewrite it.", ex)
            { Target = file };
        }
    }

    private static GenImageException Bad(string file, string what) =>
        new GenImageException(ErrorIds.EmulatorConnectionFile, GenImageErrorKind.InvalidData,
            $"The storage emulator connection file '{file}' is not usable: {what} Start Azurite again to rewrite it.")
        { Target = file };
}
