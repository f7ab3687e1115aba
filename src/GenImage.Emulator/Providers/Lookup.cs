using GenImage.Emulator.Arm;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Providers;

/// <summary>Finds resources or throws the 404 ARM gives. Call under the world lock.</summary>
internal static class Lookup
{
    public static SubscriptionState Subscription(WorldStore store, string subscriptionId)
        => store.FindSubscription(subscriptionId) ?? throw ArmErrors.SubscriptionNotFound(subscriptionId);

    public static ResourceGroupState ResourceGroup(WorldStore store, string subscriptionId, string resourceGroupName)
        => Subscription(store, subscriptionId).ResourceGroups.Get(resourceGroupName) ?? throw ArmErrors.ResourceGroupNotFound(resourceGroupName);
}
