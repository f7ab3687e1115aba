<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the GenImage module.

.DESCRIPTION
    Build    dotnet build GenImage.Cmdlets.sln -c <Configuration>; stages the importable module in out/GenImage.
    Test     Everything users rely on: builds, starts Azurite (tests/azurite, installed by npm ci; HTTPS, --oauth basic)
             for the blob run store, runs dotnet test GenImage.Cmdlets.sln (xunit), packages
             out/GenImage.zip, extracts it onto PSModulePath and runs tests/Pester (Pester 5.9.1, restored
             by the build) against it in pwsh 7.6 (dotnet pwsh) and in PowerShell 7.4 on .NET 8
             (tests/GenImage.PowerShell74), then stops Azurite. Ends with one line "N passed, N failed, N skipped".
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
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test

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
$TestOutDir = Join-Path $OutDir 'test'

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

function Get-XunitCounts {
    # The summary line dotnet test prints per test assembly:
    #   Passed!  - Failed:     0, Passed:   539, Skipped:     0, Total:   539, Duration: 5 s - GenImage.Core.Tests.dll (net10.0)
    param([string[]] $Lines)
    # and, per failed test, a line "  Failed Namespace.Class.Method [12 ms]" whose name is kept for the summary.
    $counts = [ordered]@{ passed = 0; failed = 0; skipped = 0; assemblies = 0; failedNames = [System.Collections.Generic.List[string]]::new() }
    foreach ($line in $Lines) {
        if ($line -match '^\s+Failed\s+(.+?)\s+\[[^\]]*\]\s*$') {
            $counts.failedNames.Add($Matches[1])
        }
        if ($line -match '(Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+)') {
            $counts.failed += [int] $Matches[2]
            $counts.passed += [int] $Matches[3]
            $counts.skipped += [int] $Matches[4]
            $counts.assemblies++
        }
    }
    [pscustomobject] $counts
}

function Get-PowerShell74Host {
    $bin = Join-Path $RepoRoot "tests/GenImage.PowerShell74/bin/$Configuration/net8.0"
    $candidates = @(Get-ChildItem -Path $bin -Recurse -File -Include 'pwsh74', 'pwsh74.exe' -ErrorAction SilentlyContinue)
    if ($candidates.Count -eq 0) {
        throw "The PowerShell 7.4 host is not built (nothing like pwsh74 under $bin)."
    }
    $candidates[0].FullName
}

function Invoke-PesterRun {
    # Runs tests/Pester in a process of its own (the module's assemblies stay loaded until it ends) and
    # returns its counts; a run that ended without writing them counts as one failure.
    param([string] $Engine, [string] $Shell, [string[]] $ShellArguments, [string] $ModuleRoot)
    $runner = Join-Path $RepoRoot 'tests/Pester/Invoke-GenImagePester.ps1'
    $resultPath = Join-Path $TestOutDir "pester-$Engine.json"
    Remove-Item -LiteralPath $resultPath -ErrorAction SilentlyContinue
    Write-Host "> Pester in $Engine" -ForegroundColor Cyan
    $previous = $env:GENIMAGE_CONFIGURATION
    $env:GENIMAGE_CONFIGURATION = $Configuration
    try {
        # Out-Host: the run's output is shown, and never mixed into this function's result.
        & $Shell @ShellArguments -NoProfile -NonInteractive -File $runner -ModuleRoot $ModuleRoot -ResultPath $resultPath 2>&1 | Out-Host
        $exitCode = $LASTEXITCODE
    }
    finally {
        $env:GENIMAGE_CONFIGURATION = $previous
    }
    if (Test-Path -LiteralPath $resultPath) {
        $counts = Get-Content -LiteralPath $resultPath -Raw | ConvertFrom-Json
        if ($exitCode -ne 0 -and $counts.failed -eq 0) {
            $counts.failed = 1
        }
        return $counts
    }
    Write-Host "Pester in $Engine ended with exit code $exitCode and no result." -ForegroundColor Red
    [pscustomobject]@{ engine = $Engine; passed = 0; failed = 1; skipped = 0 }
}

