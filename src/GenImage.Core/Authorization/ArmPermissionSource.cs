using System;
using System.Collections.Generic;
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

namespace GenImage.Core.Authorization;

/// <summary>
/// <see cref="IPermissionSource"/> over ARM: the principal's role assignments (<c>$filter=assignedTo('…')</c>, which
/// includes those through groups) and each assigned role definition, as raw GETs through the connection's pipeline.
/// </summary>
public sealed class ArmPermissionSource : IPermissionSource
{
    public const string ApiVersion = "2022-04-01";
    private readonly GenImageConnection _connection;

    public ArmPermissionSource(GenImageConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    public async Task<IReadOnlyList<RoleGrant>> GetGrantsAsync(string principalObjectId, string subscriptionId, CancellationToken cancellationToken)
    {
        var scope = "/subscriptions/" + subscriptionId;
        var assignments = new List<(string Scope, string RoleDefinitionId)>();
        var next = scope + "/providers/Microsoft.Authorization/roleAssignments?api-version=" + ApiVersion +
            "&$filter=" + Uri.EscapeDataString($"assignedTo('{principalObjectId}')");
        while (next != null)
        {
            using var doc = await GetJsonAsync(next, "read the role assignments of", scope, cancellationToken).ConfigureAwait(false);
            foreach (var item in Items(doc))
            {
                var props = item.TryGetProperty("properties", out var p) ? p : item;
                var roleId = Str(props, "roleDefinitionId");
                if (roleId != null)
                {
                    assignments.Add((Str(props, "scope") ?? scope, roleId));
                }
            }
            next = doc.RootElement.TryGetProperty("nextLink", out var link) && link.ValueKind == JsonValueKind.String ? link.GetString() : null;
        }

        var grants = new List<RoleGrant>();
        foreach (var roleId in assignments.Select(a => a.RoleDefinitionId).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            using var doc = await GetJsonAsync(roleId + "?api-version=" + ApiVersion, "read the role definition", roleId, cancellationToken).ConfigureAwait(false);
            var props = doc.RootElement.TryGetProperty("properties", out var p) ? p : doc.RootElement;
            var blocks = new List<PermissionBlock>();
            if (props.TryGetProperty("permissions", out var permissions) && permissions.ValueKind == JsonValueKind.Array)
            {
                foreach (var block in permissions.EnumerateArray())
                {
                    blocks.Add(new PermissionBlock
                    {
                        Actions = Strings(block, "actions"), NotActions = Strings(block, "notActions"),
                        DataActions = Strings(block, "dataActions"), NotDataActions = Strings(block, "notDataActions"),
                    });
                }
            }
            var name = Str(props, "roleName") ?? roleId.Substring(roleId.LastIndexOf('/') + 1);
            foreach (var a in assignments.Where(a => string.Equals(a.RoleDefinitionId, roleId, StringComparison.OrdinalIgnoreCase)))
            {
                grants.Add(new RoleGrant { RoleName = name, RoleDefinitionId = roleId, Scope = a.Scope, Permissions = blocks });
            }
        }
        return grants;
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
        if (message.Response.Status >= 400)
        {
            throw ArmErrors.Translate(new RequestFailedException(message.Response), action, target);
        }

        return JsonDocument.Parse(message.Response.Content.ToMemory());
    }

    private static IEnumerable<JsonElement> Items(JsonDocument doc) =>
        doc.RootElement.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : Enumerable.Empty<JsonElement>();

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : new List<string>();

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
