# genimage-script: prepare-windows/1
<#
.SYNOPSIS
    Generalizes this Windows VM with Sysprep so that it can be captured as a generalized image.

.DESCRIPTION
    Runs as SYSTEM through Azure Run Command (RunPowerShellScript), or by hand in an elevated
    Windows PowerShell 5.1 session. In order:

    1. If Sysprep has already generalized this VM (ImageState is IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE),
       only schedules the shutdown. If sysprep.exe is already running, waits for it instead of
       starting a second one.
    2. Checks what makes Sysprep fail and stops before running it when any is found:
         appx:<PackageFullName>     an AppX package installed for a user but not provisioned for all users
         bitlocker:<drive>          BitLocker protection is on for the OS volume
         pendingReboot:<reason>     CBS, WindowsUpdate or PendingFileRenameOperations
         sysprep:<detail>           SysprepStatus\GeneralizationState is not 7, or no rearm is left
    3. Removes leftover answer files (Panther\unattend.xml, Panther\Unattend\unattend.xml); the
       one Azure leaves after provisioning holds the administrator password.
    4. Runs sysprep.exe /oobe /generalize /quiet /quit /mode:vm and waits (at most -TimeoutSeconds)
       until ImageState is IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE. On failure or timeout the message
       carries the last lines of Sysprep\Panther\setuperr.log.
    5. Schedules shutdown.exe /s /t 20 so that Run Command returns this result before the VM stops.

    Run Command returns only the last 4,096 bytes of output, so "blockers" lists at most 20 entries;
    "blockerCount" is the full count.

    The last line of standard output is always one line:
        GENIMAGE-RESULT {"script":"prepare-windows","status":"succeeded|failed","message":"...",
                         "imageState":"...","blockers":[...],"blockerCount":0,"removedFiles":[...],
                         "shutdownScheduled":true}

.PARAMETER TimeoutSeconds
    How long to wait for Sysprep to reach IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE. Default 1200.
#>
param(
    [ValidateRange(60, 86400)]
    [int] $TimeoutSeconds = 1200
)

$ErrorActionPreference = 'Stop'

$ResealState = 'IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE'
# A 32-bit host on 64-bit Windows sees SysWOW64 as System32; Sysprep exists only in the real one.
$System32 = Join-Path $env:SystemRoot 'System32'
if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {
    $System32 = Join-Path $env:SystemRoot 'Sysnative'
}
$SysprepExe = Join-Path $System32 'Sysprep\sysprep.exe'
$SetupErrLog = Join-Path $System32 'Sysprep\Panther\setuperr.log'

$result = [ordered]@{
    script            = 'prepare-windows'
    status            = 'failed'
    message           = ''
    imageState        = $null
    blockers          = @()
    blockerCount      = 0
    removedFiles      = @()
    shutdownScheduled = $false
}

# Run Command sends one script at a time, so the helper functions below also stand in Inspect-Windows.ps1;
# a test keeps the copies identical.
# Compact JSON without ConvertTo-Json: its output differs between Windows PowerShell 5.1 and
# PowerShell 7 (depth limits, extra properties on strings), and the result must be one exact line.
function ConvertTo-GenImageJson {
    param($Value)
    if ($null -eq $Value) { return 'null' }
    if ($Value -is [bool]) { if ($Value) { return 'true' } else { return 'false' } }
    if ($Value -is [int] -or $Value -is [long] -or $Value -is [uint32] -or $Value -is [uint64] -or $Value -is [int16] -or
        $Value -is [uint16] -or $Value -is [byte] -or $Value -is [double] -or $Value -is [single] -or $Value -is [decimal]) {
        return $Value.ToString([System.Globalization.CultureInfo]::InvariantCulture)
    }
    if ($Value -is [System.Collections.IDictionary]) {
        $members = foreach ($key in $Value.Keys) {
            (ConvertTo-GenImageJson ([string]$key)) + ':' + (ConvertTo-GenImageJson $Value[$key])
        }
        return '{' + (@($members) -join ',') + '}'
    }
    if ($Value -is [System.Collections.IEnumerable] -and -not ($Value -is [string])) {
        $items = foreach ($item in $Value) { ConvertTo-GenImageJson $item }
        return '[' + (@($items) -join ',') + ']'
    }
    $builder = [System.Text.StringBuilder]::new()
    [void]$builder.Append('"')
    foreach ($c in ([string]$Value).ToCharArray()) {
        $code = [int]$c
        if ($code -eq 34) { [void]$builder.Append('\"') }
        elseif ($code -eq 92) { [void]$builder.Append('\\') }
        elseif ($code -lt 32) { [void]$builder.Append(('\u{0:x4}' -f $code)) }
        else { [void]$builder.Append($c) }
    }
    [void]$builder.Append('"')
    return $builder.ToString()
}

