using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Guest;
using GenImage.Core.Logging;
using GenImage.Core.Vm;

namespace GenImage.Core.Inspection;

/// <summary>What one run of the inspection script produced: the facts, or why there are none.</summary>
public sealed class GuestInspection
{
    internal GuestInspection(string vmId, string script, GuestFacts? facts, string? error, TimeSpan duration, string? armErrorCode)
    {
        VmId = vmId;
        Script = script;
        Facts = facts;
        Error = error;
        Duration = duration;
        ArmErrorCode = armErrorCode;
    }

    public string VmId { get; }

    /// <summary>inspect-windows or inspect-linux.</summary>
    public string Script { get; }

    /// <summary>The facts; null when the script could not run or its result could not be read.</summary>
    public GuestFacts? Facts { get; }

    /// <summary>Why there are no facts, in an operator's words.</summary>
    public string? Error { get; }

    /// <summary>The ARM error code when Run Command itself failed (VMAgentStatusCommunicationError, OperationNotAllowed).</summary>
    public string? ArmErrorCode { get; }

    public TimeSpan Duration { get; }

    public bool Succeeded => Facts != null;
}

/// <summary>
/// Runs the read-only inspection script (Inspect-Windows.ps1 / inspect-linux.sh) through Run Command and
/// reads its <c>GENIMAGE-RESULT</c> line into <see cref="GuestFacts"/>. Never throws for a guest that
/// cannot be inspected: the reason is returned, so the readiness rules can report Skipped with it.
/// </summary>
public sealed class GuestInspector
{
    private readonly IVmOperations _vms;
    private readonly IGenImageLog _log;

    public GuestInspector(IVmOperations vms, IGenImageLog? log = null)
    {
        _vms = vms ?? throw new ArgumentNullException(nameof(vms));
        _log = log ?? NullLog.Instance;
    }

    /// <summary>Inspects the guest of a running VM.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<GuestInspection> InspectAsync(SourceVm vm, CancellationToken cancellationToken)
    {
        if (vm == null)
        {
            throw new ArgumentNullException(nameof(vm));
        }

        GuestScript script;
        try
        {
            script = GuestScripts.ForInspection(vm.OsType ?? string.Empty);
        }
        catch (ArgumentException)
        {
            return new GuestInspection(vm.Id, "inspect", null, $"the VM's OS type '{vm.OsType ?? "unknown"}' has no inspection script", TimeSpan.Zero, null);
        }

        var watch = Stopwatch.StartNew();
        _log.Verbose($"Inspecting the guest of '{vm.Name}' with {script.Name}/{script.Version} through Run Command ({script.CommandId}).");
        RunCommandOutput output;
        try
        {
            output = await _vms.RunCommandAsync(vm.Id, script.CommandId, script.Lines, cancellationToken).ConfigureAwait(false);
        }
        catch (GenImageException ex)
        {
            _log.Verbose($"The inspection of '{vm.Name}' could not run: {ex.Message}");
            return new GuestInspection(vm.Id, script.Name, null, "Run Command failed: " + ex.Message, watch.Elapsed, ex.ArmErrorCode);
        }

        if (!GuestScriptResult.TryParse(output.StdOut, out var result, out var parseError))
        {
            var stderr = string.IsNullOrWhiteSpace(output.StdErr) ? string.Empty : " Standard error: " + FirstLine(output.StdErr);
            return new GuestInspection(vm.Id, script.Name, null, $"the {script.Name} output could not be read: {parseError}.{stderr}", watch.Elapsed, null);
        }
        try
        {
            var facts = GuestFacts.FromResult(result!);
            if (!result!.Succeeded)
            {
                _log.Warning($"{script.Name} on '{vm.Name}' reported: {result.Message}");
            }

            _log.Debug($"{script.Name} on '{vm.Name}': {result.Status}: {result.Message}");
            return new GuestInspection(vm.Id, script.Name, facts, null, watch.Elapsed, null);
        }
        catch (FormatException ex)
        {
            return new GuestInspection(vm.Id, script.Name, null, ex.Message, watch.Elapsed, null);
        }
    }

    private static string FirstLine(string text)
    {
        var trimmed = text.Trim();
        var newline = trimmed.IndexOf('\n');
        return newline < 0 ? trimmed : trimmed.Substring(0, newline).TrimEnd('\r');
    }
}
