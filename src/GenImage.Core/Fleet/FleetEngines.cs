using GenImage.Core.Connection;
using GenImage.Core.Logging;

namespace GenImage.Core.Fleet;

/// <summary>The fleet view's engines, made ready for a connection; the cmdlets never name an adapter themselves.</summary>
public static class FleetEngines
{
    public static ImageInventory Inventory(GenImageConnection connection, IGenImageLog log) =>
        new ImageInventory(new ArmFleetOperations(connection), log);

    public static LeftoverRemover Remover(GenImageConnection connection, IGenImageLog log) =>
        new LeftoverRemover(new ArmFleetOperations(connection), log);

    public static ImageConsumers Consumers(GenImageConnection connection, IGenImageLog log) =>
        new ImageConsumers(new ArmFleetOperations(connection), log);

    public static ReleaseImpactReader ReleaseImpact(GenImageConnection connection, IGenImageLog log) =>
        new ReleaseImpactReader(new ArmFleetOperations(connection), log);
}
