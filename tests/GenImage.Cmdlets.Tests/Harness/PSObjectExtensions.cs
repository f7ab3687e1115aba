namespace GenImage.Cmdlets.Tests.Harness;

/// <summary>Reading module objects through PowerShell's own view of them (the tests never load the module's types).</summary>
public static class PSObjectExtensions
{
    /// <summary>The value of a property (adapted or extended), converted as PowerShell would; fails when there is no such property.</summary>
    public static T Get<T>(this PSObject obj, string property)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var info = obj.Properties[property]
            ?? throw new KeyNotFoundException($"The object of type '{obj.TypeNames.FirstOrDefault()}' has no property '{property}'. It has: {string.Join(", ", obj.Properties.Select(p => p.Name))}.");
        var value = info.Value;
        if (value is null)
        {
            return default!;
        }

        return LanguagePrimitives.ConvertTo<T>(value);
    }

    /// <summary>The raw value of a property; fails when there is no such property.</summary>
    public static object? Get(this PSObject obj, string property) => obj.Get<object?>(property);

    /// <summary>True when the object has the property.</summary>
    public static bool Has(this PSObject obj, string property)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Properties[property] is not null;
    }

    /// <summary>The object's most specific type name (for example <c>GenImage.GeneralizeResult</c>).</summary>
    public static string TypeName(this PSObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.TypeNames.FirstOrDefault() ?? obj.BaseObject.GetType().FullName!;
    }
}
