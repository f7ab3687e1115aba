using System.Runtime.InteropServices;
using GenImage.Emulator;

using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
Console.Out.Flush();
return await Cli.RunAsync(args, Console.Out, Console.Error, stop.Token);
