#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# User scenarios of boot-failure diagnosis: why a production VM does not boot, traced back to the image that made it,
# and the same diagnosis from a validation deployment of that image. Against the standalone emulator with
# examples/worlds/boot-failures.yaml (one failing production VM per diagnosis). Build first (./build.ps1).

BeforeDiscovery {
    $FailingVms = @(
        @{ Vm = 'vm-web-nosysprep'; Id = 'GI7001'; Version = 'win2022-g2/versions/1.0.1' }
        @{ Vm = 'vm-web-oobe'; Id = 'GI7002'; Version = 'win2022-specialized/versions/1.0.0' }
        @{ Vm = 'vm-api-useradd'; Id = 'GI7003'; Version = 'ubuntu-2204/versions/1.0.3' }
        @{ Vm = 'vm-api-wireserver'; Id = 'GI7004'; Version = 'ubuntu-2204/versions/1.0.4' }
        @{ Vm = 'vm-web-bootdevice'; Id = 'GI7005'; Version = 'win2019-g2/versions/1.0.0' }
        @{ Vm = 'vm-api-secureboot'; Id = 'GI7006'; Version = 'ubuntu-2204-tl/versions/1.0.0' }
        @{ Vm = 'vm-api-kernelpanic'; Id = 'GI7007'; Version = 'ubuntu-2204/versions/1.0.7' }
        @{ Vm = 'vm-api-fstab'; Id = 'GI7008'; Version = 'ubuntu-2204/versions/1.0.8' }
        @{ Vm = 'vm-api-datasource'; Id = 'GI7009'; Version = 'ubuntu-2204/versions/1.0.9' }
        @{ Vm = 'vm-api-noagent'; Id = 'GI7010'; Version = 'ubuntu-2204/versions/1.0.10' }
        @{ Vm = 'vm-api-diskfull'; Id = 'GI7011'; Version = 'ubuntu-2204/versions/1.0.11' }
        @{ Vm = 'vm-api-nodhcp'; Id = 'GI7012'; Version = 'ubuntu-2204/versions/1.0.12' }
        @{ Vm = 'vm-api-notdeprov'; Id = 'GI7013'; Version = 'ubuntu-2204/versions/1.0.13' }
        @{ Vm = 'vm-web-unattend'; Id = 'GI7014'; Version = 'win2022-g2/versions/1.0.14' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1')
    $RepoRoot = Get-GenImageRepoRoot
    $ManifestPath = Join-Path $RepoRoot 'out/GenImage/GenImage.psd1'
    Import-Module -Name $ManifestPath -Force -ErrorAction Stop
    $Production = 'rg-prod'
    $Versions = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_boot/images'
}

AfterAll {
    Stop-GenImageTestEmulatorAll
    Remove-Module -Name GenImage -Force -ErrorAction SilentlyContinue
}

Describe 'Diagnosing production VMs that do not boot' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'boot-failures'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $output = Join-Path ([System.IO.Path]::GetTempPath()) ('genimage-boot-' + [guid]::NewGuid().ToString('N'))
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
        Remove-Item -LiteralPath $output -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'diagnoses <Vm> as <Id> and traces it to <Version>' -ForEach $FailingVms {
        $diagnosis = Get-VmBootDiagnosis -ResourceGroupName $Production -Name $Vm

        $diagnosis.DiagnosisId | Should -Be $Id
        $diagnosis.Verdict | Should -Be 'Failure'
        $diagnosis.Cause | Should -Be 'Image'
        $diagnosis.Fix | Should -Not -BeNullOrEmpty
        $diagnosis.ProvisioningState | Should -Be 'Failed'
        $diagnosis.FailedAt | Should -Not -BeNullOrEmpty
        Join-Path $RepoRoot $diagnosis.HelpUri | Should -Exist
        $diagnosis.Image.Kind | Should -Be 'GalleryImageVersion'
        $diagnosis.Image.VersionId | Should -Be "$Versions/$Version"
        $diagnosis.Image.Definition | Should -Not -BeNullOrEmpty
    }

    It 'shows the serial-log line that proves a kernel panic, with its line number' {
        $diagnosis = Get-VmBootDiagnosis -ResourceGroupName $Production -Name vm-api-kernelpanic

        $panic = @($diagnosis.BootDiagnostics.MatchedLines | Where-Object { $_.IsEvidence -and $_.Text -like '*Kernel panic - not syncing*' })
        $panic.Count | Should -BeGreaterThan 0
        $panic[0].LineNumber | Should -BeGreaterThan 0
        $panic[0].SignatureId | Should -Be 'GI7007'
    }

    It 'finds no failure on a healthy VM made from latest, says what it checked, and which version latest gave it' {
        $diagnosis = Get-VmBootDiagnosis -ResourceGroupName $Production -Name vm-api-healthy

        $diagnosis.Verdict | Should -Be 'NoFailureFound'
        $diagnosis.DiagnosisId | Should -BeNullOrEmpty
        $diagnosis.Checked | Should -Contain 'Power state: running.'
        ($diagnosis.Checked -join ' ') | Should -Match 'VM agent: Ready'
        $diagnosis.Image.Kind | Should -Be 'GalleryImageLatest'
        $diagnosis.Image.ExactVersion | Should -Be '1.1.0'
        @($diagnosis.Image.Validations).Count | Should -Be 1
        $diagnosis.Image.Validations[0].Region | Should -Be 'westeurope'
        $diagnosis.Image.Preparation | Should -Match '^Prepared through Run Command'
    }

    It 'takes VMs from Get-SourceVm and from any object with an Id in the pipeline' {
        $fromSourceVm = Get-SourceVm -ResourceGroupName $Production -Name vm-api-fstab | Get-VmBootDiagnosis
        $fromObject = [pscustomobject]@{ Id = $fromSourceVm.Id } | Get-VmBootDiagnosis

        $fromSourceVm.DiagnosisId | Should -Be 'GI7008'
        $fromObject.DiagnosisId | Should -Be 'GI7008'
    }

    It 'names the gap and the command that turns boot diagnostics on when they are off' {
        $diagnosis = Get-VmBootDiagnosis -ResourceGroupName $Production -Name vm-api-nodiag

        $diagnosis.BootDiagnostics.Enabled | Should -BeFalse
        $diagnosis.BootDiagnostics.EnableCommand | Should -Be 'az vm boot-diagnostics enable --resource-group rg-prod --name vm-api-nodiag'
        @($diagnosis.Gaps).Section | Should -Contain 'BootDiagnostics'
        $diagnosis.Verdict | Should -Be 'Unrecognized'
    }

    It 'points at the deployment when the version booted in validation in another region and size' {
        $diagnosis = Get-VmBootDiagnosis -ResourceGroupName $Production -Name vm-api-eastus

        $diagnosis.DiagnosisId | Should -Be 'GI7101'
        $diagnosis.Cause | Should -Be 'Deployment'
        ($diagnosis.Image.Differences -join ' ') | Should -Match 'this VM is in eastus'
        ($diagnosis.Evidence -join ' ') | Should -Match 'booted in validation in westeurope with Standard_D2s_v5'
    }

    It 'saves the screenshot as PNG and writes a bundle that SHA256SUMS verifies' {
        $shot = Join-Path $output 'kernelpanic.png'
        $bundle = Join-Path $output 'kernelpanic'

        $diagnosis = Get-VmBootDiagnosis -ResourceGroupName $Production -Name vm-api-kernelpanic -ScreenshotPath $shot -OutputPath $bundle

        $bytes = [System.IO.File]::ReadAllBytes($shot)
        $bytes[1..3] | Should -Be @(0x50, 0x4E, 0x47)
        $diagnosis.BundlePath | Should -Be $bundle
        Join-Path $bundle 'attachments/serial.log' | Should -Exist
        $listed = Get-Content -LiteralPath (Join-Path $bundle 'SHA256SUMS')
        foreach ($line in $listed) {
            $hash, $file = $line -split '  ', 2
            (Get-FileHash -LiteralPath (Join-Path $bundle $file) -Algorithm SHA256).Hash | Should -Be $hash.ToUpperInvariant()
        }
        (Get-Content -LiteralPath (Join-Path $bundle 'diagnosis.json') -Raw | ConvertFrom-Json).diagnosisId | Should -Be 'GI7007'
        Get-Content -LiteralPath (Join-Path $bundle 'report.md') -TotalCount 1 | Should -Be '# Boot diagnosis: vm-api-kernelpanic'
    }

    It 'reports a VM that does not exist as GenImage.ResourceNotFound' {
        { Get-VmBootDiagnosis -ResourceGroupName $Production -Name vm-nope -ErrorAction Stop } | Should -Throw -ErrorId 'GenImage.ResourceNotFound*'
    }
}

Describe 'Validating the image gives the same diagnosis as the production VM' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'boot-failures'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'validation of <Version> fails as <Id> and leaves nothing behind' -ForEach $FailingVms {
        $result = Test-ImageDeployment -ImageId "$Versions/$Version" -Confirm:$false -AgentTimeoutSec 1 -WarningAction SilentlyContinue

        $result.Succeeded | Should -BeFalse
        $result.DiagnosisId | Should -Be $Id
        $result.ResourcesLeftBehind | Should -BeNullOrEmpty
        @(Get-SourceVm -ResourceGroupName rg-images | Where-Object { $_.Name -like 'giv-*' }).Count | Should -Be 0
    }
}

