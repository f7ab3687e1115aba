using System.Globalization;

namespace GenImage.Emulator;

/// <summary>The emulator's command line: parse arguments, start, print the endpoint, run until stopped.</summary>
internal static class Cli
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public const string Usage = """
        Usage: GenImage.Emulator [--world PATH] [--port N] [--clock-scale X] [--connection-file PATH] [--state-file PATH] [--quiet]

        Runs the GenImage Azure Resource Manager emulator on https://127.0.0.1:PORT/ until Ctrl+C or SIGTERM.

          --world PATH            World file (YAML) to serve. Default: one empty subscription.
          --port N                Port on 127.0.0.1 (0-65535). Default: 0, a free port.
          --clock-scale X         Real seconds per Azure second (overrides the world's clock.scale), e.g. 0.01.
          --connection-file PATH  Where to write the connection file. Default: $GENIMAGE_EMULATOR_CONNECTION,
                                  else $HOME/.genimage/emulator.json. Deleted on exit.
          --state-file PATH       Persistent mode: load the world's resources from PATH when it exists, and
                                  save them there after each write, every few seconds and on exit.
          --quiet                 Do not print a line per request.
          -h, --help              Show this help.

        Exit codes: 0 stopped normally, 1 could not start, 2 invalid arguments or world file.
        """;

    internal sealed record Arguments(string? World, int Port, double? ClockScale, string? ConnectionFile, bool Quiet, bool Help)
    {
        public string? StateFile { get; init; }
    }

    /// <summary>Parses arguments; returns null and writes the problem to <paramref name="error"/> when they are invalid.</summary>
    public static Arguments? Parse(string[] args, out string? error)
    {
        error = null;
        string? world = null, connectionFile = null, stateFile = null;
        var port = 0;
        double? scale = null;
        bool quiet = false, help = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 2)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string? Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return null;
                }

                return args[++i];
            }

            switch (arg)
            {
                case "-h" or "--help" or "-?" or "/?":
                    help = true;
                    break;
                case "--quiet":
                    quiet = true;
                    break;
                case "--world":
                    world = Value();
                    if (string.IsNullOrWhiteSpace(world))
                    {
                        error = "--world needs a file path.";
                        return null;
                    }

                    break;
                case "--connection-file":
                    connectionFile = Value();
                    if (string.IsNullOrWhiteSpace(connectionFile))
                    {
                        error = "--connection-file needs a file path.";
                        return null;
                    }

                    break;
                case "--state-file":
                    stateFile = Value();
                    if (string.IsNullOrWhiteSpace(stateFile))
                    {
                        error = "--state-file needs a file path.";
                        return null;
                    }

                    break;
                case "--port":
                    var p = Value();
                    if (p is null || !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                    {
                        error = $"--port needs a whole number from 0 to 65535{(p is null ? "" : $", not '{p}'")}.";
                        return null;
                    }

                    break;
                case "--clock-scale":
                    var s = Value();
                    if (s is null || !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d < 0 || double.IsNaN(d) || double.IsInfinity(d))
                    {
                        error = $"--clock-scale needs a number of zero or more, such as 0.01{(s is null ? "" : $", not '{s}'")}.";
                        return null;
                    }

                    scale = d;
                    break;
                default:
                    error = $"unknown argument '{args[i]}'.";
                    return null;
            }
        }

        return new Arguments(world, port, scale, connectionFile, quiet, help) { StateFile = stateFile };
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var parsed = Parse(args, out var error);
        if (parsed is null)
        {
            await stderr.WriteLineAsync($"GenImage.Emulator: {error}").ConfigureAwait(false);
            await stderr.WriteLineAsync("Run with --help for usage.").ConfigureAwait(false);
            return ExitUsage;
        }

        if (parsed.Help)
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return ExitOk;
        }

        var connectionFile = parsed.ConnectionFile ?? Hosting.ConnectionFile.DefaultPath();
        EmulatorHost host;
        try
        {
            host = await EmulatorHost.StartAsync(new EmulatorOptions
            {
                WorldFile = parsed.World,
                Port = parsed.Port,
                ClockScale = parsed.ClockScale,
                ConnectionFile = connectionFile,
                StateFile = parsed.StateFile,
            }, stop).ConfigureAwait(false);
        }
        catch (WorldFileException ex)
        {
            await stderr.WriteLineAsync($"GenImage.Emulator: invalid world file: {ex.Message}").ConfigureAwait(false);
            return ExitUsage;
        }
        catch (OperationCanceledException)
        {
            return ExitOk;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"GenImage.Emulator: could not start: {ex.Message}").ConfigureAwait(false);
            return ExitFailure;
        }

        await using (host.ConfigureAwait(false))
        {
            if (!parsed.Quiet)
            {
                host.RequestCompleted += entry =>
                {
                    var line = string.Create(CultureInfo.InvariantCulture,
                        $"{entry.Time:HH:mm:ss.fff} {entry.Method} {entry.Path}{entry.Query} -> {entry.Status}{(entry.ArmErrorCode is null ? "" : " " + entry.ArmErrorCode)} ({entry.Duration.TotalMilliseconds:0} ms)");
                    lock (stdout)
                    {
                        stdout.WriteLine(line);
                    }
                };
            }

            lock (stdout)
            {
                stdout.WriteLine("GenImage ARM emulator");
                stdout.WriteLine($"  endpoint:        {host.Endpoint}");
                stdout.WriteLine($"  thumbprint:      {host.CertificateThumbprint}");
                stdout.WriteLine($"  tenant:          {host.TenantId}");
                stdout.WriteLine($"  subscriptions:   {string.Join(", ", host.SubscriptionIds)}");
                stdout.WriteLine($"  clock scale:     {host.ClockScale.ToString(CultureInfo.InvariantCulture)}");
                stdout.WriteLine($"  connection file: {connectionFile}");
                if (host.StateFilePath is not null)
                {
                    stdout.WriteLine($"  state file:      {host.StateFilePath}");
                }
                stdout.WriteLine("Press Ctrl+C to stop.");
                stdout.Flush();
            }

            try
            {
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }

            lock (stdout)
            {
                stdout.WriteLine("Stopping; connection file removed.");
                stdout.Flush();
            }
        }

        return ExitOk;
    }
}
