using System;
using System.Collections.Generic;
using System.Globalization;
using GenImage.Core.Errors;

namespace GenImage.Core.Gallery;

/// <summary>Which part of the version -Increment raises.</summary>
public enum VersionIncrement : long
{
    Patch,
    Minor,
    Major,
}

/// <summary>
/// A gallery image version number: Major.Minor.Patch, each a non-negative 32-bit integer (what Azure accepts).
/// Compares numerically, so 1.10.0 is higher than 1.9.0.
/// </summary>
public readonly struct ImageVersionNumber : IComparable<ImageVersionNumber>, IEquatable<ImageVersionNumber>
{
    public ImageVersionNumber(int major, int minor, int patch)
    {
        if (major < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(major));
        }

        if (minor < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(minor));
        }

        if (patch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(patch));
        }

        Major = major;
        Minor = minor;
        Patch = patch;
    }

    public int Major { get; }
    public int Minor { get; }
    public int Patch { get; }

    /// <summary>The first version of a definition that has none.</summary>
    public static ImageVersionNumber First => new ImageVersionNumber(1, 0, 0);

    public static bool TryParse(string? text, out ImageVersionNumber version)
    {
        version = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var parts = text!.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        var numbers = new int[3];
        for (var i = 0; i < 3; i++)
        {
            var part = parts[i];
            if (part.Length == 0)
            {
                return false;
            }

            foreach (var c in part)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return false;
            }
        }
        version = new ImageVersionNumber(numbers[0], numbers[1], numbers[2]);
        return true;
    }

    /// <summary>
    /// Why <paramref name="text"/> cannot name a new version, or null when it can: Major.Minor.Patch of whole
    /// numbers from 0 to 2147483647, written without leading zeros (01.0.0 is the number 1.0.0 under another
    /// name: 1.0.0 could then be created beside it, and tools that compare names would disagree on latest).
    /// </summary>
    public static string? NewNameProblem(string? text)
    {
        if (!TryParse(text, out _))
        {
            return $"'{text}' is not Major.Minor.Patch of whole numbers from 0 to {int.MaxValue} (for example 1.0.0 or 2024.11.23)";
        }

        foreach (var part in text!.Split('.'))
        {
            if (part.Length > 1 && part[0] == '0')
            {
                return $"'{text}' has a leading zero in '{part}': write each part without leading zeros ({CanonicalName(text)})";
            }
        }
        return null;
    }

    /// <summary>The name of the same number without leading zeros (01.2.003 -> 1.2.3); the text itself when it is not a version.</summary>
    public static string CanonicalName(string text) => TryParse(text, out var v) ? v.ToString() : text;

    /// <summary>True when two names are the same version number (1.0.0 and 01.0.0), or the same text.</summary>
    public static bool SameNumber(string? a, string? b) =>
        string.Equals(a, b, StringComparison.OrdinalIgnoreCase) || (TryParse(a, out var x) && TryParse(b, out var y) && x == y);

    /// <summary>
    /// Parses the name of a version to create; a wrong one (not Major.Minor.Patch, or with leading zeros) gets
    /// an InvalidVersionName error that says what a valid one looks like. Existing names are read with <see cref="TryParse"/>.
    /// </summary>
    public static ImageVersionNumber Parse(string text)
    {
        var problem = NewNameProblem(text);
        if (problem == null && TryParse(text, out var version))
        {
            return version;
        }

        throw new GenImageException(GalleryErrorIds.InvalidVersionName, GenImageErrorKind.InvalidArgument,
            $"{problem} (GI3001). Use Major.Minor.Patch, each part a whole number from 0 to {int.MaxValue} without leading zeros (for example 1.0.0 or 2024.11.23).")
        { Target = text };
    }

    /// <summary>This version with one part raised by one and the parts after it set to 0.</summary>
    public ImageVersionNumber Increment(VersionIncrement part)
    {
        checked
        {
            return part switch
            {
                VersionIncrement.Major => new ImageVersionNumber(Major + 1, 0, 0),
                VersionIncrement.Minor => new ImageVersionNumber(Major, Minor + 1, 0),
                _ => new ImageVersionNumber(Major, Minor, Patch + 1),
            };
        }
    }

    /// <summary>
    /// The next version after the highest of <paramref name="existing"/> (names that are not versions are
    /// ignored); <see cref="First"/> when there is none.
    /// </summary>
    public static ImageVersionNumber Next(IEnumerable<string> existing, VersionIncrement part)
    {
        ImageVersionNumber? highest = null;
        foreach (var name in existing)
        {
            if (TryParse(name, out var v) && (highest == null || v.CompareTo(highest.Value) > 0))
            {
                highest = v;
            }
        }
        if (highest == null)
        {
            return First;
        }

        try
        {
            return highest.Value.Increment(part);
        }
        catch (OverflowException ex)
        {
            throw new GenImageException(GalleryErrorIds.InvalidVersionName, GenImageErrorKind.InvalidArgument,
                $"The {part} part of the highest version {highest} cannot be raised: it is already {int.MaxValue}. Give -Name explicitly.", ex);
        }
    }

    public int CompareTo(ImageVersionNumber other)
    {
        var c = Major.CompareTo(other.Major);
        if (c != 0)
        {
            return c;
        }

        c = Minor.CompareTo(other.Minor);
        return c != 0 ? c : Patch.CompareTo(other.Patch);
    }

    public bool Equals(ImageVersionNumber other) => CompareTo(other) == 0;
    public override bool Equals(object? obj) => obj is ImageVersionNumber other && Equals(other);
    public override int GetHashCode() => (Major * 397 ^ Minor) * 397 ^ Patch;
    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0}.{1}.{2}", Major, Minor, Patch);
    public static bool operator ==(ImageVersionNumber a, ImageVersionNumber b) => a.Equals(b);
    public static bool operator !=(ImageVersionNumber a, ImageVersionNumber b) => !a.Equals(b);
    public static bool operator <(ImageVersionNumber a, ImageVersionNumber b) => a.CompareTo(b) < 0;
    public static bool operator >(ImageVersionNumber a, ImageVersionNumber b) => a.CompareTo(b) > 0;
    public static bool operator <=(ImageVersionNumber a, ImageVersionNumber b) => a.CompareTo(b) <= 0;
    public static bool operator >=(ImageVersionNumber a, ImageVersionNumber b) => a.CompareTo(b) >= 0;
}
