using GenImage.Emulator.Arm;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Providers;

/// <summary>
/// The api-versions the emulator accepts, per family, and the error ARM gives for any other. The first of each list is
/// what the .NET SDK in use sends; the rest are the stable versions of the public REST specifications
/// (Azure/azure-rest-api-specs, <c>specification/compute/resource-manager/Microsoft.Compute/Compute/stable/*</c>: one
/// folder per version of ComputeRP.json, GalleryRP.json and DiskRP.json; before 2021 <c>Microsoft.Compute/stable/*</c>
/// with compute.json, gallery.json and disk.json) from the oldest the recorded Azure traffic in shared/arm-recordings
/// sends (2019) up to the newest the current .NET and JavaScript SDKs send.
/// </summary>
internal static class ApiVersions
{
    /// <summary>Subscriptions and tenants (Azure.ResourceManager 1.7.0 sends 2022-12-01).</summary>
    public static readonly IReadOnlyCollection<string> Subscriptions = Set("2022-12-01", "2016-06-01", "2019-06-01", "2019-11-01", "2020-01-01", "2021-01-01");

    /// <summary>Microsoft.Resources resource groups (Azure.ResourceManager 1.7.0 sends 2022-09-01).</summary>
    public static readonly IReadOnlyCollection<string> ResourceGroups = Set("2022-09-01",
        "2019-05-01", "2019-05-10", "2019-07-01", "2019-08-01", "2019-10-01", "2020-06-01", "2020-08-01", "2020-10-01", "2021-01-01", "2021-04-01",
        "2023-07-01", "2024-03-01");

    /// <summary>
    /// ComputeRP (virtual machines, run commands, managed images, operations): Azure.ResourceManager.Compute 1.2.0 sends
    /// 2023-07-01; @azure/arm-compute 25.x sends 2026-04-01.
    /// </summary>
    public static readonly IReadOnlyCollection<string> Compute = Set("2023-07-01",
        "2019-03-01", "2019-07-01", "2019-12-01", "2020-06-01", "2020-12-01", "2021-03-01", "2021-04-01", "2021-07-01", "2021-11-01", "2022-03-01",
        "2022-08-01", "2022-11-01", "2023-03-01", "2023-09-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-04-01", "2025-11-01", "2026-04-01");

    /// <summary>GalleryRP (galleries, image definitions, versions): the .NET SDK sends 2022-03-03; @azure/arm-compute 25.x sends 2025-12-03.</summary>
    public static readonly IReadOnlyCollection<string> Gallery = Set("2022-03-03",
        "2019-03-01", "2019-07-01", "2019-12-01", "2020-09-30", "2021-07-01", "2021-10-01", "2022-01-03", "2022-08-03", "2023-07-03", "2024-03-03", "2025-03-03", "2025-12-03");

    /// <summary>DiskRP (managed disks): the .NET SDK sends 2023-04-02; 2025-01-02 and 2026-03-02 are the newest stable specs.</summary>
    public static readonly IReadOnlyCollection<string> Disks = Set("2023-04-02",
        "2019-03-01", "2019-07-01", "2019-11-01", "2020-05-01", "2020-06-30", "2020-09-30", "2020-12-01", "2021-04-01", "2021-08-01", "2021-12-01",
        "2022-03-02", "2022-07-02", "2023-01-02", "2023-10-02", "2024-03-02", "2025-01-02", "2026-03-02");

    /// <summary>
    /// Microsoft.Network network interfaces: GenImage sends 2023-09-01; the others are stable folders of
    /// <c>specification/network/resource-manager/Microsoft.Network/stable</c> around it.
    /// </summary>
    public static readonly IReadOnlyCollection<string> Network = Set("2023-09-01",
        "2023-04-01", "2023-05-01", "2023-06-01", "2023-11-01", "2024-01-01", "2024-03-01", "2024-05-01", "2024-07-01");

    /// <summary>The operation status URLs are polled with the api-version of the request that started the operation.</summary>
    public static readonly IReadOnlyCollection<string> Operations = Set(Compute.Concat(Gallery).Concat(Disks).ToArray());

    /// <summary>
    /// ARM's answer to an api-version a resource type does not have. For a resource provider's type (Microsoft.Compute)
    /// ARM answers from the provider's registration: 400 <c>NoRegisteredProviderFound</c> naming the location, the
    /// version, the type and the supported versions and locations. For ARM's own types (subscriptions, resource groups)
    /// it answers 400 <c>InvalidApiVersionParameter</c>; the emulator keeps that answer for its other namespaces
    /// (Authorization, Insights), whose registration answer was not checked.
    /// </summary>
    public static ArmException Unsupported(string resourceType, string apiVersion, IReadOnlyCollection<string> supported, string? location)
    {
        var slash = resourceType.IndexOf('/', StringComparison.Ordinal);
        var ns = slash < 0 ? resourceType : resourceType[..slash];
        if (!ns.Equals("Microsoft.Compute", StringComparison.OrdinalIgnoreCase) && !ns.Equals("Microsoft.Network", StringComparison.OrdinalIgnoreCase))
        {
            return ArmErrors.InvalidApiVersion(apiVersion, supported);
        }

        var type = resourceType[(slash + 1)..];
        var versions = string.Join(", ", supported.Order(StringComparer.Ordinal));
        return new ArmException(400, "NoRegisteredProviderFound",
            $"No registered resource provider found for location '{location ?? ""}' and API version '{apiVersion}' for type '{type}'. "
            + $"The supported api-versions are '{versions}'. The supported locations are '{string.Join(", ", Locations.Names)}'.");
    }

    private static HashSet<string> Set(params string[] versions) => new(versions, StringComparer.OrdinalIgnoreCase);
}
