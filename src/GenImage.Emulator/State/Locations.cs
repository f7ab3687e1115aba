namespace GenImage.Emulator.State;

/// <summary>
/// Azure regions: ARM location names (<c>westeurope</c>) and display names (<c>West Europe</c>). Gallery replication
/// reports regions by display name, as ARM does; requests may use either form.
/// </summary>
internal static class Locations
{
    private static readonly (string Name, string Display)[] Known =
    [
        ("westeurope", "West Europe"), ("northeurope", "North Europe"), ("uksouth", "UK South"), ("ukwest", "UK West"),
        ("francecentral", "France Central"), ("germanywestcentral", "Germany West Central"), ("swedencentral", "Sweden Central"),
        ("switzerlandnorth", "Switzerland North"), ("norwayeast", "Norway East"), ("polandcentral", "Poland Central"),
        ("italynorth", "Italy North"), ("eastus", "East US"), ("eastus2", "East US 2"), ("westus", "West US"),
        ("westus2", "West US 2"), ("westus3", "West US 3"), ("centralus", "Central US"), ("northcentralus", "North Central US"),
        ("southcentralus", "South Central US"), ("westcentralus", "West Central US"), ("canadacentral", "Canada Central"),
        ("canadaeast", "Canada East"), ("brazilsouth", "Brazil South"), ("southeastasia", "Southeast Asia"),
        ("eastasia", "East Asia"), ("japaneast", "Japan East"), ("japanwest", "Japan West"), ("australiaeast", "Australia East"),
        ("australiasoutheast", "Australia Southeast"), ("centralindia", "Central India"), ("southindia", "South India"),
        ("koreacentral", "Korea Central"), ("uaenorth", "UAE North"), ("southafricanorth", "South Africa North"),
    ];

    /// <summary>Every known region: ARM name and display name.</summary>
    public static IReadOnlyList<(string Name, string Display)> All => Known;

    private static readonly Dictionary<string, string> DisplayByName = Known.ToDictionary(k => k.Name, k => k.Display, StringComparer.OrdinalIgnoreCase);

    /// <summary>The ARM name ("West Europe" and "westeurope" both give "westeurope").</summary>
    public static string Normalize(string location) => location.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>The ARM names of the regions the emulator knows, in its order.</summary>
    public static IEnumerable<string> Names => Known.Select(k => k.Name);

    public static bool IsKnown(string location) => DisplayByName.ContainsKey(Normalize(location));

    /// <summary>The display name ("westeurope" gives "West Europe"); an unknown name is returned as it is.</summary>
    public static string Display(string location) => DisplayByName.TryGetValue(Normalize(location), out var d) ? d : location;
}
