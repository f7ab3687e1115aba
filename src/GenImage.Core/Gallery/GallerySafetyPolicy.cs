using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;

namespace GenImage.Core.Gallery;

/// <summary>
/// A gallery image version's safety profile as GenImage reads and writes it. <c>blockDeletionBeforeEndOfLife</c> exists
/// from GalleryRP api-version 2024-03-03; the Azure SDK this module ships (Azure.ResourceManager.Compute 1.2.0) speaks
/// 2022-03-03 and has no property for it, so <see cref="GallerySafetyPolicy"/> sends the version's PUT, PATCH and GET
/// at 2024-03-03 when a call asks for the profile.
/// </summary>
public sealed class GallerySafetyProfile
{
    /// <summary>safetyProfile.allowDeletionOfReplicatedLocations: a replicated region may be taken out of the target regions.</summary>
    public bool? AllowDeletionOfReplicatedLocations { get; set; }

    /// <summary>safetyProfile.blockDeletionBeforeEndOfLife: the version cannot be deleted before its end-of-life date.</summary>
    public bool? BlockDeletionBeforeEndOfLife { get; set; }

    public bool IsEmpty => AllowDeletionOfReplicatedLocations == null && BlockDeletionBeforeEndOfLife == null;
}

/// <summary>
/// Adds the safety profile of the current call (<see cref="Write"/>) to a version's PUT or PATCH body, and reads it back
/// from a version's GET (<see cref="Read"/>) and from the pages of a version list (<see cref="ReadList"/>), at
/// <see cref="ApiVersion"/>. Registered once on the ARM client; does nothing to any other request.
/// </summary>
internal sealed class GallerySafetyPolicy : HttpPipelinePolicy
{
    /// <summary>The first GalleryRP api-version with blockDeletionBeforeEndOfLife.</summary>
    public const string ApiVersion = "2024-03-03";

    private static readonly AsyncLocal<GallerySafetyProfile?> Writing = new AsyncLocal<GallerySafetyProfile?>();
    private static readonly AsyncLocal<GallerySafetyProfile?> Reading = new AsyncLocal<GallerySafetyProfile?>();
    private static readonly AsyncLocal<Dictionary<string, GallerySafetyProfile>?> Listing = new AsyncLocal<Dictionary<string, GallerySafetyProfile>?>();

