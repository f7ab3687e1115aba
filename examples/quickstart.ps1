<#
.SYNOPSIS
    GenImage quickstart: connect to the ARM emulator, look at the source VMs, generalize both, publish the Windows one.

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
    3a. Test-ImageReadiness checks each VM before anything is written: the readiness rules (docs/rules)
       look at the VM, its instance view and, through the read-only inspection script, its guest.
       -WillGeneralize says that this run prepares and generalizes the VM, so a running VM and the
       leftovers preparation removes are expected. A failed Error rule stops the script (-FailOnError).
    4. Invoke-GeneralizeVm -Prepare first prepares the guest through Run Command (Sysprep on Windows,
       waagent deprovision on Linux), waits for it to stop, deallocates it and marks it generalized.
       Generalizing cannot be undone, so the cmdlet asks for confirmation; -Force says yes up front.
    5. The results are shown and checked: both VMs must end with OsStateAfter 'generalized'.
    6. The generalized Windows VM is published to an Azure Compute Gallery image version replicated in
       every region of -TargetRegion. The image definition (Windows, Gen2, Trusted Launch, like the VM)
       is created first when it is missing, with the gallery (-CreateGallery). New-GalleryImageVersion runs
       its pre-flight before writing anything, then follows replication region by region; the version and
       its regions are shown through the module's views and checked: every region must be Completed.
    7. Test-ImageDeployment boots a validation VM from the new version (in its own region), waits for
       provisioning and the guest agent, keeps the tail of the serial log, and deletes the VM and its
       disk again. The result must be Succeeded.

.PARAMETER ResourceGroupName
    The resource group of the source VMs.

.PARAMETER Name
    The VMs to generalize.

.PARAMETER GalleryName
    The gallery to publish to (created when missing).

.PARAMETER DefinitionName
    The image definition the Windows VM is published to (created when missing).

.PARAMETER TargetRegion
    The regions the image version is replicated to (az CLI form: westeurope, eastus=2, eastus=2=Standard_ZRS).

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

    [string[]] $Name = @('vm-win2022-src', 'vm-ubuntu2204-src'),

    [string] $GalleryName = 'gal_images',

    [string] $DefinitionName = 'win2022-datacenter-g2',

    [string[]] $TargetRegion = @('westeurope', 'northeurope')
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

    # 3a. Check each VM before generalizing; stop when an Error rule fails.
    foreach ($vmName in $Name) {
        Test-ImageReadiness -ResourceGroupName $ResourceGroupName -VmName $vmName -WillGeneralize -Summary -FailOnError | Out-Default
    }

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

    # 6. Publish the generalized Windows VM to a gallery image version in every target region.
    $windows = @($results | Where-Object { $_.OsType -eq 'Windows' })
    if ($windows.Count -gt 0) {
        $definition = Get-GalleryImageDefinition -ResourceGroupName $ResourceGroupName -GalleryName $GalleryName -Name $DefinitionName -ErrorAction SilentlyContinue
        if (-not $definition) {
            $definition = New-GalleryImageDefinition -ResourceGroupName $ResourceGroupName -GalleryName $GalleryName -Name $DefinitionName `
                -Publisher genimage -Offer quickstart -Sku win2022-tl -OsType Windows -HyperVGeneration V2 -SecurityType TrustedLaunch `
                -Description 'Windows Server 2022 Datacenter, Gen2, Trusted Launch (GenImage quickstart)' -CreateGallery
        }
        $definition | Out-Default

        $version = $windows[0] | New-GalleryImageVersion -GalleryName $GalleryName -DefinitionName $DefinitionName -TargetRegion $TargetRegion
        $version | Out-Default
        $version.Regions | Out-Default

        $notReplicated = @($version.Regions | Where-Object { $_.State -ne 'Completed' })
        if ($version.ProvisioningState -ne 'Succeeded' -or $version.Regions.Count -lt $TargetRegion.Count -or $notReplicated.Count -gt 0) {
            throw "Expected image version $($version.Name) replicated in $($TargetRegion -join ', ') but got: $(($version.Regions | ForEach-Object { "$($_.Region)=$($_.State)" }) -join ', ')"
        }
        "Published $($windows[0].Name) as $GalleryName/$DefinitionName $($version.Name), replicated in $(($version.Regions | ForEach-Object { $_.Region }) -join ', ')."

        # 7. Boot a validation VM from the new version; it is deleted again whatever happens.
        $validation = $version | Test-ImageDeployment
        $validation | Out-Default
        if (-not $validation.Succeeded -or @($validation.ResourcesLeftBehind).Count -gt 0) {
            throw "Validation of $($version.Name) in $($validation.Region): $($validation.Outcome) $($validation.ErrorCode) $($validation.Explanation)"
        }
        "Validated $($version.Name) in $($validation.Region): provisioned in $([math]::Round($validation.TimeToProvisioned.TotalSeconds, 1)) s, agent ready in $([math]::Round($validation.TimeToAgentReady.TotalSeconds, 1)) s; the validation VM was deleted."
    }
    "Quickstart complete: $generalizedNames generalized."
}
finally {
    Disconnect-GenImage
}
