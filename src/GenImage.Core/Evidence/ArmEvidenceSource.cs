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

        // The Activity Log's $filter takes one resource condition and no 'or'. One query per resource group of the
        // resources (one for a run: its gallery, source and test VMs share it), paged by nextLink, and the events kept
        // are those of the resources or of the correlation ids; a query by correlation id only when no resource is given.
        var window = TimeWindowFilter(query.From, query.To);
        var groups = query.ResourceIds.Select(ResourceGroupOf).Where(g => g != null).Select(g => g!)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var filters = groups.Count > 0
            ? groups.Select(g => $"{window} and resourceGroupName eq '{g}'").ToList()
            : query.CorrelationIds.Select(c => $"{window} and correlationId eq '{c}'").ToList();
        var resources = new HashSet<string>(query.ResourceIds, StringComparer.OrdinalIgnoreCase);
        var correlations = new HashSet<string>(query.CorrelationIds, StringComparer.OrdinalIgnoreCase);
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
                    if (groups.Count > 0 && !resources.Contains(Str(item, "resourceId") ?? string.Empty) && !correlations.Contains(Str(item, "correlationId") ?? string.Empty))
                    {
                        continue;
                    }

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

    private static readonly char[] PathSeparator = { '/' };

    /// <summary>The resource group named in an ARM resource id, or null when the id names none.</summary>
    internal static string? ResourceGroupOf(string resourceId)
    {
        var parts = (resourceId ?? string.Empty).Split(PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 1 < parts.Length; i++)
        {
            if (parts[i].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase))
            {
                return parts[i + 1];
            }
        }

        return null;
    }

    public async Task<IReadOnlyList<RoleAssignmentEntry>> GetRoleAssignmentsAsync(string scope, CancellationToken cancellationToken)
    {
        var path = scope.TrimEnd('/') + "/providers/Microsoft.Authorization/roleAssignments";
        var result = new List<RoleAssignmentEntry>();
        var next = path + "?api-version=" + AuthorizationApiVersion + "&$filter=" + Uri.EscapeDataString("atScope()");
        while (next != null)
        {
            using var doc = await GetJsonAsync(next, "read the role assignments of", scope, cancellationToken).ConfigureAwait(false);
            foreach (var item in Items(doc))
            {
                var props = item.TryGetProperty("properties", out var p) ? p : item;
                var assignmentScope = Str(props, "scope") ?? scope;
                result.Add(new RoleAssignmentEntry
                {
                    PrincipalId = Str(props, "principalId") ?? string.Empty,
                    PrincipalType = Str(props, "principalType"),
                    RoleDefinitionId = Str(props, "roleDefinitionId") ?? string.Empty,
                    Scope = assignmentScope,
                    Inherited = !string.Equals(assignmentScope.TrimEnd('/'), scope.TrimEnd('/'), StringComparison.OrdinalIgnoreCase),
                });
            }
            next = doc.RootElement.TryGetProperty("nextLink", out var link) && link.ValueKind == JsonValueKind.String ? link.GetString() : null;
        }

        // What each role allows comes from its definition's permissions, read once per role.
        var definitions = new Dictionary<string, (string? Name, List<RolePermission>? Permissions)>(StringComparer.OrdinalIgnoreCase);
        foreach (var roleId in result.Select(a => a.RoleDefinitionId).Where(id => id.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            definitions[roleId] = await RoleDefinitionAsync(roleId, cancellationToken).ConfigureAwait(false);
        }
        foreach (var a in result)
        {
            if (!definitions.TryGetValue(a.RoleDefinitionId, out var def))
            {
                continue;
            }

            a.RoleName = def.Name;
            if (def.Permissions == null)
            {
                a.Capability = "Unknown";
                continue;
            }
            a.PermissionsRead = true;
            foreach (var c in RolePermissions.Capabilities(def.Permissions))
            {
                a.Capabilities.Add(c);
            }

            a.Capability = a.Capabilities.Contains(Capability.Publish.Name) ? "Publish" : a.Capabilities.Contains(Capability.Read.Name) ? "Read" : "Other";
        }
        return result;
    }

    /// <summary>A role definition's name and permissions; null permissions when it cannot be read.</summary>
    private async Task<(string? Name, List<RolePermission>? Permissions)> RoleDefinitionAsync(string roleDefinitionId, CancellationToken cancellationToken)
    {
        try
        {
            using var doc = await GetJsonAsync(roleDefinitionId + "?api-version=" + AuthorizationApiVersion, "read the role definition", roleDefinitionId, cancellationToken).ConfigureAwait(false);
            var props = doc.RootElement.TryGetProperty("properties", out var p) ? p : doc.RootElement;
            var permissions = new List<RolePermission>();
            if (props.TryGetProperty("permissions", out var blocks) && blocks.ValueKind == JsonValueKind.Array)
            {
                foreach (var block in blocks.EnumerateArray())
                {
                    permissions.Add(new RolePermission
                    {
                        Actions = Strings(block, "actions"),
                        NotActions = Strings(block, "notActions"),
                        DataActions = Strings(block, "dataActions"),
                        NotDataActions = Strings(block, "notDataActions"),
                    });
                }
            }
            return (Str(props, "roleName"), permissions);
        }
        catch (GenImageException)
        {
            // Reported as a gap by the collector: the assignment is listed, what it allows is unknown.
            return (null, null);
        }
    }

    private static List<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : new List<string>();

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

    /// <summary>
    /// The Activity Log time window in whole seconds, widened to hold [<paramref name="from"/>, <paramref name="to"/>]:
    /// the start rounded down, the end rounded up. (Rounding the end down lost the events of its last second, all of
    /// them when a whole run took less than a second.)
    /// </summary>
    internal static string TimeWindowFilter(DateTimeOffset from, DateTimeOffset to)
    {
        var ticks = to.UtcTicks;
        var rest = ticks % TimeSpan.TicksPerSecond;
        var end = new DateTimeOffset(rest == 0 ? ticks : ticks - rest + TimeSpan.TicksPerSecond, TimeSpan.Zero);
        return $"eventTimestamp ge '{Iso(from)}' and eventTimestamp le '{Iso(end)}'";
    }

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
