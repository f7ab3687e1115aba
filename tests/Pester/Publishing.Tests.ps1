#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# User scenarios of publishing (gallery definitions and versions, replication, release channel, managed
# images), against the standalone emulator. Run by tests/Pester/Invoke-GenImagePester.ps1 (build.ps1 -Task Test);
# each Describe starts its own emulator.

BeforeAll {
    . (Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1')
    $RepoRoot = Get-GenImageRepoRoot
    $ManifestPath = Import-GenImageTestModule
    $ResourceGroup = 'rg-images'
    $Gallery = 'gal_publish'
    $SubscriptionId = '00000000-0000-0000-0000-000000000001'
    $WindowsVmId = "/subscriptions/$SubscriptionId/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm-win2022-src"
    $LinuxVmId = "/subscriptions/$SubscriptionId/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm-ubuntu2204-src"

    function New-TestDefinitions {
        $null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name win2022-tl -Publisher contoso -Offer windows `
            -Sku 2022-tl -OsType Windows -HyperVGeneration V2 -SecurityType TrustedLaunch -CreateGallery
        $null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name ubuntu-2204 -Publisher contoso -Offer ubuntu `
            -Sku 22_04 -OsType Linux -HyperVGeneration V2
        $null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name ubuntu-gen1 -Publisher contoso -Offer ubuntu `
            -Sku gen1 -OsType Linux -HyperVGeneration V1
    }

    # The blocking rule ids of a refused New-GalleryImageVersion, read from the exception as a script would.
    function Get-PreflightRuleId {
        param([hashtable] $Parameters)
        try {
            $null = New-GalleryImageVersion @Parameters -ErrorAction Stop
            @()
        }
        catch {
            $_.FullyQualifiedErrorId | Should -BeLike 'GenImage.PreflightFailed,*'
            @($_.Exception.Findings | Where-Object { $_.IsBlocking } | ForEach-Object { $_.RuleId })
        }
    }
}

AfterAll {
    Stop-GenImageTestEmulatorAll
    Remove-Module -Name GenImage -Force -ErrorAction SilentlyContinue
}

Describe 'The publishing cmdlets' {
    It 'are exported: <_>' -ForEach @(
        'New-GalleryImageDefinition', 'Get-GalleryImageDefinition', 'New-GalleryImageVersion', 'Get-GalleryImageVersion',
        'Set-GalleryImageVersion', 'Remove-GalleryImageVersion', 'Publish-GalleryImageVersion', 'Undo-GalleryImageVersion', 'New-ManagedImage') {
        $command = Get-Command -Module GenImage -Name $_ -ErrorAction SilentlyContinue

        $command | Should -Not -BeNullOrEmpty
        $command.CommandType | Should -Be 'Cmdlet'
    }
}

Describe 'Publishing a generalized VM to three regions' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        New-TestDefinitions
        $version = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-win2022-src -Prepare -Force |
            New-GalleryImageVersion -GalleryName $Gallery -DefinitionName win2022-tl -Name 1.0.0 -TargetRegion westeurope, 'northeurope=2', 'eastus=1=Standard_ZRS'
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'returns the version succeeded and replicated' {
        $version.Name | Should -Be '1.0.0'
        $version.ProvisioningState | Should -Be 'Succeeded'
        $version.ReplicationState | Should -Be 'Completed'
        $version.SourceId | Should -Be $WindowsVmId
        $version.IsLatest | Should -BeTrue
    }

    It 'reaches Completed at 100% in every region' {
        @($version.Regions | ForEach-Object { $_.Region }) | Should -Be @('westeurope', 'northeurope', 'eastus')
        @($version.Regions | Where-Object { $_.State -ne 'Completed' -or $_.Progress -ne 100 }).Count | Should -Be 0
        ($version.Regions | Where-Object { $_.Region -eq 'eastus' }).StorageAccountType | Should -Be 'Standard_ZRS'
    }

    It 'shows the version as what latest resolves to' {
        (Get-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name win2022-tl).LatestVersion | Should -Be '1.0.0'
    }

    It 'refuses a definition with the same publisher/offer/sku' {
        { New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name other -Publisher contoso -Offer ubuntu -Sku 22_04 -OsType Linux -ErrorAction Stop } |
            Should -Throw -ErrorId 'GenImage.GalleryImageIdentifierInUse,*'
    }
}

Describe 'Gallery guards: deletion blocked before end of life, replicated regions, retry of a region' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        New-TestDefinitions
        $null = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-ubuntu2204-src -Prepare -Force
        $guarded = New-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -SourceId $LinuxVmId -Name 1.0.0 `
            -TargetRegion westeurope, northeurope -EndOfLifeDate ([datetime]::UtcNow.AddDays(90)) -BlockDeletionBeforeEndOfLife -AllowDeletionOfReplicatedLocation:$false
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'shows the safety profile on the version' {
        $read = Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 1.0.0
        $read.BlockDeletionBeforeEndOfLife | Should -BeTrue
        $read.AllowDeletionOfReplicatedLocation | Should -BeFalse
        $read.IsDeletionBlocked | Should -BeTrue
    }

    It 'refuses to remove the version before its end of life, even with -Force' {
        { Remove-GalleryImageVersion -Id $guarded.Id -Force -ErrorAction Stop } | Should -Throw -ErrorId 'GenImage.GalleryImageVersionDeletionBlocked,*'
        Get-GalleryImageVersion -Id $guarded.Id | Should -Not -BeNullOrEmpty
    }

    It 'refuses to retry a region the safety profile does not let it remove' {
        { Set-GalleryImageVersion -Id $guarded.Id -RetryRegion northeurope -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'GenImage.RetryRegionRemovalNotAllowed,*'
    }

    It 'refuses to block deletion without an end-of-life date' {
        { New-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -SourceId $LinuxVmId -Name 1.0.1 -BlockDeletionBeforeEndOfLife -ErrorAction Stop } |
            Should -Throw -ErrorId 'GenImage.DeletionBlockNeedsEndOfLife,*'
    }

    It 'retries a region and removes the version once the guards are lifted' {
        $lifted = Set-GalleryImageVersion -Id $guarded.Id -BlockDeletionBeforeEndOfLife:$false -AllowDeletionOfReplicatedLocation -Confirm:$false
        $lifted.BlockDeletionBeforeEndOfLife | Should -BeFalse
        $retried = Set-GalleryImageVersion -Id $guarded.Id -RetryRegion northeurope -Confirm:$false
        @($retried.Regions | ForEach-Object { $_.Region }) | Should -Contain 'northeurope'
        Remove-GalleryImageVersion -Id $guarded.Id -Force
        { Get-GalleryImageVersion -Id $guarded.Id -ErrorAction Stop } | Should -Throw -ErrorId 'GenImage.GalleryImageVersionNotFound,*'
    }
}

Describe 'The publishing pre-flight' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        New-TestDefinitions
        $null = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-ubuntu2204-src -Prepare -Force
        $null = New-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -SourceId $LinuxVmId -Name 1.0.0
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'refuses with <RuleId> (<Case>) and creates nothing' -ForEach @(
        @{ RuleId = 'GI1002'; Case = 'running VM'; Definition = 'win2022-tl'; Source = 'win'; Extra = @{ Name = '2.0.0' } }
        @{ RuleId = 'GI2001'; Case = 'Linux into Windows'; Definition = 'win2022-tl'; Source = 'linux'; Extra = @{ Name = '2.0.0' } }
        @{ RuleId = 'GI2003'; Case = 'Gen2 into V1'; Definition = 'ubuntu-gen1'; Source = 'linux'; Extra = @{ Name = '2.0.0' } }
        @{ RuleId = 'GI3001'; Case = 'version format'; Definition = 'ubuntu-2204'; Source = 'linux'; Extra = @{ Name = '2.0' } }
        @{ RuleId = 'GI3002'; Case = 'version exists'; Definition = 'ubuntu-2204'; Source = 'linux'; Extra = @{ Name = '1.0.0' } }
        @{ RuleId = 'GI4001'; Case = 'unknown region'; Definition = 'ubuntu-2204'; Source = 'linux'; Extra = @{ Name = '2.0.0'; TargetRegion = 'westeurop' } }
        @{ RuleId = 'GI4003'; Case = 'replica count'; Definition = 'ubuntu-2204'; Source = 'linux'; Extra = @{ Name = '2.0.0'; TargetRegion = 'eastus=0' } }
        @{ RuleId = 'GI4004'; Case = 'storage type'; Definition = 'ubuntu-2204'; Source = 'linux'; Extra = @{ Name = '2.0.0'; TargetRegion = 'eastus=1=Premium_ZRS' } }
    ) {
        $parameters = @{
            ResourceGroupName = $ResourceGroup; GalleryName = $Gallery; DefinitionName = $Definition
            SourceId = if ($Source -eq 'win') { $WindowsVmId } else { $LinuxVmId }
        } + $Extra

        Get-PreflightRuleId -Parameters $parameters | Should -Contain $RuleId
        $after = @(Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName $Definition)
        @($after | Where-Object { $_.Name -eq '2.0.0' -or $_.Name -eq '2.0' }).Count | Should -Be 0
    }

    It 'names the bad -TargetRegion token' {
        { New-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -SourceId $LinuxVmId -TargetRegion 'eastus=two' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GenImage.InvalidTargetRegion,*' -ExpectedMessage "*'eastus=two'*"
    }

    It 'warns loudly what -SkipPreflight skipped' {
        $warnings = @()
        $null = New-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-gen1 -SourceId $LinuxVmId -Name 2.0.0 `
            -SkipPreflight -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue

        ($warnings -join "`n") | Should -BeLike '*-SkipPreflight*Hyper-V generation (GI2003)*'
    }
}

Describe 'Versions, -Increment, -NoWait and the release channel' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        New-TestDefinitions
        $null = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-ubuntu2204-src -Prepare -Force
        $common = @{ ResourceGroupName = $ResourceGroup; GalleryName = $Gallery; DefinitionName = 'ubuntu-2204'; SourceId = $LinuxVmId }
        $first = New-GalleryImageVersion @common -Name 1.0.0
        $candidate = New-GalleryImageVersion @common -Increment Minor -ExcludeFromLatest -WarningAction SilentlyContinue
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'computes the next version with -Increment' {
        $candidate.Name | Should -Be '1.1.0'
        $candidate.ExcludeFromLatest | Should -BeTrue
    }

    It 'keeps an excluded candidate out of latest' {
        (Get-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name ubuntu-2204).LatestVersion | Should -Be '1.0.0'
    }

    It 'promotes the candidate into latest, idempotently' {
        $promoted = Publish-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 1.1.0 -Confirm:$false

        $promoted.PreviousLatestVersion | Should -Be '1.0.0'
        $promoted.LatestVersion | Should -Be '1.1.0'
        $promoted.Changed | Should -BeTrue
        (Publish-GalleryImageVersion -Id $promoted.Id -Confirm:$false).Changed | Should -BeFalse
    }

    It 'rolls the candidate back in one command' {
        $rolled = Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 1.1.0 |
            Undo-GalleryImageVersion -Confirm:$false

        $rolled.LatestVersion | Should -Be '1.0.0'
        $rolled.ExcludeFromLatest | Should -BeTrue
        (Get-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name ubuntu-2204).LatestVersion | Should -Be '1.0.0'
    }

    It 'returns at once with -NoWait' {
        $version = New-GalleryImageVersion @common -Name 3.0.0 -TargetRegion westeurope, eastus -NoWait

        $version.Name | Should -Be '3.0.0'
        $version.ProvisioningState | Should -BeIn @('Creating', 'Succeeded')
        (Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 3.0.0).Name | Should -Be '3.0.0'
    }

    It 'refuses to remove the only version latest resolves to unless -Force' {
        # 3.0.0 came from -NoWait and is what latest resolves to: once it has succeeded, take it out of latest.
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ((Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 3.0.0).ProvisioningState -ne 'Succeeded' -and
            [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 100
        }
        $undone = Undo-GalleryImageVersion -Id (Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 3.0.0).Id -Confirm:$false -ErrorAction Stop
        $undone.LatestVersion | Should -Be '1.0.0'

        { Remove-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 1.0.0 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'GenImage.LatestVersionRemoval,*'

        Remove-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 1.0.0 -Force -WarningAction SilentlyContinue -ErrorAction Stop
        @(Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 | Where-Object { $_.Name -eq '1.0.0' }).Count | Should -Be 0
    }
}

Describe 'Managed images' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'refuses a running VM with GI1002' {
        { New-ManagedImage -ResourceGroupName $ResourceGroup -Name img-win -SourceId $WindowsVmId -ErrorAction Stop } |
            Should -Throw -ErrorId 'GenImage.PreflightFailed,*' -ExpectedMessage '*GI1002*'
    }

    It 'captures a generalized VM' {
        $image = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-ubuntu2204-src -Prepare -Force | New-ManagedImage -Name img-ubuntu

        $image.Name | Should -Be 'img-ubuntu'
        $image.ProvisioningState | Should -Be 'Succeeded'
    }
}
