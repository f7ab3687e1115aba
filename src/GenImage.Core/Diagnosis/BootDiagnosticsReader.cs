using System;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager.Compute;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Vm;

namespace GenImage.Core.Diagnosis;

/// <summary>
/// Reads a VM's boot diagnostics: retrieveBootDiagnosticsData for short-lived SAS URIs, then the serial log and the
/// screenshot blobs over the connection's transport. The SAS URIs are secrets: never logged, never in a message.
/// </summary>
internal sealed class BootDiagnosticsReader
{
    private readonly GenImageConnection _connection;

    public BootDiagnosticsReader(GenImageConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    /// <summary>
    /// The screenshot (read whole: a few hundred KB) and the serial log as a stream read straight from the blob (the
    /// caller reads it once and disposes it; it is never buffered whole in memory).
    /// </summary>
    public async Task<BootDiagnosticsBlobs> ReadAsync(string vmId, bool serialLog, bool screenshot, CancellationToken cancellationToken)
    {
        Uri? serialUri, screenshotUri;
        try
        {
            var vm = _connection.Client.GetVirtualMachineResource(ResourceIds.ParseVirtualMachine(vmId));
            var data = await vm.RetrieveBootDiagnosticsDataAsync(60, cancellationToken).ConfigureAwait(false);
            serialUri = data.Value.SerialConsoleLogBlobUri;
            screenshotUri = data.Value.ConsoleScreenshotBlobUri;
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "retrieve the boot diagnostics of", vmId);
        }

        var blobs = new BootDiagnosticsBlobs();
        if (screenshot)
        {
            if (screenshotUri == null)
            {
                blobs.ScreenshotProblem = "ARM returned no screenshot URI.";
            }
            else
            {
                var (content, problem) = await DownloadAsync(screenshotUri, vmId, "screenshot", cancellationToken).ConfigureAwait(false);
                if (content != null)
                {
                    using (content)
                    {
                        var copy = new System.IO.MemoryStream();
                        await content.CopyToAsync(copy, 81920, cancellationToken).ConfigureAwait(false);
                        blobs.Screenshot = copy.ToArray();
                    }
                }
                blobs.ScreenshotProblem = problem;
            }
        }
        if (serialLog)
        {
            if (serialUri == null)
            {
                blobs.SerialLogProblem = "ARM returned no serial log URI.";
            }
            else
            {
                var (content, problem) = await DownloadAsync(serialUri, vmId, "serial log", cancellationToken).ConfigureAwait(false);
                blobs.SerialLog = content;
                blobs.SerialLogProblem = problem;
            }
        }
        return blobs;
    }

    /// <summary>The blob's content as a stream from the network (not buffered); null with the reason when it does not exist.</summary>
    private async Task<(System.IO.Stream? Content, string? Problem)> DownloadAsync(Uri uri, string vmId, string what, CancellationToken cancellationToken)
    {
        var pipeline = HttpPipelineBuilder.Build(new BlobFetchOptions(_connection.Transport));
        using var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(uri);
        message.BufferResponse = false;
        try
        {
            await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException || ex is System.Net.Http.HttpRequestException)
        {
            throw new GenImageException(ErrorIds.ArmRequestFailed, GenImageErrorKind.ConnectionError,
                $"The {what} of '{vmId}' could not be downloaded: {ex.GetType().Name}.")
            { Target = vmId };
        }
        var response = message.Response;
        if (response.Status == 404)
        {
            return (null, $"The {what} blob does not exist (404 BlobNotFound): it was deleted with its storage container, or the VM has not booted since boot diagnostics were turned on.");
        }

        if (response.Status != 200)
        {
            throw new GenImageException(ErrorIds.ArmRequestFailed, GenImageErrorKind.ResourceUnavailable,
                $"The {what} of '{vmId}' could not be downloaded: the blob endpoint answered {response.Status}.")
            { Target = vmId, HttpStatus = response.Status };
        }
        return (message.ExtractResponseContent() ?? new System.IO.MemoryStream(), null);
    }

    /// <summary>Options of the pipeline that downloads the blobs over the connection's transport.</summary>
    private sealed class BlobFetchOptions : ClientOptions
    {
        public BlobFetchOptions(HttpPipelineTransport? transport)
        {
            if (transport != null)
            {
                Transport = transport;
            }

            Retry.MaxRetries = 2;
            Diagnostics.IsLoggingEnabled = false;
            Diagnostics.IsDistributedTracingEnabled = false;
        }
    }
}
