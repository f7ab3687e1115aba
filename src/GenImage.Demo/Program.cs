namespace GenImage.Demo;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C stops the script (as it would in pwsh); the emulator is then shut down cleanly.
            e.Cancel = true;
            stop.Cancel();
        };
        return await DemoRunner.RunAsync(args, Console.Out, stop.Token).ConfigureAwait(false);
    }
}
