using System.Globalization;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace GenImage.Emulator.Faults;

/// <summary>
/// The emulator's fault injector: rules from the world file's <c>faults</c> section plus any added at run time through
/// <see cref="EmulatorHost.Faults"/>. Request faults apply after authentication and throttling, before routing.
/// Deterministic: each rule draws from its own generator seeded by <see cref="Seed"/> and the rule's position.
/// Thread-safe.
/// </summary>
public sealed class FaultInjector : IFaultPolicy
{
    private readonly Lock _gate = new();
    private readonly List<FaultRule> _rules = new();
    private readonly WorldStore? _store;
    private readonly OperationStore? _operations;
    private int _added;

    internal FaultInjector(int seed, WorldStore? store, OperationStore? operations)
    {
        Seed = seed;
        _store = store;
        _operations = operations;
    }

    /// <summary>The seed of the rules' generators (the world's <c>faults.seed</c>, default 0).</summary>
    public int Seed { get; }

    /// <summary>The rules, in the order they are tried, with their counters (<see cref="FaultRule.Matched"/>, <see cref="FaultRule.Fired"/>).</summary>
    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_gate)
            {
                return _rules.ToArray();
            }
        }
    }

    /// <summary>Adds a rule after the existing ones. Throws <see cref="ArgumentException"/> for an invalid rule.</summary>
    public FaultRule Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        rule.Validate();
        lock (_gate)
        {
            rule.Random = new Random(unchecked((Seed * 7919) + _added++));
            _rules.Add(rule);
        }

        return rule;
    }

    /// <summary>Removes one rule; true when it was there.</summary>
    public bool Remove(FaultRule rule)
    {
        lock (_gate)
        {
            return _rules.Remove(rule);
        }
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    /// <summary>Before routing: throws the fault's answer when a rule fires on this request.</summary>
    internal void BeforeRoute(HttpContext context, string method, string path, string? subscriptionId, string correlationId)
    {
        FaultRule? fired = null;
        lock (_gate)
        {
            foreach (var rule in _rules)
            {
                if (rule.Effect == FaultEffect.FailOperation || !rule.Armed || !rule.MatchesRequest(method, path))
                {
                    continue;
                }

                if (TryFire(rule))
                {
                    fired = rule;
                    break;
                }
            }
        }

        if (fired is null)
        {
            return;
        }

        switch (fired.Effect)
        {
            case FaultEffect.DropConnection:
                context.Abort();
                throw new ConnectionDroppedException(fired.ToString());
            case FaultEffect.TooManyRequests:
                context.Response.Headers["Retry-After"] = fired.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                throw new ArmException(429, fired.ErrorCode ?? "TooManyRequests", fired.ErrorMessage ??
                    $"The request is being throttled as the limit has been reached for operation type - {(method is "GET" or "HEAD" ? "Read" : "Write")}_ObservationWindow_00:05:00. For more information, refer to - https://aka.ms/ARMThrottling");
            case FaultEffect.ServiceUnavailable:
                context.Response.Headers["Retry-After"] = fired.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                throw new ArmException(503, fired.ErrorCode ?? "ServiceUnavailable", fired.ErrorMessage ??
                    "The service is temporarily unavailable. Please retry the request later.");
            default:
                var now = DateTimeOffset.UtcNow;
                throw new ArmException(500, fired.ErrorCode ?? "InternalServerError", fired.ErrorMessage ?? string.Create(CultureInfo.InvariantCulture,
                    $"Encountered internal server error. Diagnostic information: timestamp '{now:yyyyMMdd'T'HHmmss'Z'}', subscription id '{subscriptionId ?? ""}', tracking id '{Guid.NewGuid():D}', request correlation id '{correlationId}'."));
        }
    }

    /// <summary>After the answer: arms triggered rules and applies <see cref="FaultEffect.FailOperation"/> to a started operation.</summary>
    internal void AfterAnswered(string method, string path, ArmResult result)
    {
        FaultRule? failOperation = null;
        string? operationId = null;
        lock (_gate)
        {
            if (result.Status is 201 or 202 && result.Headers.TryGetValue("Azure-AsyncOperation", out var statusUrl))
            {
                operationId = OperationIdOf(statusUrl);
                foreach (var rule in _rules)
                {
                    if (rule.Effect == FaultEffect.FailOperation && rule.Armed && rule.MatchesRequest(method, path) && TryFire(rule))
                    {
                        failOperation = rule;
                        break;
                    }
                }
            }

            foreach (var rule in _rules)
            {
                if (!rule.Armed && rule.TriggerMatches(method, path))
                {
                    rule.Armed = true;
                }
            }
        }

        if (failOperation is not null && operationId is not null && _store is not null && _operations is not null)
        {
            var code = failOperation.ErrorCode ?? "InternalExecutionError";
            var message = failOperation.ErrorMessage ?? "An internal execution error occurred. Please retry later.";
            var status = code.StartsWith("Internal", StringComparison.OrdinalIgnoreCase) ? 500 : 409;
            _store.Enter(() =>
            {
                var op = _operations.Find(operationId);
                if (op is null)
                {
                    return 0;
                }

                if (op.IsTerminal)
                {
                    op.Fail(op.EndTime ?? _store.Clock.Now, code, message, status);
                }
                else
                {
                    // Runs after the operation's own completion (same due time, later sequence): the resource keeps the
                    // operation's effect, only the outcome reported to the client is Failed.
                    _store.Scheduler.At(op.DueTime, () => op.Fail(op.DueTime, code, message, status));
                }

                return 0;
            });
        }
    }

    /// <inheritdoc />
    public bool ShouldFailReplication(string region)
    {
        lock (_gate)
        {
            foreach (var rule in _rules)
            {
                if (rule.Effect == FaultEffect.FailReplication && rule.Armed && SameRegion(rule.Region, region) && TryFire(rule))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <inheritdoc />
    public double ReplicationSlowFactor(string region)
    {
        var factor = 1.0;
        lock (_gate)
        {
            foreach (var rule in _rules)
            {
                if (rule.Effect == FaultEffect.SlowReplication && rule.Armed && SameRegion(rule.Region, region))
                {
                    rule.Matched++;
                    rule.Fired++;
                    factor = Math.Max(factor, rule.SlowFactor);
                }
            }
        }

        return factor;
    }

    private static bool TryFire(FaultRule rule)
    {
        rule.Matched++;
        if (rule.Matched <= rule.Skip)
        {
            return false;
        }

        if (rule.Count is { } count && rule.Fired >= count)
        {
            return false;
        }

        if (rule.Fraction < 1 && rule.Random!.NextDouble() >= rule.Fraction)
        {
            return false;
        }

        rule.Fired++;
        return true;
    }

    private static bool SameRegion(string? a, string b)
        => a is not null && string.Equals(a.Replace(" ", "", StringComparison.Ordinal), b.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

    private static string OperationIdOf(string statusUrl)
    {
        var path = statusUrl.Split('?')[0].TrimEnd('/');
        return path[(path.LastIndexOf('/') + 1)..];
    }
}

/// <summary>Thrown after a fault aborted the connection: nothing more is written.</summary>
internal sealed class ConnectionDroppedException(string rule) : Exception($"The connection was dropped by the fault '{rule}'.");
