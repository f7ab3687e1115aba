using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;

namespace GenImage.Demo;

/// <summary>Opens sessions and runs scripts in a real PowerShell engine, importing the staged GenImage module.</summary>
/// <example>
/// <code>
/// using var session = ScriptRunner.Open();
/// var r = session.Run("Get-Command -Module GenImage");
/// Assert.Empty(r.Errors);
/// </code>
/// </example>
public static class ScriptRunner
{
    /// <summary>Opens a runspace (default session state, the given or a new <see cref="ConsoleHost"/>) and imports the module.</summary>
    public static ScriptSession Open(ScriptSessionOptions? options = null) => new(options ?? new ScriptSessionOptions());

    /// <summary>Runs one script in a session of its own.</summary>
    public static ScriptResult Run(string script, RunOptions? runOptions = null, ScriptSessionOptions? sessionOptions = null)
    {
        using var session = Open(sessionOptions);
        return session.Run(script, runOptions);
    }
}

/// <summary>
/// One runspace with the module imported. Runs execute one at a time, in the global scope, so variables
/// and module state (such as the connection made by <c>Connect-GenImage</c>) carry from one run to the next.
/// </summary>
public sealed class ScriptSession : IDisposable
{
    private readonly object _runGate = new();
    private bool _disposed;

    internal ScriptSession(ScriptSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConsoleHost = options.Host is null
            ? new ConsoleHost(options.HostWriter, options.UseColor, options.HostWidth) { ConfirmAnswer = options.ConfirmAnswer }
            : options.Host as ConsoleHost;
        Host = options.Host ?? ConsoleHost!;

        var iss = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows())
        {
            iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        Runspace = RunspaceFactory.CreateRunspace(Host, iss);
        Runspace.Open();
        if (options.ContextScope is { } scope)
        {
            // Sessions side by side in one process (parallel tests) keep their GenImage connections to themselves.
            Runspace.SessionStateProxy.SetVariable("GenImageContextScope", scope);
        }

        if (options.ImportModule)
        {
            var manifest = Path.GetFullPath(options.ModuleManifestPath ?? RepoPaths.ModuleManifest);
            try
            {
                if (!File.Exists(manifest))
                {
                    throw new FileNotFoundException(
                        $"The module manifest '{manifest}' does not exist. Build the module first: dotnet build GenImage.Cmdlets.sln", manifest);
                }
                var imported = RunCommand("Import-Module", new Hashtable
                {
                    ["Name"] = manifest,
                    ["PassThru"] = true,
                    ["Force"] = true,
                    ["ErrorAction"] = ActionPreference.Stop,
                });
                if (imported.HadErrors || imported.Output.Count == 0)
                {
                    throw new InvalidOperationException($"Import-Module '{manifest}' failed.\n{imported.Describe()}");
                }
                Module = imported.Output[0].BaseObject as PSModuleInfo;
                ModuleManifestPath = manifest;
            }
            catch
            {
                Runspace.Dispose();
                throw;
            }
        }
    }

    /// <summary>The open runspace.</summary>
    public Runspace Runspace { get; }

    /// <summary>The host the runspace uses.</summary>
    public PSHost Host { get; }

    /// <summary>The host when it is a <see cref="Demo.ConsoleHost"/> (always, unless a custom host was given).</summary>
    public ConsoleHost? ConsoleHost { get; }

    /// <summary>The imported module, when the session imported it.</summary>
    public PSModuleInfo? Module { get; }

    /// <summary>The manifest imported, when the session imported it.</summary>
    public string? ModuleManifestPath { get; }

    /// <summary>Everything the host rendered in this session so far (empty for a custom host).</summary>
    public string Transcript => ConsoleHost?.Transcript ?? string.Empty;

    /// <summary>Runs script text.</summary>
    public ScriptResult Run(string script) => Run(script, (RunOptions?)null);

    /// <summary>Runs script text after setting <paramref name="variables"/> (see <see cref="RunOptions.Variables"/>).</summary>
    public ScriptResult Run(string script, object variables) => Run(script, new RunOptions { Variables = variables });

    /// <summary>Runs script text in the global scope.</summary>
    public ScriptResult Run(string script, RunOptions? options)
    {
        ArgumentNullException.ThrowIfNull(script);
        return Execute(script, ps => ps.AddScript(script), options ?? new RunOptions());
    }

    /// <summary>Runs script text on a thread-pool thread.</summary>
    public Task<ScriptResult> RunAsync(string script, RunOptions? options = null) => Task.Run(() => Run(script, options));

    /// <summary>
    /// Runs a script file as a command (so <c>$PSScriptRoot</c> and <c>$PSCommandPath</c> are set), with
    /// optional named parameters.
    /// </summary>
    public ScriptResult RunFile(string path, IDictionary? parameters = null, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Script file '{full}' does not exist.", full);
        }

