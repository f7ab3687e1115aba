# genimage-script: inspect-windows/1
<#
.SYNOPSIS
    Reports what stands between this Windows VM and a clean Sysprep generalization. Read-only.

.DESCRIPTION
    Runs as SYSTEM through Azure Run Command (RunPowerShellScript), or by hand in an elevated
    Windows PowerShell 5.1 session. Nothing is changed. The last line of standard output is:

        GENIMAGE-RESULT {"script":"inspect-windows","status":"succeeded","message":"...","facts":{...},"warnings":[...]}

    facts:
        agent                       { installed, version, serviceStatus } of WindowsAzureGuestAgent
        appxBlockers                AppX packages installed for a user but not provisioned for all users
        bitLocker                   { osVolumeProtected }
        pendingReboot               CBS, WindowsUpdate, PendingFileRenameOperations
        dvdRomDisabled              the cdrom service is disabled (Start = 4)
        domainJoined, domain        Active Directory membership
        pantherUnattendFiles        answer files that contain a password (<Password> or AdministratorPassword)
                                    not already blanked by Setup; only the path is reported, never the content
        imageState                  HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State ImageState
        sysprepGeneralizationState  HKLM:\SYSTEM\Setup\Status\SysprepStatus GeneralizationState (7 = ready)
        osName, osVersion           caption and build (10.0.20348.2340)
        truncatedLists              lists cut to their first 20 entries (appxBlockerCount then has the
                                    full count); Run Command returns only the last 4,096 bytes of output
    A fact that could not be read is null and the reason is in "warnings".
#>
param()

$ErrorActionPreference = 'Stop'

$result = [ordered]@{
    script   = 'inspect-windows'
    status   = 'failed'
    message  = ''
    facts    = $null
    warnings = @()
}
$warnings = [System.Collections.Generic.List[string]]::new()

# Run Command sends one script at a time, so the helper functions below also stand in Prepare-Windows.ps1;
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

# Runs one probe and stores what it found in $Target[$Key]. On error the fact is $null (unknown,
# not a guess) and the reason goes to the warnings. -List stores the output as a string array.
function Set-Fact {
    param($Target, [string] $Key, [scriptblock] $Probe, [switch] $List)
    try {
        if ($List) { $Target[$Key] = [string[]]@(& $Probe) } else { $Target[$Key] = & $Probe }
    } catch {
        $Target[$Key] = $null
        $warnings.Add($Key + ': ' + $_.Exception.Message)
    }
}

function Get-AgentFact {
    $service = Get-Service -Name 'WindowsAzureGuestAgent' -ErrorAction SilentlyContinue
    if ($null -eq $service) {
        return [ordered]@{ installed = $false; version = $null; serviceStatus = $null }
    }
    $version = $null
    $imagePath = [string](Get-RegistryValue 'HKLM:\SYSTEM\CurrentControlSet\Services\WindowsAzureGuestAgent' 'ImagePath')
    if ($imagePath -match '^\s*"([^"]+)"' -or $imagePath -match '^\s*(\S+?\.exe)') {
        $exe = [Environment]::ExpandEnvironmentVariables($Matches[1])
        if (Test-Path -LiteralPath $exe -PathType Leaf) {
            $version = [string](Get-Item -LiteralPath $exe).VersionInfo.FileVersion
        }
    }
    if (-not $version -and $imagePath -match 'GuestAgent_(\d+(\.\d+)+)') { $version = $Matches[1] }
    if (-not $version) { $version = $null }
    return [ordered]@{ installed = $true; version = $version; serviceStatus = [string]$service.Status }
}

# Same rule as Prepare-Windows.ps1: installed for a user, family not provisioned for all users.
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

