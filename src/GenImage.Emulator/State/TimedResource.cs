namespace GenImage.Emulator.State;

/// <summary>
/// A resource whose provisioning state is a function of time: <see cref="BusyState"/> (Creating, Updating, Deleting)
/// until <see cref="BusyUntil"/>, then Succeeded.
/// </summary>
internal abstract class TimedResource
{
    public string BusyState { get; set; } = "Creating";
    public DateTimeOffset BusyUntil { get; set; }

    public string ProvisioningStateAt(DateTimeOffset now) => now < BusyUntil ? BusyState : "Succeeded";

    public void MarkBusy(string state, DateTimeOffset until)
    {
        BusyState = state;
        BusyUntil = until;
    }
}
