namespace GenImage.Emulator.Providers;

/// <summary>The api-versions the emulator accepts, per family. The first of each list is what the SDK in use sends.</summary>
internal static class ApiVersions
{
    /// <summary>Subscriptions and tenants (Azure.ResourceManager 1.7.0 sends 2022-12-01).</summary>
    public static readonly IReadOnlyCollection<string> Subscriptions = Set("2022-12-01", "2016-06-01", "2019-06-01", "2019-11-01", "2020-01-01", "2021-01-01");

    /// <summary>Microsoft.Resources resource groups (Azure.ResourceManager 1.7.0 sends 2022-09-01).</summary>
    public static readonly IReadOnlyCollection<string> ResourceGroups = Set("2022-09-01", "2019-10-01", "2020-06-01", "2021-04-01", "2023-07-01", "2024-03-01");

    /// <summary>Microsoft.Compute (virtual machines, operations); Azure.ResourceManager.Compute 1.2.0 sends 2023-07-01.</summary>
    public static readonly IReadOnlyCollection<string> Compute = Set("2023-07-01", "2022-08-01", "2022-11-01", "2023-03-01", "2023-09-01", "2024-03-01", "2024-07-01");

    /// <summary>Microsoft.Compute galleries, images and versions; Azure.ResourceManager.Compute 1.2.0 sends 2022-03-03.</summary>
    public static readonly IReadOnlyCollection<string> Gallery = Set("2022-03-03", "2021-10-01", "2022-01-03", "2022-08-03", "2023-07-03", "2024-03-03");

    /// <summary>Microsoft.Compute disks; Azure.ResourceManager.Compute 1.2.0 sends 2023-04-02.</summary>
    public static readonly IReadOnlyCollection<string> Disks = Set("2023-04-02", "2022-07-02", "2023-01-02", "2023-10-02", "2024-03-02");

    /// <summary>The operation status URLs are polled with the api-version of the request that started the operation.</summary>
    public static readonly IReadOnlyCollection<string> Operations = Set(Compute.Concat(Gallery).Concat(Disks).ToArray());

    private static HashSet<string> Set(params string[] versions) => new(versions, StringComparer.OrdinalIgnoreCase);
}
