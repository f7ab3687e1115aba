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
}
