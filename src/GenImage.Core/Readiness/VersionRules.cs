using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace GenImage.Core.Readiness;

/// <summary>GI3001-GI3005: the version name, its place among the existing versions, its dates and flags.</summary>
internal static class VersionRules
{
    public static void Register(IDictionary<string, Func<RuleContext, Outcome>> map)
    {
        map["GI3001"] = NameFormat;
        map["GI3002"] = Unique;
        map["GI3003"] = HigherThanLatest;
        map["GI3004"] = EndOfLife;
        map["GI3005"] = ExcludeFromLatest;
    }

    private const string NoVersion = "no version name was given";

    /// <summary>Parses Major.Minor.Patch of non-negative 32-bit integers.</summary>
    internal static bool TryParse(string? text, out (int Major, int Minor, int Patch) version)
    {
        version = default;
        if (text == null)
        {
            return false;
        }

        var parts = text.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        var numbers = new int[3];
        for (var i = 0; i < 3; i++)
        {
            var p = parts[i];
            if (p.Length == 0 || !p.All(ch => ch >= '0' && ch <= '9'))
            {
                return false;
            }

            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return false;
            }
        }
        version = (numbers[0], numbers[1], numbers[2]);
        return true;
    }

    private static string Format((int Major, int Minor, int Patch) v) =>
        string.Format(CultureInfo.InvariantCulture, "{0}.{1}.{2}", v.Major, v.Minor, v.Patch);

    private static Outcome NameFormat(RuleContext c)
    {
        if (c.VersionName == null)
        {
            return Outcome.Skip(NoVersion);
        }

        if (!TryParse(c.VersionName, out _))
        {
            return Outcome.Fail($"The version name '{c.VersionName}' is not Major.Minor.Patch of whole numbers between 0 and 2147483647.").With("versionName", c.VersionName);
        }
        // An existing version is read as it is named; a new one must not have leading zeros.
        if (!c.CheckingExistingVersion && Gallery.ImageVersionNumber.NewNameProblem(c.VersionName) is { } problem)
        {
            return Outcome.Fail($"The version name {problem}. 01.0.0 is the number 1.0.0 under another name.").With("versionName", c.VersionName);
        }

        return Outcome.Pass($"The version name '{c.VersionName}' is Major.Minor.Patch.").With("versionName", c.VersionName);
    }

    private static Outcome Unique(RuleContext c)
    {
        if (c.VersionName == null)
        {
            return Outcome.Skip(NoVersion);
        }

        if (c.CheckingExistingVersion)
        {
            return Outcome.Skip("the version exists already; uniqueness applies to a version about to be created");
        }

        if (c.Definition == null)
        {
            return Outcome.Skip("the definition's versions were not read");
        }

        var names = c.Input.ExistingVersions.Select(v => v.Name).ToList();
        // 1.0.0 and 01.0.0 are the same number: either blocks the other.
        var clash = names.FirstOrDefault(n => Gallery.ImageVersionNumber.SameNumber(n, c.VersionName));
        return (clash == null
                ? Outcome.Pass($"No version '{c.VersionName}' exists under the definition '{c.Definition.Name}'.")
                : Outcome.Fail($"The version '{c.VersionName}' already exists under the definition '{c.Definition.Name}'."))
            .With("versionName", c.VersionName).With("existingVersions", names);
    }

    private static Outcome HigherThanLatest(RuleContext c)
    {
        if (c.VersionName == null)
        {
            return Outcome.Skip(NoVersion);
        }

        if (c.CheckingExistingVersion)
        {
            return Outcome.Skip("the version exists already; the comparison applies to a version about to be created");
        }

        if (c.Definition == null)
        {
            return Outcome.Skip("the definition's versions were not read");
        }

        if (!TryParse(c.VersionName, out var version))
        {
            return Outcome.Skip("the version name is not Major.Minor.Patch (GI3001 reports it)");
        }
        // "latest" resolves to the highest version that is not excluded from latest.
        var candidates = c.Input.ExistingVersions
            .Where(v => !v.ExcludeFromLatest && !string.Equals(v.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase))
            .Select(v => TryParse(v.Name, out var parsed) ? parsed : ((int, int, int)?)null)
            .Where(v => v.HasValue)
            .Select(v => v!.Value)
            .ToList();
        if (candidates.Count == 0)
        {
            return Outcome.Pass($"'{c.VersionName}' will be the first version 'latest' can resolve to.").With("versionName", c.VersionName).With("latest", null);
        }
        var latest = candidates.Max();
        return (version.CompareTo(latest) > 0
                ? Outcome.Pass($"'{c.VersionName}' is higher than the current latest {Format(latest)}.")
                : Outcome.Fail($"'{c.VersionName}' is not higher than the current latest {Format(latest)}; 'latest' will keep resolving to {Format(latest)}."))
            .With("versionName", c.VersionName).With("latest", Format(latest));
    }

    private static Outcome EndOfLife(RuleContext c)
    {
        if (c.VersionName == null)
        {
            return Outcome.Skip(NoVersion);
        }

        var eol = c.Input.EndOfLifeDate ?? c.Input.Version?.EndOfLifeDate;
        if (eol == null)
        {
            return Outcome.Pass("The version has no end-of-life date.").With("endOfLifeDate", null).With("now", c.Input.Now);
        }

        var text = eol.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return (eol.Value > c.Input.Now
                ? Outcome.Pass($"The end-of-life date {text} is in the future.")
                : Outcome.Fail($"The end-of-life date {text} has passed; the version would be published already expired."))
            .With("endOfLifeDate", eol.Value).With("now", c.Input.Now);
    }

    private static Outcome ExcludeFromLatest(RuleContext c)
    {
        if (c.VersionName == null)
        {
            return Outcome.Skip(NoVersion);
        }

        var exclude = c.Input.ExcludeFromLatest ?? c.Input.Version?.ExcludeFromLatest ?? false;
        Outcome With(Outcome o) => o.With("excludeFromLatest", exclude).With("requireExcludeFromLatest", c.Input.RequireExcludeFromLatest);
        if (!c.Input.RequireExcludeFromLatest)
        {
            return With(Outcome.Pass("The release policy does not require new versions to start excluded from latest."));
        }
        return With(exclude
            ? Outcome.Pass("The version is excluded from latest, as the release policy requires.")
            : Outcome.Fail("The release policy requires new versions to start excluded from latest, but this version is not."));
    }
}
