using System.Text.Json.Serialization;
using GenImage.Emulator.Resources.Disks;
using GenImage.Emulator.Resources.Galleries;
using GenImage.Emulator.Resources.Images;
using GenImage.Emulator.Resources.NetworkInterfaces;
using GenImage.Emulator.Resources.ScaleSets;
using GenImage.Emulator.Resources.VirtualMachines;
using GenImage.Emulator.World;

namespace GenImage.Emulator.State;

/// <summary>
/// The live world: subscriptions, resource groups and their resources, plus the scheduler for deferred changes.
/// All reads and writes happen inside <see cref="Enter"/>, which takes the single world lock and first applies every
/// change that has come due.
/// </summary>
internal sealed class WorldStore
{
    private readonly Lock _gate = new();

    public WorldStore(WorldDefinition definition, ScaledClock clock)
    {
        Clock = clock;
        TenantId = definition.TenantId;
        Replication = definition.Replication;
        SerialLog = definition.SerialLog;
        PlatformImages = new Resources.PlatformImages.PlatformImageCatalog(definition.PlatformImages);
        foreach (var subDef in definition.Subscriptions)
        {
            var sub = new SubscriptionState(subDef.Id, subDef.DisplayName, definition.TenantId);
            foreach (var rgDef in subDef.ResourceGroups)
            {
                var rg = new ResourceGroupState(sub, rgDef.Name, rgDef.Location, rgDef.Tags);
                foreach (var vmDef in rgDef.VirtualMachines)
                {
                    ResolveLatest(vmDef.Image, vmDef.Location ?? rgDef.Location);
                    rg.VirtualMachines.Add(vmDef.Name, VirtualMachineState.FromDefinition(rg, vmDef, clock.Now));
                }

                FleetLoader.AddImages(rg, rgDef.Images, clock.Now);
                GalleryLoader.AddGalleries(rg, rgDef.Galleries, clock.Now);
                WorldImages.AddVersions(rg, rgDef.Galleries, clock.Now);
                FleetLoader.AddResources(rg, rgDef, clock.Now);

                sub.ResourceGroups.Add(rg.Name, rg);
            }

            Subscriptions.Add(sub.Id, sub);
        }

        WorldImages.ApplyVmImagesAndBoot(this, definition, clock.Now);
        FleetLoader.Link(this);
    }

    public ScaledClock Clock { get; }
    public string TenantId { get; }
    public Scheduler Scheduler { get; } = new();

    /// <summary>The world file's replication timing and failing regions (galleries).</summary>
    public ReplicationSettings Replication { get; }

    /// <summary>The marketplace image versions of the world file's root platformImages key, per region.</summary>
    public Resources.PlatformImages.PlatformImageCatalog PlatformImages { get; }

    /// <summary>
    /// A marketplace image on "latest": the newest version <see cref="PlatformImages"/> offers in the region becomes its
    /// exactVersion (when the world declares the image there).
    /// </summary>
    public void ResolveLatest(ImageReferenceDefinition? image, string location)
    {
        if (image is { Id: null, ExactVersion: null } && string.Equals(image.Version, "latest", StringComparison.OrdinalIgnoreCase)
            && PlatformImages.Find(location, image.Publisher, image.Offer, image.Sku) is { } entry)
        {
            image.ExactVersion = entry.Newest;
        }
    }

    /// <summary>The world file's root serialLog key: the size and line of the serial log of VMs created from an image.</summary>
    public SerialLogPadding? SerialLog { get; }

    public ResourceDictionary<SubscriptionState> Subscriptions { get; } = new();

    /// <summary>Fault hooks for behaviour beyond one HTTP answer (e.g. replication); see docs/emulator.md "Fault hooks".</summary>
    public Faults.IFaultPolicy FaultPolicy { get; set; } = Faults.NoFaultPolicy.Instance;

    /// <summary>The parts of the world saved in persistent mode; a provider with state of its own registers a section here.</summary>
    public Persistence.StateSections StateSections { get; } = new();

