namespace GenImage.Emulator.Faults;

/// <summary>
/// What resource providers ask the fault injector about behaviour that is not a single HTTP answer, such as gallery
/// image replication. Reach it through <see cref="State.WorldStore.FaultPolicy"/>; it is never null (without faults
/// every region replicates normally). Call it under the world lock, when the work is decided.
/// </summary>
internal interface IFaultPolicy
{
    /// <summary>True when replication to <paramref name="region"/> (an ARM location name, e.g. westeurope) must end Failed.</summary>
    bool ShouldFailReplication(string region);

    /// <summary>How many times longer than normal replication to <paramref name="region"/> takes (1 = normal, never below 1).</summary>
    double ReplicationSlowFactor(string region);
}

/// <summary>The policy of a world without faults.</summary>
internal sealed class NoFaultPolicy : IFaultPolicy
{
    public static readonly NoFaultPolicy Instance = new();

    public bool ShouldFailReplication(string region) => false;

    public double ReplicationSlowFactor(string region) => 1;
}
