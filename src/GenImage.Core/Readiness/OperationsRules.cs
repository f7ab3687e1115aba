using System;
using System.Collections.Generic;
using System.Linq;

namespace GenImage.Core.Readiness;

/// <summary>GI6001-GI6002: operational hygiene around the source. Failures are Warnings.</summary>
internal static class OperationsRules
{
    public static void Register(IDictionary<string, Func<RuleContext, Outcome>> map)
    {
        map["GI6001"] = RequiredTags;
        map["GI6002"] = NotLeftRunning;
    }

    private static Outcome RequiredTags(RuleContext c)
    {
        var tags = c.Vm?.Tags ?? c.Input.SourceVersion?.Tags;
        if (tags == null)
        {
            return Outcome.Skip("the source's tags were not read");
        }

        var required = c.Input.RequiredTags.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        var missing = required.Where(t => !tags.TryGetValue(t, out var v) || string.IsNullOrWhiteSpace(v)).ToList();
        return (missing.Count == 0
                ? Outcome.Pass(required.Count == 0 ? "No tags are required." : $"The source has the required tag(s): {string.Join(", ", required)}.")
                : Outcome.Fail($"The source has no (or an empty) tag: {string.Join(", ", missing)}."))
            .With("requiredTags", required).With("missingTags", missing).With("tags", tags.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase).ToList());
    }

    private static Outcome NotLeftRunning(RuleContext c)
    {
        var vm = c.Vm;
        if (vm == null)
        {
            return Outcome.Skip("the source is not a virtual machine that was read");
        }

        var running = string.Equals(vm.PowerState, "running", StringComparison.OrdinalIgnoreCase)
                      || string.Equals(vm.PowerState, "starting", StringComparison.OrdinalIgnoreCase);
        Outcome With(Outcome o) => o.With("powerState", vm.PowerState).With("willGeneralize", c.Input.WillGeneralize);
        if (c.Input.Version != null)
        {
            return With(running
                ? Outcome.Fail($"The source VM '{vm.Name}' of version {c.Input.Version.Name} is still running.")
                : Outcome.Pass($"The source VM '{vm.Name}' of version {c.Input.Version.Name} is {vm.PowerState}."));
        }
        if (!running)
        {
            return With(Outcome.Pass($"The source VM '{vm.Name}' is {vm.PowerState}."));
        }

        if (c.Input.WillGeneralize)
        {
            return With(Outcome.Pass($"The source VM '{vm.Name}' is running; generalizing deallocates it before capture."));
        }

        return With(Outcome.Fail($"The source VM '{vm.Name}' is running and this run does not stop it; it will still be running after capture."));
    }
}
