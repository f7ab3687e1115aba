using System;
using Azure.Identity;
using Azure.ResourceManager;

namespace GenImage.Core.Connection;

/// <summary>The Azure clouds GenImage can talk to.</summary>
public enum GenImageEnvironment : long
{
    AzureCloud,
    AzureUSGovernment,
    AzureChinaCloud,
}

internal static class EnvironmentEndpoints
{
    public static ArmEnvironment Arm(GenImageEnvironment environment) => environment switch
    {
        GenImageEnvironment.AzureCloud => ArmEnvironment.AzurePublicCloud,
        GenImageEnvironment.AzureUSGovernment => ArmEnvironment.AzureGovernment,
        GenImageEnvironment.AzureChinaCloud => ArmEnvironment.AzureChina,
        _ => throw new ArgumentOutOfRangeException(nameof(environment), environment, "Unknown environment."),
    };

    public static Uri Authority(GenImageEnvironment environment) => environment switch
    {
        GenImageEnvironment.AzureCloud => AzureAuthorityHosts.AzurePublicCloud,
        GenImageEnvironment.AzureUSGovernment => AzureAuthorityHosts.AzureGovernment,
        GenImageEnvironment.AzureChinaCloud => AzureAuthorityHosts.AzureChina,
        _ => throw new ArgumentOutOfRangeException(nameof(environment), environment, "Unknown environment."),
    };
}
