using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Connection;

namespace GenImage.Cmdlets.Completion;

/// <summary>
/// Base of the module's argument completers: offers the names a subclass lists that start with what was typed
/// (or match it, when it has wildcards), quoted where PowerShell needs quotes. Never throws; a lookup the
/// completion cache gives up on offers nothing.
/// </summary>
public abstract class NameCompleter : IArgumentCompleter
{
    private static readonly char[] NeedsQuotes = { ' ', '\t', '\'', '"', '`', '$', '(', ')', '{', '}', '[', ']', '@', '#', ',', ';', '&', '|', '<', '>' };

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            if (!Accepts(typed))
            {
                return Array.Empty<CompletionResult>();
            }

            var pattern = new WildcardPattern(WildcardPattern.ContainsWildcardCharacters(typed) ? typed : typed + "*", WildcardOptions.IgnoreCase);
            return Names(new BoundValues(fakeBoundParameters))
                .Where(n => pattern.IsMatch(n.Name))
                .Select(n => new CompletionResult(Quote(n.Name), n.Name, CompletionResultType.ParameterValue, n.ToolTip ?? n.Name))
                .ToList();
        }
        catch (Exception)
        {
            // A completer must never break the prompt.
            return Array.Empty<CompletionResult>();
        }
    }

    /// <summary>The names to offer, with an optional tooltip.</summary>
    protected abstract IEnumerable<(string Name, string? ToolTip)> Names(BoundValues bound);

    /// <summary>False when what was typed cannot be completed by a name (for instance <c>westeurope=2</c>).</summary>
    protected virtual bool Accepts(string typed) => true;

    /// <summary>The session's connection, or null (then there is nothing to look up).</summary>
    protected static GenImageConnection? Connection => SessionConnections.Current();

    protected static IEnumerable<(string Name, string? ToolTip)> Plain(IEnumerable<string> names) => names.Select(n => (n, (string?)null));

    private static string Quote(string name) =>
        name.IndexOfAny(NeedsQuotes) >= 0 ? "'" + name.Replace("'", "''") + "'" : name;

    /// <summary>The values typed so far for the command's other parameters.</summary>
    protected sealed class BoundValues
    {
        private readonly IDictionary? _bound;

        public BoundValues(IDictionary? bound)
        {
            _bound = bound;
        }

        /// <summary>The first of <paramref name="names"/> that was given a plain, non-empty string.</summary>
        public string? Get(params string[] names)
        {
            if (_bound == null)
            {
                return null;
            }

            foreach (var name in names)
            {
                if (!_bound.Contains(name))
                {
                    continue;
                }

                var value = _bound[name] is PSObject ps ? ps.BaseObject : _bound[name];
                if (value is string s && s.Length > 0 && !WildcardPattern.ContainsWildcardCharacters(s))
                {
                    return s;
                }
            }
            return null;
        }
    }
}
