using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using GenImage.Core.Errors;

namespace GenImage.Core.Recipes;

/// <summary>
/// The runs of a recipe in an Azure Blob Storage container (docs/journal.md), so that any Automation job on any worker
/// resumes any run: <c>PREFIX/RECIPE/RUN-ID/journal.jsonl</c> is an append blob (one JSON line per block),
/// <c>PREFIX/RECIPE/lease.json</c> holds the lease record under a blob lease of finite duration (renewed by the
/// run's heartbeat, so a dead job's lease expires; whoever holds the blob lease holds the run), and
/// <c>PREFIX/RECIPE/RUN-ID/evidence/</c> the bundle, uploaded write-once (If-None-Match: *). Signs in with the
/// session's token credential; never with an account key or a SAS. 5xx answers and timeouts are retried by
/// Azure.Core's retry policy; what still fails is a GenImage error naming the blob, never a raw SDK exception.
/// </summary>
public sealed class BlobRunStore : IRunStore
{
    public const string JournalBlobName = "journal.jsonl";
    public const string LeaseBlobName = "lease.json";
    public const string EvidenceFolder = "evidence";
    public const string Sha256SumsName = "SHA256SUMS";
    private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

    private readonly BlobContainerClient _container;
    private readonly string _prefix;
    private readonly string _url;
    private readonly object _gate = new object();
    private readonly Dictionary<string, string> _leaseIds = new Dictionary<string, string>(StringComparer.Ordinal);
    private readonly Dictionary<string, ETag> _leaseETags = new Dictionary<string, ETag>(StringComparer.Ordinal);
    private bool _containerReady;

    /// <summary>A store over the container (and optional folder prefix) of <paramref name="storeUrl"/>.</summary>
    public BlobRunStore(Uri storeUrl, TokenCredential credential, BlobClientOptions options, TimeSpan? leaseDuration = null)
    {
        if (storeUrl == null)
        {
            throw new ArgumentNullException(nameof(storeUrl));
        }

        var parts = new BlobUriBuilder(storeUrl);
        var prefix = (parts.BlobName ?? string.Empty).Trim('/');
        _prefix = prefix.Length == 0 ? string.Empty : prefix + "/";
        parts.BlobName = string.Empty;
        _container = new BlobContainerClient(parts.ToUri(), credential, options);
        _url = storeUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var duration = leaseDuration ?? TimeSpan.FromSeconds(60);
        // Azure allows finite blob leases of 15 to 60 seconds.
        LeaseDuration = duration < TimeSpan.FromSeconds(15) ? TimeSpan.FromSeconds(15) : duration > TimeSpan.FromSeconds(60) ? TimeSpan.FromSeconds(60) : duration;
    }

    /// <summary>The store's URL (container and prefix, no query).</summary>
    public string Url => _url;

    /// <summary>How long the blob lease lasts without a renewal (15 to 60 s): a dead job's lease expires after it.</summary>
    public TimeSpan LeaseDuration { get; }

    public string Location(string recipeName) => _url + "/" + recipeName;
    public string JournalLocation(string recipeName, string runId) => $"{_url}/{recipeName}/{runId}/{JournalBlobName}";

    /// <summary>A local staging folder (the evidence bundle is written there, then uploaded).</summary>
    public string RunFolder(string recipeName, string runId)
    {
        using var sha = SHA256.Create();
        var key = BitConverter.ToString(sha.ComputeHash(Utf8.GetBytes(_url))).Replace("-", string.Empty).Substring(0, 16).ToLowerInvariant();
        return Path.Combine(Path.GetTempPath(), "genimage-runs", key, recipeName, runId);
    }

    private string Name(string recipeName, string? rest = null) => _prefix + recipeName + (rest == null ? string.Empty : "/" + rest);

    public IReadOnlyList<string> ListRuns(string recipeName)
    {
        var folder = Name(recipeName) + "/";
        return Call("list the runs", Location(recipeName), () =>
        {
            try
            {
                var runs = new List<string>();
                foreach (var item in _container.GetBlobs(BlobTraits.None, BlobStates.None, folder, default))
                {
                    var rest = item.Name.Substring(folder.Length).Split('/');
                    if (rest.Length == 2 && rest[1] == JournalBlobName)
                    {
                        runs.Add(rest[0]);
                    }
                }
                return (IReadOnlyList<string>)runs.OrderByDescending(n => n, StringComparer.Ordinal).ToList();
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return Array.Empty<string>();
            }
        });
    }

