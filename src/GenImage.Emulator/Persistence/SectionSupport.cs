using GenImage.Emulator.State;

namespace GenImage.Emulator.Persistence;

/// <summary>Helpers shared by the saving rules: finding a resource group and settling busy states at save.</summary>
internal static class SectionSupport
{
    public static ResourceGroupState? Group(WorldStore store, string subscriptionId, string resourceGroup)
        => store.FindSubscription(subscriptionId)?.ResourceGroups.Get(resourceGroup);

    /// <summary>The groups to save: a group whose DELETE is running is saved deleted, with everything in it.</summary>
    public static IEnumerable<ResourceGroupState> Groups(WorldStore store)
        => store.Subscriptions.All.SelectMany(s => s.ResourceGroups.All).Where(rg => !rg.Deleting);

    /// <summary>A resource being created or updated is saved as done (its provisioning operation does not survive a restart).</summary>
    public static DateTimeOffset Settled(DateTimeOffset busyUntil, DateTimeOffset now) => busyUntil < now ? busyUntil : now;

    /// <summary>A resource whose DELETE is running is saved as deleted.</summary>
    public static bool IsBeingDeleted(TimedResource resource, DateTimeOffset now)
        => resource.BusyState == "Deleting" && now < resource.BusyUntil;

    /// <summary>Removes from <paramref name="resources"/> every entry <paramref name="remove"/> selects.</summary>
    public static void RemoveWhere<T>(ResourceDictionary<T> resources, Func<T, bool> remove)
        where T : class
    {
        foreach (var (name, _) in resources.Entries.Where(e => remove(e.Value)).ToList())
        {
            resources.Remove(name);
        }
    }
}
