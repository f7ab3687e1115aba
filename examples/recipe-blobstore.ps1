<#
.SYNOPSIS
    GenImage recipe with its runs in Azure Blob Storage: the same recipe as the quickstart's, with the journal, the
    lease and the evidence bundle kept in a blob container (Azurite locally), as Azure Automation jobs on different
    workers use it.

.DESCRIPTION
    1. Connect-GenImage -Emulator (unless the session is connected already).
    2. Azurite: the one named by GENIMAGE_STORAGE_EMULATOR_CONNECTION, else one started here with
       tests/azurite/Start-Azurite.ps1 (HTTPS, --oauth basic; installed by npm ci) and stopped at the end.
    3. Invoke-ImageRecipe -Store CONTAINER-URL: the whole checklist, with the journal as an append blob, the run's
       lease as a blob lease and the evidence uploaded write-once. The same command with -Resume, from any job that
       can reach the container, continues the run where it stopped.
    4. The run read back by its URL alone (Get-ImageEvidence -RunPath URL), as a later job or an auditor does, into a
       local bundle whose SHA256SUMS is verified.

.PARAMETER RecipePath
    The recipe to run (default: examples/recipes/ubuntu2204-gen2.yaml).

.PARAMETER Store
    The container URL (default: a new container on the local Azurite).

.EXAMPLE
    # The demo host starts the emulator in-process and runs this script
    dotnet run --project src/GenImage.Demo -- --script examples/recipe-blobstore.ps1

.EXAMPLE
    # Against Azure Storage: a container the signed-in identity has Storage Blob Data Contributor on
    Connect-GenImage
    ./examples/recipe-blobstore.ps1 -RecipePath ./my-recipe.yaml -Store https://contoso.blob.core.windows.net/image-runs/prod
#>
[CmdletBinding()]
param(
    [string] $RecipePath = "$PSScriptRoot/recipes/ubuntu2204-gen2.yaml",

    [string] $Store
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if (-not (Get-Module -Name GenImage)) {
    Import-Module -Name "$PSScriptRoot/../out/GenImage/GenImage.psd1"
}

# 1. Connect to the emulator named by the connection file, unless this session is connected already.
$connectedHere = $false
if (-not (Get-GenImageContext -ErrorAction SilentlyContinue)) {
    $null = Connect-GenImage -Emulator
    $connectedHere = $true
}
$azurite = $null
try {
    # 2. The storage: the given container, or one on the local Azurite.
    if (-not $Store) {
        $file = $env:GENIMAGE_STORAGE_EMULATOR_CONNECTION
        if (-not $file -or -not [System.IO.File]::Exists($file)) {
            $azurite = & "$PSScriptRoot/../tests/azurite/Start-Azurite.ps1"
            $env:GENIMAGE_STORAGE_EMULATOR_CONNECTION = $azurite.ConnectionPath
            $file = $azurite.ConnectionPath
        }
        $json = [System.Text.Json.JsonDocument]::Parse([System.IO.File]::ReadAllText($file))
        $endpoint = $json.RootElement.GetProperty('blobEndpoint').GetString()
        $json.Dispose()
        $Store = "${endpoint}image-runs/example-$([DateTime]::UtcNow.ToString('yyyyMMddHHmmss'))"
    }
    "Runs kept in $Store"

    # 3. Run it end to end, journal, lease and evidence in the container.
    $run = Invoke-ImageRecipe -Path $RecipePath -Store $Store -NewRun -Force
    $run | Out-Default
    if ($run.Status -ne 'Succeeded') {
        throw "Expected the recipe to succeed, but the run ended $($run.Status): $($run.Message)"
    }
    "Journal: $($run.JournalPath)"
    "Evidence (write-once): $($run.EvidencePath)"

    # 4. Another job knows only the URL: it reads the run back and collects its evidence into a local bundle.
    $audit = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "genimage-audit-$($run.RunId)")
    $evidence = Get-ImageEvidence -RunPath "$Store/$($run.RecipeName)/$($run.RunId)" -OutputPath $audit
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try {
        foreach ($line in [System.IO.File]::ReadAllLines([System.IO.Path]::Combine($audit, 'SHA256SUMS'))) {
            $bytes = [System.IO.File]::ReadAllBytes([System.IO.Path]::Combine($audit, $line.Substring(66)))
            if ([System.BitConverter]::ToString($sha.ComputeHash($bytes)).Replace('-', '').ToLowerInvariant() -ne $line.Substring(0, 64)) {
                throw "The evidence file $($line.Substring(66)) does not match SHA256SUMS."
            }
        }
    }
    finally {
        $sha.Dispose()
    }
    "Read back from the container by another session: $($evidence.Subject), bundle $audit (SHA256SUMS verified)."
    "Recipe with a blob store complete: $($run.RecipeName) $($run.VersionName), run $($run.RunId)."
}
finally {
    if ($connectedHere) { Disconnect-GenImage }
    if ($azurite) {
        & "$PSScriptRoot/../tests/azurite/Stop-Azurite.ps1" -ProcessId $azurite.ProcessId -ConnectionPath $azurite.ConnectionPath
        $env:GENIMAGE_STORAGE_EMULATOR_CONNECTION = $null
    }
}
