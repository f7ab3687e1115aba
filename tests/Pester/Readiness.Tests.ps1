#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# User scenarios of readiness checks and deployment validation, against the standalone emulator.
# Run by tests/Pester/Invoke-GenImagePester.ps1 (build.ps1 -Task Test); each Describe that changes state starts an emulator of its own.

BeforeAll {
    . (Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1')
    $RepoRoot = Get-GenImageRepoRoot
    $ManifestPath = Import-GenImageTestModule
    $ResourceGroup = 'rg-images'

    function Get-ValidationVm {
        # The validation VMs (giv-*) that exist in the resource group.
        @(Get-SourceVm -ResourceGroupName $ResourceGroup | Where-Object { $_.Name -like 'giv-*' })
    }
}

AfterAll {
    Stop-GenImageTestEmulatorAll
    Remove-Module -Name GenImage -Force -ErrorAction SilentlyContinue
}

Describe 'The readiness catalogue and the guest scripts' {
    It 'lists every rule in id order with a documentation page' {
        $rules = @(Get-ImageReadinessRule)

        $rules.Count | Should -Be 35
        $rules[0].Id | Should -Be 'GI1001'
        $rules[-1].Id | Should -Be 'GI6002'
        ($rules.Id -join ',') | Should -Be ((@($rules.Id) | Sort-Object) -join ',')
        foreach ($rule in $rules) {
            Join-Path $RepoRoot $rule.HelpUri | Should -Exist
        }
    }

    It 'filters rules by id wildcard, category and severity' {
        @(Get-ImageReadinessRule -Id 'GI50*' -Severity Warning).Id | Should -Be @('GI5011', 'GI5012')
        @(Get-ImageReadinessRule -Category Regions).Count | Should -Be 5
    }

    It 'reports an unknown rule id as RuleNotFound' {
        { Get-ImageReadinessRule -Id 'GI9999' -ErrorAction Stop } | Should -Throw -ErrorId 'GenImage.RuleNotFound,*'
    }

    It 'prints the four guest scripts, and the raw text of one' {
        @(Get-GuestScript).Name | Should -Be @('prepare-windows', 'prepare-linux', 'inspect-windows', 'inspect-linux')
        @(Get-GuestScript -OsType Windows).CommandId | Should -Be @('RunPowerShellScript', 'RunPowerShellScript')

        $raw = Get-GuestScript -Name inspect-linux -Raw
        $raw | Should -BeOfType [string]
        $raw | Should -BeExactly ([System.IO.File]::ReadAllText((Join-Path $RepoRoot 'src/GenImage.Core/GuestScripts/inspect-linux.sh')))
    }
}

Describe 'The classic failures are caught before any write' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'classic-failures'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $gallery = 'gal_ready'
        $null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $gallery -Name win-tl -Publisher contoso -Offer windows -Sku tl `
            -OsType Windows -HyperVGeneration V2 -SecurityType TrustedLaunch -CreateGallery
        $null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $gallery -Name win-std -Publisher contoso -Offer windows -Sku std `
            -OsType Windows -HyperVGeneration V2
        $before = @(Get-SourceVm -ResourceGroupName $ResourceGroup)
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'flags the unprepared Windows VM for a Generalized definition (GI1002)' {
        $summary = Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win-unprepared -GalleryName $gallery -DefinitionName win-tl -Summary

        $summary.IsReady | Should -BeFalse
        $summary.FailedErrorIds | Should -Contain 'GI1002'
    }

    It 'flags the Gen1 VM for a Gen2 Trusted Launch definition (GI2003, GI2004)' {
        $summary = Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win2019-gen1 -GalleryName $gallery -DefinitionName win-tl -WillGeneralize -Summary

        @($summary.FailedErrorIds) | Should -Be @('GI2003', 'GI2004')
    }

    It 'flags a Trusted Launch VM for a Standard definition (GI2004)' {
        $finding = Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win-appx -GalleryName $gallery -DefinitionName win-std -Rule GI2004

        $finding.Status | Should -Be 'Fail'
        $finding.Severity | Should -Be 'Error'
        $finding.Evidence['sourceSecurityType'] | Should -Be 'TrustedLaunch'
    }

    It 'finds the per-user AppX package that blocks Sysprep (GI5008)' {
        $finding = Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win-appx -Rule GI5008

        $finding.Status | Should -Be 'Fail'
        $finding.Message | Should -Match 'Microsoft\.BingWeather'
    }

    It 'reports identity leftovers as errors, and as warnings when the run prepares the guest' {
        $asIs = @(Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-ubuntu-leftovers -Rule 'GI500[2-5]')
        $prepared = @(Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-ubuntu-leftovers -Rule 'GI500[2-5]' -WillGeneralize)

        $asIs.Status | Should -Be @('Fail', 'Fail', 'Fail', 'Fail')
        $asIs.Severity | Should -Be @('Error', 'Error', 'Error', 'Error')
        $prepared.Severity | Should -Be @('Warning', 'Warning', 'Warning', 'Warning')
    }

    It 'flags the VM without an agent (GI5001)' {
        (Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-ubuntu-noagent -Rule GI5001).Status | Should -Be 'Fail'
    }

    It 'answers -Quiet with $false and stops with -FailOnError' {
        Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win-appx -Quiet | Should -BeFalse
        { Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win-appx -FailOnError } | Should -Throw -ErrorId 'GenImage.ReadinessFailed,*'
    }

    It 'left every VM as it was' {
        $after = @(Get-SourceVm -ResourceGroupName $ResourceGroup)

        ($after | ForEach-Object { "$($_.Name)=$($_.PowerState)/$($_.OsState)" }) -join ',' |
            Should -Be (($before | ForEach-Object { "$($_.Name)=$($_.PowerState)/$($_.OsState)" }) -join ',')
    }
}

