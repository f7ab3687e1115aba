using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace GenImage.Core.Recipes;

/// <summary>The steps of a recipe run, in checklist order: every <see cref="RecipeStep"/> of this assembly.</summary>
public static class RecipeSteps
{
    public const string Readiness = "Readiness";
    public const string Generalize = "Generalize";
    public const string Definition = "Definition";
    public const string Publish = "Publish";
    public const string Validate = "Validate";
    public const string Promote = "Promote";
    public const string Evidence = "Evidence";
    public const string Cleanup = "Cleanup";

    private static readonly Lazy<IReadOnlyList<RecipeStep>> Discovered = new Lazy<IReadOnlyList<RecipeStep>>(() =>
        typeof(RecipeStep).GetTypeInfo().Assembly.GetTypes()
            .Where(t => typeof(RecipeStep).IsAssignableFrom(t) && !t.GetTypeInfo().IsAbstract && t.GetConstructor(Type.EmptyTypes) != null)
            .Select(t => (RecipeStep)Activator.CreateInstance(t)!)
            .OrderBy(s => s.Order)
            .ToList());

    /// <summary>Every step, in the order they run.</summary>
    public static IReadOnlyList<RecipeStep> All => Discovered.Value;

    /// <summary>The step names, in order.</summary>
    public static IReadOnlyList<string> Names => All.Select(s => s.Name).ToList();

    public static RecipeStep Get(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentOutOfRangeException(nameof(name), name, "No such recipe step.");
}
