<#
.SYNOPSIS
    GenImage recipe quickstart: the main job in one command — a YAML recipe run end to end against the example world,
    then its evidence report.

.DESCRIPTION
    1. Connect-GenImage -Emulator (unless the session is connected already).
    2. Test-ImageRecipe checks the recipe file (keys, types, secrets; each problem with its GI9xxx id, line and
       column) and, connected, runs the readiness rules against the live VM and gallery.
    3. Invoke-ImageRecipe walks the checklist: readiness, Sysprep + generalize, the image definition, publishing
       excluded from latest, a validation VM booted from the new version, promotion into latest, the evidence
       bundle, clean-up. -Force confirms the irreversible steps (generalize, publish, delete) up front. Every step is
       journaled; after a failure, the same command with -Resume continues where it stopped.
    4. The run and its steps are shown and checked: the run must have Succeeded, with the version promoted.
    5. The evidence bundle's SHA256SUMS is verified and the summary of its report.md is printed.

.PARAMETER RecipePath
    The recipe to run (default: examples/recipes/windows2022-gen2-tl.yaml).

.PARAMETER OutputPath
    Where the run folder (journal and evidence bundle) goes; default: the recipe's evidence.outputPath (out/evidence).

.EXAMPLE
    # The demo host starts the emulator in-process and runs this script
    dotnet run --project src/GenImage.Demo -- --script examples/recipe-quickstart.ps1

.EXAMPLE
    # Terminal 1: dotnet run --project src/GenImage.Emulator -- --world examples/worlds/healthy.yaml
    # Terminal 2:
    pwsh -NoProfile -File examples/recipe-quickstart.ps1
#>
[CmdletBinding()]
param(
    [string] $RecipePath = "$PSScriptRoot/recipes/windows2022-gen2-tl.yaml",

    [string] $OutputPath
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if (-not (Get-Module -Name GenImage)) {
    Import-Module -Name "$PSScriptRoot/../out/GenImage/GenImage.psd1"
}

# 1. Connect to the emulator named by the connection file, unless this session is connected already.
$connectedHere = $false
if (-not (Get-GenImageContext -ErrorAction SilentlyContinue)) {
    $null = Connect-GenImage -Emulator
    $connectedHere = $true
}
try {
    # 2. Check the recipe: the file, then the readiness rules against the live resources.
    $check = Test-ImageRecipe -Path $RecipePath
    $check | Out-Default
    if (-not $check.Passed) {
        throw "The recipe does not pass its checks: $($check.ProblemIds)"
    }

    # 3. Run it end to end. A new run is started even if an earlier demo left one unfinished.
    $invoke = @{ Path = $RecipePath; Force = $true; NewRun = $true }
    if ($OutputPath) { $invoke.OutputPath = $OutputPath }
    $run = Invoke-ImageRecipe @invoke

    # 4. The run and its steps.
    $run | Out-Default
    $run.Steps | Out-Default
    if ($run.Status -ne 'Succeeded' -or -not $run.Promoted) {
        throw "Expected the recipe to succeed with the version promoted, but the run ended $($run.Status): $($run.Message)"
    }

    # 5. The evidence bundle: check every file against SHA256SUMS, then print the report's summary.
    $bundle = $run.EvidencePath
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try {
        foreach ($line in [System.IO.File]::ReadAllLines([System.IO.Path]::Combine($bundle, 'SHA256SUMS'))) {
            $expected = $line.Substring(0, 64)
            $relative = $line.Substring(66)
            $bytes = [System.IO.File]::ReadAllBytes([System.IO.Path]::Combine($bundle, $relative))
            $actual = [System.BitConverter]::ToString($sha.ComputeHash($bytes)).Replace('-', '').ToLowerInvariant()
            if ($actual -ne $expected) {
                throw "The evidence file $relative does not match SHA256SUMS."
            }
        }
    }
    finally {
        $sha.Dispose()
    }
    $report = [System.IO.File]::ReadAllLines([System.IO.Path]::Combine($bundle, 'report.md'))
    $end = [Array]::IndexOf($report, '## Gaps')
    if ($end -lt 0) { $end = $report.Count }
    $report[0..($end - 1)]
    "Evidence bundle (SHA256SUMS verified): $bundle"
    "Recipe quickstart complete: $($run.RecipeName) $($run.VersionName) published, validated and promoted; run $($run.RunId)."
}
finally {
    if ($connectedHere) { Disconnect-GenImage }
}
