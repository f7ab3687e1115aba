<#
.SYNOPSIS
    Starts Azurite's Blob service (pinned in tests/azurite/package.json and package-lock.json) on 127.0.0.1 over
    HTTPS with --oauth basic, and writes the storage emulator connection file GenImage reads.

.DESCRIPTION
    Installs Azurite with `npm ci` into tests/azurite/node_modules (git-ignored) when it is not installed yet, makes
    a self-signed certificate for 127.0.0.1 (PEM, in the git-ignored -WorkFolder), starts
    `azurite-blob --blobHost 127.0.0.1 --blobPort PORT --cert --key --oauth basic --inMemoryPersistence` on a free
    port and waits until it listens. Then it writes the connection file (-ConnectionPath): the blob endpoint and the SHA-256
    thumbprint of that certificate, which `Connect-GenImage -Emulator` pins for the Storage client (as it pins the ARM
    emulator's), and nothing secret: no account key, no token. Returns the process id, the endpoint and the
    connection file's path. Stop it with Stop-Azurite.ps1 -ProcessId.

.EXAMPLE
    $azurite = ./tests/azurite/Start-Azurite.ps1 -ConnectionPath ./out/azurite/storage-emulator.json
    $env:GENIMAGE_STORAGE_EMULATOR_CONNECTION = $azurite.ConnectionPath
#>
[CmdletBinding()]
param(
    [string] $ConnectionPath,
    [string] $WorkFolder = (Join-Path $PSScriptRoot '../../out/azurite'),
    [int] $StartTimeoutSec = 60
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$node = Get-Command -Name node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
$npm = Get-Command -Name npm, npm.cmd -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
if ($null -eq $node -or $null -eq $npm) {
    throw 'Azurite needs Node.js and npm on PATH (node and npm were not found). Install Node.js 18 or later.'
}

$package = Join-Path $PSScriptRoot 'node_modules/azurite/package.json'
$installed = Join-Path $PSScriptRoot 'node_modules/.package-lock.json'
$lock = Join-Path $PSScriptRoot 'package-lock.json'
if (-not [System.IO.File]::Exists($package) -or -not [System.IO.File]::Exists($installed) -or
    [System.IO.File]::GetLastWriteTimeUtc($installed) -lt [System.IO.File]::GetLastWriteTimeUtc($lock)) {
    Write-Host "> npm ci (tests/azurite)" -ForegroundColor Cyan
    Push-Location -LiteralPath $PSScriptRoot
    try {
        $env:npm_config_update_notifier = 'false'
        & $npm.Source ci --no-audit --no-fund --loglevel=error 2>&1 | Out-Host
        if ($LASTEXITCODE -ne 0) {
            throw "npm ci in $PSScriptRoot failed with exit code $LASTEXITCODE."
        }
    }
    finally {
        Pop-Location
    }
}
$version = (Get-Content -LiteralPath $package -Raw | ConvertFrom-Json).version

$null = New-Item -ItemType Directory -Path $WorkFolder -Force
$WorkFolder = (Resolve-Path -LiteralPath $WorkFolder).ProviderPath
if (-not $ConnectionPath) {
    $ConnectionPath = Join-Path $WorkFolder 'storage-emulator.json'
}

# A certificate for 127.0.0.1 alone, made for this start: GenImage pins its thumbprint, so nothing else trusts it.
$rsa = [System.Security.Cryptography.RSA]::Create(2048)
try {
    $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
        'CN=127.0.0.1', $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256,
        [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
    $san.AddIpAddress([System.Net.IPAddress]::Loopback)
    $request.CertificateExtensions.Add($san.Build())
    $usages = [System.Security.Cryptography.OidCollection]::new()
    $null = $usages.Add([System.Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.1'))
    $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($usages, $false))
    $now = [DateTimeOffset]::UtcNow
    $certificate = $request.CreateSelfSigned($now.AddMinutes(-5), $now.AddDays(7))
    $certPath = Join-Path $WorkFolder 'azurite-cert.pem'
    $keyPath = Join-Path $WorkFolder 'azurite-key.pem'
    Set-Content -LiteralPath $certPath -Value $certificate.ExportCertificatePem() -NoNewline
    Set-Content -LiteralPath $keyPath -Value $rsa.ExportPkcs8PrivateKeyPem() -NoNewline
    $thumbprint = [System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($certificate.RawData))
    $certificate.Dispose()
}
finally {
    $rsa.Dispose()
}

$main = Join-Path $PSScriptRoot 'node_modules/azurite/dist/src/blob/main.js'
# A free loopback port, chosen here so that nothing has to read Azurite's output (it may outlive this script).
$probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
$probe.Start()
$port = ([System.Net.IPEndPoint] $probe.LocalEndpoint).Port
$probe.Stop()
$start = [System.Diagnostics.ProcessStartInfo]::new($node.Source)
foreach ($argument in @($main, '--blobHost', '127.0.0.1', '--blobPort', "$port", '--cert', $certPath, '--key', $keyPath,
        '--oauth', 'basic', '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry', '--silent', '--extentMemoryLimit', '512')) {
    $start.ArgumentList.Add($argument)
}
$start.UseShellExecute = $false
$start.WorkingDirectory = $WorkFolder
$process = [System.Diagnostics.Process]::Start($start)
$endpoint = "https://127.0.0.1:$port"
$deadline = [DateTime]::UtcNow.AddSeconds($StartTimeoutSec)
while ($true) {
    if ($process.HasExited) {
        throw "Azurite ended (exit code $($process.ExitCode)) before it listened on 127.0.0.1:$port; its output is above."
    }
    $client = [System.Net.Sockets.TcpClient]::new()
    try {
        $client.Connect([System.Net.IPAddress]::Loopback, $port)
        break
    }
    catch [System.Net.Sockets.SocketException] {
        if ([DateTime]::UtcNow -gt $deadline) {
            $process.Kill($true)
            throw "Azurite did not listen on 127.0.0.1:$port within $StartTimeoutSec s."
        }
        $process.WaitForExit(100) | Out-Null   # the next look, a tenth of a second later (or as soon as it ended)
    }
    finally {
        $client.Dispose()
    }
}

$connection = [ordered]@{
    blobEndpoint          = "$endpoint/devstoreaccount1/"
    certificateThumbprint = $thumbprint
    azuriteVersion        = $version
    processId             = $process.Id
    startedAt             = [DateTimeOffset]::UtcNow.ToString('o')
}
$null = New-Item -ItemType Directory -Path (Split-Path -Parent $ConnectionPath) -Force
Set-Content -LiteralPath $ConnectionPath -Value ($connection | ConvertTo-Json) -NoNewline
Write-Host "Azurite $version (Blob) listens on $endpoint over HTTPS with --oauth basic; connection file $ConnectionPath" -ForegroundColor Green
[pscustomobject]@{
    ProcessId      = $process.Id
    BlobEndpoint   = $connection.blobEndpoint
    ConnectionPath = $ConnectionPath
    Version        = $version
}
