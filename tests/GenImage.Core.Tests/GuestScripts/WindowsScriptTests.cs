using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Text.Json;
using GenImage.Core.Guest;
using Scripts = GenImage.Core.Guest.GuestScripts;

namespace GenImage.Core.Tests.GuestScripts;

/// <summary>
/// The Windows scripts parse, stay within Windows PowerShell 5.1 syntax, and their building blocks behave
/// as the result contract needs when run in a real PowerShell engine (with stand-ins for Windows-only cmdlets).
/// </summary>
public sealed class WindowsScriptTests
{
    public static TheoryData<GuestScriptKind> WindowsKinds() => new() { GuestScriptKind.PrepareWindows, GuestScriptKind.InspectWindows };

    private static ScriptBlockAst ParseScript(GuestScriptKind kind)
    {
        var script = Scripts.Get(kind);
        var ast = Parser.ParseInput(script.Text, out _, out var errors);
        Assert.True(errors.Length == 0, script.FileName + ": " + string.Join("; ", errors.Select(e => $"line {e.Extent.StartLineNumber}: {e.Message}")));
        return ast;
    }

    private static string FunctionText(GuestScriptKind kind, string name)
    {
        var function = ParseScript(kind)
            .FindAll(a => a is FunctionDefinitionAst f && f.Name == name, searchNestedScriptBlocks: true)
            .Cast<FunctionDefinitionAst>()
            .SingleOrDefault();
        Assert.True(function != null, $"{Scripts.Get(kind).FileName} defines no function {name}");
        return function!.Extent.Text;
    }

    private static string RunPowerShell(string script)
    {
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        var output = ps.Invoke();
        var errors = ps.Streams.Error.Select(e => e.ToString()).ToList();
        Assert.True(errors.Count == 0, string.Join("; ", errors));
        return string.Join("\n", output.Select(o => o?.ToString()));
    }

    [Theory]
    [MemberData(nameof(WindowsKinds))]
    public void Script_parses_without_errors(GuestScriptKind kind)
    {
        var ast = ParseScript(kind);

        Assert.NotNull(ast.EndBlock);
    }

    [Fact]
    public void The_parser_check_catches_a_broken_script()
    {
        // Guards the test above: the same parse reports errors for a script with a missing brace.
        Parser.ParseInput(Scripts.Get(GuestScriptKind.PrepareWindows).Text + "\nfunction Broken {", out _, out var errors);

        Assert.NotEmpty(errors);
    }

    [Theory]
    [MemberData(nameof(WindowsKinds))]
    public void Script_uses_no_syntax_newer_than_windows_powershell_5_1(GuestScriptKind kind)
    {
        var ast = ParseScript(kind);

        var newer = ast.FindAll(a =>
            a is TernaryExpressionAst
            || a is PipelineChainAst
            || (a is BinaryExpressionAst b && b.Operator == TokenKind.QuestionQuestion)
            || (a is AssignmentStatementAst s && s.Operator == TokenKind.QuestionQuestionEquals)
            || (a is MemberExpressionAst m && m.NullConditional)
            || (a is IndexExpressionAst i && i.NullConditional)
            || (a is CommandAst c && c.GetCommandName() is "ConvertFrom-Json" or "ConvertTo-Json" or "Join-String"),
            searchNestedScriptBlocks: true).ToList();

        Assert.True(newer.Count == 0, string.Join("; ", newer.Select(a => $"line {a.Extent.StartLineNumber}: {a.Extent.Text}")));
    }

    [Fact]
    public void Prepare_windows_takes_a_timeout_that_defaults_to_1200_seconds()
    {
        var parameter = Assert.Single(ParseScript(GuestScriptKind.PrepareWindows).ParamBlock!.Parameters);

        Assert.Equal("TimeoutSeconds", parameter.Name.VariablePath.UserPath);
        Assert.Equal("1200", parameter.DefaultValue!.Extent.Text);
    }

