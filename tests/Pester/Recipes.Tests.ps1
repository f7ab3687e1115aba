#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# User scenarios of image recipes and evidence bundles, against the standalone emulator.
# Run by tests/Pester/Invoke-GenImagePester.ps1 (build.ps1 -Task Test); each Describe that runs a recipe starts an emulator of its own.

BeforeAll {
    . (Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1')
    $RepoRoot = Get-GenImageRepoRoot
    $ManifestPath = Import-GenImageTestModule
    $ResourceGroup = 'rg-images'

    # Copies examples/recipes (with the probes) to a folder of its own, runs written inside it.
    function Copy-ExampleRecipes {
        param([Parameter(Mandatory)] [string] $Destination)
        $source = Join-Path $RepoRoot 'examples/recipes'
        $null = New-Item -ItemType Directory -Path $Destination -Force
        Copy-Item -Path (Join-Path $source '*') -Destination $Destination -Recurse -Force
        foreach ($file in Get-ChildItem -LiteralPath $Destination -Filter '*.yaml') {
            $text = Get-Content -LiteralPath $file.FullName -Raw
            Set-Content -LiteralPath $file.FullName -Value ($text -replace 'outputPath: \.\./\.\./out/evidence', 'outputPath: runs') -NoNewline
        }
        $Destination
    }

    # The files of a bundle whose SHA-256 differs from its SHA256SUMS line, and files the manifest does not list.
    function Test-EvidenceBundle {
        param([Parameter(Mandatory)] [string] $Path)
        $problems = [System.Collections.Generic.List[string]]::new()
        $listed = @{}
        foreach ($line in Get-Content -LiteralPath (Join-Path $Path 'SHA256SUMS')) {
            $hash = $line.Substring(0, 64)
            $relative = $line.Substring(66)
            $listed[$relative] = $true
            $actual = (Get-FileHash -LiteralPath (Join-Path $Path $relative) -Algorithm SHA256).Hash.ToLowerInvariant()
            if ($actual -ne $hash) { $problems.Add("$relative differs") }
        }
        foreach ($file in Get-ChildItem -LiteralPath $Path -Recurse -File) {
            $relative = [System.IO.Path]::GetRelativePath($Path, $file.FullName) -replace '\\', '/'
            if ($relative -ne 'SHA256SUMS' -and -not $listed.ContainsKey($relative)) { $problems.Add("$relative not listed") }
        }
        $problems.ToArray()
    }
}

AfterAll {
    Stop-GenImageTestEmulatorAll
    Remove-Module -Name GenImage -Force -ErrorAction SilentlyContinue
}

Describe 'Reading and checking recipes without a connection' {
    BeforeAll {
        $folder = Copy-ExampleRecipes -Destination (Join-Path $TestDrive 'static')
    }

    It 'reads every example recipe through a wildcard' {
        $recipes = Get-ImageRecipe -Path (Join-Path $folder '*.yaml')

        @($recipes).Count | Should -Be 3
        @($recipes | ForEach-Object { $_.Name } | Sort-Object) | Should -Be @('appserver-specialized', 'ubuntu2204-gen2', 'win2022-gen2-tl')
        $recipes | ForEach-Object { $_.IsValid | Should -BeTrue }
    }

    It 'passes the offline check of every example recipe' {
        $results = Test-ImageRecipe -Path (Join-Path $folder '*.yaml') -Offline

        $results | ForEach-Object { $_.Passed | Should -BeTrue }
    }

    It 'reports <Id> with its line and column' -ForEach @(
        @{ Id = 'GI9002'; From = '    vmSize: Standard_D2s_v5'; To = '    vmSzie: Standard_D2s_v5'; Column = 5 }
        @{ Id = 'GI9003'; From = '    timeoutMinutes: 30'; To = '    timeoutMinutes: half an hour'; Column = 21 }
        @{ Id = 'GI9005'; From = '    vmSize: Standard_D2s_v5'; To = "    vmSize: Standard_D2s_v5`n    adminPassword: Hunter2Hunter2"; Column = 5 }
    ) {
        $text = Get-Content -LiteralPath (Join-Path $folder 'windows2022-gen2-tl.yaml') -Raw
        $text.Contains($From) | Should -BeTrue
        # Next to a copy of probes/, so the only problem in the file is the one this case puts there.
        $brokenFolder = Copy-ExampleRecipes -Destination (Join-Path $TestDrive "broken-$Id")
        $broken = Join-Path $brokenFolder 'broken.yaml'
        Set-Content -LiteralPath $broken -Value $text.Replace($From, $To) -NoNewline
        $lines = $text -split "`n"
        $expectedLine = 0
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i].StartsWith($From)) { $expectedLine = $i + 1; break }
        }
        $expectedLine | Should -BeGreaterThan 0
        if ($Id -eq 'GI9005') { $expectedLine++ }

        $result = Test-ImageRecipe -Path $broken -Offline
        $problem = @($result.Diagnostics | Where-Object { $_.Id -eq $Id })

        $result.IsValid | Should -BeFalse
        $problem.Count | Should -Be 1
        $problem[0].Line | Should -Be $expectedLine
        $problem[0].Column | Should -Be $Column
        $problem[0].File | Should -Be $broken
        $problem[0].Message | Should -Not -Match 'Hunter2'
    }

    It 'writes one GenImage.GI9xxx error per problem from Get-ImageRecipe' {
        # Next to a copy of probes/: a recipe elsewhere would also report its probe script missing (GI9011).
        $brokenFolder = Copy-ExampleRecipes -Destination (Join-Path $TestDrive 'missing-owner')
        $broken = Join-Path $brokenFolder 'missing-owner.yaml'
        $text = Get-Content -LiteralPath (Join-Path $folder 'ubuntu2204-gen2.yaml') -Raw
        $withoutOwner = $text -replace '(?m)^  owner: platform-team\r?\n', ''
        $withoutOwner | Should -Not -Be $text
        Set-Content -LiteralPath $broken -Value $withoutOwner -NoNewline
        $errors = $null

        $output = Get-ImageRecipe -Path $broken -ErrorVariable errors -ErrorAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        @($errors).Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'GenImage.GI9004,*'
        $errors[0].TargetObject.KeyPath | Should -Be 'metadata.owner'
    }
}