function Get-RegistryValue {
    param([string] $Path, [string] $Name)
    try {
        $item = Get-ItemProperty -LiteralPath $Path -Name $Name -ErrorAction Stop
        return $item.$Name
    } catch {
        return $null
    }
}

function Get-ImageState {
    Get-RegistryValue 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State' 'ImageState'
}

# AppX packages installed for at least one user whose family is not provisioned for all users.
# Sysprep /generalize fails on each of them ("installed for a user, but not provisioned for all users").
function Get-AppxSysprepBlocker {
    $provisioned = @{}
    foreach ($p in @(Get-AppxProvisionedPackage -Online)) {
        $provisioned[('{0}_{1}' -f $p.DisplayName, $p.PublisherId)] = $true
    }
    foreach ($pkg in @(Get-AppxPackage -AllUsers)) {
        if ($pkg.IsFramework -or $pkg.IsResourcePackage -or $pkg.IsBundle) { continue }
        if ([string]$pkg.SignatureKind -eq 'System') { continue }
        if (($pkg.PSObject.Properties['NonRemovable']) -and $pkg.NonRemovable) { continue }
        if ($provisioned.ContainsKey([string]$pkg.PackageFamilyName)) { continue }
        $installed = @($pkg.PackageUserInformation | Where-Object { [string]$_.InstallState -eq 'Installed' })
        if ($installed.Count -gt 0) { [string]$pkg.PackageFullName }
    }
}

# $true when BitLocker protects the OS volume, $false when not (or BitLocker is not installed).
function Test-OsVolumeBitLocker {
    $ns = @(Get-CimInstance -Namespace 'root/CIMV2/Security' -ClassName '__NAMESPACE' -Filter "Name='MicrosoftVolumeEncryption'")
    if ($ns.Count -eq 0) { return $false }
    $volume = Get-CimInstance -Namespace 'root/CIMV2/Security/MicrosoftVolumeEncryption' -ClassName 'Win32_EncryptableVolume' -Filter ("DriveLetter='{0}'" -f $env:SystemDrive)
    if ($null -eq $volume) { return $false }
    return ([int]$volume.ProtectionStatus -eq 1)
}

