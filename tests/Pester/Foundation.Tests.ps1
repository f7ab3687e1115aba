#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# User scenarios of the GenImage foundation, against the standalone emulator.
# Run by tests/Pester/Invoke-GenImagePester.ps1 (build.ps1 -Task Test); each Describe that changes VMs starts an emulator of its own.

BeforeAll {
    . (Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1')
    $RepoRoot = Get-GenImageRepoRoot
    $ManifestPath = Import-GenImageTestModule
    $ResourceGroup = 'rg-images'
    $WindowsVm = 'vm-win2022-src'
    $LinuxVm = 'vm-ubuntu2204-src'
}

AfterAll {
    Stop-GenImageTestEmulatorAll
    Remove-Module -Name GenImage -Force -ErrorAction SilentlyContinue
}

Describe 'The GenImage module' {
    It 'exports exactly the cmdlets its manifest lists' {
        $manifest = Import-PowerShellDataFile -LiteralPath $ManifestPath
        $expected = @($manifest.CmdletsToExport | Sort-Object) -join ','
        $exported = @(Get-Command -Module GenImage | ForEach-Object { $_.Name } | Sort-Object) -join ','

        $exported | Should -Be $expected
    }

    It 'exports the cmdlet <_>' -ForEach @('Connect-GenImage', 'Disconnect-GenImage', 'Get-GenImageContext', 'Get-SourceVm', 'Invoke-GeneralizeVm') {
        $command = Get-Command -Module GenImage -Name $_ -ErrorAction SilentlyContinue

        $command | Should -Not -BeNullOrEmpty
        $command.CommandType | Should -Be 'Cmdlet'
    }
}

Describe 'Generalizing the healthy world' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $context = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'connects to the emulator named in the connection file' {
        $context.IsEmulator | Should -BeTrue
        $context.SubscriptionId | Should -Be '00000000-0000-0000-0000-000000000001'
        $context.Endpoint | Should -Be $emulator.Endpoint
    }

    It 'generalizes the Windows VM with -Prepare -Force' {
        $result = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name $WindowsVm -Prepare -Force

        $result.Name | Should -Be $WindowsVm
        $result.OsType | Should -Be 'Windows'
        $result.Prepared | Should -BeTrue
        $result.OsStateAfter | Should -Be 'generalized'
        (Get-SourceVm -ResourceGroupName $ResourceGroup -Name $WindowsVm).OsState | Should -Be 'generalized'
    }

    It 'generalizes the Linux VM with -Prepare -Force' {
        $result = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name $LinuxVm -Prepare -Force

        $result.Name | Should -Be $LinuxVm
        $result.OsType | Should -Be 'Linux'
        $result.Prepared | Should -BeTrue
        $result.OsStateAfter | Should -Be 'generalized'
    }
}

Describe 'Running Invoke-GeneralizeVm again' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $first = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name $LinuxVm -Prepare -Force
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'leaves a generalized VM as it is and warns' {
        $first.OsStateAfter | Should -Be 'generalized'
        $warnings = $null

        $again = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name $LinuxVm -Prepare -Force -WarningVariable warnings -WarningAction SilentlyContinue

        $again.OsStateAfter | Should -Be 'generalized'
        $again.Status | Should -Be 'AlreadyGeneralized'
        $again.Prepared | Should -BeFalse
        @($warnings).Count | Should -BeGreaterThan 0
    }
}

Describe 'Refusals, dry runs and missing VMs' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'refuses a running VM without -Prepare and leaves it running' {
        { Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name $WindowsVm -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'GenImage.VmNotPrepared,*'

        $vm = Get-SourceVm -ResourceGroupName $ResourceGroup -Name $WindowsVm
        $vm.PowerState | Should -Be 'running'
        $vm.OsState | Should -BeNullOrEmpty
    }

    It '-WhatIf writes nothing and changes nothing' {
        $output = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name $LinuxVm -Prepare -WhatIf

        $output | Should -BeNullOrEmpty
        $vm = Get-SourceVm -ResourceGroupName $ResourceGroup -Name $LinuxVm
        $vm.PowerState | Should -Be 'running'
        $vm.OsState | Should -BeNullOrEmpty
    }

    It 'reports a VM that does not exist as ResourceNotFound / ObjectNotFound' {
        { Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name 'vm-does-not-exist' -Prepare -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'GenImage.ResourceNotFound,*'

        $caught = $null
        try {
            Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name 'vm-does-not-exist' -Prepare -Force -ErrorAction Stop
        }
        catch {
            $caught = $_
        }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'GenImage.ResourceNotFound,*'
        $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Pipeline input' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'binds ResourceGroupName and Name by property name' {
        $result = [pscustomobject]@{ ResourceGroupName = $ResourceGroup; Name = $LinuxVm } |
            Invoke-GeneralizeVm -Prepare -Force

        $result.Name | Should -Be $LinuxVm
        $result.ResourceGroupName | Should -Be $ResourceGroup
        $result.OsStateAfter | Should -Be 'generalized'
    }

    It 'takes the VM that Get-SourceVm returns' {
        $result = Get-SourceVm -ResourceGroupName $ResourceGroup -Name $WindowsVm | Invoke-GeneralizeVm -Prepare -Force

        $result.Name | Should -Be $WindowsVm
        $result.OsStateAfter | Should -Be 'generalized'
    }
}
