using GenImage.Emulator.Resources.Galleries;

namespace GenImage.Emulator.World;

/// <summary>The parsed, validated world file (no state; see <c>State.WorldStore</c> for the live world).</summary>
internal sealed class WorldDefinition
{
    public const string ApiVersion = "genimage.dev/emulator/v1";
    public const string Kind = "World";
    public const double DefaultClockScale = 0.001;
    public const string DefaultTenantId = "00000000-0000-0000-0000-0000000000aa";
    public const string DefaultSubscriptionId = "00000000-0000-0000-0000-000000000001";

    public double ClockScale { get; set; } = DefaultClockScale;
    public string TenantId { get; set; } = DefaultTenantId;
    public List<SubscriptionDefinition> Subscriptions { get; } = new();

    /// <summary>Throttling, faults, Activity Log, roles and RBAC (see FrontDoorDefinition).</summary>
    public FrontDoorDefinition FrontDoor { get; } = new();
    public ReplicationSettings Replication { get; set; } = new();

    /// <summary>The root <c>serialLog</c> key: the size and line of VMs created from an image (validation VMs); null: none.</summary>
    public SerialLogPadding? SerialLog { get; set; }

    /// <summary>The root <c>platformImages</c> key: the marketplace image versions each region offers.</summary>
    public List<PlatformImageDefinition> PlatformImages { get; } = new();

    /// <summary>The world used when no file is given: one empty subscription.</summary>
    public static WorldDefinition CreateDefault()
    {
        var world = new WorldDefinition();
        world.Subscriptions.Add(new SubscriptionDefinition { Id = DefaultSubscriptionId, DisplayName = "GenImage Emulator" });
        return world;
    }
}

internal sealed class SubscriptionDefinition
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public List<ResourceGroupDefinition> ResourceGroups { get; } = new();
}

internal sealed class ResourceGroupDefinition
{
    public string Name { get; set; } = "";
    public string Location { get; set; } = "";
    public Dictionary<string, string> Tags { get; set; } = new();
    public List<VirtualMachineDefinition> VirtualMachines { get; } = new();
    public List<GalleryDefinition> Galleries { get; } = new();

    /// <summary>Managed disks besides the VMs' own OS disks (e.g. disks left behind); see WorldLoader.Fleet.</summary>
    public List<DiskDefinition> Disks { get; } = new();
    public List<NetworkInterfaceDefinition> NetworkInterfaces { get; } = new();
    public List<ManagedImageDefinition> Images { get; } = new();
    public List<ScaleSetDefinition> ScaleSets { get; } = new();
}

internal sealed class GalleryDefinition
{
    public string Name { get; set; } = "";
    public string? Location { get; set; }
    public string? Description { get; set; }
    public List<GalleryImageDefinition> Images { get; } = new();
}

internal sealed class GalleryImageDefinition
{
    public string Name { get; set; } = "";
    public string OsType { get; set; } = "";
    public string OsState { get; set; } = "Generalized";
    public string HyperVGeneration { get; set; } = "V2";
    public string Publisher { get; set; } = "";
    public string Offer { get; set; } = "";
    public string Sku { get; set; } = "";
    public string? SecurityType { get; set; }
    public string Architecture { get; set; } = "x64";
    public string? Description { get; set; }

    /// <summary><c>properties.purchasePlan</c> {name, publisher, product}; null when the definition has none.</summary>
    public PlanDefinition? PurchasePlan { get; set; }

    /// <summary>Versions that exist when the world starts (already replicated).</summary>
    public List<GalleryVersionDefinition> Versions { get; } = new();
}

/// <summary>
/// A gallery image version of the world file: published <see cref="PublishedDaysAgo"/> days before the emulator
/// started, replication finished (Completed, or Failed in <see cref="FailedRegions"/>).
/// </summary>
internal sealed class GalleryVersionDefinition
{
    public string Name { get; set; } = "";

    /// <summary>A VM of the same resource group (by name) or any resource id; null: a source that no longer exists.</summary>
    public string? Source { get; set; }

    /// <summary>How VMs made from the version boot: a key of <c>BootFailures</c>, or null when they provision.</summary>
    public string? Boot { get; set; }

    /// <summary>Target regions (normalized) with replica count and storage type; empty: the gallery's region.</summary>
    public List<(string Name, int Replicas, string StorageAccountType)> Regions { get; } = new();

    /// <summary>Regions whose replication ended Failed.</summary>
    public List<string> FailedRegions { get; } = new();
    public bool ExcludeFromLatest { get; set; }
    public double PublishedDaysAgo { get; set; } = 1;