    /// <summary>Runs <paramref name="work"/> under the world lock after applying due changes.</summary>
    public T Enter<T>(Func<T> work)
    {
        lock (_gate)
        {
            Scheduler.RunDue(Clock.Now);
            return work();
        }
    }

    public SubscriptionState? FindSubscription(string id) => Subscriptions.Get(id);
}

/// <summary>Name-keyed resources: lookups are case-insensitive (as in ARM), names keep the case they were created with, order is insertion order.</summary>
internal sealed class ResourceDictionary<T>
    where T : class
{
    private readonly Dictionary<string, T> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<T> _ordered = new();
    private readonly List<string> _names = new();

    public int Count => _ordered.Count;
    public IReadOnlyList<T> All => _ordered;

    /// <summary>Each resource with the name it was added under, in insertion order.</summary>
    public IEnumerable<KeyValuePair<string, T>> Entries => _names.Zip(_ordered, (name, value) => new KeyValuePair<string, T>(name, value));

    public T? Get(string name) => _byName.TryGetValue(name, out var value) ? value : null;

    public void Add(string name, T value)
    {
        _byName.Add(name, value);
        _ordered.Add(value);
        _names.Add(name);
    }

    public void Clear()
    {
        _byName.Clear();
        _ordered.Clear();
        _names.Clear();
    }

    public bool Remove(string name)
    {
        if (!_byName.Remove(name, out var value))
        {
            return false;
        }

        var index = _ordered.IndexOf(value);
        _ordered.RemoveAt(index);
        _names.RemoveAt(index);
        return true;
    }
}

internal sealed class SubscriptionState(string id, string displayName, string tenantId) : IJsonOnDeserialized
{
    [JsonConstructor]
    private SubscriptionState()
        : this("", "", "")
    {
    }

    public string Id { get; } = id;
    public string DisplayName { get; } = displayName;
    public string TenantId { get; } = tenantId;
    public string ResourceId => $"/subscriptions/{Id}";
    public ResourceDictionary<ResourceGroupState> ResourceGroups { get; } = new();

    void IJsonOnDeserialized.OnDeserialized()
    {
        foreach (var rg in ResourceGroups.All)
        {
            rg.Subscription = this;
        }
    }
}

internal sealed class ResourceGroupState(SubscriptionState subscription, string name, string location, Dictionary<string, string> tags) : IJsonOnDeserialized
{
    [JsonConstructor]
    private ResourceGroupState()
        : this(null!, "", "", [])
    {
    }

    /// <summary>The parent; set again on load.</summary>
    [JsonIgnore]
    public SubscriptionState Subscription { get; internal set; } = subscription;
    public string Name { get; } = name;
    public string Location { get; } = location;
    public Dictionary<string, string> Tags { get; set; } = new(tags, StringComparer.Ordinal);

    /// <summary>A DELETE of the group is running: it answers with provisioningState Deleting and refuses updates until it is gone.</summary>
    public bool Deleting { get; set; }

    public string ResourceId => $"/subscriptions/{Subscription.Id}/resourceGroups/{Name}";
    public ResourceDictionary<VirtualMachineState> VirtualMachines { get; } = new();
    public ResourceDictionary<GalleryState> Galleries { get; } = new();
    public ResourceDictionary<ManagedImageState> Images { get; } = new();
    public ResourceDictionary<DiskState> Disks { get; } = new();
    public ResourceDictionary<NetworkInterfaceState> NetworkInterfaces { get; } = new();
    public ResourceDictionary<ScaleSetState> ScaleSets { get; } = new();

    void IJsonOnDeserialized.OnDeserialized()
    {
        foreach (var vm in VirtualMachines.All)
        {
            vm.Group = this;
        }

        foreach (var gallery in Galleries.All)
        {
            gallery.Group = this;
        }

        foreach (var image in Images.All)
        {
            image.Group = this;
        }

        foreach (var disk in Disks.All)
        {
            disk.Group = this;
        }

        foreach (var nic in NetworkInterfaces.All)
        {
            nic.Group = this;
        }

        foreach (var scaleSet in ScaleSets.All)
        {
            scaleSet.Group = this;
        }
    }
}
