using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Connection;
using GenImage.Core.Evidence;
using GenImage.Core.Gallery;
using GenImage.Core.Operations;
using GenImage.Core.Readiness;
using GenImage.Core.Validation;
using GenImage.Core.Vm;

namespace GenImage.Core.Recipes;

/// <summary>
/// The one place a recipe run gets its engines' operation interfaces from: the VM, gallery, deployment and
/// evidence operations the existing engines (<see cref="Generalizer"/>, <see cref="GalleryPublisher"/>,
/// <see cref="DeploymentValidator"/>, <see cref="ReleaseChannel"/>, <see cref="EvidenceCollector"/>) already work
/// over. <see cref="ForConnection"/> builds the ARM ones; tests pass fakes, so the steps' real composition is
/// what they test.
/// </summary>
public sealed class RecipeEngines
{
    public RecipeEngines(string subscriptionId, string? principal, IVmOperations vms, IGalleryOperations galleries,
        IDeploymentOperations deployments, IEvidenceSource evidence, IOperationMonitor operations)
    {
        Operations = operations ?? throw new ArgumentNullException(nameof(operations));
        SubscriptionId = subscriptionId ?? throw new ArgumentNullException(nameof(subscriptionId));
        Principal = principal;
        Vms = vms ?? throw new ArgumentNullException(nameof(vms));
        Galleries = galleries ?? throw new ArgumentNullException(nameof(galleries));
        Deployments = deployments ?? throw new ArgumentNullException(nameof(deployments));
        Evidence = evidence ?? throw new ArgumentNullException(nameof(evidence));
        ReadinessSources = new GalleryReadinessSources(galleries);
    }

    /// <summary>The connected subscription (for resource groups and names without a subscription).</summary>
    public string SubscriptionId { get; }
    /// <summary>Who the module is signed in as, for the journal.</summary>
    public string? Principal { get; }
    public IVmOperations Vms { get; }
    public IGalleryOperations Galleries { get; }
    public IDeploymentOperations Deployments { get; }
    public IEvidenceSource Evidence { get; }
    public IReadinessSources ReadinessSources { get; }
    /// <summary>Reads the state of a long-running operation an interrupted attempt left running.</summary>
    public IOperationMonitor Operations { get; }
    /// <summary>Reads the identity's role assignments and role definitions; null: permissions are not checked.</summary>
    public Authorization.IPermissionSource? Permissions { get; set; }
    /// <summary>The signed-in identity's object id (the token's oid).</summary>
    public string? PrincipalObjectId { get; set; }
    /// <summary>The machine and process runs take their lease as.</summary>
    public RunHost Host { get; set; } = RunHost.Current();
    /// <summary>How often a run renews its lease's heartbeat.</summary>
    public TimeSpan LeaseHeartbeat { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>A lease held on another host whose heartbeat is older than this is stale and taken over.</summary>
    public TimeSpan LeaseStaleAfter { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>
    /// Where a recipe's runs (journals, lease, evidence) live: its spec.evidence.store blob container when set (over
    /// a connection), else its spec.evidence.outputPath folder.
    /// </summary>
    public Func<ImageRecipe, IRunStore> RunStore { get; set; } = recipe => RunStores.ForRecipe(recipe, null);
    /// <summary>How long to wait between two reads of something still in progress.</summary>
    public TimeSpan PollingInterval => Galleries.PollingInterval;
    /// <summary>A validation VM needs a subnet (Azure); the emulator needs none.</summary>
    public bool RequireSubnet { get; set; }

    /// <summary>The engines over ARM for an open connection.</summary>
    public static RecipeEngines ForConnection(GenImageConnection connection)
    {
        if (connection == null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        var vms = new ArmVmOperations(connection);
        var galleries = new ArmGalleryOperations(connection);
        return new RecipeEngines(connection.SubscriptionId, connection.Context.Account, vms, galleries,
            new ArmDeploymentOperations(connection), new ArmEvidenceSource(connection, galleries, vms), new ArmOperationMonitor(connection))
        {
            RequireSubnet = !connection.Context.IsEmulator,
            RunStore = recipe => RunStores.ForRecipe(recipe, connection),
            Permissions = new Authorization.ArmPermissionSource(connection),
            PrincipalObjectId = connection.Context.ObjectId,
        };
    }

    /// <summary>The readiness reads over the gallery operations.</summary>
    private sealed class GalleryReadinessSources : IReadinessSources
    {
        private readonly IGalleryOperations _galleries;

        public GalleryReadinessSources(IGalleryOperations galleries) => _galleries = galleries;

        public Task<GalleryImageDefinition?> GetDefinitionAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken) =>
            _galleries.GetDefinitionAsync(resourceGroup, gallery, definition, cancellationToken);

        public Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken) =>
            _galleries.ListVersionsAsync(resourceGroup, gallery, definition, cancellationToken);

        public Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken) =>
            _galleries.GetVersionAsync(versionId, true, cancellationToken);
    }
}
