using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenImage.Emulator.Hosting;

/// <summary>
/// The connection file (see docs/architecture.md): endpoint, certificate thumbprint, subscriptions, tenant, process id
/// and start time. It holds nothing secret.
/// </summary>
internal static class ConnectionFile
{
    public const string EnvironmentVariable = "GENIMAGE_EMULATOR_CONNECTION";

    /// <summary><c>$GENIMAGE_EMULATOR_CONNECTION</c>, else <c>$HOME/.genimage/emulator.json</c>.</summary>
    public static string DefaultPath()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return fromEnv;
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetEnvironmentVariable("HOME") ?? ".";
        }

        return Path.Combine(home, ".genimage", "emulator.json");
    }

    public static void Write(string path, Uri endpoint, string thumbprint, IReadOnlyList<string> subscriptionIds, string tenantId, DateTimeOffset startedAt)
    {
        var subs = new JsonArray();
        foreach (var id in subscriptionIds)
        {
            subs.Add(id);
        }

        var json = new JsonObject
        {
            ["endpoint"] = endpoint.ToString(),
            ["certificateThumbprint"] = thumbprint,
            ["subscriptionIds"] = subs,
            ["tenantId"] = tenantId,
            ["processId"] = Environment.ProcessId,
            ["startedAt"] = startedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };

        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temp = full + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temp, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine);
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Deletes the file if it still describes this emulator (another emulator may have replaced it since).</summary>
    public static void DeleteIfOurs(string path, Uri endpoint)
    {
        try
        {
            if (!File.Exists(path))
            {
                return;
            }

            var node = JsonNode.Parse(File.ReadAllText(path));
            var fileEndpoint = node?["endpoint"]?.GetValue<string>();
            var filePid = node?["processId"]?.GetValue<int>();
            if (fileEndpoint == endpoint.ToString() && filePid == Environment.ProcessId)
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            // Best effort: a file we cannot read or delete is left for the next start to overwrite.
        }
    }
}
