namespace GenImage.Emulator.Providers.Compute;

/// <summary>How long Azure takes, in Azure seconds (the clock scales them to real time).</summary>
internal static class Durations
{
    public const double Deallocate = 60;
    public const double PowerOff = 30;
    public const double Start = 45;
    public const double Restart = 60;
    public const double RunCommand = 20;
    public const double PrepareWindows = 240;
    public const double PrepareLinux = 40;

    /// <summary>From the end of a prepare script's Run Command to the guest having shut itself down.</summary>
    public const double GuestShutdownAfterPrepare = 30;

    public const double InspectWindows = 30;
    public const double InspectLinux = 15;

    /// <summary>Gallery and image definition create/update/delete.</summary>
    public const double GalleryWrite = 15;
    public const double GalleryImageWrite = 10;
    public const double GalleryImageVersionDelete = 30;

    /// <summary>The least an image version update takes (PUT on an existing version, PATCH); new regions replicate as long as they take.</summary>
    public const double GalleryImageVersionUpdate = 60;

    /// <summary>Minimum replication time per region; the world's <c>replication.secondsPerGB</c> × OS disk GB × slow factor otherwise.</summary>
    public const double MinReplication = 1;

    public const double ManagedImageCreate = 60;
    public const double ManagedImageDelete = 20;
    public const double DiskDelete = 10;
    public const double VmDelete = 60;
    public const double RunCommandDelete = 10;

    /// <summary>From the create request to the guest booted (PowerState running), generalized image: specialize + OOBE / cloud-init.</summary>
    public const double BootGeneralizedWindows = 150;
    public const double BootGeneralizedLinux = 50;
    public const double BootSpecializedWindows = 70;
    public const double BootSpecializedLinux = 35;

    /// <summary>From the guest booted to the agent reporting Ready (provisioning Succeeded).</summary>
    public const double AgentReadyAfterBoot = 20;

    /// <summary>Azure's OS provisioning timeout: a guest that never signals ready fails with OSProvisioningTimedOut.</summary>
    public const double OsProvisioningTimeout = 2400;

    /// <summary>After boot, how long Azure waits for a VM agent that never reports before VMAgentStatusCommunicationError.</summary>
    public const double AgentStatusTimeout = 1200;

    /// <summary>An action that finds the VM already in the requested state.</summary>
    public const double NoChange = 0;
}
