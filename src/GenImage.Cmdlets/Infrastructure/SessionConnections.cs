using System;
using GenImage.Core.Connection;

namespace GenImage.Cmdlets.Infrastructure;

/// <summary>
/// Where the session's connection is kept, for the cmdlets and the argument completers alike. A connection has a
/// scope: <c>Process</c> (the default) is seen by every runspace of the process — the runspaces of
/// <c>Start-ThreadJob</c> and <c>ForEach-Object -Parallel</c> included; <c>Runspace</c> only by the runspace that
/// connected. A runspace's own connection comes first. A host that runs independent sessions side by side sets
/// <c>$GenImageContextScope = 'Runspace'</c> in each, so that they neither make nor see a process connection.
/// </summary>
internal static class SessionConnections
{
    public const string Process = "Process";
    public const string Runspace = "Runspace";

    /// <summary>The preference variable that makes <c>Runspace</c> the default scope of a session.</summary>
    public const string PreferenceVariable = "GenImageContextScope";

    private const string ProcessKey = "process";

    /// <summary>The key of the current runspace's own connection (read on the pipeline thread).</summary>
    public static string CurrentKey => System.Management.Automation.Runspaces.Runspace.DefaultRunspace?.InstanceId.ToString() ?? ProcessKey;

    /// <summary>True when <paramref name="preference"/> (the value of <c>$GenImageContextScope</c>) asks for runspace scope.</summary>
    public static bool IsRunspacePreference(object? preference) =>
        string.Equals(preference?.ToString(), Runspace, StringComparison.OrdinalIgnoreCase);

    /// <summary>The connection a runspace uses: its own, else (unless it keeps to itself) the process's.</summary>
    public static GenImageConnection? Find(string runspaceKey, bool runspaceOnly) =>
        ConnectionRegistry.Get(runspaceKey) ?? (runspaceOnly ? null : ConnectionRegistry.Get(ProcessKey));

    /// <summary>Keeps <paramref name="connection"/> in <paramref name="scope"/>; a process connection replaces the runspace's own.</summary>
    public static void Set(string runspaceKey, string scope, GenImageConnection connection)
    {
        if (string.Equals(scope, Runspace, StringComparison.OrdinalIgnoreCase))
        {
            ConnectionRegistry.Set(runspaceKey, connection);
            return;
        }
        ConnectionRegistry.Remove(runspaceKey);
        ConnectionRegistry.Set(ProcessKey, connection);
    }

    /// <summary>Forgets the connection of <paramref name="scope"/>, or (null) the one the runspace uses. True when there was one.</summary>
    public static bool Remove(string runspaceKey, string? scope, bool runspaceOnly)
    {
        if (string.Equals(scope, Runspace, StringComparison.OrdinalIgnoreCase))
        {
            return ConnectionRegistry.Remove(runspaceKey);
        }

        if (string.Equals(scope, Process, StringComparison.OrdinalIgnoreCase))
        {
            return ConnectionRegistry.Remove(ProcessKey);
        }

        return ConnectionRegistry.Remove(runspaceKey) || (!runspaceOnly && ConnectionRegistry.Remove(ProcessKey));
    }

    /// <summary>The current runspace's connection for an argument completer (on the pipeline thread), or null.</summary>
    public static GenImageConnection? Current()
    {
        var runspaceOnly = false;
        try
        {
            var runspace = System.Management.Automation.Runspaces.Runspace.DefaultRunspace;
            runspaceOnly = runspace != null && IsRunspacePreference(runspace.SessionStateProxy.PSVariable.GetValue(PreferenceVariable));
        }
        catch (Exception)
        {
            // The preference cannot be read here: keep to the runspace's own connection.
            runspaceOnly = true;
        }
        return Find(CurrentKey, runspaceOnly);
    }
}
