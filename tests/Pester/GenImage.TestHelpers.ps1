# Helpers for the Pester tests: find the repository, start and stop the standalone emulator.
# Dot-sourced from the tests' BeforeAll blocks; defines functions, and the global list of the emulators
# started and not yet stopped (so a file's AfterAll can stop what a failed BeforeAll left running).

if ($null -eq (Get-Variable -Name GenImageTestEmulators -Scope Global -ErrorAction SilentlyContinue)) {
    $global:GenImageTestEmulators = [System.Collections.Generic.List[object]]::new()
}

function Get-GenImageRepoRoot {
    [CmdletBinding()]
    [OutputType([string])]
    param()
    (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).ProviderPath
}

function Import-GenImageTestModule {
    <#
    .SYNOPSIS
        Imports GenImage by name from PSModulePath, as Azure Automation imports an uploaded module, and returns
        the path of the manifest it imported.
    .DESCRIPTION
        Invoke-GenImagePester.ps1 puts the folder that holds the module under test first on PSModulePath and
        names it in $env:GENIMAGE_TEST_MODULE_ROOT (build.ps1 -Task Test: the extracted out/GenImage.zip).
        Without it (Invoke-Pester run by hand after a build) that folder is out/, which holds out/GenImage.
        Fails when PowerShell found a GenImage anywhere else.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $root = $env:GENIMAGE_TEST_MODULE_ROOT
    if (-not $root) {
        $root = Join-Path (Get-GenImageRepoRoot) 'out'
        $env:PSModulePath = $root + [System.IO.Path]::PathSeparator + $env:PSModulePath
    }
    $expected = (Resolve-Path -LiteralPath (Join-Path $root 'GenImage') -ErrorAction Stop).ProviderPath
    $module = Import-Module -Name GenImage -Force -PassThru -ErrorAction Stop | Where-Object { $_.Name -eq 'GenImage' } | Select-Object -First 1
    if ($module.ModuleBase -ne $expected) {
        throw "Import-Module GenImage loaded '$($module.ModuleBase)', not the module under test '$expected'. Check PSModulePath."
    }
    Join-Path $module.ModuleBase 'GenImage.psd1'
}

function Invoke-GenImageTestEngine {
    <#
    .SYNOPSIS
        Runs a script file in a new process of the engine running the tests (pwsh 7.6, or the PowerShell 7.4
        host) and returns its standard output lines; throws with its output when it exits non-zero.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $ScriptPath,
        [string[]] $ArgumentList = @()
    )
    $processPath = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $engine = @($processPath)
    if ([System.IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') {
        # dotnet pwsh: the muxer, then the pwsh.dll it runs.
        $engine += [Environment]::GetCommandLineArgs()[0]
    }
    $arguments = @($engine | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $ScriptPath) + $ArgumentList
    $output = & $engine[0] @arguments 2>&1 | ForEach-Object { "$_" }
    if ($LASTEXITCODE -ne 0) {
        throw "$ScriptPath exited $LASTEXITCODE in $($engine -join ' '):`n$($output -join "`n")"
    }
    $output
}

function Start-GenImageTestEngine {
    <#
    .SYNOPSIS
        Starts a script file in a new process of the engine running the tests (as Invoke-GenImageTestEngine runs
        it) without waiting for it; its output goes to -OutputPath. Returns the process.
    #>
    [CmdletBinding()]
    [OutputType([System.Diagnostics.Process])]
    param(
        [Parameter(Mandatory)] [string] $ScriptPath,
        [Parameter(Mandatory)] [string] $OutputPath,
        [string[]] $ArgumentList = @()
    )
    $processPath = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $engine = @($processPath)
    if ([System.IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') {
        $engine += [Environment]::GetCommandLineArgs()[0]
    }
    $arguments = @($engine | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $ScriptPath) + $ArgumentList
    $process = Start-Process -FilePath $engine[0] -ArgumentList (ConvertTo-GenImageArgumentLine -Argument $arguments) `
        -RedirectStandardOutput $OutputPath -RedirectStandardError "$OutputPath.err" -NoNewWindow -PassThru
    $null = $process.Handle
    $process
}

function Get-GenImageBuildConfiguration {
    <#
    .SYNOPSIS
        The configuration the emulator was built in: $env:GENIMAGE_CONFIGURATION (set by build.ps1),
        else the newest build found under src/GenImage.Emulator/bin.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($env:GENIMAGE_CONFIGURATION) {
        return $env:GENIMAGE_CONFIGURATION
    }
    $bin = Join-Path (Get-GenImageRepoRoot) 'src/GenImage.Emulator/bin'
    $builds = @(
        Get-ChildItem -Path $bin -Filter 'GenImage.Emulator.dll' -Recurse -File -ErrorAction SilentlyContinue |
            Sort-Object -Property LastWriteTimeUtc -Descending
    )
    if ($builds.Count -eq 0) {
        throw "The emulator is not built (nothing under $bin). Build first: ./build.ps1 (or dotnet build GenImage.Cmdlets.sln)."
    }
    # bin/<Configuration>/<TargetFramework>/GenImage.Emulator.dll
    $builds[0].Directory.Parent.Name
}

function ConvertTo-GenImageArgumentLine {
    # Start-Process joins -ArgumentList with spaces without quoting, so quote each argument here.
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [string[]] $Argument)
    $quoted = foreach ($item in $Argument) {
        if ($item -match '[\s"]') { '"' + ($item -replace '"', '\"') + '"' } else { $item }
    }
    $quoted -join ' '
}

