#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# User scenarios of the fleet view (inventory across galleries, leftovers and their removal, who consumes an image),
# against the standalone emulator serving examples/worlds/fleet.yaml. Run by tests/Pester/Invoke-GenImagePester.ps1
# (build.ps1 -Task Test); each Describe starts its own emulator.

BeforeAll {
    . (Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1')
    $ManifestPath = Import-GenImageTestModule
    $SubscriptionId = '00000000-0000-0000-0000-000000000001'
    $WebDefinitionId = "/subscriptions/$SubscriptionId/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_win/images/win2022-web"
}

AfterAll {
    Stop-GenImageTestEmulatorAll
    Remove-Module -Name GenImage -Force -ErrorAction SilentlyContinue
}

Describe 'The fleet cmdlets' {
    It 'are exported: <_>' -ForEach @('Get-ImageInventory', 'Remove-ImageLeftover') {
        $command = Get-Command -Module GenImage -Name $_ -ErrorAction SilentlyContinue

        $command | Should -Not -BeNullOrEmpty
        $command.CommandType | Should -Be 'Cmdlet'
    }
}

Describe 'An inventory of the fleet' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'fleet'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $definitions = @(Get-ImageInventory -ProgressAction SilentlyContinue)
        $versions = @(Get-ImageInventory -Version -ProgressAction SilentlyContinue)
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'spans every gallery of the subscription' {
        @($definitions | ForEach-Object { "$($_.GalleryName)/$($_.Name)" }) |
            Should -Be @('gal_linux/ubuntu-2204', 'gal_win/win2019-legacy', 'gal_win/win2022-web', 'gal_dr/win2022-web-dr')
    }

    It 'shows what latest resolves to and which definitions are stale' {
        $web = $definitions | Where-Object Name -EQ 'win2022-web'
        $web.LatestVersion | Should -Be '1.1.0'
        $web.NewestVersion | Should -Be '1.3.0'
        ($definitions | Where-Object Name -EQ 'win2019-legacy').Stale | Should -BeTrue
        ($definitions | Where-Object Name -EQ 'win2022-web-dr').LatestVersion | Should -BeNullOrEmpty
    }

    It 'flags end of life past and near, and the recorded validation' {
        $web = @($versions | Where-Object DefinitionName -EQ 'win2022-web')
        ($web | Where-Object Name -EQ '1.0.0').EndOfLife | Should -Be 'Past'
        ($web | Where-Object Name -EQ '1.1.0').EndOfLife | Should -Be 'Near'
        ($web | Where-Object Name -EQ '1.1.0').Validated | Should -BeTrue
        ($versions | Where-Object { $_.DefinitionName -eq 'ubuntu-2204' -and $_.Name -eq '2.0.0' }).Validated | Should -BeFalse
    }

    It 'names the regions where replication failed' {
        $failed = @($versions | Where-Object ReplicationState -EQ 'Failed' | ForEach-Object { "$($_.DefinitionName)/$($_.Name): $($_.FailedRegions -join ',')" })
        $failed | Should -Be @('win2022-web/1.2.0: eastus', 'win2022-web-dr/1.0.0: westus2')
    }

    It 'marks what image builds left behind and nothing in use' {
        $leftovers = @(Get-ImageInventory -Leftover -ProgressAction SilentlyContinue | ForEach-Object { "$($_.Kind) $($_.Name)" })

        $leftovers | Should -Be @(
            'ValidationVm giv-1a2b3c4d'
            'ValidationDisk giv-9e8d7c6b-osdisk'
            'ValidationNic giv-9e8d7c6b-nic'
            'SourceDisk vm-win2019-old_OsDisk_1_3f2a9c0d'
            'KeptSourceVm vm-ubuntu-kept'
            'FailedVersion gal_win/win2022-web/1.2.0'
            'FailedVersion gal_dr/win2022-web-dr/1.0.0'
            'UnreferencedImage img-win2019-legacy'
        )
    }

    It 'rolls up into one summary without prices' {
        $summary = Get-ImageInventory -Summary -ProgressAction SilentlyContinue

        $summary.Versions | Should -Be 8
        $summary.FailedVersions | Should -Be 2
        $summary.Leftovers | Should -Be 8
        $summary.ReplicaStorageGB['Standard_ZRS'] | Should -Be 127
        ($summary | Out-String) | Should -BeLike '*No prices are shown*'
    }

    It 'refuses a gallery without its resource group' {
        { Get-ImageInventory -GalleryName gal_win -ErrorAction Stop } | Should -Throw -ErrorId 'GenImage.InvalidInventoryScope,*'
    }
}

Describe 'Removing leftovers' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'fleet'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $ProgressPreference = 'SilentlyContinue'
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'removes nothing with -WhatIf, even with -Force' {
        $null = Get-ImageInventory -Leftover | Remove-ImageLeftover -WhatIf -Force

        @(Get-ImageInventory -Leftover).Count | Should -Be 8
    }

    It 'binds nothing that the inventory did not make' {
        $forged = [pscustomobject]@{ Kind = 'ValidationDisk'; Id = "/subscriptions/$SubscriptionId/resourceGroups/rg-images/providers/Microsoft.Compute/disks/data-archive-01" }

        { $forged | Remove-ImageLeftover -Force -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'InputObjectNotBound,*'
    }

    It 'removes the validation leftovers a runbook cleans up, and reports each' {
        $results = @(Get-ImageInventory -Leftover | Where-Object Kind -Like 'Validation*' | Remove-ImageLeftover -Force -Confirm:$false)

        @($results | ForEach-Object { "$($_.Kind) $($_.Status)" }) | Should -Be @('ValidationVm Removed', 'ValidationDisk Removed', 'ValidationNic Removed')
        @(Get-ImageInventory -Leftover | ForEach-Object Kind) | Should -Not -Contain 'ValidationVm'
        @(Get-ImageInventory -Leftover).Count | Should -Be 5
    }

    It 'removes the rest, and leaves what nothing marked' {
        $results = @(Get-ImageInventory -Leftover | Remove-ImageLeftover -Force -Confirm:$false)

        @($results | Where-Object Status -NE 'Removed').Count | Should -Be 0
        @(Get-ImageInventory -Leftover).Count | Should -Be 0
        (Get-ImageInventory -Version | Where-Object { $_.DefinitionName -eq 'win2022-web' }).Name | Should -Be @('1.0.0', '1.1.0', '1.3.0')
    }
}
