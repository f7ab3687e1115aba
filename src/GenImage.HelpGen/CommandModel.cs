using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace GenImage.HelpGen;

/// <summary>How a parameter takes part in one parameter set.</summary>
public sealed record ParameterSetUse(string SetName, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

/// <summary>What the cmdlet says about one of its parameters (never what the docs say).</summary>
public sealed class ParameterModel
{
    public required string Name { get; init; }

    /// <summary>The type as the syntax shows it (<c>String</c>, <c>String[]</c>, <c>SwitchParameter</c>).</summary>
    public required string TypeName { get; init; }

    public required string FullTypeName { get; init; }

    public bool IsSwitch { get; init; }

    public bool IsArray { get; init; }

    public IReadOnlyList<string> Aliases { get; init; } = Array.Empty<string>();

    public bool SupportsWildcards { get; init; }

    /// <summary>The default as the cmdlet object has it before binding, or <c>None</c>.</summary>
    public string DefaultValue { get; init; } = "None";

    /// <summary>The values of a ValidateSet or an enum type.</summary>
    public IReadOnlyList<string> ValidValues { get; init; } = Array.Empty<string>();

    public IReadOnlyList<ParameterSetUse> Sets { get; init; } = Array.Empty<ParameterSetUse>();

    /// <summary>True when the parameter is in every parameter set of the cmdlet.</summary>
    public bool InAllSets { get; init; }

    public bool AnyMandatory => Sets.Any(s => s.Mandatory);

    public bool ByValue => Sets.Any(s => s.ByValue);

    public bool ByPropertyName => Sets.Any(s => s.ByPropertyName);

    /// <summary>The MAML/platyPS form: <c>True (ByPropertyName, ByValue)</c> or <c>False</c>.</summary>
    public string PipelineInput
    {
        get
        {
            var ways = new List<string>();
            if (ByPropertyName)
            {
                ways.Add("ByPropertyName");
            }

            if (ByValue)
            {
                ways.Add("ByValue");
            }

            return ways.Count == 0 ? "False" : $"True ({string.Join(", ", ways)})";
        }
    }

    /// <summary>The position when it is the same in every set (<c>0</c>, <c>1</c>, …), else <c>Named</c>.</summary>
    public string Position
    {
        get
        {
            var positions = Sets.Select(s => s.Position).Distinct().ToList();
            return positions.Count == 1 && positions[0] is int p ? p.ToString(CultureInfo.InvariantCulture) : "Named";
        }
    }
}

/// <summary>One parameter set: its name and its syntax line as PowerShell prints it.</summary>
public sealed record ParameterSetModel(string Name, bool IsDefault, string Syntax, IReadOnlyList<string> ParameterNames);

/// <summary>A cmdlet as the loaded module defines it: parameter sets, parameters, outputs.</summary>
public sealed class CommandModel
{
    public required string Name { get; init; }

    public required string Verb { get; init; }

    public required string Noun { get; init; }

    public required IReadOnlyList<ParameterSetModel> Sets { get; init; }

    /// <summary>Every parameter but the common ones (-Verbose, -ErrorAction, …), in declaration order.</summary>
    public required IReadOnlyList<ParameterModel> Parameters { get; init; }

    public IReadOnlyList<string> OutputTypes { get; init; } = Array.Empty<string>();

    public ParameterModel? Parameter(string name) =>
        Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The common parameters PowerShell adds to every cmdlet and documents in about_CommonParameters.</summary>
    /// <remarks>-WhatIf and -Confirm are not among them: each cmdlet says what they mean for it.</remarks>
    public static readonly IReadOnlySet<string> CommonParameters = new HashSet<string>(
        PSCmdlet.CommonParameters.Concat(new[] { "UseTransaction" }),
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Imports a module manifest into a runspace of its own and reads its exported cmdlets.</summary>
    public static IReadOnlyList<CommandModel> LoadModule(string manifestPath)
    {
        var iss = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows())
        {
            iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        using var ps = PowerShell.Create(iss);
        ps.AddCommand("Import-Module")
          .AddParameter("Name", Path.GetFullPath(manifestPath))
          .AddParameter("PassThru", true)
          .AddParameter("Force", true)
          .AddParameter("ErrorAction", ActionPreference.Stop);
        var module = ps.Invoke<PSModuleInfo>().FirstOrDefault()
            ?? throw new InvalidOperationException($"Import-Module '{manifestPath}' returned no module.");
        return module.ExportedCmdlets.Values
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .Select(From)
            .ToList();
    }

    /// <summary>Reads one cmdlet.</summary>
    public static CommandModel From(CmdletInfo cmdlet)
    {
        var sets = cmdlet.ParameterSets
            .Select(s => new ParameterSetModel(
                s.Name,
                s.IsDefault,
                (cmdlet.Name + " " + s.ToString()).Trim(),
                s.Parameters.Where(p => !CommonParameters.Contains(p.Name)).Select(p => p.Name).ToList()))
            .ToList();
        var instance = TryCreate(cmdlet.ImplementingType);

        var byName = new Dictionary<string, List<(CommandParameterSetInfo Set, CommandParameterInfo Parameter)>>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        foreach (var set in cmdlet.ParameterSets)
        {
            foreach (var p in set.Parameters)
            {
                if (CommonParameters.Contains(p.Name))
                {
                    continue;
                }

                if (!byName.TryGetValue(p.Name, out var uses))
                {
                    byName[p.Name] = uses = new();
                    order.Add(p.Name);
                }
                uses.Add((set, p));
            }
        }

        // Declaration order of the implementing type, so that pages and help list parameters as the code does.
        // (base classes first: shared parameters such as -ResourceGroupName come before a cmdlet's own).
        var chain = new List<Type>();
        for (var t = cmdlet.ImplementingType; t is not null && t != typeof(PSCmdlet); t = t.BaseType)
        {
            chain.Insert(0, t);
        }

        var declared = chain
            .SelectMany(t => t.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly))
            .Select(p => p.Name)
            .ToList();
        order = order.OrderBy(n => declared.IndexOf(n) is int i && i >= 0 ? i : int.MaxValue).ThenBy(n => order.IndexOf(n)).ToList();

        var parameters = new List<ParameterModel>();
        foreach (var name in order)
        {
            var uses = byName[name];
            var info = uses[0].Parameter;
            var type = info.ParameterType;
            var element = type.IsArray ? type.GetElementType()! : type;
            element = Nullable.GetUnderlyingType(element) ?? element;
            var validValues = info.Attributes.OfType<ValidateSetAttribute>().SelectMany(a => a.ValidValues).ToList();
            if (validValues.Count == 0 && element.IsEnum)
            {
                validValues = Enum.GetNames(element).ToList();
            }

            parameters.Add(new ParameterModel
            {
                Name = info.Name,
                TypeName = TypeDisplayName(type),
                FullTypeName = type.FullName ?? type.Name,
                IsSwitch = type == typeof(SwitchParameter),
                IsArray = type.IsArray,
                Aliases = info.Aliases.ToList(),
                SupportsWildcards = info.Attributes.OfType<SupportsWildcardsAttribute>().Any(),
                DefaultValue = DefaultOf(instance, info.Name),
                ValidValues = validValues,
                Sets = uses.Select(u => new ParameterSetUse(
                    u.Set.Name,
                    u.Parameter.IsMandatory,
                    u.Parameter.Position == int.MinValue ? null : u.Parameter.Position,
                    u.Parameter.ValueFromPipeline,
                    u.Parameter.ValueFromPipelineByPropertyName)).ToList(),
                InAllSets = uses.Count == cmdlet.ParameterSets.Count,
            });
        }

        return new CommandModel
        {
            Name = cmdlet.Name,
            Verb = cmdlet.Verb,
            Noun = cmdlet.Noun,
            Sets = sets,
            Parameters = parameters,
            OutputTypes = cmdlet.OutputType.Select(t => t.Name).Distinct().ToList(),
        };
    }

    /// <summary>The short name PowerShell help uses for a type: <c>String</c>, <c>String[]</c>, <c>Hashtable</c>.</summary>
    public static string TypeDisplayName(Type type)
    {
        if (type.IsArray)
        {
            return TypeDisplayName(type.GetElementType()!) + "[]";
        }

        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return TypeDisplayName(inner);
        }

        return type.Name;
    }

    private static object? TryCreate(Type type)
    {
        try
        {
            return Activator.CreateInstance(type);
        }
        catch (Exception ex) when (ex is MissingMethodException or System.Reflection.TargetInvocationException or MemberAccessException)
        {
            return null;
        }
    }

    private static string DefaultOf(object? instance, string property)
    {
        if (instance is null)
        {
            return "None";
        }

        var prop = instance.GetType().GetProperty(property);
        if (prop is null || prop.GetIndexParameters().Length > 0)
        {
            return "None";
        }

        object? value;
        try
        {
            value = prop.GetValue(instance);
        }
        catch (System.Reflection.TargetInvocationException)
        {
            return "None";
        }
        if (value is not null and not bool and not SwitchParameter && value.GetType().IsValueType && value.Equals(Activator.CreateInstance(value.GetType())))
        {
            return "None"; // 0, default(DateTime), …: the cmdlet treats it as "not given"
        }
        switch (value)
        {
            case null:
            case SwitchParameter { IsPresent: false }:
            case false:
                return value is null ? "None" : "False";
            case string s:
                return s.Length == 0 ? "None" : s;
            case IEnumerable items:
                var list = items.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)).ToList();
                return list.Count == 0 ? "None" : string.Join(", ", list);
            default:
                return Convert.ToString(value, CultureInfo.InvariantCulture) ?? "None";
        }
    }
}