    /// <summary><c>publishingProfile.endOfLifeDate</c> in days from now (negative: in the past); null for none.</summary>
    public double? EndOfLifeInDays { get; set; }
    public string StorageAccountType { get; set; } = "Standard_LRS";

    /// <summary>Size of the OS disk image; default the source VM's disk, else 127 (Windows) or 30 (Linux).</summary>
    public int? OsDiskSizeGB { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new();
}

/// <summary>
/// How a production VM of the world file is failing (its <c>boot</c> key): provisioning state and error, agent, serial
/// log content and size, screenshot, and whether boot diagnostics are on.
/// </summary>
internal sealed class BootDefinition
{
    /// <summary>A key of <c>BootFailures</c>; null: the VM booted (or it inherits the failure of its image version).</summary>
    public string? Failure { get; set; }

    /// <summary>Overrides the failure's ARM error code (or gives one to a VM without a failure key).</summary>
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }

    /// <summary>Ready, NotReady or Missing; overrides what the failure implies.</summary>
    public string? AgentStatus { get; set; }

    /// <summary>When the failure happened, in minutes before the emulator started.</summary>
    public double FailedMinutesAgo { get; set; } = 20;

    /// <summary>enabled, disabled, or blobMissing (enabled, but the blobs are gone).</summary>
    public string Diagnostics { get; set; } = "enabled";

    /// <summary>Pads the serial log with ordinary boot lines (before the failure) up to this size (sizeKB or sizeBytes); 0: no padding.</summary>
    public long SerialLogBytes { get; set; }

    /// <summary>The padding lines' text (<c>{n}</c>: the line's number in the padding); null: ordinary kernel and systemd lines.</summary>
    public string? SerialLogLine { get; set; }

    /// <summary>Lines appended to the serial log after what the failure prints.</summary>
    public List<string> SerialLogLines { get; set; } = new();

    /// <summary>False: the screenshot blob is missing (the serial log is there).</summary>
    public bool Screenshot { get; set; } = true;
}

internal sealed class VirtualMachineDefinition
{
    public string Name { get; set; } = "";
    public string? Location { get; set; }
    public string Size { get; set; } = "Standard_D2s_v5";
    public string PowerState { get; set; } = "running";
    public string? OsState { get; set; }
    public string OsType { get; set; } = "Windows";
    public string OsName { get; set; } = "";
    public string OsVersion { get; set; } = "";
    public string ComputerName { get; set; } = "";
    public string HyperVGeneration { get; set; } = "V2";
    public string SecurityType { get; set; } = "Standard";
    public string AdminUsername { get; set; } = "azureadmin";
    public int OsDiskSizeGB { get; set; }
    public string OsDiskStorageAccountType { get; set; } = "Premium_LRS";
    public string? OsDiskName { get; set; }

    /// <summary>What deleting the VM does to its OS disk: Delete (default for world VMs) or Detach.</summary>
    public string OsDiskDeleteOption { get; set; } = "Delete";
    public ImageReferenceDefinition? Image { get; set; }

    /// <summary>How many days ago the VM was created (<c>timeCreated</c>); default 14.</summary>
    public double AgeDays { get; set; } = 14;

    /// <summary>The marketplace purchase plan (ARM's top-level <c>plan</c>); null for images without one.</summary>
    public PlanDefinition? Plan { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new();
    public GuestDefinition Guest { get; set; } = new();

    /// <summary>The <c>boot</c> key: how this VM is failing; null for a VM that booted.</summary>
    public BootDefinition? Boot { get; set; }
}

/// <summary>A marketplace purchase plan: a VM's <c>plan</c> or a gallery image definition's <c>purchasePlan</c>.</summary>
internal sealed class PlanDefinition
{
    public string Name { get; set; } = "";
    public string Publisher { get; set; } = "";
    public string Product { get; set; } = "";

    /// <summary>VMs only (a gallery purchase plan has no promotion code).</summary>
    public string? PromotionCode { get; set; }
}

internal sealed class ImageReferenceDefinition
{
    public string Publisher { get; set; } = "";
    public string Offer { get; set; } = "";
    public string Sku { get; set; } = "";
    public string Version { get; set; } = "latest";

    /// <summary>
    /// The version "latest" resolved to (the newest the world's <c>platformImages</c> offer in the VM's region), shown as
    /// <c>imageReference.exactVersion</c>; null: <see cref="Version"/> when it names one, else the emulator's default.
    /// </summary>
    public string? ExactVersion { get; set; }