        return Execute(full, ps =>
        {
            ps.AddCommand(full);
            if (parameters is not null)
            {
                ps.AddParameters(parameters);
            }
        }, options ?? new RunOptions());
    }

    /// <summary>Runs one command with named parameters (no script text to quote).</summary>
    public ScriptResult RunCommand(string command, IDictionary? parameters = null, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Execute(command, ps =>
        {
            ps.AddCommand(command);
            if (parameters is not null)
            {
                ps.AddParameters(parameters);
            }
        }, options ?? new RunOptions());
    }

    /// <summary>Sets a variable in the session's global scope.</summary>
    public void SetVariable(string name, object? value)
    {
        lock (_runGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Runspace.SessionStateProxy.SetVariable(name, value);
        }
    }

    /// <summary>Reads a variable from the session's global scope (null when it is not set).</summary>
    public object? GetVariable(string name)
    {
        lock (_runGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var value = Runspace.SessionStateProxy.GetVariable(name);
            return value is PSObject pso && pso.BaseObject is not PSCustomObject ? pso.BaseObject : value;
        }
    }

    /// <summary>Closes the runspace.</summary>
    public void Dispose()
    {
        lock (_runGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Runspace.Dispose();
        }
    }

    private ScriptResult Execute(string display, Action<PowerShell> build, RunOptions options)
    {
        lock (_runGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var result = new ScriptResult(display);
            var proxy = Runspace.SessionStateProxy;

            foreach (var (name, value) in VariableBag.Pairs(options.Variables))
            {
                proxy.SetVariable(name, value);
            }

            var saved = new List<(string Name, object? Value)>();
            void Preference(string name, ActionPreference? value)
            {
                if (value is null)
                {
                    return;
                }

                saved.Add((name, proxy.GetVariable(name)));
                proxy.SetVariable(name, value.Value);
            }
            Preference("VerbosePreference", options.VerbosePreference);
            Preference("DebugPreference", options.DebugPreference);
            Preference("ProgressPreference", options.ProgressPreference);
            Preference("WarningPreference", options.WarningPreference);
            Preference("ErrorActionPreference", options.ErrorActionPreference);

            var hostStart = ConsoleHost?.TranscriptLength ?? 0;
            var clock = Stopwatch.StartNew();
            using var ps = PowerShell.Create();
            ps.Runspace = Runspace;
            build(ps);
            if (options.RenderToHost)
            {
                ps.AddCommand("Out-Default");
            }

            var stopRequested = 0;
            Task? stopTask = null;
            void RequestStop()
            {
                if (Interlocked.Exchange(ref stopRequested, 1) != 0)
                {
                    return;
                }
                // Never stop from the pipeline thread itself: Stop() waits for that thread.
                stopTask = Task.Run(() =>
                {
                    try { ps.Stop(); }
                    catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or PSInvalidOperationException) { }
                });
            }
            void Check()
            {
                if (options.StopWhen is { } stopWhen && Volatile.Read(ref stopRequested) == 0 && stopWhen(result))
                {
                    RequestStop();
                }
            }

            var output = new PSDataCollection<PSObject>();
            output.DataAdded += (_, e) => { result.Output.Add(output[e.Index]); Check(); };
            ps.Streams.Error.DataAdded += (_, e) =>
            {
                var record = ps.Streams.Error[e.Index];
                result.Errors.Add(record);
                if (options.RenderToHost)
                {
                    RenderError(record);
                }

                Check();
            };
            ps.Streams.Warning.DataAdded += (_, e) => { result.Warnings.Add(ps.Streams.Warning[e.Index]); Check(); };
            ps.Streams.Verbose.DataAdded += (_, e) => { result.Verbose.Add(ps.Streams.Verbose[e.Index]); Check(); };
            ps.Streams.Debug.DataAdded += (_, e) => { result.Debug.Add(ps.Streams.Debug[e.Index]); Check(); };
            ps.Streams.Progress.DataAdded += (_, e) => { result.Progress.Add(ps.Streams.Progress[e.Index]); Check(); };
            ps.Streams.Information.DataAdded += (_, e) => { result.Information.Add(ps.Streams.Information[e.Index]); Check(); };

            var input = new PSDataCollection<PSObject>();
            if (options.Input is not null)
            {
                foreach (var item in options.Input)
                {
                    input.Add(item is null ? null! : PSObject.AsPSObject(item));
                }
            }
            input.Complete();

            try
            {
                var pending = ps.BeginInvoke(input, output);
                using (options.CancellationToken.Register(RequestStop))
                using (var timer = options.StopAfter is { } after ? new CancellationTokenSource(after) : null)
                using (timer is null ? default : timer.Token.Register(RequestStop))
                {
                    ps.EndInvoke(pending);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                result.TerminatingException = ex;
                // A stop that was asked for is not an error to show; the caller reports it (ScriptResult.Stopped).
                var requestedStop = ex is PipelineStoppedException && Volatile.Read(ref stopRequested) == 1;
                if (options.RenderToHost && !requestedStop)
                {
                    RenderTerminating(ex);
                }
            }
            finally
            {
                try { stopTask?.Wait(TimeSpan.FromSeconds(30)); }
                catch (AggregateException) { }
                result.Stopped = Volatile.Read(ref stopRequested) == 1 &&
                    (result.TerminatingException is PipelineStoppedException || ps.InvocationStateInfo.State == PSInvocationState.Stopped);
                result.Duration = clock.Elapsed;
                foreach (var (name, value) in saved)
                {
                    try { proxy.SetVariable(name, value); }
                    catch (Exception ex) when (ex is PSInvalidOperationException or InvalidRunspaceStateException) { }
                }
                result.HostOutput = ConsoleHost?.TranscriptSince(hostStart) ?? string.Empty;
            }
            return result;
        }
    }

    private void RenderError(ErrorRecord record)
    {
        if (ConsoleHost is not null)
        {
            ConsoleHost.WriteErrorRecord(record);
        }
        else
        {
            Host.UI?.WriteErrorLine(ErrorFormatter.Format(record));
        }
    }

    private void RenderTerminating(Exception ex)
    {
        if (ex is IContainsErrorRecord { ErrorRecord: { } record })
        {
            RenderError(record);
        }
        else
        {
            Host.UI?.WriteErrorLine(ex.GetType().Name + ": " + ex.Message);
        }
    }
}
