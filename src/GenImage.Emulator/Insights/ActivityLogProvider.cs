using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Providers;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Insights;

/// <summary>
/// Microsoft.Insights Activity Log: <c>GET /subscriptions/{sub}/providers/Microsoft.Insights/eventtypes/management/values</c>
/// with ARM's required <c>$filter</c> time window, optional conditions, <c>$select</c> and paging by <c>nextLink</c>.
/// </summary>
internal sealed partial class ActivityLogProvider(WorldStore store, ActivityLog log) : IResourceProvider
{
    public const int PageSize = 200;

    public static readonly IReadOnlyCollection<string> ApiVersions = new HashSet<string>(["2015-04-01", "2017-03-01-preview"], StringComparer.OrdinalIgnoreCase);

    private static readonly string[] Filterable = ["resourceUri", "resourceId", "resourceGroupName", "correlationId", "resourceProvider", "status", "caller", "levels"];

    public void Register(RouteTable routes)
        => routes.Add("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values",
            "Microsoft.Insights/eventtypes/values", ApiVersions, List);

    private ArmResult List(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        var filter = request.QueryValue("$filter");
        if (string.IsNullOrWhiteSpace(filter))
        {
            throw BadFilter("the $filter query parameter is required and must give the time window: eventTimestamp ge '{start}' [and eventTimestamp le '{end}'].");
        }

        DateTimeOffset? from = null, to = null;
        var conditions = new List<(string Field, string Value)>();
        foreach (var part in Regex.Split(filter.Trim(), @"\s+and\s+", RegexOptions.IgnoreCase))
        {
            var m = Condition().Match(part.Trim());
            if (!m.Success)
            {
                throw BadFilter($"cannot read the condition '{part.Trim()}'; conditions look like: field eq 'value', joined by 'and'.");
            }

            var field = m.Groups["field"].Value;
            var op = m.Groups["op"].Value.ToLowerInvariant();
            var value = m.Groups["value"].Value;
            if (field.Equals("eventTimestamp", StringComparison.OrdinalIgnoreCase))
            {
                if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
                {
                    throw BadFilter($"'{value}' is not a valid eventTimestamp.");
                }

                if (op is "ge" or "gt")
                {
                    from = time;
                }
                else if (op is "le" or "lt")
                {
                    to = time;
                }
                else
                {
                    throw BadFilter("eventTimestamp takes 'ge' and 'le'.");
                }

                continue;
            }

            var known = Filterable.FirstOrDefault(f => f.Equals(field, StringComparison.OrdinalIgnoreCase));
            if (known is null || op != "eq")
            {
                throw BadFilter($"'{field} {op}' is not supported; use eventTimestamp ge/le and {string.Join(", ", Filterable.Select(f => f + " eq"))}.");
            }

            conditions.Add((known, value));
        }

        if (from is null)
        {
            throw BadFilter("the time window is required: eventTimestamp ge '{start}' [and eventTimestamp le '{end}'].");
        }

        var now = store.Clock.Now;
        to ??= now;
        if (from.Value < now.AddDays(-log.RetentionDays))
        {
            throw new ArmException(400, "BadRequest", string.Create(CultureInfo.InvariantCulture,
                $"The start time of the query, {from.Value:yyyy-MM-dd'T'HH:mm:ss'Z'}, is older than the retention period of the Activity Log ({log.RetentionDays} days). Query a window within the last {log.RetentionDays} days."));
        }

        if (to < from)
        {
            throw BadFilter("the end of the time window (eventTimestamp le) is before its start (eventTimestamp ge).");
        }

        log.Resolve();
        var events = log.Snapshot()
            .Where(e => string.Equals(e.SubscriptionId, sub.Id, StringComparison.OrdinalIgnoreCase))
            .Where(e => e.Timestamp >= from && e.Timestamp <= to)
            .Where(e => conditions.All(c => Matches(e, c.Field, c.Value)))
            .OrderByDescending(e => e.Timestamp)
            .ToList();

        var skip = 0;
        if (request.QueryValue("$skiptoken") is { Length: > 0 } token)
        {
            try
            {
                skip = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), NumberStyles.None, CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                throw new ArmException(400, "BadRequest", "The $skiptoken is not valid.");
            }
        }

        var select = request.QueryValue("$select") is { Length: > 0 } s
            ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : null;
        var page = events.Skip(skip).Take(PageSize).Select(e => Select(EventJson(e), select));
        var body = Json.List(page);
        if (skip + PageSize < events.Count)
        {
            var next = Convert.ToBase64String(Encoding.UTF8.GetBytes((skip + PageSize).ToString(CultureInfo.InvariantCulture)));
            var query = new StringBuilder($"api-version={Uri.EscapeDataString(request.ApiVersion)}&$filter={Uri.EscapeDataString(filter)}");
            if (select is not null)
            {
                query.Append("&$select=").Append(Uri.EscapeDataString(string.Join(",", select)));
            }

            query.Append("&$skiptoken=").Append(Uri.EscapeDataString(next));
            body["nextLink"] = $"{request.BaseUri.ToString().TrimEnd('/')}{request.Path}?{query}";
        }

