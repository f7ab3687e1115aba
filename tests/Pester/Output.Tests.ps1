#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# Output that scripts can trust, in the engine running the tests (pwsh 7.6 or PowerShell 7.4): enums are names in the
# real ConvertTo-Json without -EnumsAsStrings, and -Debug shows each HTTP exchange with credentials redacted.
# Run by tests/Pester/Invoke-GenImagePester.ps1; starts an emulator of its own.

BeforeAll {
    . (Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1')
    $ManifestPath = Import-GenImageTestModule
    $ResourceGroup = 'rg-images'
}

AfterAll {
    Stop-GenImageTestEmulatorAll
    Remove-Module -Name GenImage -Force -ErrorAction SilentlyContinue
}

Describe 'Enums in ConvertTo-Json' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'writes a readiness rule''s Severity as its name' {
        $json = Get-ImageReadinessRule -Id GI1001 | ConvertTo-Json -Compress

        $json | Should -Match '"Severity":"Error"'
        ($json | ConvertFrom-Json).Severity | Should -Be 'Error'
    }

    It 'writes each finding''s Status and Severity as names' {
        $findings = @(Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win2022-src | ConvertTo-Json -Depth 4 | ConvertFrom-Json)

        $findings.Count | Should -BeGreaterThan 0
        foreach ($finding in $findings) {
            $finding.Status | Should -BeIn @('Pass', 'Fail', 'Skipped')
            if ($null -ne $finding.Severity) {
                $finding.Severity | Should -BeIn @('Error', 'Warning', 'Information')
            }
        }
    }

    It 'writes a recipe diagnostic''s Severity as its name and keeps the enum in PowerShell' {
        $path = Join-Path $TestDrive 'bad.yaml'
        Set-Content -LiteralPath $path -Value "apiVersion: genimage/v1`nkind: ImageRecipe`nmetadata:`n  name: bad`nspec: {}`n"
        $result = Test-ImageRecipe -Path $path -WarningAction SilentlyContinue -ErrorAction SilentlyContinue

        @($result.Diagnostics).Count | Should -BeGreaterThan 0
        $json = $result | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        foreach ($diagnostic in $json.Diagnostics) {
            $diagnostic.Severity | Should -BeOfType ([string])
        }
        @($result.Diagnostics)[0].Severity | Should -BeOfType ([System.Enum])
    }
}

Describe '-Debug and HTTP' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'shows the request and response lines with headers, Authorization redacted and no token' {
        $debug = @(Get-SourceVm -ResourceGroupName $ResourceGroup -Name vm-win2022-src -Debug 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message)

        $request = @($debug | Where-Object { $_ -like 'HTTP request: GET https://127.0.0.1:*/virtualMachines/vm-win2022-src?*' })
        $request.Count | Should -Be 1
        ($request[0] -split "`n") | Should -Contain '  Authorization: REDACTED'
        @($debug | Where-Object { $_ -like 'HTTP response: 200*' }).Count | Should -BeGreaterThan 0
        ($debug -join "`n") | Should -Not -Match 'eyJ|Bearer'
    }

    It 'writes nothing at Debug without -Debug' {
        $debug = @(Get-SourceVm -ResourceGroupName $ResourceGroup -Name vm-win2022-src 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] })

        $debug.Count | Should -Be 0
    }
}
