<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the GenImage module.

.DESCRIPTION
    Build    dotnet build GenImage.Cmdlets.sln -c <Configuration>; stages the importable module in out/GenImage.
    Test     dotnet test GenImage.Cmdlets.sln -c <Configuration>, then the Pester tests in tests/Pester
             (in a pwsh process of their own) when Pester 5 or later is installed.
    Package  Builds in Release and zips out/GenImage into out/GenImage.zip with the folder GenImage/ at
             the root of the archive, the layout Azure Automation and Install-Module expect: manifest, module
             assembly and dependencies, format file, en-US help and about topics, LICENSE.
    Demo     dotnet run --project src/GenImage.Demo -c <Configuration>: the emulator in-process and
             examples/quickstart.ps1 against it.
    Clean    dotnet clean, and removes out/.

    Tasks run in the order given. The script exits 1 as soon as one fails.

.EXAMPLE
    ./build.ps1

.EXAMPLE
    ./build.ps1 -Task Build, Test

.EXAMPLE
    ./build.ps1 -Task Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Clean')]
    [string[]] $Task = 'Build',

    [string] $Configuration = 'Release'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$RepoRoot = $PSScriptRoot
$Solution = Join-Path $RepoRoot 'GenImage.Cmdlets.sln'
$OutDir = Join-Path $RepoRoot 'out'
$ModuleDir = Join-Path $OutDir 'GenImage'

function Invoke-Dotnet {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    Write-Host "> dotnet $($Arguments -join ' ')" -ForegroundColor Cyan
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE."
    }
}

function Invoke-BuildTask {
    param([string] $BuildConfiguration)
    Invoke-Dotnet -Arguments @('build', $Solution, '-c', $BuildConfiguration)
    $manifest = Join-Path $ModuleDir 'GenImage.psd1'
    if (-not (Test-Path -LiteralPath $manifest)) {
        throw "The build did not stage the module: '$manifest' is missing."
    }
}

function Invoke-TestTask {
    Invoke-Dotnet -Arguments @('test', $Solution, '-c', $Configuration)

    $pester = Get-Module -ListAvailable -Name Pester |
        Where-Object { $_.Version -ge [version] '5.0' } |
        Sort-Object -Property Version -Descending |
        Select-Object -First 1
    if ($null -eq $pester) {
        Write-Warning ('Pester 5 or later is not installed, so tests/Pester did not run. ' +
            'Install it with: Install-Module -Name Pester -MinimumVersion 5.0 -Scope CurrentUser -Force -SkipPublisherCheck')
        return
    }

    # A pwsh of its own: the tests import the module, and a loaded assembly could not be rebuilt afterwards.
    $pwsh = Get-Command -Name pwsh -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $shell = if ($null -ne $pwsh) { $pwsh.Source } else { [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName }
    $runner = Join-Path $RepoRoot 'tests/Pester/Invoke-GenImagePester.ps1'
    Write-Host "> Pester $($pester.Version): tests/Pester" -ForegroundColor Cyan
    $previous = $env:GENIMAGE_CONFIGURATION
    $env:GENIMAGE_CONFIGURATION = $Configuration
    try {
        & $shell -NoProfile -NonInteractive -File $runner
        if ($LASTEXITCODE -ne 0) {
            throw "The Pester tests failed (exit code $LASTEXITCODE)."
        }
    }
    finally {
        $env:GENIMAGE_CONFIGURATION = $previous
    }
}

function Invoke-PackageTask {
    if (Test-Path -LiteralPath $ModuleDir) {
        Remove-Item -LiteralPath $ModuleDir -Recurse -Force
    }
    Invoke-BuildTask -BuildConfiguration 'Release'

    $zip = Join-Path $OutDir 'GenImage.zip'
    if (Test-Path -LiteralPath $zip) {
        Remove-Item -LiteralPath $zip -Force
    }
    Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem
    # Entries are named here, GenImage/<relative path with forward slashes>: ZipFile.CreateFromDirectory
    # writes backslashes on some Windows PowerShell 5.1 / .NET Framework installations, and such archives
    # do not extract as folders elsewhere.
    $base = (Resolve-Path -LiteralPath $ModuleDir).ProviderPath.TrimEnd('\', '/')
    $archive = [System.IO.Compression.ZipFile]::Open($zip, [System.IO.Compression.ZipArchiveMode]::Create)
    try {
        foreach ($file in Get-ChildItem -LiteralPath $base -Recurse -File) {
            $relative = $file.FullName.Substring($base.Length).TrimStart('\', '/') -replace '\\', '/'
            $null = [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile(
                $archive, $file.FullName, "GenImage/$relative", [System.IO.Compression.CompressionLevel]::Optimal)
        }
        # The licence travels with the module, as the manifest's LicenseUri names it.
        $null = [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile(
            $archive, (Join-Path $RepoRoot 'LICENSE'), 'GenImage/LICENSE', [System.IO.Compression.CompressionLevel]::Optimal)
    }
    finally {
        $archive.Dispose()
    }

    $archive = [System.IO.Compression.ZipFile]::OpenRead($zip)
    try {
        $entries = @($archive.Entries | ForEach-Object { $_.FullName })
    }
    finally {
        $archive.Dispose()
    }
    $requiredEntries = @(
        'GenImage/GenImage.psd1'
        'GenImage/GenImage.Cmdlets.dll'
        'GenImage/GenImage.format.ps1xml'
        'GenImage/en-US/GenImage.Cmdlets.dll-Help.xml'
        'GenImage/en-US/about_GenImage.help.txt'
        'GenImage/en-US/about_GenImage_Readiness_Rules.help.txt'
        'GenImage/LICENSE'
    )
    foreach ($required in $requiredEntries) {
        if ($entries -notcontains $required) {
            throw "The package '$zip' lacks $required."
        }
    }
    $bad = @($entries | Where-Object { $_.Contains('\') -or -not $_.StartsWith('GenImage/') })
    if ($bad.Count -gt 0) {
        throw "The package '$zip' has entries outside GenImage/ or with backslashes: $($bad -join ', ')"
    }
    Write-Host "Packaged $($entries.Count) files into $zip" -ForegroundColor Green
}

function Invoke-CleanTask {
    Invoke-Dotnet -Arguments @('clean', $Solution, '-c', $Configuration)
    if (Test-Path -LiteralPath $OutDir) {
        Remove-Item -LiteralPath $OutDir -Recurse -Force
    }
}

try {
    if ($null -eq (Get-Command -Name dotnet -CommandType Application -ErrorAction SilentlyContinue)) {
        throw 'The .NET SDK (dotnet) is not on PATH. Install the .NET 10 SDK.'
    }
    foreach ($name in $Task) {
        Write-Host "== $name ($Configuration)" -ForegroundColor Green
        switch ($name) {
            'Build' { Invoke-BuildTask -BuildConfiguration $Configuration }
            'Test' { Invoke-TestTask }
            'Package' { Invoke-PackageTask }
            'Demo' { Invoke-Dotnet -Arguments @('run', '--project', (Join-Path $RepoRoot 'src/GenImage.Demo'), '-c', $Configuration) }
            'Clean' { Invoke-CleanTask }
        }
    }
}
catch {
    Write-Host "build.ps1: $($_.Exception.Message)" -ForegroundColor Red
    exit 1
}
exit 0
