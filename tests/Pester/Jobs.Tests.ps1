#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# -AsJob on the four long-running cmdlets, against the standalone emulator: a job of the session (Get-Job, Wait-Job,
# Receive-Job, Remove-Job) with the cmdlet's own output and streams, on the session's connection; questions are answered
# before the job starts. Run by tests/Pester/Invoke-GenImagePester.ps1 in pwsh 7.6 and PowerShell 7.4.

BeforeAll {
    . (Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1')
    $RepoRoot = Get-GenImageRepoRoot
    $ManifestPath = Import-GenImageTestModule
    $ResourceGroup = 'rg-images'
    $Gallery = 'gal_jobs'

    # Waits for the job to end (the limit only keeps a broken build from hanging the run).
    function Wait-TestJob {
        param([Parameter(Mandatory)] $Job)
        $null = Wait-Job -Job $Job -Timeout 600
        $Job
    }
}

AfterAll {
    Stop-GenImageTestEmulatorAll
    Remove-Module -Name GenImage -Force -ErrorAction SilentlyContinue
}

Describe '-AsJob on the long-running cmdlets' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name ubuntu -Publisher contoso -Offer ubuntu `
            -Sku 22_04 -OsType Linux -HyperVGeneration V2 -CreateGallery

        $folder = Join-Path $TestDrive 'recipes'
        $null = New-Item -ItemType Directory -Path $folder -Force
        Copy-Item -Path (Join-Path $RepoRoot 'examples/recipes/*') -Destination $folder -Recurse -Force
        $recipe = Join-Path $folder 'windows2022-gen2-tl.yaml'
        $text = Get-Content -LiteralPath $recipe -Raw
        Set-Content -LiteralPath $recipe -Value ($text -replace 'outputPath: \.\./\.\./out/evidence', 'outputPath: runs') -NoNewline
    }

    AfterAll {
        Get-Job | Where-Object PSJobTypeName -eq 'GenImageJob' | Remove-Job -Force
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'declares -AsJob on <_>' -ForEach @('Invoke-GeneralizeVm', 'New-GalleryImageVersion', 'Test-ImageDeployment', 'Invoke-ImageRecipe') {
        (Get-Command -Name $_).Parameters.ContainsKey('AsJob') | Should -BeTrue
    }

    It '-WhatIf is answered here and starts no job' {
        $before = @(Get-Job).Count

        $output = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-ubuntu2204-src -Prepare -Force -AsJob -WhatIf

        $output | Should -BeNullOrEmpty
        @(Get-Job).Count | Should -Be $before
        (Get-SourceVm -ResourceGroupName $ResourceGroup -Name vm-ubuntu2204-src).PowerState | Should -Be 'running'
    }

    It 'Invoke-GeneralizeVm -AsJob returns a job of the session whose output and verbose are the cmdlet''s' {
        $job = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-ubuntu2204-src -Prepare -Force -AsJob -Verbose

        $job | Should -BeOfType ([System.Management.Automation.Job])
        $job.PSJobTypeName | Should -Be 'GenImageJob'
        (Get-Job -Id $job.Id).InstanceId | Should -Be $job.InstanceId
        (Wait-TestJob $job).State | Should -Be 'Completed'
        $job.Verbose.Count | Should -BeGreaterThan 0
        $job.Progress.Count | Should -BeGreaterThan 0
        $script:generalized = Receive-Job -Job $job
        $script:generalized.OsStateAfter | Should -Be 'generalized'
        Remove-Job -Job $job
        Get-Job -Id $job.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'New-GalleryImageVersion -AsJob publishes the version' {
        $job = $script:generalized | New-GalleryImageVersion -GalleryName $Gallery -DefinitionName ubuntu -Name 1.0.0 -TargetRegion westeurope, northeurope -AsJob

        (Wait-TestJob $job).State | Should -Be 'Completed'
        $script:version = Receive-Job -Job $job
        $script:version.Name | Should -Be '1.0.0'
        $script:version.ReplicationState | Should -Be 'Completed'
    }

    It 'Test-ImageDeployment -AsJob validates each region and leaves no VM' {
        $job = $script:version | Test-ImageDeployment -Region westeurope, northeurope -AsJob

        (Wait-TestJob $job).State | Should -Be 'Completed'
        $results = @(Receive-Job -Job $job)
        @($results.Region) | Should -Be @('westeurope', 'northeurope')
        @($results | Where-Object Outcome -ne 'Succeeded').Count | Should -Be 0
        @(Get-SourceVm -ResourceGroupName $ResourceGroup | Where-Object { $_.Name -like 'giv-*' }).Count | Should -Be 0
    }

    It 'Invoke-ImageRecipe -AsJob runs the recipe to the end' {
        $job = Invoke-ImageRecipe -Path $recipe -Force -AsJob

        (Wait-TestJob $job).State | Should -Be 'Completed'
        $job.Error.Count | Should -Be 0
        $run = Receive-Job -Job $job
        $run.Status | Should -Be 'Succeeded'
        (Get-SourceVm -ResourceGroupName $ResourceGroup -Name vm-win2022-src).OsState | Should -Be 'generalized'
    }
}

Describe 'How an -AsJob job ends when the work fails' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'classic-failures'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        # A Gen1 VM for a Gen2 definition: the recipe's Readiness step blocks the run (GI2003), inside the job.
        $folder = Join-Path $TestDrive 'recipes'
        $null = New-Item -ItemType Directory -Path $folder -Force
        Copy-Item -Path (Join-Path $RepoRoot 'examples/recipes/*') -Destination $folder -Recurse -Force
        $recipe = Join-Path $folder 'gen1.yaml'
        $text = Get-Content -LiteralPath (Join-Path $folder 'windows2022-gen2-tl.yaml') -Raw
        $text = $text -replace 'outputPath: \.\./\.\./out/evidence', 'outputPath: runs' -replace 'vmName: vm-win2022-src', 'vmName: vm-win2019-gen1'
        Set-Content -LiteralPath $recipe -Value $text -NoNewline
    }

    AfterAll {
        Get-Job | Where-Object PSJobTypeName -eq 'GenImageJob' | Remove-Job -Force
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'ends Completed with the error in the job, as the command would write it' {
        $job = Invoke-ImageRecipe -Path $recipe -Force -AsJob

        (Wait-TestJob $job).State | Should -Be 'Completed'
        @($job.Error | ForEach-Object FullyQualifiedErrorId) | Should -BeLike 'GenImage.ReadinessBlocked*'
        (Receive-Job -Job $job -ErrorAction SilentlyContinue).Status | Should -Be 'Blocked'
    }

    It 'ends Failed when the error terminates the command (-ErrorAction Stop)' {
        $job = Invoke-ImageRecipe -Path $recipe -Force -NewRun -AsJob -ErrorAction Stop

        (Wait-TestJob $job).State | Should -Be 'Failed'
        @($job.Error | ForEach-Object FullyQualifiedErrorId) | Should -BeLike 'GenImage.ReadinessBlocked*'
        { Receive-Job -Job $job -ErrorAction Stop } | Should -Throw -ErrorId 'GenImage.ReadinessBlocked*'
    }
}