    /// <summary>The recipes with runs in this store (the first folder level under the prefix).</summary>
    public IReadOnlyList<string> ListRecipes() => Call("list the recipes", _url, () =>
    {
        try
        {
            return (IReadOnlyList<string>)_container.GetBlobsByHierarchy(BlobTraits.None, BlobStates.None, "/", _prefix, default)
                .Where(i => i.IsPrefix)
                .Select(i => i.Prefix.Substring(_prefix.Length).TrimEnd('/'))
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return Array.Empty<string>();
        }
    });

    public void CreateRun(string recipeName, string runId)
    {
        var location = JournalLocation(recipeName, runId);
        Call("create the run journal", location, () =>
        {
            EnsureContainer();
            try
            {
                _container.GetAppendBlobClient(Name(recipeName, runId + "/" + JournalBlobName))
                    .Create(new AppendBlobCreateOptions { Conditions = new AppendBlobRequestConditions { IfNoneMatch = ETag.All } });
            }
            catch (RequestFailedException ex) when (ex.Status == 409 || ex.Status == 412)
            {
                throw new GenImageException(RecipeErrorIds.JournalUnreadable, GenImageErrorKind.ResourceExists,
                    $"A journal already exists at {location}; a run holds one journal.", ex)
                { Target = location };
            }
            return true;
        });
    }

