<#
.SYNOPSIS
    Runs the Pester tests in tests/Pester against a built or packaged GenImage, and exits 0 when they all passed.
.DESCRIPTION
    build.ps1 -Task Test runs this once in pwsh 7.6 (dotnet pwsh) and once in PowerShell 7.4 on .NET 8
    (tests/GenImage.PowerShell74), each time in a process of its own, against the packaged module extracted into a
    folder on PSModulePath and imported by name, as Azure Automation does.

    Pester is the version tests/GenImage.TestTools restores into out/tools/Modules (dotnet build does that);
    no Pester installed on the machine is used.
.PARAMETER ModuleRoot
    A folder that holds the module folder GenImage/ (default: out/, which holds the build's out/GenImage).
.PARAMETER ResultPath
    Writes the counts as JSON here: engine, passed, failed, skipped, notRun, total, duration in seconds, and the
    names of the failed tests, blocks and files (failedNames).
.PARAMETER Path
    Test files or folders (default: tests/Pester).
.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Pester/Invoke-GenImagePester.ps1
.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Pester/Invoke-GenImagePester.ps1 -Path tests/Pester/Foundation.Tests.ps1 -Verbosity Normal
#>
[CmdletBinding()]
param(
    [string] $ModuleRoot,

    [string] $ResultPath,

    [string[]] $Path,

    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string] $Verbosity = 'Normal'
)

# No Set-StrictMode and no $ErrorActionPreference = 'Stop' here: the test files' blocks run in scopes below
# this script's, so both would leak into them and change what the tests see (a non-terminating error would
# stop a command, a missing property would throw) from what a user's session does.

$pesterVersion = '5.9.1'
$repoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).ProviderPath
$tools = Join-Path $repoRoot 'out/tools/Modules'
if (-not $ModuleRoot) {
    $ModuleRoot = Join-Path $repoRoot 'out'
}
if (-not $Path) {
    $Path = @($PSScriptRoot)
}

try {
    if (-not (Test-Path -LiteralPath (Join-Path $tools "Pester/$pesterVersion/Pester.psd1"))) {
        throw "Pester $pesterVersion is not in $tools. Build first: dotnet build GenImage.Cmdlets.sln (tests/GenImage.TestTools restores it)."
    }
    $ModuleRoot = (Resolve-Path -LiteralPath $ModuleRoot -ErrorAction Stop).ProviderPath
    if (-not (Test-Path -LiteralPath (Join-Path $ModuleRoot 'GenImage/GenImage.psd1'))) {
        throw "No GenImage/GenImage.psd1 under '$ModuleRoot'. Build first: dotnet build GenImage.Cmdlets.sln."
    }
    $separator = [System.IO.Path]::PathSeparator
    $env:PSModulePath = $ModuleRoot + $separator + $tools + $separator + $env:PSModulePath
    $env:GENIMAGE_TEST_MODULE_ROOT = $ModuleRoot

    Get-Module -Name Pester | Remove-Module -Force
    Import-Module -Name Pester -RequiredVersion $pesterVersion -ErrorAction Stop

    $configuration = New-PesterConfiguration
    $configuration.Run.Path = $Path
    $configuration.Run.PassThru = $true
    $configuration.Output.Verbosity = $Verbosity

    $engine = 'PowerShell {0} on .NET {1}' -f $PSVersionTable.PSVersion, [Environment]::Version
    Write-Host "Pester $pesterVersion in $engine, module from $ModuleRoot"
    $result = Invoke-Pester -Configuration $configuration
}
catch {
    [Console]::Error.WriteLine("Invoke-GenImagePester.ps1: $($_.Exception.Message)")
    exit 1
}

if ($ResultPath) {
    [ordered]@{
        engine   = $engine
        passed   = $result.PassedCount
        failed   = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
        skipped  = $result.SkippedCount
        notRun   = $result.NotRunCount
        total    = $result.TotalCount
        duration = [math]::Round($result.Duration.TotalSeconds, 1)
        # The names build.ps1 repeats at the end of its output, so that a failure is found without the whole log.
        failedNames = @(@($result.Failed | ForEach-Object { $_.ExpandedPath }) +
            @($result.FailedBlocks | ForEach-Object { "$($_.ExpandedPath) (block)" }) +
            @($result.FailedContainers | ForEach-Object { "$($_.Item) (file)" }))
    } | ConvertTo-Json | Set-Content -LiteralPath $ResultPath -Encoding utf8
}
if ($null -eq $result -or $result.Result -ne 'Passed' -or $result.PassedCount -eq 0) {
    exit 1
}
exit 0