Describe 'Evidence reads the validations recorded on the version and the permissions of the roles' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'boot-failures'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'shows a passed and a failed Test-ImageDeployment in Get-ImageEvidence -VersionId' {
        $good = "$Versions/win2022-g2/versions/1.1.0"
        $bad = "$Versions/ubuntu-2204/versions/1.0.7"
        $passed = Test-ImageDeployment -ImageId $good -Confirm:$false
        $failed = Test-ImageDeployment -ImageId $bad -Region eastus -Confirm:$false -WarningAction SilentlyContinue

        $passed.RecordedOnImage | Should -BeTrue
        $failed.RecordedOnImage | Should -BeTrue
        $goodEvidence = Get-ImageEvidence -VersionId $good
        $badEvidence = Get-ImageEvidence -VersionId $bad
        $goodEvidence.Summary.Booted | Should -BeTrue
        @($goodEvidence.Validation).Count | Should -Be 1
        $goodEvidence.Validation[0].Region | Should -Be 'westeurope'
        $goodEvidence.Validation[0].CorrelationId | Should -Be $passed.CorrelationId
        $badEvidence.Summary.Booted | Should -BeFalse
        $badEvidence.Validation[0].Region | Should -Be 'eastus'
        $badEvidence.Validation[0].DiagnosisId | Should -Be 'GI7007'
        @($goodEvidence.Gaps).Section | Should -Not -Contain 'Validation'
    }

    It 'says a VM Contributor cannot publish and the custom Image Publisher role can' {
        $evidence = Get-ImageEvidence -VersionId "$Versions/ubuntu-2204/versions/1.1.0"

        $vmContributor = $evidence.RoleAssignments | Where-Object RoleName -EQ 'Virtual Machine Contributor'
        $publisher = $evidence.RoleAssignments | Where-Object RoleName -EQ 'Image Publisher'
        $vmContributor.Capabilities | Should -Not -Contain 'Publish'
        $vmContributor.Capabilities | Should -Contain 'RunCommands'
        $publisher.Capabilities | Should -Contain 'Publish'
        @($evidence.Gaps).Section | Should -Contain 'PrincipalNames'
    }

    It 'speaks of the VM in evidence about a VM' {
        $vm = Get-SourceVm -ResourceGroupName $Production -Name vm-api-kernelpanic
        $evidence = Get-ImageEvidence -VmId $vm.Id

        $evidence.SubjectKind | Should -Be 'Vm'
        (@($evidence.Gaps).Reason -join ' ') | Should -Not -Match 'this version'
        (@($evidence.Gaps).Reason -join ' ') | Should -Match 'linked to this VM'
    }
}
