using System.Text.Json.Nodes;

namespace GenImage.Emulator.Arm;

/// <summary>An ARM error answer: HTTP status plus the <c>{"error":{code,message,target?,details?}}</c> body.</summary>
internal sealed class ArmException(int status, string code, string message, string? target = null, IReadOnlyList<ArmErrorDetail>? details = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string? Target { get; } = target;
    public IReadOnlyList<ArmErrorDetail> Details { get; } = details ?? Array.Empty<ArmErrorDetail>();

    public JsonObject ToBody()
    {
        var error = new JsonObject { ["code"] = Code, ["message"] = Message };
        if (Target is not null)
        {
            error["target"] = Target;
        }

        if (Details.Count > 0)
        {
            var arr = new JsonArray();
            foreach (var d in Details)
            {
                var item = new JsonObject { ["code"] = d.Code, ["message"] = d.Message };
                if (d.Target is not null)
                {
                    item["target"] = d.Target;
                }

                arr.Add(item);
            }

            error["details"] = arr;
        }

        return new JsonObject { ["error"] = error };
    }
}

internal sealed record ArmErrorDetail(string Code, string Message, string? Target = null);

/// <summary>The errors ARM gives, with its wording.</summary>
internal static class ArmErrors
{
    public static ArmException AuthenticationMissing() => new(401, "AuthenticationFailed",
        "Authentication failed. The 'Authorization' header is missing.");

    public static ArmException AuthenticationInvalid() => new(401, "InvalidAuthenticationToken",
        "The access token is invalid.");

    public static ArmException MissingApiVersion() => new(400, "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.");

    public static ArmException InvalidApiVersion(string version, IEnumerable<string> supported) => new(400, "InvalidApiVersionParameter",
        $"The api-version '{version}' is invalid. The supported versions are '{string.Join(",", supported.OrderByDescending(v => v, StringComparer.Ordinal))}'.");

    public static ArmException SubscriptionNotFound(string id) => new(404, "SubscriptionNotFound",
        $"The subscription '{id}' could not be found.");

    public static ArmException ResourceGroupNotFound(string name) => new(404, "ResourceGroupNotFound",
        $"Resource group '{name}' could not be found.");

    public static ArmException ResourceNotFound(string type, string name, string resourceGroup) => new(404, "ResourceNotFound",
        $"The Resource '{type}/{name}' under resource group '{resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");

    /// <summary>ARM's answer for a nested resource (or a list of them) whose parent does not exist.</summary>
    public static ArmException ParentResourceNotFound(string parentName) => new(404, "ParentResourceNotFound",
        $"Can not perform requested operation on nested resource. Parent resource '{parentName}' not found.");

    public static ArmException InvalidRequestContent(string detail) => new(400, "InvalidRequestContent",
        $"The request content was invalid and could not be deserialized: '{detail}'.");

    public static ArmException OperationNotAllowed(string message) => new(409, "OperationNotAllowed", message);

    public static ArmException Conflict(string message) => new(409, "Conflict", message);

    public static ArmException InvalidParameter(string message, string target) => new(400, "InvalidParameter", message, target);
}
