using System;
using System.Security.Cryptography;
using System.Text;

namespace GenImage.Core.Validation;

/// <summary>Generates the admin password of a validation VM in memory. The password is never logged or returned.</summary>
public static class ValidationCredentials
{
    public const string DefaultAdminUsername = "genimage";

    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Digits = "23456789";
    private const string Symbols = "!#%()*+,-./:;=?@[]^_{}~";

    /// <summary>
    /// A 24-character password with upper- and lower-case letters, digits and symbols (meets Azure's complexity
    /// rules for Windows and Linux), from a cryptographic random source.
    /// </summary>
    public static string NewPassword(int length = 24)
    {
        if (length < 12 || length > 123)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        var all = Upper + Lower + Digits + Symbols;
        var chars = new char[length];
        using var rng = RandomNumberGenerator.Create();
        chars[0] = Pick(rng, Upper);
        chars[1] = Pick(rng, Lower);
        chars[2] = Pick(rng, Digits);
        chars[3] = Pick(rng, Symbols);
        for (var i = 4; i < length; i++)
        {
            chars[i] = Pick(rng, all);
        }
        // Shuffle so the classes are not at fixed positions.
        for (var i = length - 1; i > 0; i--)
        {
            var j = Next(rng, i + 1);
            (chars[i], chars[j]) = (chars[j], chars[i]);
        }
        return new string(chars);
    }

    /// <summary>A short random id for resource names (8 lower-case hex characters).</summary>
    public static string ShortId()
    {
        var bytes = new byte[4];
        using var rng = RandomNumberGenerator.Create();
        rng.GetBytes(bytes);
        var sb = new StringBuilder(8);
        foreach (var b in bytes)
        {
            sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static char Pick(RandomNumberGenerator rng, string set) => set[Next(rng, set.Length)];

    private static int Next(RandomNumberGenerator rng, int max)
    {
        var bytes = new byte[4];
        // Rejection sampling keeps the distribution uniform.
        var limit = uint.MaxValue - (uint.MaxValue % (uint)max);
        uint value;
        do
        {
            rng.GetBytes(bytes);
            value = BitConverter.ToUInt32(bytes, 0);
        } while (value >= limit);
        return (int)(value % (uint)max);
    }
}
