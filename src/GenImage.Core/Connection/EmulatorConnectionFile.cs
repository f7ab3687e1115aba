using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using GenImage.Core.Errors;

namespace GenImage.Core.Connection;

/// <summary>The file the emulator writes when it starts: where it listens and which certificate it uses.</summary>
public sealed class EmulatorConnectionFile
{
    public const string EnvironmentVariable = "GENIMAGE_EMULATOR_CONNECTION";

    public Uri Endpoint { get; private set; } = null!;
    public string CertificateThumbprint { get; private set; } = string.Empty;
    public IReadOnlyList<string> SubscriptionIds { get; private set; } = Array.Empty<string>();
    public string? TenantId { get; private set; }
    public string Path { get; private set; } = string.Empty;

    /// <summary>The path used when none is given: the environment variable, else $HOME/.genimage/emulator.json.</summary>
    public static string DefaultPath()
    {
        var fromEnv = System.Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return fromEnv!;
        }

        var home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        return System.IO.Path.Combine(home, ".genimage", "emulator.json");
    }

    /// <summary>Reads and checks a connection file; errors say which file and what is wrong.</summary>
    public static EmulatorConnectionFile Read(string? path)
    {
        var file = string.IsNullOrWhiteSpace(path) ? DefaultPath() : path!;
        if (!File.Exists(file))
        {
            throw new GenImageException(ErrorIds.EmulatorConnectionFile, GenImageErrorKind.ObjectNotFound,
                $"No emulator connection file at '{file}'. Start the emulator first " +
                "(dotnet run --project src/GenImage.Emulator -- --world examples/worlds/healthy.yaml), " +
                $"or pass -Endpoint and -EmulatorCertificateThumbprint, or set {EnvironmentVariable}.")
            { Target = file };
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var root = doc.RootElement;
            var endpoint = RequiredString(root, "endpoint", file);
            var thumbprint = RequiredString(root, "certificateThumbprint", file);
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw Bad(file, $"'endpoint' must be an absolute https URI, not '{endpoint}'.");
            }
            if (LoopbackProblem(uri) is { } problem)
            {
                // The same rule as -Endpoint: the pinned self-signed certificate is trusted on this machine only.
                throw Bad(file, $"'endpoint' {problem}");
            }
            var subs = new List<string>();
            if (root.TryGetProperty("subscriptionIds", out var s) && s.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in s.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        subs.Add(item.GetString()!);
                    }
                }
            }
            var tenant = root.TryGetProperty("tenantId", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            return new EmulatorConnectionFile
            {
                Endpoint = uri,
                CertificateThumbprint = NormalizeThumbprint(thumbprint, file),
                SubscriptionIds = subs,
                TenantId = tenant,
                Path = file,
            };
        }
        catch (JsonException ex)
        {
            throw new GenImageException(ErrorIds.EmulatorConnectionFile, GenImageErrorKind.InvalidData,
                $"The emulator connection file '{file}' is not valid JSON (line {ex.LineNumber + 1}): {ex.Message} " +
                "Restart the emulator to rewrite it.", ex)
            { Target = file };
        }
    }

    /// <summary>
    /// Why <paramref name="endpoint"/> cannot be an emulator endpoint, or null when it can: https on a loopback
    /// address only, because GenImage trusts the emulator's pinned self-signed certificate nowhere else.
    /// One rule for -Endpoint and for the connection file (or GENIMAGE_EMULATOR_CONNECTION).
    /// </summary>
    public static string? LoopbackProblem(Uri endpoint)
    {
        if (endpoint == null)
        {
            throw new ArgumentNullException(nameof(endpoint));
        }

        if (endpoint.Scheme == Uri.UriSchemeHttps && endpoint.IsLoopback)
        {
            return null;
        }

        return $"must be https on a loopback address (https://127.0.0.1:PORT/), not '{endpoint}': the emulator's pinned self-signed certificate is trusted on this machine only.";
    }

    /// <summary>Upper-case hex without separators; a SHA-256 thumbprint has 64 hex digits.</summary>
    public static string NormalizeThumbprint(string thumbprint, string where)
    {
        var chars = new System.Text.StringBuilder();
        foreach (var c in thumbprint)
        {
            if (c == ':' || c == ' ' || c == '-')
            {
                continue;
            }

            chars.Append(char.ToUpperInvariant(c));
        }
        var value = chars.ToString();
        if (value.Length != 64 || !IsHex(value))
        {
            throw new GenImageException(ErrorIds.EmulatorConnectionFile, GenImageErrorKind.InvalidArgument,
                $"The emulator certificate thumbprint from {where} is not a SHA-256 thumbprint (64 hex digits). " +
                "Copy it from the emulator's start-up line or its connection file.")
            { Target = where };
        }
        return value;
    }

    private static bool IsHex(string s)
    {
        foreach (var c in s)
        {
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
            {
                return false;
            }
        }
        return true;
    }

    private static string RequiredString(JsonElement root, string name, string file)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw Bad(file, $"it has no '{name}' string.");
        }
        return value.GetString()!;
    }

    private static GenImageException Bad(string file, string what) =>
        new GenImageException(ErrorIds.EmulatorConnectionFile, GenImageErrorKind.InvalidData,
            $"The emulator connection file '{file}' is not usable: {what} Restart the emulator to rewrite it.")
        { Target = file };
}
