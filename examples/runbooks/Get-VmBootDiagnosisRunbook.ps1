<#
.SYNOPSIS
    Azure Automation runbook: diagnoses why a VM does not boot and writes the diagnosis bundle. Read-only.

.DESCRIPTION
    Answers a failed-boot alert unattended:

    1. The VM comes from -VmId, or from the webhook that started the job (-WebhookData): an Azure Monitor alert in the
       common alert schema (data.essentials.alertTargetIDs), an Activity Log alert (data.context.activityLog.resourceId),
       or a plain JSON body {"vmId": "/subscriptions/…/virtualMachines/NAME"} (also "resourceId" or "id"). Every VM the
       alert names is diagnosed.
    2. Connect-GenImage -Identity signs in with the Automation account's managed identity (system-assigned, or
       user-assigned with -ClientId). A session that is already connected (Connect-GenImage run before the script, as
       the emulator example does) is used as it is.
    3. Get-VmBootDiagnosis reads the VM, its boot diagnostics, the image version it came from (source, generalize
       record, readiness at publish, every recorded validation) and the Activity Log around the failure, and writes the
       bundle — diagnosis.json, report.md, attachments (serial log, screenshot as PNG, Activity Log) and SHA256SUMS — to
       -OutputPath/VMNAME-yyyyMMddTHHmmssZ. -OutputPath is any file-system path: the job's temp folder, a Hybrid
       Runbook Worker's disk, or a mounted Azure Files share; nothing here depends on a storage API.
    4. One verdict object per VM goes to the output stream (VmId, Verdict, DiagnosisId, Title, Cause, Fix, FailedAt,
       ImageVersion, Gaps, BundlePath), so a Logic App or the next runbook can branch on DiagnosisId and Cause.

    The job fails (throws) only when a VM cannot be diagnosed at all (it does not exist, or the identity cannot read
    it); sources it cannot read are gaps in the bundle, not failures.

    Permissions the managed identity needs (examples/runbooks/README.md explains them): read-only — the custom role
    "GenImage Boot Diagnostician" of the README, or Reader plus
    Microsoft.Compute/virtualMachines/retrieveBootDiagnosticsData/action, at the VMs' and the gallery's scope.

.PARAMETER VmId
    Resource id of the VM to diagnose (instead of -WebhookData).

.PARAMETER WebhookData
    What Azure Automation passes when a webhook starts the runbook (RequestBody is the alert's JSON).

.PARAMETER OutputPath
    Folder the bundles go to (one subfolder per VM and run). Default: the job's temporary folder.

.PARAMETER Subscription
    Subscription id or name; default: the identity's only subscription.

.PARAMETER ClientId
    Client id of a user-assigned managed identity; omit for the system-assigned identity.
#>
[CmdletBinding(DefaultParameterSetName = 'Vm')]
param(
    [Parameter(Mandatory, ParameterSetName = 'Vm')]
    [string] $VmId,

    [Parameter(Mandatory, ParameterSetName = 'Webhook')]
    [object] $WebhookData,

    [string] $OutputPath = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'genimage-boot'),

    [string] $Subscription,

    [string] $ClientId
)

# Only engine cmdlets and .NET below (no Utility or Management module), so the script runs in any PowerShell host.
$ErrorActionPreference = 'Stop'
if (-not (Get-Module -Name GenImage)) {
    Import-Module GenImage
}

function Get-AlertVmId {
    # The VM ids an alert's JSON names: common alert schema, Activity Log alert, or a plain body.
    param([Parameter(Mandatory)] [string] $Json)
    $body = [System.Text.Json.Nodes.JsonNode]::Parse($Json)
    $candidates = [System.Collections.Generic.List[string]]::new()
    $targets = $body['data']?['essentials']?['alertTargetIDs']
    if ($targets -is [System.Text.Json.Nodes.JsonArray]) {
        foreach ($target in $targets) { $candidates.Add($target.ToString()) }
    }
    $activity = $body['data']?['context']?['activityLog']?['resourceId']
    if ($null -ne $activity) { $candidates.Add($activity.ToString()) }
    foreach ($name in 'vmId', 'resourceId', 'id') {
        if ($null -ne $body[$name]) { $candidates.Add($body[$name].ToString()) }
    }
    $seen = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::OrdinalIgnoreCase)
    foreach ($id in $candidates) {
        if ($id -match '/providers/Microsoft\.Compute/virtualMachines/[^/]+$' -and $seen.Add($id)) { $id }
    }
}

if ($PSCmdlet.ParameterSetName -eq 'Webhook') {
    # Azure Automation passes an object with RequestBody (PowerShell 7 runbooks: its JSON text).
    $requestBody = if ($WebhookData -is [string]) { [System.Text.Json.Nodes.JsonNode]::Parse($WebhookData)['RequestBody']?.ToString() } else { $WebhookData.RequestBody }
    if (-not $requestBody) {
        throw 'The webhook call carries no request body: start the runbook from an alert (or a webhook POST with {"vmId": "…"}), or give -VmId.'
    }
    $vmIds = @(Get-AlertVmId -Json $requestBody)
    if ($vmIds.Count -eq 0) {
        throw 'The webhook body names no virtual machine (data.essentials.alertTargetIDs, data.context.activityLog.resourceId, vmId, resourceId or id).'
    }
}
else {
    $vmIds = @($VmId)
}

$context = Get-GenImageContext
if (-not $context) {
    $connect = @{ Identity = $true }
    if ($Subscription) { $connect.Subscription = $Subscription }
    if ($ClientId) { $connect.ClientId = $ClientId }
    $context = Connect-GenImage @connect
}
$PSCmdlet.WriteVerbose("Connected to subscription $($context.SubscriptionName) ($($context.SubscriptionId)) as $($context.Account).")

$stamp = [DateTime]::UtcNow.ToString('yyyyMMddTHHmmssZ', [System.Globalization.CultureInfo]::InvariantCulture)
foreach ($id in $vmIds) {
    $name = ($id -split '/')[-1]
    $bundle = [System.IO.Path]::Combine($OutputPath, "$name-$stamp")
    $diagnosis = Get-VmBootDiagnosis -Id $id -OutputPath $bundle
    $PSCmdlet.WriteVerbose("$name`: $(if ($diagnosis.DiagnosisId) { "$($diagnosis.DiagnosisId) $($diagnosis.Title)" } else { 'no failure found' }); bundle $($diagnosis.BundlePath)")
    [pscustomobject]@{
        VmId         = $diagnosis.Id
        Verdict      = $diagnosis.Verdict
        DiagnosisId  = $diagnosis.DiagnosisId
        Title        = $diagnosis.Title
        Cause        = $diagnosis.Cause
        Fix          = $diagnosis.Fix
        FailedAt     = $diagnosis.FailedAt
        ImageVersion = $diagnosis.Image.VersionId
        Gaps         = @($diagnosis.Gaps | ForEach-Object { $_.Section })
        BundlePath   = $diagnosis.BundlePath
    }
}
