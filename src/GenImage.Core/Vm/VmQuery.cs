using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Resources;
using GenImage.Core.Connection;
using GenImage.Core.Errors;

namespace GenImage.Core.Vm;

/// <summary>Finds VMs by resource group and name pattern.</summary>
public sealed class VmQuery
{
    private readonly GenImageConnection _connection;

    public VmQuery(GenImageConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    /// <summary>
    /// The ids of the VMs in a resource group (or the whole subscription when it is null) whose names
    /// <paramref name="nameMatches"/> accepts.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListIdsAsync(string? resourceGroup, Func<string, bool> nameMatches, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var subscription = _connection.Client.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(_connection.SubscriptionId));
        var scope = resourceGroup == null ? "/subscriptions/" + _connection.SubscriptionId : $"/subscriptions/{_connection.SubscriptionId}/resourceGroups/{resourceGroup}";
        try
        {
            if (resourceGroup == null)
            {
                await foreach (var vm in subscription.GetVirtualMachinesAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    if (nameMatches(vm.Data.Name))
                    {
                        ids.Add(vm.Id.ToString());
                    }
                }
            }
            else
            {
                var group = _connection.Client.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(_connection.SubscriptionId, resourceGroup));
                await foreach (var vm in group.GetVirtualMachines().GetAllAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    if (nameMatches(vm.Data.Name))
                    {
                        ids.Add(vm.Id.ToString());
                    }
                }
            }
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "list the virtual machines of", scope);
        }
        ids.Sort(StringComparer.OrdinalIgnoreCase);
        return ids;
    }
}
