namespace GenImage.Cmdlets.Tests.Harness;

/// <summary>Names of the example worlds and the facts of the healthy one that tests refer to.</summary>
public static class Worlds
{
    /// <summary><c>examples/worlds/healthy.yaml</c>.</summary>
    public const string Healthy = "healthy";

    /// <summary><c>examples/worlds/classic-failures.yaml</c>.</summary>
    public const string ClassicFailures = "classic-failures";

    /// <summary><c>examples/worlds/boot-failures.yaml</c>: production VMs that fail in each catalogued way.</summary>
    public const string BootFailures = "boot-failures";

    /// <summary>The subscription of the healthy world.</summary>
    public const string SubscriptionId = "00000000-0000-0000-0000-000000000001";

    /// <summary>The resource group of the healthy world (westeurope).</summary>
    public const string ResourceGroup = "rg-images";

    /// <summary>Windows Server 2022, Gen2, TrustedLaunch, running.</summary>
    public const string WindowsVm = "vm-win2022-src";

    /// <summary>Ubuntu 22.04, Gen2, running.</summary>
    public const string LinuxVm = "vm-ubuntu2204-src";
}
