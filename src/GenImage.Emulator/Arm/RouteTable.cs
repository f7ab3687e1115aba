namespace GenImage.Emulator.Arm;

/// <summary>
/// The emulator's routing table. Each resource provider registers its routes (method, path template, api-versions,
/// handler). Literal segments match case-insensitively, as in ARM; <c>{name}</c> segments capture one path segment.
/// </summary>
internal sealed class RouteTable
{
    private readonly List<Route> _routes = new();

    public IReadOnlyList<Route> Routes => _routes;

    public void Add(string method, string template, string resourceType, IReadOnlyCollection<string> apiVersions, Func<ArmRequest, ArmResult> handler)
    {
        var segments = Split(template);
        _routes.Add(new Route(method.ToUpperInvariant(), template, segments, resourceType, apiVersions, handler));
    }

    /// <summary>Finds the route for a request; <paramref name="otherMethods"/> lists the methods the path supports when the method does not match.</summary>
    public (Route Route, Dictionary<string, string> Values)? Match(string method, string path, out List<string> otherMethods)
    {
        otherMethods = new List<string>();
        var segments = Split(path);
        foreach (var route in _routes)
        {
            var values = TryMatch(route.Segments, segments);
            if (values is null)
            {
                continue;
            }

            if (route.Method == method)
            {
                return (route, values);
            }

            otherMethods.Add(route.Method);
        }

        return null;
    }

    private static Dictionary<string, string>? TryMatch(string[] template, string[] path)
    {
        if (template.Length != path.Length)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < template.Length; i++)
        {
            var t = template[i];
            if (t.Length > 2 && t[0] == '{' && t[^1] == '}')
            {
                if (path[i].Length == 0)
                {
                    return null;
                }

                values[t[1..^1]] = path[i];
            }
            else if (!string.Equals(t, path[i], StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return values;
    }

    private static string[] Split(string path) => path.Trim('/').Split('/');
}

internal sealed record Route(
    string Method,
    string Template,
    string[] Segments,
    string ResourceType,
    IReadOnlyCollection<string> ApiVersions,
    Func<ArmRequest, ArmResult> Handler);
