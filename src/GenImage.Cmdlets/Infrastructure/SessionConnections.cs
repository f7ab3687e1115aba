using System.Management.Automation.Runspaces;
using GenImage.Core.Connection;

namespace GenImage.Cmdlets.Infrastructure
{
    /// <summary>Where the session's connection is kept: one place for the cmdlets and the argument completers.</summary>
    internal static class SessionConnections
    {
        /// <summary>The key of the current runspace's connection (read on the pipeline thread).</summary>
        public static string CurrentKey => Runspace.DefaultRunspace?.InstanceId.ToString() ?? "process";

        /// <summary>The current runspace's connection, or null.</summary>
        public static GenImageConnection? Current() => ConnectionRegistry.Get(CurrentKey);
    }
}
