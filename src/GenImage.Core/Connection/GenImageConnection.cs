using System;
using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using GenImage.Core.Errors;

namespace GenImage.Core.Connection;

/// <summary>An open connection: the ARM client, its context and its polling settings.</summary>
public sealed class GenImageConnection
{
    internal GenImageConnection(ArmClient client, GenImageContext context, TimeSpan pollingInterval, HttpPipelineTransport? transport = null, TokenCredential? storageCredential = null)
    {
        Client = client;
        Context = context;
        PollingInterval = pollingInterval;
        Transport = transport;
        StorageCredential = storageCredential;
    }

    /// <summary>
    /// The credential the blob run store signs in to Azure Storage with: the session's own (Entra ID, managed
    /// identity) for Azure; for the emulator, a test token Azurite's --oauth basic accepts. Null: no storage access.
    /// </summary>
    internal TokenCredential? StorageCredential { get; }

    /// <summary>
    /// The HTTP transport the ARM client uses (for the emulator: the one that pins its certificate), for
    /// plain HTTP calls that go to the same endpoint, such as boot-diagnostics blob SAS URIs. Null: the default transport.
    /// </summary>
    public HttpPipelineTransport? Transport { get; }

    public ArmClient Client { get; }
    public GenImageContext Context { get; }
    public TimeSpan PollingInterval { get; }
    public string SubscriptionId => Context.SubscriptionId;
}

/// <summary>
/// Open connections, one per key. The cmdlets key by runspace, so parallel runspaces in one process
/// (tests, a host with several sessions) each keep their own.
/// </summary>
public static class ConnectionRegistry
{
    private static readonly ConcurrentDictionary<string, GenImageConnection> Connections =
        new ConcurrentDictionary<string, GenImageConnection>(StringComparer.Ordinal);

    public static void Set(string key, GenImageConnection connection) => Connections[key] = connection;

    public static GenImageConnection? Get(string key) => Connections.TryGetValue(key, out var c) ? c : null;

    public static bool Remove(string key) => Connections.TryRemove(key, out _);

    /// <summary>The connection for <paramref name="key"/>, or a NotConnected error that says what to do.</summary>
    public static GenImageConnection Require(string key) =>
        Get(key) ?? throw new GenImageException(ErrorIds.NotConnected, GenImageErrorKind.NotConnected,
            "GenImage is not connected. Run Connect-GenImage first (Connect-GenImage -Emulator for the local emulator, " +
            "Connect-GenImage -Identity in an Azure Automation runbook, or Connect-GenImage for your Azure sign-in). " +
            "A connection made with -Scope Process (the default) is shared with Start-ThreadJob and ForEach-Object -Parallel; " +
            "a job started with Start-Job runs in another process and must connect itself, for example " +
            "Start-Job { Connect-GenImage -Identity; Get-SourceVm }.");
}
