using System.Globalization;
using GenImage.Emulator;

namespace GenImage.Demo;

/// <summary>
/// The demo: starts the ARM emulator in-process, points <c>Connect-GenImage -Emulator</c> at it through a
/// connection file, and runs a script (by default <c>examples/quickstart.ps1</c>) in a hosted PowerShell
/// engine with the staged module imported.
/// </summary>
public static class DemoRunner
{
    /// <summary>The environment variable that names the emulator connection file.</summary>
    public const string ConnectionVariable = "GENIMAGE_EMULATOR_CONNECTION";

    /// <summary>Exit code: the script ran without errors.</summary>
    public const int Success = 0;

    /// <summary>Exit code: the script failed (a terminating error, or any error written).</summary>
    public const int ScriptFailed = 1;

    /// <summary>Exit code: bad arguments or a file that is missing; nothing was run.</summary>
    public const int UsageError = 2;

    /// <summary>The usage text printed by <c>--help</c>.</summary>
    public const string Usage =
        "Usage: dotnet run --project src/GenImage.Demo [-- [--world <yaml>] [--script <ps1>] [--clock-scale <x>]]\n" +
        "\n" +
        "Starts the ARM emulator in-process, imports out/GenImage/GenImage.psd1 into a PowerShell engine and\n" +
        "runs a script against the emulator. Connect-GenImage -Emulator finds the emulator through the\n" +
        "connection file named by " + ConnectionVariable + ".\n" +
        "\n" +
        "  --world <yaml>       world file, or a name in examples/worlds (default: examples/worlds/healthy.yaml)\n" +
        "  --script <ps1>       script to run (default: examples/quickstart.ps1, then examples/recipe-quickstart.ps1)\n" +
        "  --clock-scale <x>    real seconds per emulated Azure second (default: the world's clock.scale)\n" +
        "  -h, --help           show this text\n" +
        "\n" +
        "Exit code: 0 when the script succeeded, 1 when it wrote an error or failed, 2 for bad arguments.\n" +
        "Confirmation prompts are answered 'No' (nobody is at the keyboard): scripts pass -Force or -Confirm:$false.";

    /// <summary>Runs the demo and returns the process exit code. Everything is written to <paramref name="writer"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(writer);

        if (!TryParse(args, out var parsed, out var problem))
        {
            await writer.WriteLineAsync("error: " + problem).ConfigureAwait(false);
            await writer.WriteLineAsync(Usage).ConfigureAwait(false);
            return UsageError;
        }
        if (parsed.Help)
        {
            await writer.WriteLineAsync(Usage).ConfigureAwait(false);
            return Success;
        }

        string world, manifest;
        List<string> scripts;
        try
        {
            world = parsed.World is null ? RepoPaths.World("healthy") : ResolveFile(parsed.World, isWorld: true);
            // Without --script, the main job: the quickstart (generalize, publish, validate), then a recipe run end
            // to end with its evidence report, each against a fresh emulator of the world.
            scripts = parsed.Script is null
                ? new List<string> { RepoPaths.Quickstart, RepoPaths.RecipeQuickstart }
                : new List<string> { ResolveFile(parsed.Script, isWorld: false) };
            manifest = RepoPaths.ModuleManifest;
        }
        catch (DirectoryNotFoundException ex)
        {
            await writer.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return UsageError;
        }
        var files = new List<(string What, string Path)> { ("world file", world), ("module manifest", manifest) };
        files.AddRange(scripts.Select(s => ("script", s)));
        foreach (var (what, path) in files)
        {
            if (!File.Exists(path))
            {
                var hint = what == "module manifest" ? " Build the module first: dotnet build GenImage.Cmdlets.sln" : string.Empty;
                await writer.WriteLineAsync($"error: the {what} '{path}' does not exist.{hint}").ConfigureAwait(false);
                return UsageError;
            }
        }

