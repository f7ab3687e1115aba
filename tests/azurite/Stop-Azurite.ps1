<#
.SYNOPSIS
    Stops the Azurite that Start-Azurite.ps1 started (by its process id) and removes its connection file.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [int] $ProcessId,
    [string] $ConnectionPath
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$process = Get-Process -Id $ProcessId -ErrorAction SilentlyContinue
if ($null -ne $process) {
    $process.Kill($true)
    $process.WaitForExit()
}
if ($ConnectionPath -and (Test-Path -LiteralPath $ConnectionPath)) {
    Remove-Item -LiteralPath $ConnectionPath -Force
}
