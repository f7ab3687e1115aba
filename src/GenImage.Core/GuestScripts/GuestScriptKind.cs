namespace GenImage.Core.Guest;

/// <summary>The guest scripts that GenImage runs inside a VM through Run Command.</summary>
public enum GuestScriptKind : long
{
    /// <summary>Prepare-Windows.ps1: Sysprep blocker checks, Sysprep generalize, scheduled shutdown.</summary>
    PrepareWindows,

    /// <summary>prepare-linux.sh: cloud-init clean, shell history, waagent deprovision and shutdown.</summary>
    PrepareLinux,

    /// <summary>Inspect-Windows.ps1: read-only report of what blocks Sysprep or leaks into the image.</summary>
    InspectWindows,

    /// <summary>inspect-linux.sh: read-only report of provisioning leftovers.</summary>
    InspectLinux,
}