    [Fact]
    public void Prepare_windows_runs_sysprep_and_schedules_the_shutdown_as_documented()
    {
        var text = Scripts.Get(GuestScriptKind.PrepareWindows).Text;

        Assert.Contains("/oobe /generalize /quiet /quit /mode:vm", text, StringComparison.Ordinal);
        Assert.Contains("IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE", text, StringComparison.Ordinal);
        Assert.Contains("/s /t 20 /f /d p:4:7 /c \"GenImage: Sysprep generalize complete\"", text, StringComparison.Ordinal);
        Assert.Contains(@"Sysprep\Panther\setuperr.log", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ConvertTo-GenImageJson")]
    [InlineData("Get-AppxSysprepBlocker")]
    [InlineData("Test-OsVolumeBitLocker")]
    [InlineData("Get-PendingRebootReason")]
    [InlineData("Get-RegistryValue")]
    public void Both_windows_scripts_share_the_same_checks(string function)
    {
        // The scripts are sent one at a time, so shared code is duplicated; it must not drift apart.
        Assert.Equal(FunctionText(GuestScriptKind.PrepareWindows, function), FunctionText(GuestScriptKind.InspectWindows, function));
    }

    [Fact]
    public void Json_writer_produces_one_line_of_valid_json_for_awkward_values()
    {
        var json = RunPowerShell(FunctionText(GuestScriptKind.InspectWindows, "ConvertTo-GenImageJson") + @"
$value = [ordered]@{
    text    = ""quote `"" backslash \ tab `t newline `n cr `r bell $([char]7) unicode é€""
    none    = $null
    yes     = $true
    no      = $false
    count   = 42
    big     = [long]5000000000
    empty   = @()
    one     = [string[]]@('only')
    nested  = [ordered]@{ list = @('a', 'b'); state = 7 }
}
ConvertTo-GenImageJson $value
");

        Assert.DoesNotContain('\n', json);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("quote \" backslash \\ tab \t newline \n cr \r bell \u0007 unicode é€", root.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("none").ValueKind);
        Assert.True(root.GetProperty("yes").GetBoolean());
        Assert.False(root.GetProperty("no").GetBoolean());
        Assert.Equal(42, root.GetProperty("count").GetInt32());
        Assert.Equal(5000000000L, root.GetProperty("big").GetInt64());
        Assert.Equal(0, root.GetProperty("empty").GetArrayLength());
        Assert.Equal("only", root.GetProperty("one")[0].GetString());
        Assert.Equal("b", root.GetProperty("nested").GetProperty("list")[1].GetString());
        Assert.Equal(new[] { "text", "none", "yes", "no", "count", "big", "empty", "one", "nested" }, root.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void Inspect_facts_that_fail_are_null_with_a_warning_and_lists_stay_lists()
    {
        var json = RunPowerShell(
            FunctionText(GuestScriptKind.InspectWindows, "ConvertTo-GenImageJson") + "\n" +
            FunctionText(GuestScriptKind.InspectWindows, "Set-Fact") + @"
$warnings = [System.Collections.Generic.List[string]]::new()
$facts = [ordered]@{}
Set-Fact $facts 'none' { } -List
Set-Fact $facts 'one' { 'CBS' } -List
Set-Fact $facts 'two' { 'CBS'; 'WindowsUpdate' } -List
Set-Fact $facts 'flag' { $false }
Set-Fact $facts 'broken' { throw 'Access is denied' } -List
$facts.warnings = $warnings.ToArray()
ConvertTo-GenImageJson $facts
");

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(0, root.GetProperty("none").GetArrayLength());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("one").ValueKind);
        Assert.Equal("CBS", root.GetProperty("one")[0].GetString());
        Assert.Equal(2, root.GetProperty("two").GetArrayLength());
        Assert.Equal(JsonValueKind.False, root.GetProperty("flag").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("broken").ValueKind);
        Assert.Equal("broken: Access is denied", root.GetProperty("warnings")[0].GetString());
    }

    [Fact]
    public void Appx_blockers_are_user_installed_packages_whose_family_is_not_provisioned()
    {
        var output = RunPowerShell(FunctionText(GuestScriptKind.PrepareWindows, "Get-AppxSysprepBlocker") + @"
function Get-AppxProvisionedPackage {
    [pscustomobject]@{ DisplayName = 'Microsoft.WindowsCalculator'; PublisherId = '8wekyb3d8bbwe'; PackageName = 'Microsoft.WindowsCalculator_2021.2210.0.0_neutral_~_8wekyb3d8bbwe' }
}
function New-Package($FullName, $Family, $State = 'Installed', $Framework = $false, $Signature = 'Store', $NonRemovable = $false) {
    [pscustomobject]@{
        PackageFullName = $FullName; PackageFamilyName = $Family; IsFramework = $Framework; IsResourcePackage = $false; IsBundle = $false
        SignatureKind = $Signature; NonRemovable = $NonRemovable
        PackageUserInformation = @([pscustomobject]@{ UserSecurityId = 'S-1-5-21-1'; InstallState = $State })
    }
}
function Get-AppxPackage {
    New-Package 'Microsoft.WindowsCalculator_11.2401.0.0_x64__8wekyb3d8bbwe' 'Microsoft.WindowsCalculator_8wekyb3d8bbwe'
    New-Package 'Microsoft.WindowsTerminal_1.19.10821.0_x64__8wekyb3d8bbwe' 'Microsoft.WindowsTerminal_8wekyb3d8bbwe'
    New-Package 'Microsoft.VCLibs.140.00_14.0.33519.0_x64__8wekyb3d8bbwe' 'Microsoft.VCLibs.140.00_8wekyb3d8bbwe' -Framework $true
    New-Package 'Microsoft.Windows.ShellExperienceHost_10.0.22621.1_neutral_neutral_cw5n1h2txyewy' 'Microsoft.Windows.ShellExperienceHost_cw5n1h2txyewy' -Signature 'System'
    New-Package 'Microsoft.AAD.BrokerPlugin_1000.22621.1.0_neutral_neutral_cw5n1h2txyewy' 'Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy' -NonRemovable $true
    New-Package 'Contoso.Staged_1.0.0.0_x64__abc' 'Contoso.Staged_abc' -State 'Staged'
}
(@(Get-AppxSysprepBlocker) -join ',')
");

        Assert.Equal("Microsoft.WindowsTerminal_1.19.10821.0_x64__8wekyb3d8bbwe", output);
    }
}
