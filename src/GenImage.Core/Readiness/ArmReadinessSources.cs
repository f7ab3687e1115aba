using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Azure.ResourceManager.Compute;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Vm;

namespace GenImage.Core.Readiness
{
    /// <summary><see cref="IReadinessSources"/> over ARM: the gallery reads of <see cref="ArmGalleryOperations"/> and the VM's plan.</summary>
    public sealed class ArmReadinessSources : IReadinessSources
    {
        private readonly GenImageConnection _connection;
        private readonly IGalleryOperations _galleries;

        public ArmReadinessSources(GenImageConnection connection)
        {
            _connection = connection ?? throw new ArgumentNullException(nameof(connection));
            _galleries = new ArmGalleryOperations(connection);
        }

        public Task<GalleryImageDefinition?> GetDefinitionAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken) =>
            _galleries.GetDefinitionAsync(resourceGroup, gallery, definition, cancellationToken);

        public Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken) =>
            _galleries.ListVersionsAsync(resourceGroup, gallery, definition, cancellationToken);

        public Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken) =>
            _galleries.GetVersionAsync(versionId, true, cancellationToken);

        public async Task<string?> GetVmPurchasePlanAsync(string vmId, CancellationToken cancellationToken)
        {
            try
            {
                var vm = _connection.Client.GetVirtualMachineResource(ResourceIds.ParseVirtualMachine(vmId));
                var response = await vm.GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                var plan = response.Value.Data.Plan;
                return plan == null ? string.Empty : $"{plan.Publisher}/{plan.Product}/{plan.Name}";
            }
            catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
            {
                // The plan is one fact among many; GI2007 reports Skipped when it is unknown.
                return null;
            }
        }
    }
}
