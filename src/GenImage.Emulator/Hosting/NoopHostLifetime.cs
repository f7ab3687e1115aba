using Microsoft.Extensions.Hosting;

namespace GenImage.Emulator.Hosting;

/// <summary>
/// Keeps the web host from hooking Ctrl+C/SIGTERM or writing to the console: the embedding process (a test, the demo
/// host, or the emulator's own command line) decides when to stop.
/// </summary>
internal sealed class NoopHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