    /// <summary>Sends <paramref name="profile"/> with the version PUT or PATCH made inside <paramref name="call"/>.</summary>
    public static async Task<T> Write<T>(GallerySafetyProfile? profile, Func<Task<T>> call)
    {
        if (profile == null || profile.IsEmpty)
        {
            return await call().ConfigureAwait(false);
        }

        Writing.Value = profile;
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            Writing.Value = null;
        }
    }

    /// <summary>The safety profile of the version GET made inside <paramref name="call"/> (an empty profile when there was none).</summary>
    public static async Task<(T Result, GallerySafetyProfile Profile)> Read<T>(Func<Task<T>> call)
    {
        var profile = new GallerySafetyProfile();
        Reading.Value = profile;
        try
        {
            return (await call().ConfigureAwait(false), profile);
        }
        finally
        {
            Reading.Value = null;
        }
    }

    /// <summary>
    /// The safety profiles of the versions listed inside <paramref name="call"/> (every page of a version list), by version
    /// id: the list is sent at <see cref="ApiVersion"/> too, so listing versions needs no GET per version for them.
    /// </summary>
    public static async Task<(T Result, IReadOnlyDictionary<string, GallerySafetyProfile> Profiles)> ReadList<T>(Func<Task<T>> call)
    {
        var profiles = new Dictionary<string, GallerySafetyProfile>(StringComparer.OrdinalIgnoreCase);
        Listing.Value = profiles;
        try
        {
            var result = await call().ConfigureAwait(false);
            lock (profiles)
            {
                return (result, new Dictionary<string, GallerySafetyProfile>(profiles, StringComparer.OrdinalIgnoreCase));
            }
        }
        finally
        {
            Listing.Value = null;
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, false).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessAsync(message, pipeline, true);

    private static async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        var request = message.Request;
        var isVersion = IsVersion(request.Uri.Path);
        var writing = Writing.Value;
        var reading = Reading.Value;
        var listing = request.Method == RequestMethod.Get && IsVersionList(request.Uri.Path) ? Listing.Value : null;
        if (isVersion && writing != null && (request.Method == RequestMethod.Put || request.Method == RequestMethod.Patch) && request.Content != null)
        {
            using var buffer = new MemoryStream();
            await request.Content.WriteToAsync(buffer, message.CancellationToken).ConfigureAwait(false);
            var body = JsonNode.Parse(buffer.ToArray()) as JsonObject ?? new JsonObject();
            if (body["properties"] is not JsonObject properties)
            {
                properties = new JsonObject();
                body["properties"] = properties;
            }
            if (properties["safetyProfile"] is not JsonObject safety)
            {
                safety = new JsonObject();
                properties["safetyProfile"] = safety;
            }
            if (writing.AllowDeletionOfReplicatedLocations is bool allow)
            {
                safety["allowDeletionOfReplicatedLocations"] = allow;
            }
            if (writing.BlockDeletionBeforeEndOfLife is bool block)
            {
                safety["blockDeletionBeforeEndOfLife"] = block;
            }
            request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(body));
            SetApiVersion(request);
        }
        else if ((isVersion && reading != null && request.Method == RequestMethod.Get) || listing != null)
        {
            SetApiVersion(request);
        }

        if (async)
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        else
        {
            ProcessNext(message, pipeline);
        }

        if (isVersion && reading != null && request.Method == RequestMethod.Get && message.Response.Status == 200)
        {
            try
            {
                using var doc = JsonDocument.Parse(message.Response.Content.ToMemory());
                if (doc.RootElement.TryGetProperty("properties", out var p) && p.TryGetProperty("safetyProfile", out var s))
                {
                    reading.AllowDeletionOfReplicatedLocations = Bool(s, "allowDeletionOfReplicatedLocations");
                    reading.BlockDeletionBeforeEndOfLife = Bool(s, "blockDeletionBeforeEndOfLife");
                }
            }
            catch (JsonException)
            {
                // Not a version body: the profile stays unknown.
            }
        }

        if (listing != null && message.Response.Status == 200)
        {
            ReadPage(message.Response.Content.ToMemory(), listing);
        }
    }

    /// <summary>Each listed version's safety profile, by id.</summary>
    private static void ReadPage(ReadOnlyMemory<byte> content, Dictionary<string, GallerySafetyProfile> profiles)
    {
        try
        {
            using var doc = JsonDocument.Parse(content);
            if (!doc.RootElement.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var item in value.EnumerateArray())
            {
                if (item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String &&
                    item.TryGetProperty("properties", out var p) && p.TryGetProperty("safetyProfile", out var s))
                {
                    var profile = new GallerySafetyProfile
                    {
                        AllowDeletionOfReplicatedLocations = Bool(s, "allowDeletionOfReplicatedLocations"),
                        BlockDeletionBeforeEndOfLife = Bool(s, "blockDeletionBeforeEndOfLife"),
                    };
                    lock (profiles)
                    {
                        profiles[id.GetString()!] = profile;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not a list body: the profiles stay unknown.
        }
    }

    private static bool? Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False) ? v.GetBoolean() : (bool?)null;

    /// <summary>.../galleries/G/images/D/versions/V (not an operation status or a list).</summary>
    private static bool IsVersion(string path)
    {
        var parts = path.Trim('/').Split('/');
        return parts.Length >= 4 && string.Equals(parts[parts.Length - 2], "versions", StringComparison.OrdinalIgnoreCase)
               && string.Equals(parts[parts.Length - 4], "images", StringComparison.OrdinalIgnoreCase)
               && path.IndexOf("/galleries/", StringComparison.OrdinalIgnoreCase) >= 0;
    }

    /// <summary>.../galleries/G/images/D/versions (a definition's version list, any page of it).</summary>
    private static bool IsVersionList(string path)
    {
        var parts = path.Trim('/').Split('/');
        return parts.Length >= 3 && string.Equals(parts[parts.Length - 1], "versions", StringComparison.OrdinalIgnoreCase)
               && string.Equals(parts[parts.Length - 3], "images", StringComparison.OrdinalIgnoreCase)
               && path.IndexOf("/galleries/", StringComparison.OrdinalIgnoreCase) >= 0;
    }

    private static void SetApiVersion(Request request)
    {
        var uri = request.Uri.ToUri();
        var query = uri.Query.TrimStart('?').Split('&');
        for (var i = 0; i < query.Length; i++)
        {
            if (query[i].StartsWith("api-version=", StringComparison.OrdinalIgnoreCase))
            {
                query[i] = "api-version=" + ApiVersion;
            }
        }
        request.Uri.Query = "?" + string.Join("&", query);
    }
}
