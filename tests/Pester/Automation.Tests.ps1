#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# The runbook path, as Azure Automation runs it: the uploaded package imported by name from PSModulePath, a
# connection, the whole build (generalize, publish to two regions, validate) and a recipe. build.ps1 -Task Test
# runs this file (with the others) in pwsh 7.6 and in PowerShell 7.4 on .NET 8, the runtime of Automation's
# "PowerShell 7.4" runbooks, whose .NET 8 owns older copies of assemblies the engine is built against.

BeforeAll {
    . (Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1')
    $RepoRoot = Get-GenImageRepoRoot
    $ManifestPath = Import-GenImageTestModule
    $ResourceGroup = 'rg-images'

    # A loopback port with no listener: connections to it are refused at once.
    function Get-RefusingLoopbackPort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $listener.Stop()
        $port
    }
}

AfterAll {
    Stop-GenImageTestEmulatorAll
    Remove-Module -Name GenImage -Force -ErrorAction SilentlyContinue
}

Describe 'The packaged module in this engine' {
    It 'is imported by name from the folder on PSModulePath' {
        $module = Get-Module -Name GenImage

        $module.ModuleBase | Should -Be (Join-Path $env:GENIMAGE_TEST_MODULE_ROOT 'GenImage')
        Test-Path -LiteralPath (Join-Path $module.ModuleBase 'dependencies/GenImage.Core.dll') | Should -BeTrue
        @(Get-ChildItem -LiteralPath $module.ModuleBase -Filter '*.dll' | ForEach-Object Name | Sort-Object) |
            Should -Be @('GenImage.Cmdlets.dll', 'GenImage.Loader.dll')
    }
}

Describe 'A runbook build against the emulator' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $context = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'connects' {
        $context.IsEmulator | Should -BeTrue
        (Get-GenImageContext).SubscriptionId | Should -Be '00000000-0000-0000-0000-000000000001'
    }

    It 'lists the source VMs' {
        @(Get-SourceVm -ResourceGroupName $ResourceGroup | ForEach-Object Name | Sort-Object) |
            Should -Be @('vm-ubuntu2204-src', 'vm-win2022-src')
    }

    It 'prepares and generalizes, publishes to two regions and boots the version' {
        $null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName gal_runbook -Name win2022 -Publisher contoso `
            -Offer windows -Sku 2022-tl -OsType Windows -HyperVGeneration V2 -SecurityType TrustedLaunch -CreateGallery

        $generalized = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-win2022-src -Prepare -Force
        $version = $generalized | New-GalleryImageVersion -GalleryName gal_runbook -DefinitionName win2022 -Name 1.0.0 -TargetRegion westeurope, 'northeurope=2'
        $validation = $version | Test-ImageDeployment

        $generalized.Prepared | Should -BeTrue
        $generalized.OsStateAfter | Should -Be 'generalized'
        $version.ProvisioningState | Should -Be 'Succeeded'
        $version.ReplicationState | Should -Be 'Completed'
        @($version.Regions | ForEach-Object Region) | Should -Be @('westeurope', 'northeurope')
        $validation.Outcome | Should -Be 'Succeeded'
        @($validation.ResourcesLeftBehind).Count | Should -Be 0
    }

    It 'ran on the engine and System.Text.Json of its private context, whatever the runtime owns' {
        $engine = (Get-ImageReadinessRule | Select-Object -First 1).GetType().Assembly
        $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine)
        $context.GetType().FullName | Should -Be 'GenImage.Loader.PrivateLoadContext'

        # The engine's closure is built against System.Text.Json 10; on .NET 8 the runtime's own copy is 8.0.
        $json = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'System.Text.Json' }
        $runtimeJson = [System.Text.Json.JsonSerializer].Assembly.GetName().Version
        if ($runtimeJson.Major -lt 10) {
            $json | Should -Not -BeNullOrEmpty -Because "the runtime's System.Text.Json is $runtimeJson"
            $json.GetName().Version.Major | Should -Be 10
        }
        else {
            $json | Should -BeNullOrEmpty -Because 'a runtime copy at least as new is shared'
        }
    }
}

Describe 'A recipe run from a runbook' {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $null = Connect-GenImage -Emulator -ConnectionFile $emulator.ConnectionFile
        $folder = Join-Path $TestDrive 'recipes'
        $null = New-Item -ItemType Directory -Path $folder -Force
        Copy-Item -Path (Join-Path $RepoRoot 'examples/recipes/*') -Destination $folder -Recurse -Force
        $recipe = Join-Path $folder 'windows2022-gen2-tl.yaml'
        $text = Get-Content -LiteralPath $recipe -Raw
        Set-Content -LiteralPath $recipe -Value ($text -replace 'outputPath: \.\./\.\./out/evidence', 'outputPath: runs') -NoNewline
    }

    AfterAll {
        Disconnect-GenImage -ErrorAction SilentlyContinue
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'runs every step and writes the evidence bundle' {
        $run = Invoke-ImageRecipe -Path $recipe -Force

        $run.Status | Should -Be 'Succeeded'
        @($run.Steps | Where-Object { $_.Status -ne 'Succeeded' -and $_.Status -ne 'Skipped' }).Count | Should -Be 0
        Test-Path -LiteralPath (Join-Path $run.EvidencePath 'SHA256SUMS') | Should -BeTrue
    }
}

Describe 'Connecting with the managed identity of an Automation account' {
    BeforeAll {
        $saved = @{ IDENTITY_ENDPOINT = $env:IDENTITY_ENDPOINT; IDENTITY_HEADER = $env:IDENTITY_HEADER }
        # What Automation sets in a job; here the endpoint refuses every connection.
        $env:IDENTITY_ENDPOINT = 'http://127.0.0.1:{0}/msi/token' -f (Get-RefusingLoopbackPort)
        $env:IDENTITY_HEADER = 'header-for-the-test'
    }

    AfterAll {
        $env:IDENTITY_ENDPOINT = $saved.IDENTITY_ENDPOINT
        $env:IDENTITY_HEADER = $saved.IDENTITY_HEADER
        Disconnect-GenImage -ErrorAction SilentlyContinue
    }

    It 'asks the identity endpoint and reports the credential failure as a GenImage error' {
        $caught = $null
        try {
            $null = Connect-GenImage -Identity -ErrorAction Stop
        }
        catch {
            $caught = $_
        }

        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'GenImage.ConnectFailed,*'
        $caught.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $caught.Exception.ToString() | Should -Not -Match 'FileLoadException|FileNotFoundException|TypeLoadException|MissingMethodException'
        $caught.Exception.ToString() | Should -Match 'ManagedIdentityCredential'
    }
}
