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

# No Set-StrictMode and no $ErrorActionPreference = 'Stop' here: the test files' blocks run in scopes below
# this script's, so both would leak into them and change what the tests see (a non-terminating error would
# stop a command, a missing property would throw) from what a user's session does.

try {
    Remove-Module -Name Pester -Force -ErrorAction SilentlyContinue
    Import-Module -Name Pester -MinimumVersion 5.0 -ErrorAction Stop

    $configuration = New-PesterConfiguration
    $configuration.Run.Path = $PSScriptRoot
    $configuration.Run.PassThru = $true
    $configuration.Output.Verbosity = $Verbosity

    $result = Invoke-Pester -Configuration $configuration
}
catch {
    [Console]::Error.WriteLine("Invoke-GenImagePester.ps1: $($_.Exception.Message)")
    exit 1
}
if ($null -eq $result -or $result.Result -ne 'Passed' -or $result.PassedCount -eq 0) {
    exit 1
}
exit 0
