@{
    RootModule           = 'GenImage.Cmdlets.dll'
    # Loaded first: makes the engine and its dependencies (in dependencies/) loadable, privately on PowerShell 7.
    NestedModules        = @('GenImage.Loader.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '6c0f4d1e-5b7a-4e55-9a3c-2f8e1b7d9c41'
    Author               = 'GenImage maintainers'
    CompanyName          = 'GenImage'
    Copyright            = '(c) GenImage maintainers. MIT License.'
    Description          = 'Takes Azure VMs through the generalized image lifecycle: prepare, generalize, check readiness, publish to Azure Compute Gallery, validate, and keep the evidence.'
    # Supported: PowerShell 7.4 and later (Core; tested on 7.4.22 / .NET 8 and 7.6.10 / .NET 10) and Windows
    # PowerShell 5.1 (Desktop; built for, not exercised by any test). A manifest cannot say "5.1, or 7.4 and
    # later", so the floor is 5.1; PowerShell 7.0-7.3 run on .NET versions out of support and are not tested.
    PowerShellVersion    = '5.1'
    # netstandard2.0 on Windows PowerShell 5.1 needs .NET Framework 4.7.2 or later.
    DotNetFrameworkVersion = '4.7.2'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('GenImage.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-GenImage'
        'Disconnect-GenImage'
        'Get-GenImageContext'
        'Get-SourceVm'
        'Invoke-GeneralizeVm'
        'New-GalleryImageDefinition'
        'Get-GalleryImageDefinition'
        'New-GalleryImageVersion'
        'Get-GalleryImageVersion'
        'Set-GalleryImageVersion'
        'Remove-GalleryImageVersion'
        'Publish-GalleryImageVersion'
        'Undo-GalleryImageVersion'
        'New-ManagedImage'
        'Test-ImageReadiness'
        'Get-ImageReadinessRule'
        'Get-GuestScript'
        'Test-ImageDeployment'
        'Get-ImageRecipe'
        'Test-ImageRecipe'
        'Invoke-ImageRecipe'
        'Get-ImageEvidence'
        'Get-ImageRun'
        'Get-VmBootDiagnosis'
        'Test-GenImagePermission'
        'Get-ImageInventory'
        'Remove-ImageLeftover'
        'Get-ImageConsumer'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Azure', 'Compute', 'Gallery', 'Image', 'Sysprep', 'Generalize', 'PSEdition_Core', 'PSEdition_Desktop')
            ProjectUri   = 'https://github.com/genimage/genimage'
            LicenseUri   = 'https://github.com/genimage/genimage/blob/main/LICENSE'
            RequireLicenseAcceptance = $false
            ReleaseNotes = 'Help for every cmdlet (Get-Help <cmdlet> -Full, about_GenImage, about_GenImage_Readiness_Rules); tab completion of resource, region and rule names; connections shared with ThreadJobs and ForEach-Object -Parallel (Connect-GenImage -Scope). The full history is in the repository.'
        }
    }
}
