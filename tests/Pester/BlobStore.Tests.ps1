#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# Runs kept in Azure Blob Storage (Azurite over HTTPS with --oauth basic, started by build.ps1 -Task Test), as
# Azure Automation jobs on different workers use them: one process starts a recipe, a second is refused by the
# lease, the first is killed in the middle of publishing, and a third that has only the recipe and the container
# URL resumes the run to a clean end. Against the standalone ARM emulator, each process its own engine.

BeforeAll {
    . (Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1')
    $RepoRoot = Get-GenImageRepoRoot
    $null = Import-GenImageTestModule

    $StartedAzurite = $null
    if (-not $env:GENIMAGE_STORAGE_EMULATOR_CONNECTION -or -not (Test-Path -LiteralPath $env:GENIMAGE_STORAGE_EMULATOR_CONNECTION)) {
        # Invoke-Pester by hand: start Azurite the way build.ps1 does, stop it in AfterAll.
        $StartedAzurite = & (Join-Path $RepoRoot 'tests/azurite/Start-Azurite.ps1') -ConnectionPath (Join-Path $TestDrive 'storage-emulator.json')
        $env:GENIMAGE_STORAGE_EMULATOR_CONNECTION = $StartedAzurite.ConnectionPath
    }
    $Storage = Get-Content -LiteralPath $env:GENIMAGE_STORAGE_EMULATOR_CONNECTION -Raw | ConvertFrom-Json

    # One job: connect to the emulator, run (or resume) the recipe with the blob store, report what came back.
    $JobScript = Join-Path $TestDrive 'job.ps1'
    Set-Content -LiteralPath $JobScript -Value @'
param([string] $Helpers, [string] $ConnectionFile, [string] $Recipe, [string] $Store, [string] $Mode, [string] $ResultPath)
$ErrorActionPreference = 'Continue'
. $Helpers
$null = Import-GenImageTestModule
$null = Connect-GenImage -Emulator -ConnectionFile $ConnectionFile
$extra = @{}
if ($Mode -eq 'Resume') { $extra.Resume = $true }
$run = Invoke-ImageRecipe -Path $Recipe -Store $Store -Force @extra -ErrorVariable errs -WarningVariable warns -ErrorAction SilentlyContinue
[ordered]@{
    ProcessId    = $PID
    Status       = if ($run) { "$($run.Status)" } else { $null }
    RunId        = if ($run) { $run.RunId } else { $null }
    JournalPath  = if ($run) { $run.JournalPath } else { $null }
    EvidencePath = if ($run) { $run.EvidencePath } else { $null }
    Errors       = @($errs | ForEach-Object { [ordered]@{ Id = $_.FullyQualifiedErrorId; Message = $_.Exception.Message } })
    Warnings     = @($warns | ForEach-Object { "$_" })
} | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $ResultPath
'@

    function Copy-Recipe {
        param([Parameter(Mandatory)] [string] $Destination)
        $null = New-Item -ItemType Directory -Path $Destination -Force
        Copy-Item -Path (Join-Path $RepoRoot 'examples/recipes/*') -Destination $Destination -Recurse -Force
        Join-Path $Destination 'ubuntu2204-gen2.yaml'
    }

    function Invoke-Job {
        param([string] $Recipe, [string] $Mode, [string] $Name)
        $result = Join-Path $TestDrive "$Name.json"
        $null = Invoke-GenImageTestEngine -ScriptPath $JobScript -ArgumentList @((Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1'), $Emulator.ConnectionFile, $Recipe, $StoreUrl, $Mode, $result)
        Get-Content -LiteralPath $result -Raw | ConvertFrom-Json
    }
}

AfterAll {
    Disconnect-GenImage -ErrorAction SilentlyContinue
    Stop-GenImageTestEmulatorAll
    if ($StartedAzurite) {
        & (Join-Path $RepoRoot 'tests/azurite/Stop-Azurite.ps1') -ProcessId $StartedAzurite.ProcessId -ConnectionPath $StartedAzurite.ConnectionPath
        $env:GENIMAGE_STORAGE_EMULATOR_CONNECTION = $null
    }
    Remove-Module -Name GenImage -Force -ErrorAction SilentlyContinue
}

Describe 'A recipe run kept in a blob container, across processes' {
    BeforeAll {
        # The healthy world, with a replication slow enough (30 s) that a run can be caught while its version replicates.
        $world = Join-Path $TestDrive 'healthy-slow-replication.yaml'
        $text = Get-Content -LiteralPath (Join-Path $RepoRoot 'examples/worlds/healthy.yaml') -Raw
        $text.Contains('secondsPerGB: 10') | Should -BeTrue
        Set-Content -LiteralPath $world -Value $text.Replace('secondsPerGB: 10', 'secondsPerGB: 1000') -NoNewline
        $Emulator = Start-GenImageTestEmulator -WorldPath $world
        $null = Connect-GenImage -Emulator -ConnectionFile $Emulator.ConnectionFile
        $StoreUrl = "$($Storage.blobEndpoint)runs-$([guid]::NewGuid().ToString('N').Substring(0, 12))/prod"
        $RecipeA = Copy-Recipe -Destination (Join-Path $TestDrive 'job-a')
        $RecipeB = Copy-Recipe -Destination (Join-Path $TestDrive 'job-b')
    }

    It 'refuses a second process by the lease, and resumes a run killed mid-publish in a process that has only the container URL' {
        $outA = Join-Path $TestDrive 'job-a.out'
        $a = Start-GenImageTestEngine -ScriptPath $JobScript -OutputPath $outA -ArgumentList @(
            (Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1'), $Emulator.ConnectionFile, $RecipeA, $StoreUrl, 'Start', (Join-Path $TestDrive 'job-a.json'))
        try {
            # Mid-publish: the image version exists and is still being created (replicating).
            $deadline = [DateTime]::UtcNow.AddSeconds(180)
            $creating = $null
            while ($null -eq $creating) {
                if ($a.HasExited) {
                    throw "Job A ended (exit $($a.ExitCode)) before it was caught publishing:`n$(Get-Content -LiteralPath $outA, "$outA.err" -Raw -ErrorAction SilentlyContinue)"
                }
                if ([DateTime]::UtcNow -gt $deadline) {
                    throw 'Job A did not reach the publishing of its version within 180 s.'
                }
                $creating = Get-GalleryImageVersion -ResourceGroupName rg-images -GalleryName gal_images -DefinitionName ubuntu-2204-gen2 -ErrorAction SilentlyContinue |
                    Where-Object { $_.ProvisioningState -eq 'Creating' } | Select-Object -First 1
                if ($null -eq $creating) {
                    $null = $a.WaitForExit(100)
                }
            }

            # Another job starts the same recipe while A runs: the lease refuses it, naming A's process.
            $second = Invoke-Job -Recipe $RecipeB -Mode 'Start' -Name 'job-second'
            $second.Status | Should -BeNullOrEmpty
            @($second.Errors).Count | Should -Be 1
            $second.Errors[0].Id | Should -BeLike 'GenImage.RunInProgress*'
            $second.Errors[0].Message | Should -Match "process $($a.Id)\b"
            $second.Errors[0].Message | Should -Match ([regex]::Escape($StoreUrl))
            Write-Host "lease refusal: $($second.Errors[0].Id): $($second.Errors[0].Message)"
        }
        finally {
            # Killed in the middle of publishing, as a job whose worker disappears.
            if (-not $a.HasExited) { $a.Kill($true) }
            $a.WaitForExit()
        }
        Test-Path -LiteralPath (Join-Path $TestDrive 'job-a.json') | Should -BeFalse

        # A third job, with the recipe and the container URL only (no folder of A's), resumes the run.
        $resumed = Invoke-Job -Recipe $RecipeB -Mode 'Resume' -Name 'job-b'
        Write-Host "resume: status $($resumed.Status), run $($resumed.RunId), warnings: $($resumed.Warnings -join ' | ')"

        @($resumed.Errors) | Should -BeNullOrEmpty
        $resumed.Status | Should -Be 'Succeeded'
        $resumed.JournalPath | Should -Be "$StoreUrl/ubuntu2204-gen2/$($resumed.RunId)/journal.jsonl"
        $resumed.EvidencePath | Should -Be "$StoreUrl/ubuntu2204-gen2/$($resumed.RunId)/evidence"
        $resumed.Warnings | Where-Object { $_ -like '*Took over the stale lease*' } | Should -Not -BeNullOrEmpty
        # Nothing twice: one version, published once; the validation VM gone; no run folder beside either recipe.
        $versions = @(Get-GalleryImageVersion -ResourceGroupName rg-images -GalleryName gal_images -DefinitionName ubuntu-2204-gen2)
        $versions.Count | Should -Be 1
        $versions[0].Name | Should -Be '1.0.0'
        $versions[0].ProvisioningState | Should -Be 'Succeeded'
        Test-Path -LiteralPath (Join-Path $TestDrive 'job-a/runs') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $TestDrive 'job-b/runs') | Should -BeFalse

        # The journal, read back by URL from yet another session: one run started, resumed once, finished once.
        $evidence = Get-ImageEvidence -RunPath "$StoreUrl/ubuntu2204-gen2/$($resumed.RunId)" -OutputPath (Join-Path $TestDrive 'audit')
        $evidence.Subject | Should -Be $versions[0].Id
        $journal = @(Get-Content -LiteralPath (Join-Path $TestDrive 'audit/attachments/journal.jsonl') | ForEach-Object { $_ | ConvertFrom-Json })
        @($journal | Where-Object type -eq 'runStarted').Count | Should -Be 1
        @($journal | Where-Object type -eq 'runResumed').Count | Should -Be 1
        # Job A was killed in the middle of Publish: it had started the step and journaled no end of it.
        $beforeResume = @($journal | Select-Object -First ([array]::FindIndex($journal, [Predicate[object]] { param($e) $e.type -eq 'runResumed' })))
        @($beforeResume | Where-Object { $_.type -eq 'stepStarted' -and $_.step -eq 'Publish' }).Count | Should -Be 1
        @($beforeResume | Where-Object { $_.type -eq 'stepFinished' -and $_.step -eq 'Publish' }).Count | Should -Be 0
        @($journal | Where-Object { $_.type -eq 'runFinished' }).status | Should -Be 'Succeeded'
        @($journal | Where-Object { $_.type -eq 'stepFinished' -and $_.step -eq 'Publish' -and $_.status -eq 'Succeeded' }).Count | Should -Be 1
    }

    It 'starts the next run of the recipe once the lease is released' {
        $next = Invoke-Job -Recipe $RecipeB -Mode 'Start' -Name 'job-next'

        @($next.Errors | Where-Object { $_.Id -like 'GenImage.RunInProgress*' }) | Should -BeNullOrEmpty
    }
}
