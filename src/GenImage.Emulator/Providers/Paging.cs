using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;

namespace GenImage.Emulator.Providers;

/// <summary>
/// Server-driven paging of list responses, as ARM does it: a page of <c>value</c> and, when more items follow, a
/// <c>nextLink</c> that repeats the request's query with a <c>$skiptoken</c>. Clients follow <c>nextLink</c> as given.
/// </summary>
/// <remarks>
/// The shape (<c>nextLink</c> with <c>$skiptoken</c>) is ARM's RPC contract (Azure/azure-resource-manager-rpc
/// v1.0/resource-api-reference.md, "Paging Response Body") and what the 2022-03-03 gallery list examples show. Page sizes,
/// from what clients saw of Azure (no specification states them):
/// <list type="bullet">
/// <item>Compute lists (virtual machines, scale sets, managed images) and Disk lists: 50. VM lists stop at 50 per page
/// (Azure/azure-xplat-cli#2961, Azure/azure-sdk-for-node#4769); a resource group with 56 managed disks listed 50
/// (Azure/migAz#196).</item>
/// <item>Gallery lists (galleries, image definitions, image versions): 50. The versions of a definition past the 50th
/// were missed by a client that read one page (hashicorp/terraform-provider-azurerm#17822, #10581).</item>
/// <item>Network interfaces: no public source states Network's page size; the emulator uses 50, like Compute.</item>
/// </list>
/// The Activity Log pages at 200 (see <c>ActivityLogProvider</c>).
/// </remarks>
internal static class Paging
{
    public const int ComputePageSize = 50;
    public const int GalleryPageSize = 50;
    public const int NetworkPageSize = 50;

    /// <summary>
    /// One page of <paramref name="items"/> for <paramref name="request"/>, with <c>nextLink</c> when more follow. Only the
    /// page's items are turned into JSON, so a list read page by page costs each page once.
    /// </summary>
    public static ArmResult Page<T>(ArmRequest request, IEnumerable<T> items, Func<T, JsonNode> toJson, int pageSize)
    {
        var skip = Skip(request, pageSize);
        var all = items as IReadOnlyList<T> ?? items.ToList();
        var body = Json.List(Enumerable.Range(skip, Math.Max(0, Math.Min(pageSize, all.Count - skip))).Select(i => toJson(all[i])));
        if (skip + pageSize < all.Count)
        {
            var next = Convert.ToBase64String(Encoding.UTF8.GetBytes((skip + pageSize).ToString(CultureInfo.InvariantCulture)));
            var query = new StringBuilder("api-version=").Append(Uri.EscapeDataString(request.ApiVersion));
            foreach (var (key, value) in request.Query)
            {
                if (key.Equals("api-version", StringComparison.OrdinalIgnoreCase) || key.Equals("$skiptoken", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                query.Append('&').Append(Uri.EscapeDataString(key).Replace("%24", "$", StringComparison.Ordinal)).Append('=').Append(Uri.EscapeDataString(value));
            }

            query.Append("&$skiptoken=").Append(Uri.EscapeDataString(next));
            body["nextLink"] = $"{request.BaseUri.ToString().TrimEnd('/')}{request.Path}?{query}";
        }

        return ArmResult.Ok(body);
    }

    /// <summary>
    /// How many items the request's <c>$skiptoken</c> skips: 0 without one; a token the emulator could not have issued
    /// (not base64 of a positive multiple of the page size) is 400 <c>InvalidSkipToken</c>.
    /// </summary>
    private static int Skip(ArmRequest request, int pageSize)
    {
        var token = request.Query.FirstOrDefault(q => q.Key.Equals("$skiptoken", StringComparison.OrdinalIgnoreCase)).Value;
        if (token is null)
        {
            return 0;
        }

        try
        {
            var skip = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), NumberStyles.None, CultureInfo.InvariantCulture);
            if (skip > 0 && skip % pageSize == 0)
            {
                return skip;
            }
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
        }

        throw new ArmException(400, "InvalidSkipToken",
            $"The $skiptoken '{token}' is not valid for this list. Follow the nextLink of the previous page as it was given, or list again without $skiptoken.");
    }
}
