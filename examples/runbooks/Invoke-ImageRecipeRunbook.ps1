<#
.SYNOPSIS
    Azure Automation runbook: builds an image from a GenImage recipe with the Automation account's managed identity.

.DESCRIPTION
    Runs the main job of GenImage unattended:

    1. Connect-GenImage -Identity signs in with the Automation account's managed identity (system-assigned, or
       user-assigned with -ClientId). No secret is stored anywhere.
    2. The recipe comes from a file (a Hybrid Runbook Worker's disk or a mounted file share) or from an Automation
       variable that holds its YAML text.
    3. Test-ImageRecipe -Offline checks the file first: a recipe with a problem fails the job with its GI9xxx ids
       before any Azure call.
    4. Invoke-ImageRecipe -Force runs the checklist (Automation cannot answer prompts), with the runs kept in the
       blob container -StorageContainerUrl names (journal, lease and evidence in Azure Storage), so that any later
       job, on any worker, sees them. When the recipe's last run is unfinished (Failed or Stopped, or its job died),
       the module refuses a new run (GenImage.UnfinishedRun) and the job resumes it with -Resume instead: starting
       the runbook again after a failure continues where it stopped. While another job runs the recipe, its blob
       lease refuses this one (GenImage.RunInProgress, naming that job's host), and a job that died leaves a lease
       that expires within a minute, after which the next job takes the run over. -NewRun starts over instead.
    5. The run object is written to the output stream and the evidence report's summary to the verbose stream; the
       job fails (throws) unless the run succeeded, so Automation alerts fire.

    With -StorageContainerUrl (or the recipe's spec.evidence.store) the runs live in Azure Blob Storage and survive
    the job; the evidence bundle is uploaded there write-once. Without either, they are written under
    -WorkingDirectory/<recipe evidence.outputPath>, which on the Azure sandbox does not outlive the job.

    Permissions the managed identity needs (examples/runbooks/README.md explains each):
      - Virtual Machine Contributor on the resource group of the source VM (read, Run Command, deallocate,
        generalize, delete) and on the resource group where validation VMs are created;
      - Compute Gallery Artifacts Publisher (or Contributor) on the gallery's resource group (definitions,
        versions, promotion, old-version clean-up; Contributor also creates a missing gallery);
      - Network Contributor on the validation subnet (Microsoft.Network/virtualNetworks/subnets/join/action);
      - Reader on the subscription (Activity Log for the evidence, role assignments at the gallery scope);
      - Storage Blob Data Contributor on the storage container (journal, lease, evidence) of -StorageContainerUrl.

.PARAMETER RecipePath
    Path of the recipe file on the worker.

.PARAMETER RecipeVariableName
    Name of an Automation variable whose value is the recipe's YAML text (instead of -RecipePath).

.PARAMETER WorkingDirectory
    Folder the recipe from a variable is written to; its relative paths (evidence.outputPath) resolve against it.
    Default: the job's temporary folder.

.PARAMETER StorageContainerUrl
    The blob container that keeps the recipe's runs: https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX].
    Reached with the managed identity (Storage Blob Data Contributor); a URL with a SAS is refused. Default: the
    recipe's spec.evidence.store, else its evidence.outputPath folder.

.PARAMETER Subscription
    Subscription id or name; default: the identity's only subscription.

.PARAMETER ClientId
    Client id of a user-assigned managed identity; omit for the system-assigned identity.

.PARAMETER NewRun
    Start a new run even when the recipe's last run is unfinished.
#>
[CmdletBinding(DefaultParameterSetName = 'File')]
param(
    [Parameter(Mandatory, ParameterSetName = 'File')]
    [string] $RecipePath,

    [Parameter(Mandatory, ParameterSetName = 'Variable')]
    [string] $RecipeVariableName,

    [string] $WorkingDirectory = [System.IO.Path]::GetTempPath(),

    [string] $StorageContainerUrl,

    [string] $Subscription,

    [string] $ClientId,

    [switch] $NewRun
)

$ErrorActionPreference = 'Stop'
Import-Module GenImage

$connect = @{ Identity = $true }
if ($Subscription) { $connect.Subscription = $Subscription }
if ($ClientId) { $connect.ClientId = $ClientId }
$context = Connect-GenImage @connect
Write-Verbose "Connected to subscription $($context.SubscriptionName) ($($context.SubscriptionId)) as $($context.Account)." -Verbose

if ($PSCmdlet.ParameterSetName -eq 'Variable') {
    $yaml = Get-AutomationVariable -Name $RecipeVariableName
    $null = New-Item -ItemType Directory -Path $WorkingDirectory -Force
    $RecipePath = Join-Path $WorkingDirectory "$RecipeVariableName.yaml"
    Set-Content -LiteralPath $RecipePath -Value $yaml -Encoding utf8NoBOM
}

$check = Test-ImageRecipe -LiteralPath $RecipePath -Offline
if (-not $check.IsValid) {
    foreach ($problem in $check.Diagnostics) { Write-Error -Message $problem.ToString() -ErrorAction Continue }
    throw "The recipe $RecipePath has problems ($($check.ProblemIds)); nothing was run."
}

$recipe = Get-ImageRecipe -LiteralPath $RecipePath
$store = @{}
if ($StorageContainerUrl) { $store.Store = $StorageContainerUrl }
$invoke = @{ LiteralPath = $RecipePath; Force = $true }
if ($NewRun) { $invoke.NewRun = $true }
$problems = $null
$run = Invoke-ImageRecipe @invoke @store -ErrorVariable problems -ErrorAction SilentlyContinue
if (-not $run -and @($problems | Where-Object { $_.FullyQualifiedErrorId -like 'GenImage.UnfinishedRun*' }).Count -gt 0) {
    # The last run of this recipe failed or was stopped: continue it rather than start another.
    Write-Verbose "The last run of '$($recipe.Name)' did not finish: resuming it." -Verbose
    $problems = $null
    $run = Invoke-ImageRecipe -LiteralPath $RecipePath -Resume -Force @store -ErrorVariable problems -ErrorAction SilentlyContinue
}
foreach ($problem in $problems) { Write-Error -ErrorRecord $problem -ErrorAction Continue }
if (-not $run) {
    throw "Recipe '$($recipe.Name)' did not run."
}
$run

if ($run.EvidencePath -match '^https://') {
    # Uploaded write-once next to the journal; Get-ImageEvidence -RunPath <run URL> reads the run back from any job.
    Write-Verbose "Evidence bundle: $($run.EvidencePath) (journal $($run.JournalPath))." -Verbose
}
elseif ($run.EvidencePath) {
    $report = Join-Path $run.EvidencePath 'report.md'
    Write-Verbose ((Get-Content -LiteralPath $report -TotalCount 16) -join [Environment]::NewLine) -Verbose
}
if ($run.Status -ne 'Succeeded') {
    throw "Recipe '$($recipe.Name)' ended $($run.Status): $($run.Message)"
}
