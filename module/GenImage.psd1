@{
    RootModule           = 'GenImage.Cmdlets.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6c0f4d1e-5b7a-4e55-9a3c-2f8e1b7d9c41'
    Author               = 'GenImage maintainers'
    CompanyName          = 'GenImage'
    Copyright            = '(c) GenImage maintainers. MIT License.'
    Description          = 'Takes Azure VMs through the generalized image lifecycle: prepare, generalize, check readiness, publish to Azure Compute Gallery, validate, and keep the evidence.'
    PowerShellVersion    = '5.1'
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
        'Get-VmBootDiagnosis'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Azure', 'Compute', 'Gallery', 'Image', 'Sysprep', 'Generalize', 'PSEdition_Core', 'PSEdition_Desktop')
            ProjectUri   = 'https://github.com/genimage/genimage'
            LicenseUri   = 'https://github.com/genimage/genimage/blob/main/LICENSE'
        }
    }
}
