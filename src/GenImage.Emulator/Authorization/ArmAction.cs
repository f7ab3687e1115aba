namespace GenImage.Emulator.Authorization;

/// <summary>
/// What an ARM request does, derived from its method and path as ARM derives it for authorization and the Activity Log:
/// the action (<c>Microsoft.Compute/virtualMachines/deallocate/action</c>), the scope it is checked at, and the resource.
/// GET/HEAD → <c>/read</c>, PUT/PATCH → <c>/write</c>, DELETE → <c>/delete</c>, POST …/x → <c>/x/action</c>.
/// </summary>
internal sealed record ArmAction
{
    public required string Action { get; init; }

    /// <summary>Where the action is checked: the resource id for actions on a resource, else the request path.</summary>
    public required string Scope { get; init; }

    /// <summary>The resource the request is about (the scope without a trailing collection), e.g. a VM's id.</summary>
    public required string ResourceId { get; init; }

    public required string ResourceProvider { get; init; }

    /// <summary>The resource type, e.g. <c>Microsoft.Compute/virtualMachines</c>.</summary>
    public required string ResourceType { get; init; }

    public string? SubscriptionId { get; init; }
    public string? ResourceGroupName { get; init; }

    public bool IsWrite { get; init; }

    public static ArmAction Parse(string method, string path)
    {
        method = method.ToUpperInvariant();
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var ns = "Microsoft.Resources";
        var types = new List<string>();
        string? sub = null, rg = null, trailing = null;
        var resourceEnd = 0;
        var i = 0;
        if (segments.Length > 0 && segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase))
        {
            types.Add("subscriptions");
            if (segments.Length > 1)
            {
                sub = segments[1];
                resourceEnd = 2;
                i = 2;
                if (i < segments.Length && segments[i].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase))
                {
                    types.Add("resourceGroups");
                    if (i + 1 < segments.Length)
                    {
                        rg = segments[i + 1];
                        resourceEnd = i + 2;
                        i += 2;
                    }
                    else
                    {
                        trailing = "";
                        i++;
                    }
                }
            }
            else
            {
                i = 1;
            }
        }

        while (i < segments.Length)
        {
            if (segments[i].Equals("providers", StringComparison.OrdinalIgnoreCase) && i + 1 < segments.Length)
            {
                ns = segments[i + 1];
                types.Clear();
                trailing = null;
                i += 2;
                continue;
            }

            if (i + 1 < segments.Length)
            {
                types.Add(segments[i]);
                resourceEnd = i + 2;
                i += 2;
            }
            else
            {
                trailing = segments[i];
                i++;
            }
        }

        var typeName = types.Count == 0 ? ns : $"{ns}/{string.Join('/', types)}";
        var resourceId = "/" + string.Join('/', segments.Take(resourceEnd));
        string action;
        string scope;
        if (method == "POST" && !string.IsNullOrEmpty(trailing))
        {
            action = $"{typeName}/{trailing}/action";
            scope = resourceId;
        }
        else
        {
            var fullType = string.IsNullOrEmpty(trailing) ? typeName : $"{typeName}/{trailing}";
            var verb = method switch
            {
                "GET" or "HEAD" => "read",
                "DELETE" => "delete",
                "POST" => "action",
                _ => "write",
            };
            action = $"{fullType}/{verb}";
            scope = "/" + string.Join('/', segments);
        }

        return new ArmAction
        {
            Action = action,
            Scope = scope == "/" ? "/" : scope,
            ResourceId = resourceId,
            ResourceProvider = ns,
            ResourceType = typeName,
            SubscriptionId = sub,
            ResourceGroupName = rg,
            IsWrite = method is "PUT" or "PATCH" or "DELETE" or "POST",
        };
    }

    /// <summary>True when <paramref name="outer"/> is <paramref name="inner"/> or one of its ancestors ("/" covers all).</summary>
    public static bool Covers(string outer, string inner)
    {
        var o = outer.TrimEnd('/');
        if (o.Length == 0)
        {
            return true;
        }

        var n = inner.TrimEnd('/');
        return n.Equals(o, StringComparison.OrdinalIgnoreCase)
               || (n.Length > o.Length && n.StartsWith(o, StringComparison.OrdinalIgnoreCase) && n[o.Length] == '/');
    }

    /// <summary>ARM action matching: case-insensitive, <c>*</c> matches any characters.</summary>
    public static bool ActionMatches(string pattern, string action)
    {
        if (pattern == "*")
        {
            return true;
        }

        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(pattern, action, StringComparison.OrdinalIgnoreCase);
        }

        var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal) + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(action, regex,
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    }
}
