using System;

namespace GenImage.Core.Gallery;

/// <summary>
/// A version's aggregated replication state when it was listed: the list API carries no replication status, but a
/// version's provisioning state follows its replication (Succeeded once every target region has its replicas,
/// Creating or Updating while one replicates, Failed when one failed).
/// </summary>
public static class ReplicationStates
{
    public const string Completed = "Completed";
    public const string InProgress = "InProgress";
    public const string Failed = "Failed";
    public const string Unknown = "Unknown";

    /// <summary>The state ARM reported when the version was read with its replication status, else the one its provisioning state implies.</summary>
    public static string Of(GalleryImageVersion version)
    {
        if (version == null)
        {
            throw new ArgumentNullException(nameof(version));
        }

        if (!string.IsNullOrEmpty(version.ReplicationState) && !string.Equals(version.ReplicationState, Unknown, StringComparison.OrdinalIgnoreCase))
        {
            return version.ReplicationState;
        }

        switch ((version.ProvisioningState ?? string.Empty).ToUpperInvariant())
        {
            case "SUCCEEDED": return Completed;
            case "CREATING":
            case "UPDATING": return InProgress;
            case "FAILED": return Failed;
            default: return Unknown;
        }
    }
}