function Start-GenImageTestEmulator {
    <#
    .SYNOPSIS
        Starts the standalone emulator with a world from examples/worlds and its own connection file,
        and waits until it has written that file.
    .OUTPUTS
        An object with Process, ConnectionFile, Directory, Endpoint, StdOut and StdErr.
    #>
    [CmdletBinding()]
    param(
        [string] $World = 'healthy',
        [int] $TimeoutSec = 60,
        # A world file of the test's own instead of examples/worlds/<World>.yaml.
        [string] $WorldPath
    )
    $root = Get-GenImageRepoRoot
    $worldFile = if ($WorldPath) { $WorldPath } else { Join-Path $root "examples/worlds/$World.yaml" }
    if (-not (Test-Path -LiteralPath $worldFile)) {
        throw "World file '$worldFile' does not exist."
    }
    $directory = Join-Path ([System.IO.Path]::GetTempPath()) ('genimage-pester-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $directory -Force
    $connectionFile = Join-Path $directory 'emulator.json'
    $stdout = Join-Path $directory 'emulator.out.log'
    $stderr = Join-Path $directory 'emulator.err.log'

    $arguments = @(
        'run', '--project', (Join-Path $root 'src/GenImage.Emulator'), '--no-build', '--no-launch-profile', '-c', (Get-GenImageBuildConfiguration),
        '--', '--world', $worldFile, '--connection-file', $connectionFile
    )
    $process = Start-Process -FilePath 'dotnet' -ArgumentList (ConvertTo-GenImageArgumentLine -Argument $arguments) `
        -RedirectStandardOutput $stdout -RedirectStandardError $stderr -NoNewWindow -PassThru
    # Reading the handle now keeps ExitCode available after the process ends.
    $null = $process.Handle

    $emulator = [pscustomobject]@{
        Process        = $process
        ConnectionFile = $connectionFile
        Directory      = $directory
        Endpoint       = $null
        StdOut         = $stdout
        StdErr         = $stderr
    }
    $global:GenImageTestEmulators.Add($emulator)

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ($true) {
        if (Test-Path -LiteralPath $connectionFile) {
            try {
                $info = Get-Content -LiteralPath $connectionFile -Raw -ErrorAction Stop | ConvertFrom-Json -ErrorAction Stop
                if ($info.endpoint -and $info.certificateThumbprint) {
                    $emulator.Endpoint = [uri] $info.endpoint
                    return $emulator
                }
            }
            catch {
                # Still being written; read it again.
            }
        }
        if ($process.HasExited) {
            $log = (Get-Content -LiteralPath $stdout, $stderr -Raw -ErrorAction SilentlyContinue) -join "`n"
            Stop-GenImageTestEmulator -Emulator $emulator
            throw "The emulator exited with code $($process.ExitCode) before writing '$connectionFile'.`n$log"
        }
        if ([DateTime]::UtcNow -gt $deadline) {
            $log = (Get-Content -LiteralPath $stdout, $stderr -Raw -ErrorAction SilentlyContinue) -join "`n"
            Stop-GenImageTestEmulator -Emulator $emulator
            throw "The emulator did not write '$connectionFile' within $TimeoutSec s.`n$log"
        }
        Start-Sleep -Milliseconds 200
    }
}

function Stop-GenImageTestEmulator {
    <#
    .SYNOPSIS
        Stops an emulator started by Start-GenImageTestEmulator (with the child process dotnet run
        started) and removes its connection file and logs.
    #>
    [CmdletBinding()]
    param([AllowNull()] [object] $Emulator)
    if ($null -eq $Emulator) {
        return
    }
    $process = $Emulator.Process
    if ($null -ne $process) {
        try {
            if (-not $process.HasExited) {
                # The whole tree: dotnet run and the emulator process it started.
                $process.Kill($true)
            }
        }
        catch {
            # It ended on its own meanwhile.
        }
        $null = $process.WaitForExit(15000)
    }
    $null = $global:GenImageTestEmulators.Remove($Emulator)
    Remove-Item -LiteralPath $Emulator.Directory -Recurse -Force -ErrorAction SilentlyContinue
}

function Stop-GenImageTestEmulatorAll {
    <#
    .SYNOPSIS
        Stops every emulator Start-GenImageTestEmulator started that is still running, for example one a
        Describe's BeforeAll started before it failed.
    #>
    [CmdletBinding()]
    param()
    if ($null -eq (Get-Variable -Name GenImageTestEmulators -Scope Global -ErrorAction SilentlyContinue)) {
        return
    }
    foreach ($emulator in @($global:GenImageTestEmulators)) {
        Stop-GenImageTestEmulator -Emulator $emulator
    }
}
