using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Connection;
using GenImage.Core.Gallery;

namespace GenImage.Core.Readiness;

/// <summary><see cref="IReadinessSources"/> over ARM: the gallery reads of <see cref="ArmGalleryOperations"/>.</summary>
public sealed class ArmReadinessSources : IReadinessSources
{
    private readonly ArmGalleryOperations _galleries;

    public ArmReadinessSources(GenImageConnection connection)
    {
        if (connection == null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        _galleries = new ArmGalleryOperations(connection);
    }

    public Task<GalleryImageDefinition?> GetDefinitionAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken) =>
        _galleries.GetDefinitionAsync(resourceGroup, gallery, definition, cancellationToken);

    public Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken) =>
        _galleries.ListVersionsAsync(resourceGroup, gallery, definition, cancellationToken);

    public Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken) =>
        _galleries.GetVersionAsync(versionId, true, cancellationToken);
}
