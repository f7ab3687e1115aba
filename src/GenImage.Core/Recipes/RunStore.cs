using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using GenImage.Core.Errors;

namespace GenImage.Core.Recipes;

/// <summary>
/// Where a recipe's runs live: their journals (JSON lines, appended durably) and, from the lease, who runs one now.
/// The local folder (<see cref="LocalRunStore"/>), or a blob container (<see cref="BlobRunStore"/>: append blobs, a blob
/// lease, write-once evidence) so that Automation jobs on different workers resume each other's runs.
/// Every member throws <see cref="GenImageException"/> for a failure, naming the location.
/// </summary>
public interface IRunStore
{
    /// <summary>Where the runs of <paramref name="recipeName"/> live, for messages.</summary>
    string Location(string recipeName);

    /// <summary>The run ids of a recipe, newest first (run ids sort by their start time).</summary>
    IReadOnlyList<string> ListRuns(string recipeName);

    /// <summary>The names of the recipes with a folder in this store, in ordinal order.</summary>
    IReadOnlyList<string> ListRecipes();

    /// <summary>Creates an empty journal for a new run; fails when the run exists.</summary>
    void CreateRun(string recipeName, string runId);

    /// <summary>The journal's lines; a line a crash cut short is returned as it is (the reader skips it).</summary>
    IReadOnlyList<string> ReadLines(string recipeName, string runId);

    /// <summary>Appends one line, durably (flushed to the medium) before it returns.</summary>
    void AppendLine(string recipeName, string runId, string line);

    /// <summary>Where the journal is, for messages and RecipeRun.JournalPath.</summary>
    string JournalLocation(string recipeName, string runId);

    /// <summary>A local folder the run may write its evidence bundle to.</summary>
    string RunFolder(string recipeName, string runId);

    /// <summary>The lease of the recipe's runs as it is stored now; null when there is none.</summary>
    string? ReadLease(string recipeName);

    /// <summary>Stores <paramref name="content"/> as the lease when there is none; false when there is one (atomic).</summary>
    bool TryCreateLease(string recipeName, string content);

    /// <summary>Replaces the lease when it still is <paramref name="expected"/> (atomic as far as the medium allows); false otherwise.</summary>
    bool TryReplaceLease(string recipeName, string expected, string content);

    /// <summary>Removes the lease when it still is <paramref name="expected"/>.</summary>
    void DeleteLease(string recipeName, string expected);

    /// <summary>
    /// Whether the medium itself holds the lease now (a blob lease that has not expired); null when the medium does
    /// not know (a file: then the holder's process and heartbeat tell).
    /// </summary>
    bool? LeaseHeld(string recipeName);

    /// <summary>
    /// Keeps the evidence bundle written to <paramref name="localFolder"/> (a folder under <see cref="RunFolder"/>) where
    /// the store keeps the run. The folder store keeps it where it is; the blob store uploads it write-once.
    /// </summary>
    PublishedEvidence PublishEvidence(string recipeName, string runId, string localFolder);
}

/// <summary>Where a run's evidence bundle is kept, and whether one was there already (and was kept, not overwritten).</summary>
public sealed class PublishedEvidence
{
    public PublishedEvidence(string location, bool alreadyThere)
    {
        Location = location;
        AlreadyThere = alreadyThere;
    }

    public string Location { get; }
    public bool AlreadyThere { get; }
}

/// <summary>
/// The runs of a recipe in a folder: <c>OUTPUT/RECIPE-NAME/RUN-ID/journal.jsonl</c>, the evidence bundle beside it, and
/// the recipe's lease in <c>OUTPUT/RECIPE-NAME/lease.json</c>. Works on a local disk and on a shared folder.
/// </summary>
public sealed class LocalRunStore : IRunStore
{
    public const string JournalFileName = "journal.jsonl";
    public const string LeaseFileName = "lease.json";
    private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

    public LocalRunStore(string outputPath)
    {
        if (string.IsNullOrEmpty(outputPath))
        {
            throw new ArgumentException("The output folder is required.", nameof(outputPath));
        }

        OutputPath = Path.GetFullPath(outputPath);
    }

    /// <summary>spec.evidence.outputPath (or -OutputPath).</summary>
    public string OutputPath { get; }

    /// <summary>The store and the ids of the run whose journal is at <paramref name="journalPath"/> (OUTPUT/RECIPE/RUN-ID/journal.jsonl).</summary>
    public static (LocalRunStore Store, string RecipeName, string RunId) ForJournal(string journalPath)
    {
        var full = Path.GetFullPath(journalPath);
        var runFolder = Path.GetDirectoryName(full) ?? string.Empty;
        var recipeFolder = Path.GetDirectoryName(runFolder) ?? string.Empty;
        var output = Path.GetDirectoryName(recipeFolder) ?? recipeFolder;
        return (new LocalRunStore(output), Path.GetFileName(recipeFolder), Path.GetFileName(runFolder));
    }

    public string Location(string recipeName) => Path.Combine(OutputPath, recipeName);
    public string RunFolder(string recipeName, string runId) => Path.Combine(OutputPath, recipeName, runId);
    public string JournalLocation(string recipeName, string runId) => Path.Combine(RunFolder(recipeName, runId), JournalFileName);
    private string LeasePath(string recipeName) => Path.Combine(OutputPath, recipeName, LeaseFileName);

