using System.Collections;

namespace GenImage.Cmdlets.Tests.Harness;

/// <summary>
/// A runspace with the staged module imported and <c>Connect-GenImage -Emulator</c> done against one
/// emulator (endpoint and thumbprint passed as variables, so parallel tests never share a connection file
/// or an environment variable). Runs share the global scope, so variables carry from one run to the next.
/// </summary>
/// <example>
/// <code>
/// using var session = emulator.Connect();
/// var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName $rg -Name $vm -Prepare -Force", new { rg = Worlds.ResourceGroup, vm = Worlds.LinuxVm });
/// Assert.Empty(r.Errors);
/// Assert.Equal("generalized", r.SingleOutput().Get&lt;string&gt;("OsStateAfter"));
/// </code>
/// </example>
public sealed class ModuleSession : IDisposable
{
    /// <summary>The script that connects; it reads <c>$GenImageTestEndpoint</c> and <c>$GenImageTestThumbprint</c>.</summary>
    public const string ConnectScript =
        "Connect-GenImage -Emulator -Endpoint $GenImageTestEndpoint -EmulatorCertificateThumbprint $GenImageTestThumbprint -ErrorAction Stop";

    private ModuleSession(EmulatorFixture emulator, ScriptSession session)
    {
        Emulator = emulator;
        Session = session;
    }

    /// <summary>The emulator this session talks to.</summary>
    public EmulatorFixture Emulator { get; }

    /// <summary>The underlying script session.</summary>
    public ScriptSession Session { get; }

    /// <summary>What <c>Connect-GenImage</c> returned (a <c>GenImage.GenImageContext</c>), when <see cref="Open"/> connected.</summary>
    public PSObject? Context { get; private set; }

    /// <summary>Everything the host rendered in this session.</summary>
    public string Transcript => Session.Transcript;

    /// <summary>Every confirmation prompt the host answered (by default with "No").</summary>
    public IReadOnlyList<HostPrompt> Prompts => Session.ConsoleHost?.Prompts ?? Array.Empty<HostPrompt>();

    /// <summary>
    /// Opens a runspace, imports <c>out/GenImage/GenImage.psd1</c> and (unless <paramref name="connect"/> is
    /// false) connects to <paramref name="emulator"/>; fails with the whole run described when connecting fails.
    /// </summary>
    public static ModuleSession Open(EmulatorFixture emulator, ScriptSessionOptions? options = null, bool connect = true)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        var session = ScriptRunner.Open(options);
        var module = new ModuleSession(emulator, session);
        try
        {
            session.SetVariable("GenImageTestEndpoint", emulator.Endpoint);
            session.SetVariable("GenImageTestThumbprint", emulator.CertificateThumbprint);
            if (connect)
            {
                module.Connect();
            }

            return module;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs <see cref="ConnectScript"/> and keeps its output in <see cref="Context"/>.</summary>
    public PSObject Connect()
    {
        var r = Session.Run(ConnectScript);
        if (r.HadErrors || r.Output.Count != 1)
        {
            throw new ScriptFailedException($"Connect-GenImage -Emulator to {Emulator.Endpoint} failed.\n{r.Describe()}", r);
        }
        Context = r.Output[0];
        return Context;
    }

    /// <inheritdoc cref="ScriptSession.Run(string)" />
    public ScriptResult Run(string script) => Session.Run(script);

    /// <inheritdoc cref="ScriptSession.Run(string, object)" />
    public ScriptResult Run(string script, object variables) => Session.Run(script, variables);

    /// <inheritdoc cref="ScriptSession.Run(string, RunOptions)" />
    public ScriptResult Run(string script, RunOptions? options) => Session.Run(script, options);

    /// <inheritdoc cref="ScriptSession.RunAsync(string, RunOptions)" />
    public Task<ScriptResult> RunAsync(string script, RunOptions? options = null) => Session.RunAsync(script, options);

    /// <inheritdoc cref="ScriptSession.RunCommand(string, IDictionary, RunOptions)" />
    public ScriptResult RunCommand(string command, IDictionary? parameters = null, RunOptions? options = null) =>
        Session.RunCommand(command, parameters, options);

    /// <inheritdoc cref="ScriptSession.RunFile(string, IDictionary, RunOptions)" />
    public ScriptResult RunFile(string path, IDictionary? parameters = null, RunOptions? options = null) =>
        Session.RunFile(path, parameters, options);

    /// <summary>Closes the runspace (the emulator keeps running).</summary>
    public void Dispose() => Session.Dispose();
}
