namespace GenImage.Emulator.Providers.Compute;

/// <summary>How long Azure takes, in Azure seconds (the clock scales them to real time).</summary>
internal static class Durations
{
    public const double Deallocate = 60;
    public const double PowerOff = 30;
    public const double Start = 45;
    public const double Restart = 60;
    public const double RunCommand = 20;
    public const double PrepareWindows = 240;
    public const double PrepareLinux = 40;

    /// <summary>From the end of a prepare script's Run Command to the guest having shut itself down.</summary>
    public const double GuestShutdownAfterPrepare = 30;

    /// <summary>An action that finds the VM already in the requested state.</summary>
    public const double NoChange = 0;
}
