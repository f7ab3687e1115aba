namespace GenImage.Emulator;

/// <summary>A world file could not be read. The message names the file, line and column and what is wrong.</summary>
public sealed class WorldFileException : Exception
{
    public WorldFileException(string? source, int line, int column, string problem, Exception? inner = null)
        : base(Format(source, line, column, problem), inner)
    {
        Source = source;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>File path, or <c>null</c> for inline YAML.</summary>
    public new string? Source { get; }

    /// <summary>1-based line (0 when unknown).</summary>
    public int Line { get; }

    /// <summary>1-based column (0 when unknown).</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private static string Format(string? source, int line, int column, string problem)
        => $"{source ?? "world"}({line},{column}): {problem}";
}
