<#
.SYNOPSIS
    Runs the Pester tests in tests/Pester and exits 0 when they all passed, 1 otherwise.
.DESCRIPTION
    build.ps1 runs this in a pwsh process of its own, so the module assemblies the tests import are
    released when it ends and the next build can overwrite them. Requires Pester 5 or later.
#>
[CmdletBinding()]
param(
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string] $Verbosity = 'Detailed'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

Remove-Module -Name Pester -Force -ErrorAction SilentlyContinue
Import-Module -Name Pester -MinimumVersion 5.0

$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = $Verbosity

$result = Invoke-Pester -Configuration $configuration
if ($result.Result -ne 'Passed' -or $result.PassedCount -eq 0) {
    exit 1
}
exit 0
