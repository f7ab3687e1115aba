using System.Text.Json;
using System.Text.Json.Nodes;
using GenImage.Emulator.Resources.Disks;
using GenImage.Emulator.Resources.Galleries;
using GenImage.Emulator.Resources.Images;
using GenImage.Emulator.Resources.VirtualMachines;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Persistence;

/// <summary>
/// The resources: subscriptions, resource groups and everything in them, written by <see cref="StateJson"/> straight
/// from the state types. No operation survives a restart, so a save first takes a copy of the world and settles it as
/// of the save (a group being deleted is saved deleted; each resource type's rules say what a busy resource becomes),
/// then writes the copy. Loading reads the tree back and lets each parent set its children's back-references.
/// </summary>
internal sealed class WorldStateSection : IStateSection
{
    public string Name => "world";

    public JsonNode? Save(WorldStore store) => JsonSerializer.SerializeToNode(Settled(store), StateJson.Options);

    /// <summary>A copy of the world's resources as the save writes them (busy states settled as of now).</summary>
    public static ResourceDictionary<SubscriptionState> Settled(WorldStore store)
    {
        var now = store.Clock.Now;
        var copy = JsonSerializer.SerializeToNode(store.Subscriptions, StateJson.Options).Deserialize<ResourceDictionary<SubscriptionState>>(StateJson.Options)!;
        foreach (var sub in copy.All)
        {
            var live = store.FindSubscription(sub.Id)!;
            SectionSupport.RemoveWhere(sub.ResourceGroups, rg => rg.Deleting);
            foreach (var rg in sub.ResourceGroups.All)
            {
                var liveGroup = live.ResourceGroups.Get(rg.Name)!;
                DiskPersistence.Settle(rg, liveGroup);
                VirtualMachinePersistence.Settle(rg, liveGroup, now);
                GalleryPersistence.Settle(rg, now);
                ManagedImagePersistence.Settle(rg, now);
            }
        }

        return copy;
    }

    public void Load(WorldStore store, JsonNode data)
    {
        var subscriptions = data.Deserialize<ResourceDictionary<SubscriptionState>>(StateJson.Options)
            ?? throw new InvalidDataException("The state file's world section is empty.");
        foreach (var (id, sub) in subscriptions.Entries)
        {
            store.Subscriptions.Add(id, sub);
        }
    }
}
