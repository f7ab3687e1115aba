using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Logging;

namespace GenImage.Core.Fleet;

/// <summary>
/// Removes leftovers the inventory marked, a few at a time. Before deleting, each is read again and removed only if
/// it still is what the inventory marked (the VM still carries the validation tag or is still generalized, the disk
/// or NIC is still unattached, the version is still Failed); otherwise it is skipped and the result says why. What a
/// VM takes along (its OS disk, its validation NICs) is deleted only when it is no longer attached.
/// </summary>
public sealed class LeftoverRemover
{
    public const int ProgressActivityId = 4502;
    public const int DefaultParallelism = 4;
    public const string Removed = "Removed";
    public const string Skipped = "Skipped";
    public const string Failed = "Failed";

    private readonly IFleetOperations _fleet;
    private readonly IGenImageLog _log;

    public LeftoverRemover(IFleetOperations fleet, IGenImageLog? log = null)
    {
        _fleet = fleet ?? throw new ArgumentNullException(nameof(fleet));
        _log = log ?? NullLog.Instance;
    }

    /// <summary>
    /// Removes <paramref name="leftovers"/>, <paramref name="parallelism"/> at a time; one result per leftover, in the
    /// order given. A failure is reported in its result (with the error) and does not stop the others.
    /// </summary>
    public async Task<IReadOnlyList<(LeftoverRemovalResult Result, GenImageException? Error)>> RemoveAsync(
        IReadOnlyList<ImageLeftover> leftovers, int parallelism, CancellationToken cancellationToken)
    {
        if (leftovers == null)
        {
            throw new ArgumentNullException(nameof(leftovers));
        }

        var results = new (LeftoverRemovalResult, GenImageException?)[leftovers.Count];
        using var gate = new SemaphoreSlim(Math.Max(1, parallelism));
        var done = 0;
        var tasks = leftovers.Select(async (leftover, index) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                results[index] = await RemoveOneAsync(leftover, cancellationToken).ConfigureAwait(false);
                var count = Interlocked.Increment(ref done);
                _log.Progress(new ProgressInfo(ProgressActivityId, "Removing leftovers", $"{count} of {leftovers.Count}: {leftover.Kind} {leftover.Name} {results[index].Item1.Status}")
                {
                    PercentComplete = count * 100 / leftovers.Count,
                });
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        finally
        {
            _log.Progress(new ProgressInfo(ProgressActivityId, "Removing leftovers", "Done") { Completed = true });
        }
        return results;
    }

    /// <summary>Removes one leftover if it still is one.</summary>
    public async Task<(LeftoverRemovalResult Result, GenImageException? Error)> RemoveOneAsync(ImageLeftover leftover, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var result = new LeftoverRemovalResult { Kind = leftover.Kind, Id = leftover.Id, Name = leftover.Name };
        try
        {
            var skip = await StillALeftoverAsync(leftover, cancellationToken).ConfigureAwait(false);
            if (skip != null)
            {
                result.Status = Skipped;
                result.Detail = skip;
                _log.Verbose($"Skipped {leftover.Kind} {leftover.Id}: {skip}");
                return (result, null);
            }

            _log.Verbose($"Deleting {leftover.Kind} {leftover.Id}.");
            await _fleet.DeleteAsync(leftover.Id, cancellationToken).ConfigureAwait(false);
            result.Deleted.Add(leftover.Id);
            foreach (var other in leftover.AlsoRemoves)
            {
                if (await DetachedAsync(other, cancellationToken).ConfigureAwait(false))
                {
                    await _fleet.DeleteAsync(other, cancellationToken).ConfigureAwait(false);
                    result.Deleted.Add(other);
                }
            }
            result.Status = Removed;
            result.Detail = result.Deleted.Count == 1 ? "Deleted." : $"Deleted with {string.Join(", ", result.Deleted.Skip(1).Select(FleetIds.NameOf))}.";
            return (result, null);
        }
        catch (GenImageException ex)
        {
            result.Status = Failed;
            result.Detail = ex.Message;
            return (result, ex);
        }
        finally
        {
            result.Duration = watch.Elapsed;
        }
    }

    /// <summary>Null when the resource still is what the inventory marked; else why it is skipped.</summary>
    private async Task<string?> StillALeftoverAsync(ImageLeftover leftover, CancellationToken cancellationToken)
    {
        switch (leftover.Kind)
        {
            case LeftoverKinds.ValidationVm:
            case LeftoverKinds.KeptSourceVm:
                var vm = await _fleet.GetVmAsync(leftover.Id, cancellationToken).ConfigureAwait(false);
                if (vm == null)
                {
                    return "It no longer exists.";
                }

                if (leftover.Kind == LeftoverKinds.ValidationVm && !ImageInventory.IsValidationVm(vm))
                {
                    return $"It no longer carries the tag {FleetIds.ValidationTag}=true.";
                }

                if (leftover.Kind == LeftoverKinds.KeptSourceVm && !string.Equals(vm.OsState, "generalized", StringComparison.OrdinalIgnoreCase))
                {
                    return "It is no longer generalized.";
                }

                return null;
            case LeftoverKinds.ValidationDisk:
            case LeftoverKinds.SourceDisk:
                var disk = await _fleet.GetDiskAsync(leftover.Id, cancellationToken).ConfigureAwait(false);
                if (disk == null)
                {
                    return "It no longer exists.";
                }

                return disk.IsUnattached ? null : $"It is attached now{(disk.ManagedBy == null ? string.Empty : " to " + disk.ManagedBy)}.";
            case LeftoverKinds.ValidationNic:
                var nic = await _fleet.GetNicAsync(leftover.Id, cancellationToken).ConfigureAwait(false);
                if (nic == null)
                {
                    return "It no longer exists.";
                }

                return nic.VirtualMachineId == null ? null : $"It is attached now to {nic.VirtualMachineId}.";
            case LeftoverKinds.FailedVersion:
                var version = await _fleet.GetVersionAsync(leftover.Id, false, cancellationToken).ConfigureAwait(false);
                if (version == null)
                {
                    return "It no longer exists.";
                }

                return string.Equals(version.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase)
                    ? null
                    : $"Its provisioning state is {version.ProvisioningState} now (a region was retried?).";
            case LeftoverKinds.UnreferencedImage:
                var image = await _fleet.GetManagedImageAsync(leftover.Id, cancellationToken).ConfigureAwait(false);
                return image == null ? "It no longer exists." : null;
            default:
                throw new GenImageException(FleetErrorIds.NotALeftover, GenImageErrorKind.InvalidArgument,
                    $"'{leftover.Kind}' is not a kind of leftover the inventory marks.")
                { Target = leftover.Id };
        }
    }

    /// <summary>True when a disk or NIC a VM took along exists and is attached to nothing.</summary>
    private async Task<bool> DetachedAsync(string id, CancellationToken cancellationToken)
    {
        if (id.IndexOf("/Microsoft.Network/networkInterfaces/", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            var nic = await _fleet.GetNicAsync(id, cancellationToken).ConfigureAwait(false);
            return nic != null && nic.VirtualMachineId == null;
        }
        var disk = await _fleet.GetDiskAsync(id, cancellationToken).ConfigureAwait(false);
        return disk != null && disk.IsUnattached;
    }
}