Describe 'Validating a good version' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName gal_valid -Name ubuntu -Publisher contoso -Offer ubuntu -Sku 22_04 `
            -OsType Linux -HyperVGeneration V2 -CreateGallery
        $version = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-ubuntu2204-src -Prepare -Force |
            New-GalleryImageVersion -GalleryName gal_valid -DefinitionName ubuntu -Name 1.0.0
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'boots the version and leaves no VM behind' {
        $result = $version | Test-ImageDeployment

        $result.Outcome | Should -Be 'Succeeded'
        $result.Region | Should -Be 'westeurope'
        $result.VmName | Should -BeLike 'giv-*'
        $result.TimeToProvisioned | Should -Not -BeNullOrEmpty
        $result.TimeToAgentReady | Should -Not -BeNullOrEmpty
        @($result.ResourcesLeftBehind).Count | Should -Be 0
        Get-ValidationVm | Should -BeNullOrEmpty
    }
}

Describe 'Validating a badly prepared version' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'classic-failures'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName gal_bad -Name win -Publisher contoso -Offer windows -Sku 2022 `
            -OsType Windows -HyperVGeneration V2 -SecurityType TrustedLaunch -CreateGallery
        # Stopped without Sysprep, generalized as it is: the classic OSProvisioningTimedOut image.
        $version = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-win-unprepared -AssumePrepared -Force -WarningAction SilentlyContinue |
            New-GalleryImageVersion -GalleryName gal_bad -DefinitionName win -Name 1.0.0
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'fails with the explanation and leaves no VM behind' {
        $result = Test-ImageDeployment -ImageId $version.Id -WarningVariable warnings -WarningAction SilentlyContinue

        $result.Outcome | Should -Be 'Failed'
        $result.ErrorCode | Should -Be 'OSProvisioningTimedOut'
        $result.Explanation | Should -Match 'generalized without Sysprep'
        @($warnings).Count | Should -Be 1
        @($result.ResourcesLeftBehind).Count | Should -Be 0
        Get-ValidationVm | Should -BeNullOrEmpty
    }

    It 'stops with ValidationFailed under -FailOnError' {
        { Test-ImageDeployment -ImageId $version.Id -FailOnError -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'GenImage.ValidationFailed,*'
        Get-ValidationVm | Should -BeNullOrEmpty
    }

    It 'deletes the VM when the command is stopped (Ctrl+C) during the deployment' {
        # Provisioning of this image runs until OSProvisioningTimedOut, so the VM exists long enough to be seen.
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                param($Manifest, $ConnectionFile, $VersionId)
                Import-Module -Name $Manifest -ErrorAction Stop
                $null = Connect-GenImage -Emulator -ConnectionFile $ConnectionFile
                Test-ImageDeployment -ImageId $VersionId
            }).AddArgument($ManifestPath).AddArgument($emulator.ConnectionFile).AddArgument($version.Id)
            $handle = $shell.BeginInvoke()

            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Get-ValidationVm) -and -not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 20
            }
            $seen = @(Get-ValidationVm)
            $shell.Stop()

            $seen.Count | Should -Be 1 -Because 'the validation VM must exist before the command is stopped'
            Get-ValidationVm | Should -BeNullOrEmpty
        }
        finally {
            $shell.Dispose()
        }
    }
}