    public IReadOnlyList<string> ReadLines(string recipeName, string runId)
    {
        var location = JournalLocation(recipeName, runId);
        return Call("read the run journal", location, () =>
        {
            try
            {
                var text = _container.GetBlobClient(Name(recipeName, runId + "/" + JournalBlobName)).DownloadContent().Value.Content.ToString();
                var lines = text.Split('\n').ToList();
                if (lines.Count > 0 && lines[lines.Count - 1].Length == 0)
                {
                    lines.RemoveAt(lines.Count - 1);
                }
                return (IReadOnlyList<string>)lines;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
                    $"No run journal at {location}. A run in a blob store is PREFIX/RECIPE/RUN-ID/{JournalBlobName} under the container URL.", ex)
                { Target = location };
            }
        });
    }

    public void AppendLine(string recipeName, string runId, string line)
    {
        var location = JournalLocation(recipeName, runId);
        // Never two writers: the holder of the run's lease renews it before each line, and stops when it lost it.
        RenewHeld(recipeName);
        Call("append to the run journal", location, () =>
        {
            using var block = new MemoryStream(Utf8.GetBytes(line + "\n"));
            _container.GetAppendBlobClient(Name(recipeName, runId + "/" + JournalBlobName)).AppendBlock(block);
            return true;
        }, " The journal keeps every line written before; once the cause is fixed, -Resume continues the run.");
    }

    // ------------------------------------------------------------------ lease

    private BlobClient LeaseBlob(string recipeName) => _container.GetBlobClient(Name(recipeName, LeaseBlobName));

    public string? ReadLease(string recipeName) => Call("read the run lease", Location(recipeName), () =>
    {
        try
        {
            var result = LeaseBlob(recipeName).DownloadContent().Value;
            lock (_gate)
            {
                _leaseETags[recipeName] = result.Details.ETag;
            }
            return result.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    });

    public bool? LeaseHeld(string recipeName) => Call("read the run lease", Location(recipeName), () =>
    {
        try
        {
            return (bool?)(LeaseBlob(recipeName).GetProperties().Value.LeaseState == LeaseState.Leased);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    });

    public bool TryCreateLease(string recipeName, string content) => Call("create the run lease", Location(recipeName), () =>
    {
        EnsureContainer();
        var blob = LeaseBlob(recipeName);
        ETag etag;
        try
        {
            etag = blob.Upload(BinaryData.FromString(content), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }).Value.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == 409 || ex.Status == 412)
        {
            return false;   // a lease blob is there: the caller reads it and judges whether it is stale
        }
        // The blob lease decides who holds the run: of two processes that both see this blob, only one acquires it.
        return Acquire(recipeName, blob, etag, content, uploadContent: false);
    });

    public bool TryReplaceLease(string recipeName, string expected, string content) => Call("renew the run lease", Location(recipeName), () =>
    {
        var blob = LeaseBlob(recipeName);
        string? held;
        lock (_gate)
        {
            held = _leaseIds.TryGetValue(recipeName, out var id) ? id : null;
        }
        if (held != null)
        {
            // The holder's heartbeat: renew the blob lease, then write the record under it.
            try
            {
                blob.GetBlobLeaseClient(held).Renew();
                blob.Upload(BinaryData.FromString(content), new BlobUploadOptions { Conditions = new BlobRequestConditions { LeaseId = held } });
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status == 409 || ex.Status == 412 || ex.Status == 404)
            {
                Forget(recipeName);
                return false;   // someone else holds it now
            }
        }

        // Taking over a lease the caller found stale: only when the record is still the one it judged.
        BlobDownloadResult current;
        try
        {
            current = blob.DownloadContent().Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
        if (!string.Equals(current.Content.ToString(), expected, StringComparison.Ordinal))
        {
            return false;
        }
        if (current.Details.LeaseState == LeaseState.Leased)
        {
            // Still leased although stale: its process ended on this host. Break it at once, then race for it.
            try
            {
                blob.GetBlobLeaseClient().Break(TimeSpan.Zero, new RequestConditions { IfMatch = current.Details.ETag });
            }
            catch (RequestFailedException ex) when (ex.Status == 409 || ex.Status == 412)
            {
                return false;
            }
        }
        return Acquire(recipeName, blob, current.Details.ETag, content, uploadContent: true);
    });

    public void DeleteLease(string recipeName, string expected)
    {
        string? held;
        lock (_gate)
        {
            held = _leaseIds.TryGetValue(recipeName, out var id) ? id : null;
        }
        if (held == null)
        {
            return;   // not this holder's
        }

        Call("release the run lease", Location(recipeName), () =>
        {
            try
            {
                LeaseBlob(recipeName).Delete(DeleteSnapshotsOption.None, new BlobRequestConditions { LeaseId = held });
            }
            catch (RequestFailedException ex) when (ex.Status == 404 || ex.Status == 409 || ex.Status == 412)
            {
                // Taken over or gone meanwhile: nothing of this holder's is left to release.
            }
            Forget(recipeName);
            return true;
        });
    }

    private bool Acquire(string recipeName, BlobClient blob, ETag etag, string content, bool uploadContent)
    {
        var leaseId = Guid.NewGuid().ToString();
        try
        {
            blob.GetBlobLeaseClient(leaseId).Acquire(LeaseDuration, new RequestConditions { IfMatch = etag });
        }
        catch (RequestFailedException ex) when (ex.Status == 409 || ex.Status == 412)
        {
            return false;
        }
        lock (_gate)
        {
            _leaseIds[recipeName] = leaseId;
        }
        if (uploadContent)
        {
            try
            {
                blob.Upload(BinaryData.FromString(content), new BlobUploadOptions { Conditions = new BlobRequestConditions { LeaseId = leaseId } });
            }
            catch (RequestFailedException ex) when (ex.Status == 409 || ex.Status == 412)
            {
                Forget(recipeName);
                return false;
            }
        }
        return true;
    }

    private void Forget(string recipeName)
    {
        lock (_gate)
        {
            _leaseIds.Remove(recipeName);
        }
    }

    private void RenewHeld(string recipeName)
    {
        string? held;
        lock (_gate)
        {
            held = _leaseIds.TryGetValue(recipeName, out var id) ? id : null;
        }
        if (held == null)
        {
            return;
        }

        Call("renew the run lease", Location(recipeName), () =>
        {
            try
            {
                LeaseBlob(recipeName).GetBlobLeaseClient(held).Renew();
            }
            catch (RequestFailedException ex) when (ex.Status == 409 || ex.Status == 412 || ex.Status == 404)
            {
                Forget(recipeName);
                throw new GenImageException(RecipeErrorIds.RunInProgress, GenImageErrorKind.ResourceUnavailable,
                    $"The lease of recipe '{recipeName}' at {Location(recipeName)} was lost (it expired and another job took it, or it was broken): " +
                    "this run stops and writes nothing more, so the run never has two writers. The job that holds the lease continues it.", ex)
                { Target = Location(recipeName) };
            }
            return true;
        });
    }

    // ------------------------------------------------------------------ evidence

    /// <summary>
    /// Uploads the bundle in <paramref name="localFolder"/> to RECIPE/RUN-ID/evidence/, each file streamed from disk
    /// with If-None-Match: * and SHA256SUMS last. A complete bundle (one with SHA256SUMS) already there is kept and
    /// never overwritten; what an interrupted upload left (no SHA256SUMS) is replaced.
    /// </summary>
    public PublishedEvidence PublishEvidence(string recipeName, string runId, string localFolder)
    {
        var folder = Name(recipeName, runId + "/" + EvidenceFolder) + "/";
        var location = $"{_url}/{recipeName}/{runId}/{EvidenceFolder}";
        return Call("upload the evidence bundle", location, () =>
        {
            EnsureContainer();
            if (_container.GetBlobClient(folder + Sha256SumsName).Exists().Value)
            {
                return new PublishedEvidence(location, true);
            }
            foreach (var partial in _container.GetBlobs(BlobTraits.None, BlobStates.None, folder, default).ToList())
            {
                _container.GetBlobClient(partial.Name).DeleteIfExists();
            }

            var root = Path.GetFullPath(localFolder);
            var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories)
                .Select(f => f.Substring(root.Length).TrimStart(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Replace('\\', '/'))
                .OrderBy(f => f == Sha256SumsName ? 1 : 0).ThenBy(f => f, StringComparer.Ordinal)
                .ToList();
            foreach (var relative in files)
            {
                var blob = _container.GetBlobClient(folder + relative);
                try
                {
                    using var stream = File.OpenRead(Path.Combine(root, relative));
                    blob.Upload(stream, new BlobUploadOptions
                    {
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                        TransferOptions = new Azure.Storage.StorageTransferOptions { MaximumTransferSize = 4 * 1024 * 1024, InitialTransferSize = 4 * 1024 * 1024 },
                    });
                }
                catch (RequestFailedException ex) when (ex.Status == 409 || ex.Status == 412)
                {
                    throw new GenImageException(RecipeErrorIds.EvidenceExists, GenImageErrorKind.ResourceExists,
                        $"The evidence blob {location}/{relative} was written by someone else during this upload; an evidence bundle is never overwritten. " +
                        "Find out who writes this run's evidence; the bundle there is kept as it is.", ex)
                    { Target = location };
                }
            }
            return new PublishedEvidence(location, false);
        });
    }

    /// <summary>The evidence blobs of a run (relative names) with their content, for reading a bundle back.</summary>
    public IReadOnlyDictionary<string, byte[]> ReadEvidence(string recipeName, string runId)
    {
        var folder = Name(recipeName, runId + "/" + EvidenceFolder) + "/";
        return Call("read the evidence bundle", $"{_url}/{recipeName}/{runId}/{EvidenceFolder}", () =>
        {
            var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var item in _container.GetBlobs(BlobTraits.None, BlobStates.None, folder, default))
            {
                files[item.Name.Substring(folder.Length)] = _container.GetBlobClient(item.Name).DownloadContent().Value.Content.ToArray();
            }
            return (IReadOnlyDictionary<string, byte[]>)files;
        });
    }

    // ------------------------------------------------------------------ plumbing

    private void EnsureContainer()
    {
        if (_containerReady)
        {
            return;
        }

        try
        {
            _container.CreateIfNotExists();
        }
        catch (RequestFailedException ex) when (ex.Status == 403)
        {
            // Allowed to write blobs but not to create the container: it must exist already, which the next call shows.
        }
        _containerReady = true;
    }

    private static T Call<T>(string what, string location, Func<T> action, string? suffix = null)
    {
        try
        {
            return action();
        }
        catch (RequestFailedException ex)
        {
            throw StorageErrors.Translate(ex, what, location, suffix);
        }
        catch (Azure.Identity.AuthenticationFailedException ex)
        {
            throw new GenImageException(ErrorIds.ConnectFailed, GenImageErrorKind.AuthenticationError,
                $"Could not {what} at {location}: signing in to Azure Storage failed ({FirstLine(ex.Message)}). Connect-GenImage again.", ex)
            { Target = location };
        }
        catch (IOException ex)
        {
            throw IoErrors.Translate(ex, what, location);
        }
    }

    private static string FirstLine(string text)
    {
        var i = text.IndexOf('\n');
        return (i < 0 ? text : text.Substring(0, i)).Trim();
    }
}

