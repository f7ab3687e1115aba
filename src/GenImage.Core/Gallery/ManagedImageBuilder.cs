using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Logging;
using GenImage.Core.Readiness;
using GenImage.Core.Vm;

namespace GenImage.Core.Gallery;

/// <summary>A managed image to capture, checked before anything is written.</summary>
public sealed class ManagedImagePlan
{
    internal ManagedImagePlan(string imageId, string name, string location, SourceVm vm, IReadOnlyList<ReadinessFinding> findings)
    {
        ImageId = imageId;
        Name = name;
        Location = location;
        Vm = vm;
        Findings = findings;
    }

    public string ImageId { get; }
    public string Name { get; }
    public string Location { get; }
    public SourceVm Vm { get; }
    public IReadOnlyList<ReadinessFinding> Findings { get; }

    public string Describe() => $"Capture managed image '{Name}' in {Location} from generalized VM '{Vm.Name}' ({Vm.OsType}, {Vm.HyperVGeneration ?? "V1"})";
}

/// <summary>
/// Captures a managed image (Microsoft.Compute/images) from a generalized VM: the legacy path. The same
/// OS-state rules as the gallery pre-flight (GI1001, GI1002) run first.
/// </summary>
public sealed class ManagedImageBuilder
{
    /// <summary>The readiness rules that guard a capture.</summary>
    public static readonly IReadOnlyList<string> Rules = new[] { "GI1001", "GI1002" };

    private readonly IGalleryOperations _galleries;
    private readonly IVmOperations _vms;
    private readonly IGenImageLog _log;

    public ManagedImageBuilder(IGalleryOperations galleries, IVmOperations vms, IGenImageLog log)
    {
        _galleries = galleries ?? throw new ArgumentNullException(nameof(galleries));
        _vms = vms ?? throw new ArgumentNullException(nameof(vms));
        _log = log ?? NullLog.Instance;
    }

    /// <summary>Reads the VM and the image name, runs the OS-state rules. Sends no write.</summary>
    public async Task<ManagedImagePlan> PlanAsync(string imageId, string sourceVmId, string? location, CancellationToken cancellationToken)
    {
        ResourceIds.ParseVirtualMachine(sourceVmId);
        var vm = await _vms.GetAsync(sourceVmId, cancellationToken).ConfigureAwait(false);
        var input = new ReadinessInput
        {
            SourceId = sourceVmId,
            SourceVm = vm,
            SourceResolved = true,
            WillGeneralize = false,
            // The image is a generalized capture: the same OS-state rule as a Generalized definition.
            Definition = new GalleryImageDefinition
            {
                Name = "(managed image)",
                OsType = vm.OsType ?? string.Empty,
                OsState = "Generalized",
                HyperVGeneration = vm.HyperVGeneration ?? "V1",
                SecurityType = vm.SecurityType,
            },
        };
        var selection = new ReadinessSelection();
        foreach (var id in Rules)
        {
            selection.Include.Add(id);
        }

        var findings = ReadinessEngine.Evaluate(input, selection);
        if (findings.Any(f => f.IsBlocking))
        {
            throw new PreflightException(imageId, findings);
        }

        var existing = await _galleries.GetManagedImageAsync(imageId, cancellationToken).ConfigureAwait(false);
        if (existing != null)
        {
            throw new GenImageException(GalleryErrorIds.ManagedImageExists, GenImageErrorKind.ResourceExists,
                $"A managed image named '{existing.Name}' already exists in resource group '{existing.ResourceGroupName}'. Choose another name or remove it first.")
            { Target = imageId };
        }
        if (!string.Equals(vm.SecurityType, "Standard", StringComparison.OrdinalIgnoreCase))
        {
            _log.Warning($"VM '{vm.Name}' uses {vm.SecurityType}; managed images do not carry the security type, and VMs created from the image start as Standard. " +
                         "Publish to a gallery definition with a matching -SecurityType to keep it.");
        }
        var name = imageId.Substring(imageId.LastIndexOf('/') + 1);
        return new ManagedImagePlan(imageId, name, string.IsNullOrEmpty(location) ? vm.Location : location!, vm, findings);
    }

    /// <summary>Creates the image and waits for it. Writes.</summary>
    public Task<ManagedImage> ExecuteAsync(ManagedImagePlan plan, IDictionary<string, string> tags, CancellationToken cancellationToken) =>
        _galleries.CreateManagedImageAsync(plan.ImageId, plan.Location, plan.Vm.Id, plan.Vm.HyperVGeneration, tags, cancellationToken);
}
