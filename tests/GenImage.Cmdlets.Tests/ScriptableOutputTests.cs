namespace GenImage.Cmdlets.Tests;

/// <summary>
/// Output that scripts can trust: enums are names in ConvertTo-Json without -EnumsAsStrings (the hosted engine has no
/// ConvertTo-Json: tests/Pester/Output.Tests.ps1 runs the real one in pwsh 7.6 and PowerShell 7.4), and -Debug shows each
/// HTTP exchange with its headers, credentials and SAS signatures redacted.
/// </summary>
public sealed class ScriptableOutputTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _emulator;

    public ScriptableOutputTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public void EveryEnumOfTheEngineIsBackedByLongSoConvertToJsonWritesItsName()
    {
        // PowerShell's ConvertTo-Json writes an enum backed by long or ulong as its name (7.4 and 7.6; only the opt-in
        // experimental feature PSSerializeJSONLongEnumAsNumber changes that) and any other enum as a number.
        using var session = _emulator.Connect();

        var r = session.Run("""
            @(Get-ImageReadinessRule)[0].GetType().Assembly.GetExportedTypes() |
                Where-Object IsEnum | ForEach-Object { '{0}={1}' -f $_.FullName, [Enum]::GetUnderlyingType($_).Name }
            """);

        Assert.True(r.Succeeded, r.Describe());
        var enums = r.BaseObjects.Select(o => o!.ToString()!).ToList();
        Assert.Contains("GenImage.FindingSeverity=Int64", enums);
        Assert.All(enums, e => Assert.EndsWith("=Int64", e, StringComparison.Ordinal));
    }

    [Fact]
    public void DebugShowsEachRequestAndResponseWithHeadersAndNoCredential()
    {
        using var session = _emulator.Connect();

        var r = session.Run("Get-SourceVm -ResourceGroupName rg-images -Name vm-win2022-src -Debug");

        Assert.True(r.Succeeded, r.Describe());
        // PowerShell 7 runs WriteVerbose at Inquire under -Debug alone: the cmdlet leaves Verbose out rather than ask per line.
        Assert.Empty(session.Prompts);
        Assert.Empty(r.Verbose);
        var debug = r.Debug.Select(d => d.Message).ToList();
        var request = Assert.Single(debug, d => d.StartsWith("HTTP request: GET https://127.0.0.1:", StringComparison.Ordinal) && d.Contains("/virtualMachines/vm-win2022-src?", StringComparison.Ordinal));
        var lines = request.Split('\n');
        Assert.Contains("  Authorization: REDACTED", lines);
        Assert.Contains(lines, l => l.StartsWith("  x-ms-correlation-request-id: ", StringComparison.Ordinal));
        var response = Assert.Single(debug, d => d.StartsWith("HTTP response: 200", StringComparison.Ordinal) && d.Contains("/virtualMachines/vm-win2022-src", StringComparison.Ordinal));
        Assert.Contains(response.Split('\n'), l => l.StartsWith("  x-ms-request-id: ", StringComparison.OrdinalIgnoreCase));
        var everything = string.Join("\n", debug);
        Assert.DoesNotContain("eyJ", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", everything, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void WithoutDebugNoHttpLinesAreWritten()
    {
        using var session = _emulator.Connect();

        var r = session.Run("Get-SourceVm -ResourceGroupName rg-images -Name vm-win2022-src");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Empty(r.Debug);
    }
}