/// <summary>Azure Storage failures as GenImage errors: status, error code and request id; never the request's headers.</summary>
public static class StorageErrors
{
    public const string StorageRequestFailed = "StorageRequestFailed";

    public static GenImageException Translate(RequestFailedException ex, string what, string location, string? suffix = null)
    {
        if (ex == null)
        {
            throw new ArgumentNullException(nameof(ex));
        }

        var requestId = ex.GetRawResponse()?.Headers.RequestId;
        var code = string.IsNullOrEmpty(ex.ErrorCode) ? "no error code" : ex.ErrorCode;
        var kind = ex.Status switch
        {
            401 => GenImageErrorKind.AuthenticationError,
            403 => GenImageErrorKind.PermissionDenied,
            404 => GenImageErrorKind.ObjectNotFound,
            0 => GenImageErrorKind.ConnectionError,
            _ => GenImageErrorKind.ResourceUnavailable,
        };
        var advice = ex.Status switch
        {
            401 or 403 => " The signed-in identity needs the Storage Blob Data Contributor role on the container (Entra ID sign-in; account keys and SAS are not used).",
            404 => " Check the container URL (https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]).",
            0 => " Azure Storage could not be reached (after Azure.Core's retries).",
            _ => " Azure.Core retried it; try again later.",
        };
        return new GenImageException(StorageRequestFailed, kind,
            $"Could not {what} at {location}: Azure Storage answered {ex.Status} ({code}{(requestId == null ? string.Empty : ", request id " + requestId)}).{advice}{suffix}", ex)
        { Target = location };
    }
}
