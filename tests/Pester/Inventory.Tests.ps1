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
    It 'are exported: <_>' -ForEach @('Get-ImageInventory', 'Remove-ImageLeftover', 'Get-ImageConsumer') {
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

    It 'flags the definition whose marketplace base is behind the platform, and how far' {
        $web = $definitions | Where-Object Name -EQ 'win2022-web'
        $web.BaseOutdated | Should -BeTrue
        $web.BaseVersionsBehind | Should -Be 2
        $web.NewestBaseVersion | Should -Be '20348.2700.240905'
        ($definitions | Where-Object Name -EQ 'ubuntu-2204').BaseState | Should -Be 'Current'
        ($definitions | Where-Object Name -EQ 'win2019-legacy').BaseState | Should -Be 'Unknown'
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

    It 'lists versions in one call and reads replication per region only when asked' {
        $listed = Get-GalleryImageVersion -ResourceGroupName rg-images -GalleryName gal_win -DefinitionName win2022-web -Name 1.2.0
        $expanded = Get-GalleryImageVersion -ResourceGroupName rg-images -GalleryName gal_win -DefinitionName win2022-web -Name 1.2.0 -ExpandReplicationStatus

        $listed.ReplicationState | Should -Be 'Failed'
        @($listed.Regions | ForEach-Object State) | Should -Be @('Unknown', 'Unknown')
        @($expanded.Regions | Where-Object State -EQ 'Failed' | ForEach-Object Region) | Should -Be @('eastus')
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

Describe 'Who consumes an image' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'fleet'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $ProgressPreference = 'SilentlyContinue'
        $templates = Join-Path ([System.IO.Path]::GetTempPath()) ('genimage-pester-templates-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $templates
        Set-Content -LiteralPath (Join-Path $templates 'web.bicep') -Value @(
            "resource web 'Microsoft.Compute/galleries/images/versions@2022-03-03' existing = {"
            "  name: 'gal_win/win2022-web/1.1.0'"
            '}'
        )
    }

    AfterAll {
        Remove-Item -LiteralPath $templates -Recurse -Force -ErrorAction SilentlyContinue
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'finds the scale set that pins a version, the VM on latest and the template' {
        $consumers = @(Get-GalleryImageVersion -ResourceGroupName rg-images -GalleryName gal_win -DefinitionName win2022-web -Name 1.1.0 |
            Get-ImageConsumer -TemplatePath $templates)

        @($consumers | ForEach-Object { "$($_.Kind) $($_.Name) $($_.Via)" }) |
            Should -Be @('VirtualMachine vm-web-01 Latest', 'ScaleSet vmss-web Version', 'Template web.bicep Version')
        ($consumers | Where-Object Kind -EQ 'Template').Line | Should -Be 1
    }

    It 'names who is hit when it rolls a version back' {
        # ShouldProcess writes its action text as a verbose message when it goes ahead.
        $verbose = Undo-GalleryImageVersion -ResourceGroupName rg-images -GalleryName gal_win -DefinitionName win2022-web -Name 1.1.0 -Confirm:$false -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message

        ($verbose -join "`n") | Should -BeLike '*pinned by scale set vmss-web; VM vm-web-01 on latest get 1.0.0 instead of 1.1.0*'
        (Get-ImageInventory rg-images gal_win | Where-Object Name -EQ 'win2022-web').LatestVersion | Should -Be '1.0.0'
    }

    It 'refuses to remove a version a scale set pins, unless -Force' {
        { Remove-GalleryImageVersion -ResourceGroupName rg-images -GalleryName gal_win -DefinitionName win2022-web -Name 1.1.0 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'GenImage.ScaleSetPinsVersion,*' -ExpectedMessage '*scale set vmss-web*'

        Remove-GalleryImageVersion -ResourceGroupName rg-images -GalleryName gal_win -DefinitionName win2022-web -Name 1.1.0 -Force -WarningAction SilentlyContinue -ErrorAction Stop
        @(Get-ImageInventory rg-images gal_win -Version | Where-Object Name -EQ '1.1.0').Count | Should -Be 0
    }
}