    public IReadOnlyList<string> ListRuns(string recipeName)
    {
        var folder = Location(recipeName);
        try
        {
            if (!Directory.Exists(folder))
            {
                return Array.Empty<string>();
            }

            return Directory.GetDirectories(folder)
                .Where(d => File.Exists(Path.Combine(d, JournalFileName)))
                .Select(Path.GetFileName)
                .Select(n => n!)
                .OrderByDescending(n => n, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception ex) when (IoErrors.IsIoFailure(ex))
        {
            throw IoErrors.Translate(ex, "list the runs", folder);
        }
    }

    public IReadOnlyList<string> ListRecipes()
    {
        try
        {
            if (!Directory.Exists(OutputPath))
            {
                return Array.Empty<string>();
            }

            return Directory.GetDirectories(OutputPath)
                .Select(Path.GetFileName)
                .Select(n => n!)
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception ex) when (IoErrors.IsIoFailure(ex))
        {
            throw IoErrors.Translate(ex, "list the recipes", OutputPath);
        }
    }

    public void CreateRun(string recipeName, string runId)
    {
        var folder = RunFolder(recipeName, runId);
        var path = JournalLocation(recipeName, runId);
        try
        {
            Directory.CreateDirectory(folder);
            using (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
            {
            }
        }
        catch (Exception ex) when (IoErrors.IsIoFailure(ex))
        {
            if (File.Exists(path) && !(ex is UnauthorizedAccessException))
            {
                throw new GenImageException(RecipeErrorIds.JournalUnreadable, GenImageErrorKind.ResourceExists,
                    $"A journal already exists at {path}; a run folder holds one run.", ex)
                { Target = path };
            }
            throw IoErrors.Translate(ex, "create the run folder", folder);
        }
    }

    public IReadOnlyList<string> ReadLines(string recipeName, string runId)
    {
        var path = JournalLocation(recipeName, runId);
        try
        {
            return File.ReadAllLines(path, Utf8);
        }
        catch (Exception ex) when (IoErrors.IsIoFailure(ex))
        {
            throw IoErrors.Translate(ex, "read the run journal", path);
        }
    }

    public void AppendLine(string recipeName, string runId, string line)
    {
        var path = JournalLocation(recipeName, runId);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            // A line a crash cut short stays on a line of its own (the reader skips it); this one starts fresh.
            var torn = false;
            if (stream.Length > 0)
            {
                stream.Seek(-1, SeekOrigin.End);
                torn = stream.ReadByte() != '\n';
            }
            stream.Seek(0, SeekOrigin.End);
            var bytes = Utf8.GetBytes((torn ? "\n" : string.Empty) + line + "\n");
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush(true);
        }
        catch (Exception ex) when (IoErrors.IsIoFailure(ex))
        {
            // Every whole line written before is kept, so -Resume continues from it.
            var error = IoErrors.Translate(ex, "append to the run journal", path);
            throw new GenImageException(error.ErrorId, error.Kind,
                error.Message + " The journal keeps every line written before; once the cause is fixed, -Resume continues the run.", ex)
            { Target = path };
        }
    }

    public string? ReadLease(string recipeName)
    {
        var path = LeasePath(recipeName);
        try
        {
            return File.Exists(path) ? File.ReadAllText(path, Utf8) : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (IoErrors.IsIoFailure(ex))
        {
            throw IoErrors.Translate(ex, "read the run lease", path);
        }
    }

    public bool TryCreateLease(string recipeName, string content)
    {
        var path = LeasePath(recipeName);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            var bytes = Utf8.GetBytes(content);
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush(true);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        catch (Exception ex) when (IoErrors.IsIoFailure(ex))
        {
            throw IoErrors.Translate(ex, "create the run lease", path);
        }
    }

    public bool TryReplaceLease(string recipeName, string expected, string content)
    {
        var path = LeasePath(recipeName);
        // Move the lease aside first: only one of several processes can move it, so only one replaces it.
        var aside = path + "." + Guid.NewGuid().ToString("N") + ".old";
        try
        {
            File.Move(path, aside);
        }
        catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException || ex is IOException)
        {
            return false;
        }
        try
        {
            var moved = File.ReadAllText(aside, Utf8);
            if (!string.Equals(moved, expected, StringComparison.Ordinal))
            {
                // Someone renewed or took the lease meanwhile: put theirs back.
                try { File.Move(aside, path); } catch (IOException) { }
                return false;
            }
            File.Delete(aside);
            return TryCreateLease(recipeName, content);
        }
        catch (Exception ex) when (IoErrors.IsIoFailure(ex))
        {
            throw IoErrors.Translate(ex, "take over the run lease", path);
        }
    }

    public bool? LeaseHeld(string recipeName) => null;

    public PublishedEvidence PublishEvidence(string recipeName, string runId, string localFolder) => new PublishedEvidence(localFolder, false);

    public void DeleteLease(string recipeName, string expected)
    {
        var path = LeasePath(recipeName);
        try
        {
            if (File.Exists(path) && string.Equals(File.ReadAllText(path, Utf8), expected, StringComparison.Ordinal))
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (IoErrors.IsIoFailure(ex))
        {
            throw IoErrors.Translate(ex, "release the run lease", path);
        }
    }
}