Describe 'Running a recipe end to end on the healthy world' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $folder = Copy-ExampleRecipes -Destination (Join-Path $TestDrive 'healthy')
        $recipe = Join-Path $folder 'windows2022-gen2-tl.yaml'
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It '-WhatIf shows the plan and writes nothing' {
        $output = Invoke-ImageRecipe -Path $recipe -WhatIf

        $output | Should -BeNullOrEmpty
        Test-Path -LiteralPath (Join-Path $folder 'runs') | Should -BeFalse
        (Get-SourceVm -ResourceGroupName $ResourceGroup -Name vm-win2022-src).PowerState | Should -Be 'running'
    }

    It 'publishes, validates and promotes the version and writes a verifiable bundle' {
        $run = Invoke-ImageRecipe -Path $recipe -Force

        $run.Status | Should -Be 'Succeeded'
        $run.VersionName | Should -Be '1.0.0'
        $run.Promoted | Should -BeTrue
        @($run.Validation).Count | Should -Be 1
        $run.Validation[0].Status | Should -Be 'Passed'
        @($run.Steps | ForEach-Object { $_.Name }) | Should -Be @('Readiness', 'Generalize', 'Definition', 'Publish', 'Validate', 'Promote', 'Evidence', 'Cleanup')
        $version = Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName gal_images -DefinitionName win2022-datacenter-g2 -Name 1.0.0
        $version.ExcludeFromLatest | Should -BeFalse
        Test-EvidenceBundle -Path $run.EvidencePath | Should -BeNullOrEmpty
        (Get-Content -LiteralPath (Join-Path $run.EvidencePath 'evidence.json') -Raw | ConvertFrom-Json).schemaVersion | Should -Be 1
        Get-Content -LiteralPath (Join-Path $run.EvidencePath 'report.md') -TotalCount 1 | Should -Be '# Image evidence: gal_images/win2022-datacenter-g2/1.0.0'
    }

    It 'collects the same evidence again from the run with Get-ImageEvidence' {
        $run = Get-ChildItem -LiteralPath (Join-Path $folder 'runs/win2022-gen2-tl') -Directory | Select-Object -First 1
        $out = Join-Path $TestDrive 'again'

        $evidence = Get-ImageEvidence -RunPath $run.FullName -OutputPath $out

        $evidence.Summary.Booted | Should -BeTrue
        $evidence.BundlePath | Should -Be $out
        Test-EvidenceBundle -Path $out | Should -BeNullOrEmpty
    }
}

