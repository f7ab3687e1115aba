using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace GenImage.Core.Readiness;

/// <summary>Which rules of the catalogue to evaluate. Empty lists mean "all".</summary>
public sealed class ReadinessSelection
{
    /// <summary>Rule ids to evaluate, with wildcards (<c>GI2*</c>, <c>GI500?</c>); empty means every rule.</summary>
    public IList<string> Include { get; } = new List<string>();

    /// <summary>Rule ids to leave out, with wildcards; applied after <see cref="Include"/>.</summary>
    public IList<string> Exclude { get; } = new List<string>();

    /// <summary>Categories to evaluate (Source, Definition, Version, Regions, Guest, Operations); empty means all.</summary>
    public ISet<string> Categories { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the rule is selected.</summary>
    public bool Selects(ReadinessRuleInfo rule)
    {
        if (rule == null)
        {
            throw new ArgumentNullException(nameof(rule));
        }

        if (Categories.Count > 0 && !Categories.Contains(rule.Category))
        {
            return false;
        }

        if (Include.Count > 0 && !MatchesAny(Include, rule.Id))
        {
            return false;
        }

        if (Exclude.Count > 0 && MatchesAny(Exclude, rule.Id))
        {
            return false;
        }

        return true;
    }

    private static bool MatchesAny(IEnumerable<string> patterns, string id)
    {
        foreach (var pattern in patterns)
        {
            if (string.IsNullOrWhiteSpace(pattern))
            {
                continue;
            }

            if (Wildcard(pattern.Trim()).IsMatch(id))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A PowerShell-style wildcard (<c>*</c>, <c>?</c>, <c>[a-c]</c>) as a case-insensitive regex.</summary>
    internal static Regex Wildcard(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end > i + 1)
                    {
                        sb.Append('[').Append(pattern.Substring(i + 1, end - i - 1).Replace("\\", "\\\\")).Append(']');
                        i = end;
                    }
                    else
                    {
                        sb.Append(Regex.Escape("["));
                    }
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}
