using System;
using System.Collections.Generic;
using System.Linq;

namespace GenImage.Core.Readiness;

/// <summary>
/// The Azure public-cloud regions GenImage knows by name, with their display names and whether they have
/// availability zones (which zone-redundant storage needs). Used when the caller gives no region list of
/// its own (<see cref="ReadinessInput.KnownRegions"/>).
/// </summary>
public static class KnownRegions
{
    // name, display name, has availability zones
    private static readonly (string Name, string Display, bool Zones)[] Table =
    {
        ("australiacentral", "Australia Central", false),
        ("australiacentral2", "Australia Central 2", false),
        ("australiaeast", "Australia East", true),
        ("australiasoutheast", "Australia Southeast", false),
        ("austriaeast", "Austria East", true),
        ("belgiumcentral", "Belgium Central", true),
        ("brazilsouth", "Brazil South", true),
        ("brazilsoutheast", "Brazil Southeast", false),
        ("canadacentral", "Canada Central", true),
        ("canadaeast", "Canada East", false),
        ("centralindia", "Central India", true),
        ("centralus", "Central US", true),
        ("centraluseuap", "Central US EUAP", true),
        ("chilecentral", "Chile Central", true),
        ("eastasia", "East Asia", true),
        ("eastus", "East US", true),
        ("eastus2", "East US 2", true),
        ("eastus2euap", "East US 2 EUAP", true),
        ("francecentral", "France Central", true),
        ("francesouth", "France South", false),
        ("germanynorth", "Germany North", false),
        ("germanywestcentral", "Germany West Central", true),
        ("indonesiacentral", "Indonesia Central", true),
        ("israelcentral", "Israel Central", true),
        ("italynorth", "Italy North", true),
        ("japaneast", "Japan East", true),
        ("japanwest", "Japan West", true),
        ("jioindiacentral", "Jio India Central", false),
        ("jioindiawest", "Jio India West", false),
        ("koreacentral", "Korea Central", true),
        ("koreasouth", "Korea South", false),
        ("malaysiawest", "Malaysia West", true),
        ("mexicocentral", "Mexico Central", true),
        ("newzealandnorth", "New Zealand North", true),
        ("northcentralus", "North Central US", false),
        ("northeurope", "North Europe", true),
        ("norwayeast", "Norway East", true),
        ("norwaywest", "Norway West", false),
        ("polandcentral", "Poland Central", true),
        ("qatarcentral", "Qatar Central", true),
        ("southafricanorth", "South Africa North", true),
        ("southafricawest", "South Africa West", false),
        ("southcentralus", "South Central US", true),
        ("southeastasia", "Southeast Asia", true),
        ("southindia", "South India", false),
        ("spaincentral", "Spain Central", true),
        ("swedencentral", "Sweden Central", true),
        ("swedensouth", "Sweden South", false),
        ("switzerlandnorth", "Switzerland North", true),
        ("switzerlandwest", "Switzerland West", false),
        ("uaecentral", "UAE Central", false),
        ("uaenorth", "UAE North", true),
        ("uksouth", "UK South", true),
        ("ukwest", "UK West", false),
        ("westcentralus", "West Central US", false),
        ("westeurope", "West Europe", true),
        ("westindia", "West India", false),
        ("westus", "West US", false),
        ("westus2", "West US 2", true),
        ("westus3", "West US 3", true),
    };

    private static readonly Dictionary<string, (string Display, bool Zones)> ByName =
        Table.ToDictionary(r => r.Name, r => (r.Display, r.Zones), StringComparer.OrdinalIgnoreCase);

    /// <summary>Every known region name, lower case without spaces (<c>westeurope</c>).</summary>
    public static ISet<string> All { get; } = new HashSet<string>(Table.Select(r => r.Name), StringComparer.OrdinalIgnoreCase);

    /// <summary>The name ARM uses in requests: <c>"West Europe"</c> becomes <c>"westeurope"</c>.</summary>
    public static string Normalize(string name)
    {
        if (name == null)
        {
            throw new ArgumentNullException(nameof(name));
        }

        var chars = name.Trim().Where(c => !char.IsWhiteSpace(c)).Select(char.ToLowerInvariant).ToArray();
        return new string(chars);
    }

    /// <summary>The display name (<c>West Europe</c>); an unknown name is returned normalized.</summary>
    public static string DisplayName(string name)
    {
        var normalized = Normalize(name);
        return ByName.TryGetValue(normalized, out var info) ? info.Display : normalized;
    }

    /// <summary>True when the region is known and has availability zones.</summary>
    public static bool SupportsZones(string name) =>
        ByName.TryGetValue(Normalize(name), out var info) && info.Zones;

    /// <summary>True when the region is in the built-in list.</summary>
    public static bool IsKnown(string name) => ByName.ContainsKey(Normalize(name));
}
