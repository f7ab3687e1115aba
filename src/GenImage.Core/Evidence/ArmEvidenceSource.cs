using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Vm;

namespace GenImage.Core.Evidence;

/// <summary>
/// Reads evidence from ARM: the version and definition through the gallery operations, the VM through the VM
/// operations, and the Activity Log and role assignments as raw GETs through the connection's own pipeline
/// (same authentication, retries, correlation id and Verbose logging as every SDK call).
/// </summary>
public sealed class ArmEvidenceSource : IEvidenceSource
{
    public const string ActivityLogApiVersion = "2015-04-01";
    public const string AuthorizationApiVersion = "2022-04-01";

    private readonly GenImageConnection _connection;
    private readonly IGalleryOperations _galleries;
    private readonly IVmOperations _vms;

    public ArmEvidenceSource(GenImageConnection connection)
        : this(connection, new ArmGalleryOperations(connection), new ArmVmOperations(connection))
    {
    }

    public ArmEvidenceSource(GenImageConnection connection, IGalleryOperations galleries, IVmOperations vms)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _galleries = galleries ?? throw new ArgumentNullException(nameof(galleries));
        _vms = vms ?? throw new ArgumentNullException(nameof(vms));
    }

    public Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken) =>
        _galleries.GetVersionAsync(versionId, true, cancellationToken);

    public Task<GalleryImageDefinition?> GetDefinitionAsync(string definitionId, CancellationToken cancellationToken)
    {
        var id = new ResourceIdentifier(definitionId);
        return _galleries.GetDefinitionAsync(id.ResourceGroupName ?? string.Empty, id.Parent?.Name ?? string.Empty, id.Name, cancellationToken);
    }

    public async Task<SourceVm?> GetVmAsync(string vmId, CancellationToken cancellationToken)
    {
        try
        {
            return await _vms.GetAsync(vmId, cancellationToken).ConfigureAwait(false);
        }
        catch (GenImageException ex) when (ex.ErrorId == ErrorIds.ResourceNotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<ActivityLogEntry>> GetActivityLogAsync(ActivityLogQuery query, CancellationToken cancellationToken)
    {
        if (query == null)
        {
            throw new ArgumentNullException(nameof(query));
        }

        var window = $"eventTimestamp ge '{Iso(query.From)}' and eventTimestamp le '{Iso(query.To)}'";
        var filters = query.ResourceIds.Select(r => $"{window} and resourceUri eq '{r}'")
            .Concat(query.CorrelationIds.Select(c => $"{window} and correlationId eq '{c}'"))
            .ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<ActivityLogEntry>();
        foreach (var filter in filters)
        {
            var path = $"/subscriptions/{_connection.SubscriptionId}/providers/Microsoft.Insights/eventtypes/management/values";
            var next = path + "?api-version=" + ActivityLogApiVersion + "&$filter=" + Uri.EscapeDataString(filter);
            while (next != null)
            {
                using var doc = await GetJsonAsync(next, "read the Activity Log", path, cancellationToken).ConfigureAwait(false);
                foreach (var item in Items(doc))
                {
                    var key = Str(item, "eventDataId") ?? Str(item, "id") ?? Guid.NewGuid().ToString();
                    if (!seen.Add(key))
                    {
                        continue;
                    }

                    entries.Add(new ActivityLogEntry
                    {
                        Timestamp = DateTimeOffset.TryParse(Str(item, "eventTimestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : default,
                        OperationName = Localized(item, "operationName") ?? string.Empty,
                        Status = Localized(item, "status") ?? string.Empty,
                        Caller = Str(item, "caller") ?? string.Empty,
                        ResourceId = Str(item, "resourceId") ?? string.Empty,
                        CorrelationId = Str(item, "correlationId"),
                        Level = Str(item, "level"),
                    });
                }
                next = doc.RootElement.TryGetProperty("nextLink", out var link) && link.ValueKind == JsonValueKind.String ? link.GetString() : null;
            }
        }
        return entries.OrderBy(e => e.Timestamp).ToList();
    }

    public async Task<IReadOnlyList<RoleAssignmentEntry>> GetRoleAssignmentsAsync(string scope, CancellationToken cancellationToken)
    {
        var path = scope.TrimEnd('/') + "/providers/Microsoft.Authorization/roleAssignments";
        var names = await RoleNamesAsync(scope, cancellationToken).ConfigureAwait(false);
        var result = new List<RoleAssignmentEntry>();
        var next = path + "?api-version=" + AuthorizationApiVersion + "&$filter=" + Uri.EscapeDataString("atScope()");
        while (next != null)
        {
            using var doc = await GetJsonAsync(next, "read the role assignments of", scope, cancellationToken).ConfigureAwait(false);
            foreach (var item in Items(doc))
            {
                var props = item.TryGetProperty("properties", out var p) ? p : item;
                var roleId = Str(props, "roleDefinitionId") ?? string.Empty;
                var guid = roleId.Substring(roleId.LastIndexOf('/') + 1);
                names.TryGetValue(guid, out var name);
                result.Add(new RoleAssignmentEntry
                {
                    PrincipalId = Str(props, "principalId") ?? string.Empty,
                    PrincipalType = Str(props, "principalType"),
                    RoleDefinitionId = roleId,
                    RoleName = name,
                    Scope = Str(props, "scope") ?? scope,
                    Capability = Capability(name),
                });
            }
            next = doc.RootElement.TryGetProperty("nextLink", out var link) && link.ValueKind == JsonValueKind.String ? link.GetString() : null;
        }
        return result;
    }

    /// <summary>Publish for roles that can write image versions, Read for read-only roles.</summary>
    internal static string Capability(string? roleName) => roleName switch
    {
        null => "Other",
        "Owner" or "Contributor" or "Virtual Machine Contributor" or "Compute Gallery Image Writer" or "Compute Gallery Artifacts Publisher" => "Publish",
        "Reader" or "Compute Gallery Image Reader" or "Compute Gallery Sharing Admin" => "Read",
        _ => roleName.IndexOf("Reader", StringComparison.OrdinalIgnoreCase) >= 0 ? "Read" : "Other",
    };

    private async Task<Dictionary<string, string>> RoleNamesAsync(string scope, CancellationToken cancellationToken)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            var path = scope.TrimEnd('/') + "/providers/Microsoft.Authorization/roleDefinitions";
            using var doc = await GetJsonAsync(path + "?api-version=" + AuthorizationApiVersion, "read the role definitions at", scope, cancellationToken).ConfigureAwait(false);
            foreach (var item in Items(doc))
            {
                var name = Str(item, "name");
                var props = item.TryGetProperty("properties", out var p) ? p : item;
                var roleName = Str(props, "roleName");
                if (name != null && roleName != null)
                {
                    map[name] = roleName;
                }
            }
        }
        catch (GenImageException)
        {
            // Role names are a convenience; assignments are reported by definition id without them.
        }
        return map;
    }

    private async Task<JsonDocument> GetJsonAsync(string pathAndQuery, string action, string target, CancellationToken cancellationToken)
    {
        var pipe = new RawPipe(_connection.Client);
        var uri = pathAndQuery.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? new Uri(pathAndQuery) : new Uri(pipe.BaseUri, pathAndQuery);
        using var message = pipe.Pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add("Accept", "application/json");
        try
        {
            await pipe.Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, action, target);
        }
        var response = message.Response;
        if (response.Status >= 400)
        {
            throw ArmErrors.Translate(new RequestFailedException(response), action, target);
        }
        return JsonDocument.Parse(response.Content.ToMemory());
    }

    private static IEnumerable<JsonElement> Items(JsonDocument doc) =>
        doc.RootElement.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : Enumerable.Empty<JsonElement>();

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Localized(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : Str(v, "value")) : null;

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Gives access to the ARM client's pipeline (and endpoint) for requests the SDK has no method for.</summary>
    private sealed class RawPipe : ArmResource
    {
        public RawPipe(ArmClient client)
            : base(client, ResourceIdentifier.Root)
        {
        }

        public new HttpPipeline Pipeline => base.Pipeline;
        public Uri BaseUri => Endpoint;
    }
}
