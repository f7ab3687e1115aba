using System;
using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using GenImage.Core.Connection;
using GenImage.Core.Errors;

namespace GenImage.Core.Recipes;

/// <summary>
/// The one place a run store is made from where a recipe keeps its runs: a folder (<see cref="LocalRunStore"/>) or a
/// blob container URL, https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX] (<see cref="BlobRunStore"/>), reached
/// with the connection's own sign-in. A URL with a query (a SAS) is refused: it carries a secret.
/// </summary>
public static class RunStores
{
    public const string StoreUrlInvalid = "StoreUrlInvalid";

    /// <summary>True when <paramref name="location"/> is a URL (a blob store), not a folder.</summary>
    public static bool IsUrl(string? location) =>
        location != null && (location.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("http://", StringComparison.OrdinalIgnoreCase));

    /// <summary>The store of a recipe: spec.evidence.store (or -Store) when set, else its spec.evidence.outputPath folder.</summary>
    public static IRunStore ForRecipe(ImageRecipe recipe, GenImageConnection? connection, TimeSpan? leaseDuration = null)
    {
        if (recipe == null)
        {
            throw new ArgumentNullException(nameof(recipe));
        }

        return recipe.Spec.Evidence.Store is { Length: > 0 } store
            ? Open(store, connection, leaseDuration)
            : new LocalRunStore(recipe.Spec.Evidence.OutputPath);
    }

    /// <summary>A store for a folder path or a container URL.</summary>
    public static IRunStore Open(string location, GenImageConnection? connection, TimeSpan? leaseDuration = null)
    {
        if (string.IsNullOrEmpty(location))
        {
            throw new ArgumentException("The store location is required.", nameof(location));
        }

        if (!IsUrl(location))
        {
            return new LocalRunStore(location);
        }

        var url = ParseUrl(location, "the store");
        if (connection?.StorageCredential == null)
        {
            throw new GenImageException(ErrorIds.NotConnected, GenImageErrorKind.NotConnected,
                $"The blob store {url} is reached with the session's sign-in: run Connect-GenImage first (Connect-GenImage -Identity in a runbook).")
            { Target = url.ToString() };
        }
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 4;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        options.Diagnostics.IsLoggingContentEnabled = false;
        if (connection.Context.IsEmulator)
        {
            // The emulator's blob store is Azurite on this machine: its certificate is pinned like the ARM emulator's.
            var emulator = StorageEmulatorConnectionFile.Read();
            if (!string.Equals(url.GetLeftPart(UriPartial.Authority), emulator.BlobEndpoint.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
            {
                throw new GenImageException(StoreUrlInvalid, GenImageErrorKind.InvalidArgument,
                    $"An emulator connection reaches only the storage emulator at {emulator.BlobEndpoint} (from {emulator.Path}), not {url}. " +
                    $"Use a container URL under it, such as {emulator.BlobEndpoint}runs.")
                { Target = url.ToString() };
            }
            options.Transport = new HttpClientTransport(PinnedCertificateHandler.Create(emulator.CertificateThumbprint));
            options.Retry.Delay = TimeSpan.FromMilliseconds(50);
            options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        }
        else if (url.IsLoopback || IPAddress.TryParse(url.Host, out _))
        {
            throw new GenImageException(StoreUrlInvalid, GenImageErrorKind.InvalidArgument,
                $"The blob store {url} is an address, not an Azure Storage account: use https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX] " +
                "(the storage emulator is reached from an emulator connection, Connect-GenImage -Emulator).")
            { Target = url.ToString() };
        }
        return new BlobRunStore(url, connection.StorageCredential, options, leaseDuration);
    }

    /// <summary>
    /// A container URL checked: absolute https, with a container, without a query or fragment (a SAS carries a
    /// secret, and the store signs in with the session's credential instead). Errors never repeat the query.
    /// </summary>
    public static Uri ParseUrl(string location, string what)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var url))
        {
            throw Invalid(what, "(not a URL)", "it is not an absolute URL.");
        }
        var shown = url.GetLeftPart(UriPartial.Path);
        if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
        {
            throw Invalid(what, shown,
                "it has a query string. A SAS token (or any secret) is refused and never stored: the store signs in with the session's credential " +
                "(Connect-GenImage, a managed identity in a runbook), which needs Storage Blob Data Contributor on the container.");
        }
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            throw Invalid(what, shown, "it is not https. Azure Storage is reached over https only.");
        }
        if (url.AbsolutePath.Trim('/').Length == 0)
        {
            throw Invalid(what, shown, "it names no container: use https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX].");
        }
        return url;
    }

    private static GenImageException Invalid(string what, string shown, string why) =>
        new GenImageException(StoreUrlInvalid, GenImageErrorKind.InvalidArgument, $"The URL of {what}, {shown}, cannot be used: {why}") { Target = shown };
}