        return ArmResult.Ok(body);
    }

    private static bool Matches(ActivityEvent e, string field, string value) => field switch
    {
        "resourceUri" or "resourceId" => string.Equals(e.ResourceId, value, StringComparison.OrdinalIgnoreCase),
        "resourceGroupName" => string.Equals(e.ResourceGroupName, value, StringComparison.OrdinalIgnoreCase),
        "correlationId" => string.Equals(e.CorrelationId, value, StringComparison.OrdinalIgnoreCase),
        "resourceProvider" => string.Equals(e.ResourceProvider, value, StringComparison.OrdinalIgnoreCase),
        "status" => string.Equals(e.Status, value, StringComparison.OrdinalIgnoreCase),
        "caller" => string.Equals(e.Caller, value, StringComparison.OrdinalIgnoreCase),
        "levels" => value.Split(',').Any(l => string.Equals(l.Trim(), e.Level, StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };

    private static JsonObject Select(JsonObject item, string[]? select)
    {
        if (select is null)
        {
            return item;
        }

        var result = new JsonObject();
        foreach (var (name, value) in item.ToArray())
        {
            if (select.Any(s => s.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                item.Remove(name);
                result[name] = value;
            }
        }

        return result;
    }

    private static JsonObject Localized(string value, string? localized = null) => new() { ["value"] = value, ["localizedValue"] = localized ?? value };

    public static JsonObject EventJson(ActivityEvent e)
    {
        var claims = new JsonObject();
        foreach (var (k, v) in e.Claims)
        {
            claims[k] = v;
        }

        var properties = new JsonObject();
        foreach (var (k, v) in e.Properties)
        {
            properties[k] = v;
        }

        var authorization = new JsonObject { ["action"] = e.OperationName };
        if (e.Role is not null)
        {
            authorization["role"] = e.Role;
        }

        authorization["scope"] = e.Scope;
        var httpRequest = new JsonObject
        {
            ["clientRequestId"] = e.ClientRequestId ?? "",
            ["clientIpAddress"] = "127.0.0.1",
            ["method"] = e.HttpMethod,
        };
        var subStatus = e.SubStatus.Length == 0
            ? Localized("", "")
            : Localized(e.SubStatus, e.HttpStatus is { } code ? string.Create(CultureInfo.InvariantCulture, $"{SplitWords(e.SubStatus)} (HTTP Status Code: {code})") : e.SubStatus);

        return new JsonObject
        {
            ["authorization"] = authorization,
            ["caller"] = e.Caller,
            ["channels"] = "Operation",
            ["claims"] = claims,
            ["correlationId"] = e.CorrelationId,
            ["description"] = "",
            ["eventDataId"] = e.EventDataId,
            ["eventName"] = Localized(e.EventName, e.EventName == "BeginRequest" ? "Begin request" : "End request"),
            ["category"] = Localized("Administrative"),
            ["httpRequest"] = httpRequest,
            ["id"] = string.Create(CultureInfo.InvariantCulture, $"{e.ResourceId}/events/{e.EventDataId}/ticks/{e.Timestamp.UtcTicks}"),
            ["level"] = e.Level,
            ["resourceGroupName"] = e.ResourceGroupName,
            ["resourceProviderName"] = Localized(e.ResourceProvider),
            ["resourceId"] = e.ResourceId,
            ["resourceType"] = Localized(e.ResourceType),
            ["operationId"] = e.OperationId,
            ["operationName"] = Localized(e.OperationName),
            ["properties"] = properties,
            ["status"] = Localized(e.Status),
            ["subStatus"] = subStatus,
            ["eventTimestamp"] = Json.Time(e.Timestamp),
            ["submissionTimestamp"] = Json.Time(e.Timestamp),
            ["subscriptionId"] = e.SubscriptionId,
            ["tenantId"] = e.TenantId,
        };
    }

    private static string SplitWords(string pascal) => Regex.Replace(pascal, "(?<=[a-z])(?=[A-Z])", " ");

    private static ArmException BadFilter(string problem) => new(400, "BadRequest", $"$filter searching parameters invalid: {problem}");

    [GeneratedRegex(@"^(?<field>\w+)\s+(?<op>eq|ge|le|gt|lt)\s+'(?<value>[^']*)'$", RegexOptions.IgnoreCase)]
    private static partial Regex Condition();
}