function Invoke-TestTask {
    # Everything users rely on, in the order it can fail: xunit (engine, emulator, cmdlets in a hosted engine),
    # then the package as Azure Automation gets it - out/GenImage.zip extracted onto PSModulePath and imported
    # by name - under real Pester in pwsh 7.6 and in PowerShell 7.4 on .NET 8. Ends with one line
    # "N passed, N failed, N skipped" over all of them; exits 1 when anything failed.
    Invoke-BuildTask -BuildConfiguration $Configuration
    $null = New-Item -ItemType Directory -Path $TestOutDir -Force
    # Azurite (pinned in tests/azurite, installed there by npm ci) serves the blob run store's tests, xunit and Pester
    # alike, over HTTPS with --oauth basic; its connection file tells the tests and the module where it is.
    $azurite = & (Join-Path $RepoRoot 'tests/azurite/Start-Azurite.ps1') -ConnectionPath (Join-Path $OutDir 'azurite/storage-emulator.json')
    $previousStorage = $env:GENIMAGE_STORAGE_EMULATOR_CONNECTION
    $env:GENIMAGE_STORAGE_EMULATOR_CONNECTION = $azurite.ConnectionPath
    try {
        Invoke-TestRuns
    }
    finally {
        $env:GENIMAGE_STORAGE_EMULATOR_CONNECTION = $previousStorage
        & (Join-Path $RepoRoot 'tests/azurite/Stop-Azurite.ps1') -ProcessId $azurite.ProcessId -ConnectionPath $azurite.ConnectionPath
        Write-Host "Azurite $($azurite.Version) stopped." -ForegroundColor Green
    }
}

function Invoke-TestRuns {
    $rows = [System.Collections.Generic.List[object]]::new()

    Write-Host "> dotnet test $Solution -c $Configuration --no-build" -ForegroundColor Cyan
    $lines = [System.Collections.Generic.List[string]]::new()
    & dotnet test $Solution -c $Configuration --no-build 2>&1 | ForEach-Object {
        $line = "$_"
        $lines.Add($line)
        Write-Host $line
    }
    $xunitExit = $LASTEXITCODE
    $xunit = Get-XunitCounts -Lines $lines
    if ($xunitExit -ne 0 -and $xunit.failed -eq 0) {
        Write-Host "dotnet test exited $xunitExit without a failed test; see above." -ForegroundColor Red
        $xunit.failed = 1
    }
    $rows.Add([pscustomobject]@{ engine = "xunit ($($xunit.assemblies) assemblies)"; passed = $xunit.passed; failed = $xunit.failed; skipped = $xunit.skipped; failedNames = $xunit.failedNames })

    $zip = New-ModulePackage
    $moduleRoot = Join-Path $TestOutDir 'psmodules'
    if (Test-Path -LiteralPath $moduleRoot) {
        Remove-Item -LiteralPath $moduleRoot -Recurse -Force
    }
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [System.IO.Compression.ZipFile]::ExtractToDirectory($zip, $moduleRoot)

    $pwsh76 = Invoke-PesterRun -Engine 'pwsh-7.6' -Shell 'dotnet' -ShellArguments @('pwsh') -ModuleRoot $moduleRoot
    $rows.Add($pwsh76)
    $pwsh74 = Invoke-PesterRun -Engine 'pwsh-7.4' -Shell (Get-PowerShell74Host) -ShellArguments @() -ModuleRoot $moduleRoot
    $rows.Add($pwsh74)

    Write-Host ''
    foreach ($row in $rows) {
        Write-Host ('{0,-28} {1,5} passed, {2} failed, {3} skipped' -f $row.engine, $row.passed, $row.failed, $row.skipped)
        # The failed tests by name, here at the end where a truncated log still shows them.
        $names = if ($row.PSObject.Properties['failedNames']) { @($row.failedNames) } else { @() }
        foreach ($name in $names) {
            Write-Host "    failed: $name" -ForegroundColor Red
        }
    }
    $passed = ($rows | Measure-Object -Property passed -Sum).Sum
    $failed = ($rows | Measure-Object -Property failed -Sum).Sum
    $skipped = ($rows | Measure-Object -Property skipped -Sum).Sum
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) {
        throw "$failed test(s) failed."
    }
}

function New-ModulePackage {
    # Zips out/GenImage (as staged by the last build) into out/GenImage.zip with the folder GenImage/ at the
    # root of the archive, the layout Azure Automation and Install-Module expect. Returns the zip's path.
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
        'GenImage/GenImage.Loader.dll'
        'GenImage/dependencies/GenImage.Core.dll'
        'GenImage/dependencies/Azure.Storage.Blobs.dll'
        'GenImage/dependencies/Azure.Storage.Common.dll'
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
    $zip
}

function Invoke-PackageTask {
    if (Test-Path -LiteralPath $ModuleDir) {
        Remove-Item -LiteralPath $ModuleDir -Recurse -Force
    }
    Invoke-BuildTask -BuildConfiguration 'Release'
    $null = New-ModulePackage
}

function Invoke-CleanTask {
    Invoke-Dotnet -Arguments @('clean', $Solution, '-c', $Configuration)
    if (Test-Path -LiteralPath $OutDir) {
        Remove-Item -LiteralPath $OutDir -Recurse -Force
    }
}

Set-Location -LiteralPath $RepoRoot   # dotnet pwsh finds .config/dotnet-tools.json from here
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
