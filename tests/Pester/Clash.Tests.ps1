#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }

# GenImage beside Az.Accounts: the older Azure.Core (1.44.1) and Azure.Identity (1.13.2) that Az.Accounts loads into
# PowerShell's default AssemblyLoadContext, loaded before GenImage and after it. Each order runs in a process of its
# own (an assembly cannot be unloaded), of the same engine as the tests: pwsh 7.6 or PowerShell 7.4.

BeforeAll {
    . (Join-Path $PSScriptRoot 'GenImage.TestHelpers.ps1')
    $RepoRoot = Get-GenImageRepoRoot
    $ManifestPath = Import-GenImageTestModule
    $ClashDirectory = Join-Path $RepoRoot 'out/tools/clash'

    # The child: loads Az's assemblies first or after connecting, publishes a version and reports what it used.
    $ChildScript = Join-Path $TestDrive 'clash-child.ps1'
    Set-Content -LiteralPath $ChildScript -Value @'
param([string] $ModuleRoot, [string] $ConnectionFile, [string] $ClashDirectory, [string] $Order)
$ErrorActionPreference = 'Stop'
$env:PSModulePath = $ModuleRoot + [System.IO.Path]::PathSeparator + $env:PSModulePath
function Import-AzAssemblies {
    Add-Type -LiteralPath (Join-Path $ClashDirectory 'Azure.Core.dll')
    Add-Type -LiteralPath (Join-Path $ClashDirectory 'Azure.Identity.dll')
    # Used, as Az.Accounts uses it: a type of the older Azure.Core, bound in the default context.
    $null = [Azure.Core.AccessToken]::new('not-a-token', [DateTimeOffset]::UtcNow)
}
if ($Order -eq 'AzFirst') { Import-AzAssemblies }
Import-Module -Name GenImage
$context = Connect-GenImage -Emulator -ConnectionFile $ConnectionFile
if ($Order -eq 'GenImageFirst') { Import-AzAssemblies }
$null = New-GalleryImageDefinition -ResourceGroupName rg-images -GalleryName gal_clash -Name ubuntu -Publisher contoso -Offer ubuntu `
    -Sku 22_04 -OsType Linux -HyperVGeneration V2 -CreateGallery
$version = Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force |
    New-GalleryImageVersion -GalleryName gal_clash -DefinitionName ubuntu -Name 1.0.0
$loaded = foreach ($assembly in [AppDomain]::CurrentDomain.GetAssemblies()) {
    if ($assembly.GetName().Name -eq 'Azure.Core') {
        '{0} ({1})' -f $assembly.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly).GetType().FullName
    }
}
[ordered]@{
    version   = $version.Name
    state     = $version.ProvisioningState
    azureSdk  = $context.AzureSdk
    azureCore = @($loaded | Sort-Object)
} | ConvertTo-Json -Compress
'@
}

AfterAll {
    Stop-GenImageTestEmulatorAll
    Remove-Module -Name GenImage -Force -ErrorAction SilentlyContinue
}

Describe 'GenImage beside the Azure.Core and Azure.Identity of Az.Accounts (<_>)' -ForEach @('AzFirst', 'GenImageFirst') {
    BeforeAll {
        $emulator = Start-GenImageTestEmulator -World 'healthy'
        $lines = @(Invoke-GenImageTestEngine -ScriptPath $ChildScript -ArgumentList @(
            $env:GENIMAGE_TEST_MODULE_ROOT, $emulator.ConnectionFile, $ClashDirectory, $_))
        $report = $lines[-1] | ConvertFrom-Json
    }

    AfterAll {
        Stop-GenImageTestEmulator -Emulator $emulator
    }

    It 'publishes a version' {
        $report.version | Should -Be '1.0.0'
        $report.state | Should -Be 'Succeeded'
    }

    It "runs GenImage's calls on its own Azure.Core in its private context" {
        $report.azureSdk | Should -Be 'Azure.Core 1.60.0.0 (GenImage.Loader.PrivateLoadContext)'
    }

    It 'leaves the other Azure.Core where Az.Accounts loaded it' {
        $report.azureCore | Should -Be @(
            '1.44.1.0 (System.Runtime.Loader.DefaultAssemblyLoadContext)'
            '1.60.0.0 (GenImage.Loader.PrivateLoadContext)')
    }
}