function Get-PendingRebootReason {
    if (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending') { 'CBS' }
    if (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired') { 'WindowsUpdate' }
    $renames = Get-RegistryValue 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager' 'PendingFileRenameOperations'
    if (@($renames | Where-Object { $_ }).Count -gt 0) { 'PendingFileRenameOperations' }
}

function Get-SysprepStateBlocker {
    $state = Get-RegistryValue 'HKLM:\SYSTEM\Setup\Status\SysprepStatus' 'GeneralizationState'
    if ($null -ne $state -and [int]$state -ne 7) { 'sysprep:GeneralizationState=' + [int]$state }
    try {
        $skipRearm = Get-RegistryValue 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform' 'SkipRearm'
        $licensing = Get-CimInstance -ClassName 'SoftwareLicensingService'
        if ([int]$skipRearm -ne 1 -and $null -ne $licensing.RemainingWindowsReArmCount -and [int]$licensing.RemainingWindowsReArmCount -eq 0) {
            'sysprep:RemainingWindowsReArmCount=0'
        }
    } catch {
        Write-Output ('Could not read the rearm count: ' + $_.Exception.Message)
    }
}

function Get-SetupErrTail {
    param([datetime] $Since)
    if (-not (Test-Path -LiteralPath $SetupErrLog)) { return 'setuperr.log does not exist.' }
    $file = Get-Item -LiteralPath $SetupErrLog
    if ($file.LastWriteTime -lt $Since) { return 'setuperr.log was not written during this run.' }
    $lines = @(Get-Content -LiteralPath $SetupErrLog -Tail 15 | ForEach-Object { ([string]$_).Trim() } | Where-Object { $_ })
    if ($lines.Count -eq 0) { return 'setuperr.log is empty.' }
    return 'Last lines of ' + $SetupErrLog + ': ' + ($lines -join ' | ')
}

# Native commands run with ErrorActionPreference Continue: Windows PowerShell 5.1 turns their stderr
# into terminating errors under Stop when the output is redirected, as it is under Run Command.
function Invoke-Shutdown {
    $ErrorActionPreference = 'Continue'
    $shutdownExe = Join-Path $System32 'shutdown.exe'
    & $shutdownExe /s /t 20 /f /d p:4:7 /c "GenImage: Sysprep generalize complete" 2>&1 | ForEach-Object { [string]$_ }
    # 1190: a shutdown is already scheduled (a repeated run); that one does the job.
    $result.shutdownScheduled = ($LASTEXITCODE -eq 0 -or $LASTEXITCODE -eq 1190)
    if (-not $result.shutdownScheduled) {
        Write-Output ('shutdown.exe exited with ' + $LASTEXITCODE)
    }
}

function Start-Sysprep {
    $ErrorActionPreference = 'Continue'
    # sysprep.exe is a windowed program: PowerShell starts it and returns; the loop below waits.
    & $SysprepExe /oobe /generalize /quiet /quit /mode:vm
}

function Invoke-Prepare {
    $started = Get-Date
    $result.imageState = Get-ImageState
    Write-Output ('ImageState: ' + $result.imageState)

    if ($result.imageState -eq $ResealState) {
        Invoke-Shutdown
        $result.status = 'succeeded'
        $result.message = 'Sysprep had already generalized this VM; scheduled the shutdown again.'
        if (-not $result.shutdownScheduled) {
            $result.message = 'Sysprep had already generalized this VM, but the shutdown could not be scheduled; stop the VM from Azure.'
        }
        return
    }

    $alreadyRunning = @(Get-Process -Name 'sysprep' -ErrorAction SilentlyContinue).Count -gt 0
    if ($alreadyRunning) {
        Write-Output 'sysprep.exe is already running; waiting for it instead of starting another.'
    } else {
        Write-Output 'Checking for Sysprep blockers.'
        $blockers = [System.Collections.Generic.List[string]]::new()
        try {
            foreach ($name in @(Get-AppxSysprepBlocker)) { $blockers.Add('appx:' + $name) }
        } catch {
            Write-Output ('Could not list AppX packages, continuing without that check: ' + $_.Exception.Message)
        }
        try {
            if (Test-OsVolumeBitLocker) { $blockers.Add('bitlocker:' + $env:SystemDrive) }
        } catch {
            Write-Output ('Could not read the BitLocker status, continuing without that check: ' + $_.Exception.Message)
        }
        foreach ($reason in @(Get-PendingRebootReason)) { $blockers.Add('pendingReboot:' + $reason) }
        foreach ($blocker in @(Get-SysprepStateBlocker)) {
            if ($blocker -like 'sysprep:*') { $blockers.Add($blocker) } else { Write-Output $blocker }
        }
        # Run Command returns only the last 4,096 bytes of output: keep the result line short.
        $result.blockers = @($blockers | Select-Object -First 20)
        $result.blockerCount = $blockers.Count
        if ($blockers.Count -gt 0) {
            $hints = [System.Collections.Generic.List[string]]::new()
            if (@($blockers | Where-Object { $_ -like 'appx:*' }).Count -gt 0) {
                $hints.Add('remove the per-user AppX packages (Remove-AppxPackage -AllUsers) or provision them for all users')
            }
            if (@($blockers | Where-Object { $_ -like 'bitlocker:*' }).Count -gt 0) {
                $hints.Add('decrypt the OS volume (Disable-BitLocker) and wait until it is fully decrypted')
            }
            if (@($blockers | Where-Object { $_ -like 'pendingReboot:*' }).Count -gt 0) {
                $hints.Add('restart the VM and run again')
            }
            if (@($blockers | Where-Object { $_ -like 'sysprep:*' }).Count -gt 0) {
                $hints.Add('Sysprep cannot generalize this installation again; build the image from a fresh VM')
            }
            $shown = @($blockers | Select-Object -First 5) -join ', '
            if ($blockers.Count -gt 5) { $shown = $shown + (', and {0} more' -f ($blockers.Count - 5)) }
            $result.message = ('Sysprep was not run: {0} blocker(s) found ({1}). To fix: {2}.' -f $blockers.Count, $shown, ($hints -join '; '))
            return
        }

        if (-not (Test-Path -LiteralPath $SysprepExe)) {
            $result.message = $SysprepExe + ' does not exist; Sysprep cannot run on this installation.'
            return
        }

        $removed = [System.Collections.Generic.List[string]]::new()
        foreach ($leftover in @((Join-Path $env:SystemRoot 'Panther\unattend.xml'), (Join-Path $env:SystemRoot 'Panther\Unattend\unattend.xml'))) {
            if (Test-Path -LiteralPath $leftover -PathType Leaf) {
                Remove-Item -LiteralPath $leftover -Force
                $removed.Add($leftover)
                Write-Output ('Removed ' + $leftover)
            }
        }
        $result.removedFiles = $removed.ToArray()

        Write-Output 'Starting sysprep.exe /oobe /generalize /quiet /quit /mode:vm'
        Start-Sysprep
    }

    $deadline = $started.AddSeconds($TimeoutSeconds)
    $exitedAt = $null
    while ($true) {
        $result.imageState = Get-ImageState
        if ($result.imageState -eq $ResealState) { break }
        $running = @(Get-Process -Name 'sysprep' -ErrorAction SilentlyContinue).Count -gt 0
        if ($running) {
            $exitedAt = $null
        } elseif ($null -eq $exitedAt) {
            $exitedAt = Get-Date
        } elseif (((Get-Date) - $exitedAt).TotalSeconds -ge 30) {
            $result.message = ('Sysprep ended without generalizing the VM (ImageState is {0}). {1}' -f $result.imageState, (Get-SetupErrTail -Since $started))
            return
        }
        if ((Get-Date) -gt $deadline) {
            $result.message = ('Sysprep did not reach {0} within {1} seconds (ImageState is {2}; increase -TimeoutSeconds if it is still working). {3}' -f $ResealState, $TimeoutSeconds, $result.imageState, (Get-SetupErrTail -Since $started))
            return
        }
        Start-Sleep -Seconds 5
    }

    Write-Output ('Sysprep finished: ImageState is ' + $result.imageState)
    Invoke-Shutdown
    $result.status = 'succeeded'
    if ($result.shutdownScheduled) {
        $result.message = 'Sysprep generalized the VM; it shuts down in 20 seconds.'
    } else {
        $result.message = 'Sysprep generalized the VM, but the shutdown could not be scheduled; stop the VM from Azure (do not start it again before capturing).'
    }
}

try {
    Invoke-Prepare
} catch {
    $result.status = 'failed'
    $result.message = 'prepare-windows stopped on an unexpected error: ' + $_.Exception.Message
}

Write-Output ('GENIMAGE-RESULT ' + (ConvertTo-GenImageJson $result))
