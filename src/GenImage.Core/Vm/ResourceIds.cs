using System;
using Azure.Core;
using GenImage.Core.Errors;

namespace GenImage.Core.Vm;

/// <summary>Parses and builds resource ids, with errors that say what a valid id looks like.</summary>
public static class ResourceIds
{
    public const string VirtualMachineType = "Microsoft.Compute/virtualMachines";

    public static string VirtualMachine(string subscriptionId, string resourceGroup, string name) =>
        $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{name}";

    /// <summary>
    /// Checks a VM id; a wrong id gets an InvalidResourceId error naming the expected form. For callers outside
    /// the engine, which never see Azure SDK types.
    /// </summary>
    public static void ValidateVirtualMachine(string id) => ParseVirtualMachine(id);

    /// <summary>Parses a VM id; a wrong id gets an InvalidResourceId error naming the expected form.</summary>
    public static ResourceIdentifier ParseVirtualMachine(string id)
    {
        ResourceIdentifier parsed;
        try
        {
            parsed = new ResourceIdentifier(id);
            _ = parsed.ResourceType; // forces parsing
        }
        catch (FormatException ex)
        {
            throw InvalidVm(id, ex);
        }
        catch (ArgumentException ex)
        {
            throw InvalidVm(id, ex);
        }
        if (!string.Equals(parsed.ResourceType.ToString(), VirtualMachineType, StringComparison.OrdinalIgnoreCase) ||
            parsed.SubscriptionId == null || parsed.ResourceGroupName == null)
        {
            throw InvalidVm(id, null);
        }
        return parsed;
    }

    /// <summary>Checks that <paramref name="id"/> is a VM id (InvalidResourceId otherwise); returns it unchanged.</summary>
    public static string RequireVirtualMachine(string id)
    {
        ParseVirtualMachine(id);
        return id;
    }

    private static GenImageException InvalidVm(string id, Exception? inner) =>
        new GenImageException(ErrorIds.InvalidResourceId, GenImageErrorKind.InvalidArgument,
            $"'{id}' is not a virtual machine resource id. Expected " +
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{name}.", inner)
        { Target = id };
}
