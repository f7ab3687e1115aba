using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace GenImage.Core.Evidence;

/// <summary>
/// A SHA256SUMS manifest in the format <c>sha256sum -c</c> reads: one line per file,
/// <c>HEX  relative/path</c> (two spaces, forward slashes, LF line ends), sorted by path.
/// </summary>
public static class Sha256Sums
{
    public const string FileName = "SHA256SUMS";

    /// <summary>Hashes every file under <paramref name="folder"/> (except the manifest) and writes the manifest.</summary>
    public static string Write(string folder)
    {
        var lines = new StringBuilder();
        foreach (var (relative, full) in Files(folder))
        {
            lines.Append(HashFile(full)).Append("  ").Append(relative).Append('\n');
        }
        var path = Path.Combine(folder, FileName);
        File.WriteAllText(path, lines.ToString(), new UTF8Encoding(false));
        return path;
    }

    /// <summary>
    /// Checks a bundle against its manifest. Returns the problems (a changed, missing or unlisted file); empty
    /// when the bundle is intact.
    /// </summary>
    public static IReadOnlyList<string> Verify(string folder)
    {
        var problems = new List<string>();
        var manifest = Path.Combine(folder, FileName);
        if (!File.Exists(manifest))
        {
            problems.Add($"{FileName} is missing.");
            return problems;
        }
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(manifest))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var split = line.IndexOf("  ", StringComparison.Ordinal);
            if (split != 64)
            {
                problems.Add($"Malformed line: {line}");
                continue;
            }
            var expected = line.Substring(0, 64);
            var relative = line.Substring(66);
            listed.Add(relative);
            var full = Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar));
            if (!File.Exists(full))
            {
                problems.Add($"{relative}: missing");
            }
            else if (!string.Equals(HashFile(full), expected, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{relative}: FAILED (content changed)");
            }
        }
        foreach (var (relative, _) in Files(folder))
        {
            if (!listed.Contains(relative))
            {
                problems.Add($"{relative}: not listed in {FileName}");
            }
        }
        return problems;
    }

    public static string HashFile(string path)
    {
        using var sha = SHA256.Create();
        using var stream = File.OpenRead(path);
        return Hex(sha.ComputeHash(stream));
    }

    internal static string Hex(byte[] hash)
    {
        var sb = new StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static List<(string Relative, string Full)> Files(string folder)
    {
        var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => (Relative: f.Substring(root.Length).Replace(Path.DirectorySeparatorChar, '/'), Full: f))
            .Where(f => !string.Equals(f.Relative, FileName, StringComparison.Ordinal))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();
    }
}