        foreach (var script in scripts)
        {
            var code = await RunWithEmulatorAsync(world, script, manifest, parsed.ClockScale, writer, cancellationToken).ConfigureAwait(false);
            if (code != Success)
            {
                return code;
            }
        }
        return Success;
    }

    private static async Task<int> RunWithEmulatorAsync(string world, string script, string manifest, double? clockScale, TextWriter writer, CancellationToken cancellationToken)
    {
        var tempDir = Path.Combine(Path.GetTempPath(), "genimage-demo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tempDir);
        var connectionFile = Path.Combine(tempDir, "emulator.json");
        var previousConnection = Environment.GetEnvironmentVariable(ConnectionVariable);
        EmulatorHost? emulator = null;
        try
        {
            try
            {
                emulator = await EmulatorHost.StartAsync(new EmulatorOptions
                {
                    WorldFile = world,
                    ClockScale = clockScale,
                    ConnectionFile = connectionFile,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await writer.WriteLineAsync($"error: the emulator did not start: {ex.Message}").ConfigureAwait(false);
                return ScriptFailed;
            }

            Environment.SetEnvironmentVariable(ConnectionVariable, connectionFile);
            await writer.WriteLineAsync($"GenImage demo: {Path.GetFileName(script)} against the emulator at {emulator.Endpoint} (world: {Path.GetFileName(world)})").ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);

            // The engine runs synchronously; keep it off the caller's thread so cancellation can reach it.
            return await Task.Run(() => RunScript(script, manifest, writer, cancellationToken), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ConnectionVariable, previousConnection);
            if (emulator is not null)
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
            }

            try { Directory.Delete(tempDir, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static int RunScript(string script, string manifest, TextWriter writer, CancellationToken cancellationToken)
    {
        ScriptSession session;
        try
        {
            session = ScriptRunner.Open(new ScriptSessionOptions
            {
                HostWriter = writer,
                UseColor = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected,
                ModuleManifestPath = manifest,
            });
        }
        catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException)
        {
            writer.WriteLine("error: " + ex.Message);
            return ScriptFailed;
        }

        using (session)
        {
            var result = session.RunFile(script, options: new RunOptions { RenderToHost = true, CancellationToken = cancellationToken });
            if (result.Stopped)
            {
                writer.WriteLine("The script was stopped.");
            }

            var requested = session.ConsoleHost?.ShouldExitCode;
            if (result.HadErrors)
            {
                return ScriptFailed;
            }

            return requested is > 0 ? ScriptFailed : Success;
        }
    }

    private static string ResolveFile(string path, bool isWorld)
    {
        if (File.Exists(path))
        {
            return Path.GetFullPath(path);
        }

        if (isWorld)
        {
            return RepoPaths.World(path);
        }

        var fromRoot = Path.Combine(RepoPaths.Root, path);
        return File.Exists(fromRoot) ? fromRoot : Path.GetFullPath(path);
    }

    private sealed class Arguments
    {
        public bool Help { get; set; }
        public string? World { get; set; }
        public string? Script { get; set; }
        public double? ClockScale { get; set; }
    }

    private static bool TryParse(string[] args, out Arguments parsed, out string? problem)
    {
        parsed = new Arguments();
        problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Value()
            {
                if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return args[++i];
                }

                return null;
            }
            switch (arg)
            {
                case "-h" or "--help" or "-?" or "/?":
                    parsed.Help = true;
                    break;
                case "--world":
                    parsed.World = Value();
                    if (parsed.World is null) { problem = "--world needs a file or a world name."; return false; }
                    break;
                case "--script":
                    parsed.Script = Value();
                    if (parsed.Script is null) { problem = "--script needs a .ps1 file."; return false; }
                    break;
                case "--clock-scale":
                    var scale = Value();
                    if (scale is null || !double.TryParse(scale, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || x <= 0 || double.IsInfinity(x))
                    {
                        problem = "--clock-scale needs a positive number, such as 0.01.";
                        return false;
                    }
                    parsed.ClockScale = x;
                    break;
                default:
                    problem = $"unknown argument '{arg}'.";
                    return false;
            }
        }
        return true;
    }
}
