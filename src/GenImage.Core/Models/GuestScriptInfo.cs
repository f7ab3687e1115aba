namespace GenImage;

/// <summary>A guest script as Get-GuestScript shows it.</summary>
public sealed class GuestScriptInfo
{
    /// <summary>prepare-windows, prepare-linux, inspect-windows or inspect-linux.</summary>
    public string Name { get; set; } = string.Empty;
    /// <summary>Windows or Linux.</summary>
    public string OsType { get; set; } = string.Empty;
    /// <summary>Prepare (changes the guest, then shuts it down) or Inspect (reads only).</summary>
    public string Purpose { get; set; } = string.Empty;
    /// <summary>The version in the script's marker line.</summary>
    public int Version { get; set; }
    public string FileName { get; set; } = string.Empty;
    /// <summary>The Run Command id: RunPowerShellScript or RunShellScript.</summary>
    public string CommandId { get; set; } = string.Empty;
    public int LineCount { get; set; }
    /// <summary>The script text, exactly as GenImage sends it.</summary>
    public string Text { get; set; } = string.Empty;
    public override string ToString() => Name;
}