Describe 'A readiness failure on the classic-failures world' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'classic-failures'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $folder = Copy-ExampleRecipes -Destination (Join-Path $TestDrive 'failures')
        $recipe = Join-Path $folder 'gen1.yaml'
        $text = Get-Content -LiteralPath (Join-Path $folder 'windows2022-gen2-tl.yaml') -Raw
        Set-Content -LiteralPath $recipe -Value $text.Replace('vmName: vm-win2022-src', 'vmName: vm-win2019-gen1') -NoNewline
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'stops before anything irreversible and names the findings' {
        $errors = $null

        $run = Invoke-ImageRecipe -Path $recipe -Force -ErrorVariable errors -ErrorAction SilentlyContinue

        $run.Status | Should -Be 'Blocked'
        @($run.BlockingFindings | ForEach-Object { $_.RuleId }) | Should -Contain 'GI2003'
        @($errors).Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'GenImage.ReadinessBlocked,*'
        $errors[0].Exception.Message | Should -Match 'GI2003'
        (Get-SourceVm -ResourceGroupName $ResourceGroup -Name vm-win2019-gen1).OsState | Should -BeNullOrEmpty
    }
}

Describe 'A validation failure on the classic-failures world' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'classic-failures'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $folder = Copy-ExampleRecipes -Destination (Join-Path $TestDrive 'validation')
        $recipe = Join-Path $folder 'unprepared.yaml'
        $text = Get-Content -LiteralPath (Join-Path $folder 'windows2022-gen2-tl.yaml') -Raw
        # The operator asserts (wrongly) that the stopped guest was prepared: without prepare: assumed the run is refused.
        $text = $text.Replace('vmName: vm-win2022-src', 'vmName: vm-win-unprepared') -replace '(?m)^    probeScript: .*\r?\n', ''
        $text = $text -replace '(?m)^    prepare: true .*$', "    prepare: assumed`n    approver: cab@contoso.example`n    justification: stopped by the image pipeline after Sysprep"
        Set-Content -LiteralPath $recipe -Value $text -NoNewline
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'publishes, fails validation, and leaves the version excluded from latest without promoting it' {
        $errors = $null

        $run = Invoke-ImageRecipe -Path $recipe -Force -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $run.Status | Should -Be 'ValidationFailed'
        $run.Promoted | Should -BeFalse
        ($run.Steps | Where-Object Name -eq 'Promote').Status | Should -Be 'Skipped'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'GenImage.ValidationFailed,*'
        $errors[0].Exception.Message | Should -Match 'stays excluded from latest'
        (Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName gal_images -DefinitionName win2022-datacenter-g2 -Name 1.0.0).ExcludeFromLatest | Should -BeTrue
        Test-EvidenceBundle -Path $run.EvidencePath | Should -BeNullOrEmpty
    }
}

Describe 'Resuming after a failure on the recipes world' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'recipes'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $folder = Copy-ExampleRecipes -Destination (Join-Path $TestDrive 'resume')
        $recipe = Join-Path $folder 'ubuntu2204-gen2.yaml'
        $errors = $null
        $failed = Invoke-ImageRecipe -Path $recipe -Force -ErrorVariable errors -ErrorAction SilentlyContinue
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'fails at promotion and leaves the version excluded from latest' {
        $failed.Status | Should -Be 'Failed'
        ($failed.Steps | Where-Object Name -eq 'Promote').Status | Should -Be 'Failed'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'GenImage.ArmInternalServerError,*'
        (Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName gal_images -DefinitionName ubuntu-2204-gen2 -Name 1.0.0).ExcludeFromLatest | Should -BeTrue
    }

    It 'refuses a new run while that one is unfinished' {
        { Invoke-ImageRecipe -Path $recipe -Force -ErrorAction Stop } | Should -Throw -ErrorId 'GenImage.UnfinishedRun,*'
    }

    It 'finishes with -Resume without repeating a finished step' {
        $run = Invoke-ImageRecipe -Path $recipe -Resume -Force

        $run.Status | Should -Be 'Succeeded'
        $run.RunId | Should -Be $failed.RunId
        ($run.Steps | Where-Object Name -eq 'Promote').Attempts | Should -Be 2
        ($run.Steps | Where-Object Name -eq 'Generalize').Attempts | Should -Be 1
        ($run.Steps | Where-Object Name -eq 'Publish').Attempts | Should -Be 1
        @(Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName gal_images -DefinitionName ubuntu-2204-gen2).Count | Should -Be 1
        Test-EvidenceBundle -Path $run.EvidencePath | Should -BeNullOrEmpty
    }
}
