<#
.SYNOPSIS
    GenImage quickstart: connect to the ARM emulator, look at the source VMs, generalize both.

.DESCRIPTION
    The same script runs in pwsh against the standalone emulator and in the demo host
    (dotnet run --project src/GenImage.Demo), which starts the emulator in-process. It uses only
    PowerShell's core cmdlets, so it runs in any host.

    1. Connect-GenImage -Emulator reads the emulator's connection file (the path in
       $env:GENIMAGE_EMULATOR_CONNECTION, else ~/.genimage/emulator.json): its endpoint and the
       SHA-256 thumbprint of the certificate to trust. Nothing else is trusted.
    2. The context shows where the session is connected: subscription, tenant, endpoint.
    3. Get-SourceVm lists the VMs in the resource group with what decides how they can be imaged:
       OS type, Hyper-V generation, security type, power state, agent status.
    4. Invoke-GeneralizeVm -Prepare first prepares the guest through Run Command (Sysprep on Windows,
       waagent deprovision on Linux), waits for it to stop, deallocates it and marks it generalized.
       Generalizing cannot be undone, so the cmdlet asks for confirmation; -Force says yes up front.
    5. The results are shown and checked: both VMs must end with OsStateAfter 'generalized'.

.PARAMETER ResourceGroupName
    The resource group of the source VMs.

.PARAMETER Name
    The VMs to generalize.

.EXAMPLE
    # Terminal 1: the emulator, with the healthy world
    dotnet run --project src/GenImage.Emulator -- --world examples/worlds/healthy.yaml

    # Terminal 2
    pwsh -NoProfile -File examples/quickstart.ps1

.EXAMPLE
    # Both in one process: the demo host starts the emulator and runs this script
    dotnet run --project src/GenImage.Demo
#>
[CmdletBinding()]
param(
    [string] $ResourceGroupName = 'rg-images',

    [string[]] $Name = @('vm-win2022-src', 'vm-ubuntu2204-src')
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# The demo host has imported the module already; in pwsh, take it from the build output.
if (-not (Get-Module -Name GenImage)) {
    Import-Module -Name "$PSScriptRoot/../out/GenImage/GenImage.psd1"
}

# 1. Connect to the emulator named by the connection file.
$context = Connect-GenImage -Emulator
try {
    # 2. Where this session is connected.
    $context | Out-Default

    # 3. The source VMs.
    Get-SourceVm -ResourceGroupName $ResourceGroupName | Out-Default

    # 4. Prepare and generalize each VM. -Force answers the confirmation prompt.
    $results = @(
        foreach ($vmName in $Name) {
            Invoke-GeneralizeVm -ResourceGroupName $ResourceGroupName -Name $vmName -Prepare -Force
        }
    )

    # 5. Show the results and check them.
    $results | Out-Default

    $notGeneralized = @($results | Where-Object { $_.OsStateAfter -ne 'generalized' })
    if ($results.Count -ne $Name.Count -or $notGeneralized.Count -gt 0) {
        $states = ($results | ForEach-Object { "$($_.Name)=$($_.OsStateAfter)" }) -join ', '
        throw "Expected $($Name.Count) generalized VMs but got: $states"
    }
    $generalizedNames = ($results | ForEach-Object { $_.Name }) -join ', '
    "Quickstart complete: $generalizedNames generalized."
}
finally {
    Disconnect-GenImage
}
