using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Reflection;

namespace GenImage.Demo;

/// <summary>Options for one run in a <see cref="ScriptSession"/>.</summary>
public sealed class RunOptions
{
    /// <summary>
    /// Variables set in the session's global scope before the run: an <see cref="IDictionary"/>
    /// (<c>Dictionary&lt;string, object?&gt;</c>, <c>Hashtable</c>), a sequence of
    /// <c>KeyValuePair&lt;string, object?&gt;</c>, or any object whose public properties name them
    /// (<c>new { rg = "rg-images", name = "vm1" }</c>).
    /// </summary>
    public object? Variables { get; set; }

    /// <summary>Objects piped into the script (<c>$input</c>, or the first command's pipeline input).</summary>
    public IEnumerable? Input { get; set; }

    /// <summary><c>$VerbosePreference</c> for this run only; e.g. <see cref="ActionPreference.Continue"/> to collect verbose records.</summary>
    public ActionPreference? VerbosePreference { get; set; }

    /// <summary><c>$DebugPreference</c> for this run only.</summary>
    public ActionPreference? DebugPreference { get; set; }

    /// <summary><c>$ProgressPreference</c> for this run only; e.g. <see cref="ActionPreference.SilentlyContinue"/> to collect none.</summary>
    public ActionPreference? ProgressPreference { get; set; }

    /// <summary><c>$WarningPreference</c> for this run only.</summary>
    public ActionPreference? WarningPreference { get; set; }

    /// <summary><c>$ErrorActionPreference</c> for this run only.</summary>
    public ActionPreference? ErrorActionPreference { get; set; }

    /// <summary>Stops the run (as Ctrl+C does: <c>PowerShell.Stop()</c>) when cancelled.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Stops the run after this long.</summary>
    public TimeSpan? StopAfter { get; set; }

    /// <summary>
    /// Stops the run the first time this returns true. It is checked, on the pipeline thread, each time
    /// any stream receives a record; the <see cref="ScriptResult"/> it gets holds what arrived so far
    /// (e.g. <c>r =&gt; r.Progress.Count &gt; 0</c>).
    /// </summary>
    public Func<ScriptResult, bool>? StopWhen { get; set; }

    /// <summary>
    /// Render as a console would: output goes through <c>Out-Default</c> to the host (and so is not in
    /// <see cref="ScriptResult.Output"/>), and every error is written to the host as it happens.
    /// </summary>
    public bool RenderToHost { get; set; }
}

/// <summary>Options for opening a <see cref="ScriptSession"/>.</summary>
public sealed class ScriptSessionOptions
{
    /// <summary>Import the module manifest when the session opens. Default: true.</summary>
    public bool ImportModule { get; set; } = true;

    /// <summary>The manifest to import. Default: <see cref="RepoPaths.ModuleManifest"/> (<c>out/GenImage/GenImage.psd1</c>).</summary>
    public string? ModuleManifestPath { get; set; }

    /// <summary>A host of your own. When null, a <see cref="Demo.ConsoleHost"/> is created.</summary>
    public PSHost? Host { get; set; }

    /// <summary>Where the created <see cref="Demo.ConsoleHost"/> writes (its transcript is kept either way). Default: nowhere.</summary>
    public TextWriter? HostWriter { get; set; }

    /// <summary>Colour ERROR/WARNING lines of the created host; default: only on a console that is not redirected.</summary>
    public bool? UseColor { get; set; }

    /// <summary>How the created host answers confirmation prompts. Default: <see cref="ConfirmAnswer.Decline"/>.</summary>
    public ConfirmAnswer ConfirmAnswer { get; set; } = ConfirmAnswer.Decline;

    /// <summary>
    /// The session's <c>$GenImageContextScope</c>: <c>"Runspace"</c> (default) keeps <c>Connect-GenImage</c>'s connection to
    /// this session, so that sessions side by side in one process never share one; <c>"Process"</c> or null behaves as
    /// pwsh does (the connection is shared with ThreadJobs and <c>ForEach-Object -Parallel</c>).
    /// </summary>
    public string? ContextScope { get; set; } = "Runspace";

    /// <summary>Line width the created host offers to the formatter. Default: 120.</summary>
    public int HostWidth { get; set; } = 120;
}

internal static class VariableBag
{
    public static IEnumerable<KeyValuePair<string, object?>> Pairs(object? variables)
    {
        switch (variables)
        {
            case null:
                yield break;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    yield return new KeyValuePair<string, object?>(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture)!, entry.Value);
                }
                yield break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var pair in pairs)
                {
                    yield return pair;
                }

                yield break;
            case IEnumerable<KeyValuePair<string, string>> pairs:
                foreach (var pair in pairs)
                {
                    yield return new KeyValuePair<string, object?>(pair.Key, pair.Value);
                }

                yield break;
            default:
                foreach (var property in variables.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (property.GetIndexParameters().Length == 0)
                    {
                        yield return new KeyValuePair<string, object?>(property.Name, property.GetValue(variables));
                    }
                }
                yield break;
        }
    }
}
