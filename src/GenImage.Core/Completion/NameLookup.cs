using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Resources;
using GenImage.Core.Connection;

namespace GenImage.Core.Completion;

/// <summary>
/// The names that tab completion offers, read from Azure Resource Manager: resource groups, VMs, galleries,
/// image definitions, versions and the subscription's locations. Plain lists of names, sorted; failures are
/// thrown as they come (the completion cache turns them into "nothing to offer").
/// </summary>
public sealed class NameLookup
{
    private readonly GenImageConnection _connection;

    public NameLookup(GenImageConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    private SubscriptionResource Subscription =>
        _connection.Client.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(_connection.SubscriptionId));

    private ResourceGroupResource Group(string resourceGroup) =>
        _connection.Client.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(_connection.SubscriptionId, resourceGroup));

    public async Task<IReadOnlyList<string>> ResourceGroupsAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var group in Subscription.GetResourceGroups().GetAllAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            names.Add(group.Data.Name);
        }
        return Sorted(names);
    }

    /// <summary>VM names in <paramref name="resourceGroup"/>, or in the whole subscription when it is null.</summary>
    public async Task<IReadOnlyList<string>> VirtualMachinesAsync(string? resourceGroup, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        if (resourceGroup == null)
        {
            await foreach (var vm in Subscription.GetVirtualMachinesAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                names.Add(vm.Data.Name);
            }
        }
        else
        {
            await foreach (var vm in Group(resourceGroup).GetVirtualMachines().GetAllAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                names.Add(vm.Data.Name);
            }
        }
        return Sorted(names);
    }

    /// <summary>Gallery names in <paramref name="resourceGroup"/>, or in the whole subscription when it is null.</summary>
    public async Task<IReadOnlyList<string>> GalleriesAsync(string? resourceGroup, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        if (resourceGroup == null)
        {
            await foreach (var gallery in Subscription.GetGalleriesAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(gallery.Data.Name);
            }
        }
        else
        {
            await foreach (var gallery in Group(resourceGroup).GetGalleries().GetAllAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(gallery.Data.Name);
            }
        }
        return Sorted(names);
    }

    public async Task<IReadOnlyList<string>> DefinitionsAsync(string resourceGroup, string gallery, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var id = GalleryResource.CreateResourceIdentifier(_connection.SubscriptionId, resourceGroup, gallery);
        await foreach (var image in _connection.Client.GetGalleryResource(id).GetGalleryImages().GetAllAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(image.Data.Name);
        }
        return Sorted(names);
    }

    /// <summary>Version names, highest first (the one a user most often wants).</summary>
    public async Task<IReadOnlyList<string>> VersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var id = GalleryImageResource.CreateResourceIdentifier(_connection.SubscriptionId, resourceGroup, gallery, definition);
        await foreach (var version in _connection.Client.GetGalleryImageResource(id).GetGalleryImageVersions().GetAllAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(version.Data.Name);
        }
        return names
            .OrderByDescending(n => Gallery.ImageVersionNumber.TryParse(n, out var v) ? v : (Gallery.ImageVersionNumber?)null)
            .ThenBy(n => n, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>The ARM names of the locations the subscription can use (<c>westeurope</c>, …).</summary>
    public async Task<IReadOnlyList<string>> LocationsAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var location in Subscription.GetLocationsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!string.IsNullOrEmpty(location.Name))
            {
                names.Add(location.Name);
            }
        }
        return Sorted(names);
    }

    private static List<string> Sorted(List<string> names) =>
        names.Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
}