    /// <summary>
    /// A custom image instead of a marketplace one: a resource id (a gallery image version, a definition = latest, or a
    /// managed image), resolved when the world is built. Null for a marketplace image.
    /// </summary>
    public string? Id { get; set; }
}

internal sealed class GuestDefinition
{
    public string AgentVersion { get; set; } = "";
    public string AgentStatus { get; set; } = "Ready";
    public bool Prepared { get; set; }
    public bool CloudInit { get; set; }
    public List<string> SysprepBlockers { get; set; } = new();
    public List<string> Leftovers { get; set; } = new();
    public bool DvdRomDisabled { get; set; }
    public string? Domain { get; set; }
}

/// <summary>
/// Ordinary boot lines that pad a serial log up to <see cref="Bytes"/> (each line counted with its 23-character time
/// stamp, two blanks and its newline), generated as the blob is served, never held whole.
/// </summary>
internal sealed class SerialLogPadding
{
    /// <summary>The largest serial log a world may ask for (256 MiB).</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    public long Bytes { get; set; }

    /// <summary>The line's text, <c>{n}</c> replaced by the padding line's number; null: ordinary kernel and systemd lines.</summary>
    public string? Line { get; set; }
}

/// <summary>A managed disk that exists on its own (unattached), e.g. the OS disk of a deleted VM.</summary>
internal sealed class DiskDefinition
{
    public string Name { get; set; } = "";
    public string? Location { get; set; }
    public string OsType { get; set; } = "Windows";
    public string HyperVGeneration { get; set; } = "V2";
    public int SizeGB { get; set; }
    public string StorageAccountType { get; set; } = "Premium_LRS";
    public double AgeDays { get; set; }

    /// <summary><c>creationData</c>'s image id (gallery version or managed image); null when unknown.</summary>
    public string? ImageId { get; set; }
    public YamlDotNet.RepresentationModel.YamlNode? ImageIdNode { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new();
}

/// <summary>A network interface (Microsoft.Network/networkInterfaces), attached to a VM of the same group or not.</summary>
internal sealed class NetworkInterfaceDefinition
{
    public string Name { get; set; } = "";
    public string? Location { get; set; }

    /// <summary>The VM (same resource group) the NIC is attached to; null when it is not attached.</summary>
    public string? VirtualMachine { get; set; }
    public YamlDotNet.RepresentationModel.YamlNode? VirtualMachineNode { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new();
}

/// <summary>A managed image (Microsoft.Compute/images) captured from a VM that may no longer exist.</summary>
internal sealed class ManagedImageDefinition
{
    public string Name { get; set; } = "";
    public string? Location { get; set; }

    /// <summary>The source VM: a resource id or the name of a VM of the same resource group.</summary>
    public string SourceVm { get; set; } = "";

    /// <summary>The name of the source's OS disk (same resource group); default the source VM's, else "{vm}_OsDisk_1".</summary>
    public string? OsDisk { get; set; }
    public string OsType { get; set; } = "Windows";
    public string HyperVGeneration { get; set; } = "V1";
    public int OsDiskSizeGB { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new();
}

/// <summary>A virtual machine scale set (Microsoft.Compute/virtualMachineScaleSets) and the image its model uses.</summary>
internal sealed class ScaleSetDefinition
{
    public string Name { get; set; } = "";
    public string? Location { get; set; }
    public string Size { get; set; } = "Standard_D2s_v5";
    public int Capacity { get; set; } = 2;
    public string OsType { get; set; } = "Windows";

    /// <summary><c>virtualMachineProfile.storageProfile.imageReference.id</c>: a gallery definition, a version or a managed image.</summary>
    public string ImageId { get; set; } = "";
    public YamlDotNet.RepresentationModel.YamlNode? ImageIdNode { get; set; }
    public double AgeDays { get; set; } = 30;
    public Dictionary<string, string> Tags { get; set; } = new();
}

/// <summary>One marketplace image (publisher, offer, sku) and the versions it offers in some regions (the root <c>platformImages</c> key).</summary>
internal sealed class PlatformImageDefinition
{
    public List<string> Locations { get; } = new();
    public string Publisher { get; set; } = "";
    public string Offer { get; set; } = "";
    public string Sku { get; set; } = "";
    public string OsType { get; set; } = "Linux";
    public string HyperVGeneration { get; set; } = "V2";
    public List<string> Versions { get; } = new();
}