# Answer files that hold a credential. Only the path leaves this function, never the content.
# Windows Setup replaces the passwords in the copies it caches with *SENSITIVE*DATA*DELETED*;
# such a file is not reported. A password element whose value cannot be found is reported.
function Get-UnattendWithPassword {
    $folders = @(
        (Join-Path $env:SystemRoot 'Panther'),
        (Join-Path $env:SystemRoot 'Panther\Unattend'),
        (Join-Path $env:SystemRoot 'System32\Sysprep'),
        ($env:SystemDrive + '\')
    )
    foreach ($folder in $folders) {
        if (-not (Test-Path -LiteralPath $folder -PathType Container)) { continue }
        foreach ($file in @(Get-ChildItem -LiteralPath $folder -Filter '*unattend*.xml' -File -Force -ErrorAction SilentlyContinue)) {
            $text = [string](Get-Content -LiteralPath $file.FullName -Raw -ErrorAction SilentlyContinue)
            if ($text -notmatch '<Password>|AdministratorPassword') { continue }
            $values = @([regex]::Matches($text, '(?s)<(?:AdministratorPassword|Password)\b[^>]*>.*?<Value>(.*?)</Value>') | ForEach-Object { $_.Groups[1].Value.Trim() })
            $real = @($values | Where-Object { $_ -and $_ -ne '*SENSITIVE*DATA*DELETED*' })
            if ($values.Count -eq 0 -or $real.Count -gt 0) { $file.FullName }
            $text = $null
        }
    }
}

function Get-OsFact {
    $os = Get-CimInstance -ClassName 'Win32_OperatingSystem'
    $version = [string]$os.Version
    $ubr = Get-RegistryValue 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' 'UBR'
    if ($null -ne $ubr) { $version = $version + '.' + [int]$ubr }
    return @{ name = ([string]$os.Caption).Trim(); version = $version }
}

function Invoke-Inspect {
    $facts = [ordered]@{}
    Set-Fact $facts 'agent' { Get-AgentFact }
    Set-Fact $facts 'appxBlockers' { Get-AppxSysprepBlocker } -List
    $truncated = [System.Collections.Generic.List[string]]::new()
    # Run Command returns only the last 4,096 bytes of output: keep the result line short.
    if ($null -ne $facts.appxBlockers -and $facts.appxBlockers.Count -gt 20) {
        $facts.appxBlockerCount = $facts.appxBlockers.Count
        $facts.appxBlockers = [string[]]@($facts.appxBlockers | Select-Object -First 20)
        $truncated.Add('appxBlockers')
    }
    $facts.bitLocker = [ordered]@{}
    Set-Fact $facts.bitLocker 'osVolumeProtected' { Test-OsVolumeBitLocker }
    Set-Fact $facts 'pendingReboot' { Get-PendingRebootReason } -List
    Set-Fact $facts 'dvdRomDisabled' {
        $start = Get-RegistryValue 'HKLM:\SYSTEM\CurrentControlSet\Services\cdrom' 'Start'
        if ($null -eq $start) { $null } else { [int]$start -eq 4 }
    }
    Set-Fact $facts 'domainJoined' { [bool](Get-CimInstance -ClassName 'Win32_ComputerSystem').PartOfDomain }
    Set-Fact $facts 'domain' {
        $computer = Get-CimInstance -ClassName 'Win32_ComputerSystem'
        if ($computer.PartOfDomain) { [string]$computer.Domain } else { $null }
    }
    Set-Fact $facts 'pantherUnattendFiles' { Get-UnattendWithPassword } -List
    Set-Fact $facts 'imageState' { Get-RegistryValue 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State' 'ImageState' }
    Set-Fact $facts 'sysprepGeneralizationState' {
        $state = Get-RegistryValue 'HKLM:\SYSTEM\Setup\Status\SysprepStatus' 'GeneralizationState'
        if ($null -eq $state) { $null } else { [int]$state }
    }
    $os = [ordered]@{}
    Set-Fact $os 'osName' { Get-OsFact }
    if ($null -ne $os.osName) { $facts.osName = $os.osName.name; $facts.osVersion = $os.osName.version } else { $facts.osName = $null; $facts.osVersion = $null }
    $facts.truncatedLists = $truncated.ToArray()
    $result.facts = $facts

    $findings = [System.Collections.Generic.List[string]]::new()
    if ($null -ne $facts.appxBlockers -and $facts.appxBlockers.Count -gt 0) {
        $appxCount = $facts.appxBlockers.Count
        if ($facts.Contains('appxBlockerCount')) { $appxCount = $facts.appxBlockerCount }
        $findings.Add(('{0} per-user AppX package(s)' -f $appxCount))
    }
    if ($facts.bitLocker.osVolumeProtected -eq $true) { $findings.Add('BitLocker on the OS volume') }
    if ($null -ne $facts.pendingReboot -and $facts.pendingReboot.Count -gt 0) { $findings.Add('a pending reboot (' + ($facts.pendingReboot -join ', ') + ')') }
    if ($null -ne $facts.pantherUnattendFiles -and $facts.pantherUnattendFiles.Count -gt 0) { $findings.Add(('{0} answer file(s) holding a password' -f $facts.pantherUnattendFiles.Count)) }
    if ($null -ne $facts.sysprepGeneralizationState -and $facts.sysprepGeneralizationState -ne 7) { $findings.Add('SysprepStatus GeneralizationState ' + $facts.sysprepGeneralizationState) }
    if ($null -ne $facts.agent -and -not $facts.agent.installed) { $findings.Add('no Azure VM agent') }

    $name = $facts.osName
    if (-not $name) { $name = 'This VM' }
    if ($findings.Count -gt 0) {
        $result.message = $name + ': found ' + ($findings -join ', ') + '.'
    } else {
        $result.message = $name + ': nothing found that blocks Sysprep.'
    }
    if ($warnings.Count -gt 0) {
        $result.message = $result.message + (' {0} fact(s) could not be read and are unknown; see warnings.' -f $warnings.Count)
    }
    $result.status = 'succeeded'
}

try {
    Invoke-Inspect
} catch {
    $result.status = 'failed'
    $result.message = 'inspect-windows stopped on an unexpected error: ' + $_.Exception.Message
}
$result.warnings = $warnings.ToArray()

Write-Output ('GENIMAGE-RESULT ' + (ConvertTo-GenImageJson $result))
