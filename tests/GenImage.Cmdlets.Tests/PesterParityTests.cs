using System.Collections;
using System.Globalization;
using System.Text.Json;
using GenImage.Emulator;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// The scenarios of tests/Pester/*.Tests.ps1, run through the hosted engine with the same command text and
/// asserting what each Pester It block asserts (property names and values, error ids, categories, counts,
/// warnings). These guard the Pester files, which only run where pwsh and Pester are installed, from drifting
/// away from the module. Test names are <c>File_Describe_It</c>; the utility cmdlets the hosted engine lacks
/// (Join-Path, Get-Content, Sort-Object, ...) are done in .NET here instead.
/// </summary>
public sealed class PesterParityTests
{
    private const string ResourceGroup = "rg-images";
    private const string WindowsVm = "vm-win2022-src";
    private const string LinuxVm = "vm-ubuntu2204-src";
    private const string SubscriptionId = "00000000-0000-0000-0000-000000000001";
    private const string WindowsVmId = "/subscriptions/" + SubscriptionId + "/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm-win2022-src";
    private const string LinuxVmId = "/subscriptions/" + SubscriptionId + "/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm-ubuntu2204-src";

    /// <summary>What a Pester Describe's BeforeAll sets up: the standalone emulator's connection file and <c>Connect-GenImage -Emulator -ConnectionFile</c>.</summary>
    private sealed class Describe : IAsyncDisposable
    {
        private Describe(EmulatorFixture emulator, ModuleSession session, string directory)
        {
            Emulator = emulator;
            Session = session;
            Directory = directory;
        }

        public EmulatorFixture Emulator { get; }
        public ModuleSession Session { get; }
        public string Directory { get; }
        public string ConnectionFile => Path.Combine(Directory, "emulator.json");

        public static async Task<Describe> StartAsync(string world)
        {
            var directory = Path.Combine(Path.GetTempPath(), "genimage-parity-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(directory);
            var emulator = await EmulatorFixture.StartAsync(new EmulatorOptions
            {
                WorldFile = RepoPaths.World(world),
                ConnectionFile = Path.Combine(directory, "emulator.json"),
            });
            var session = ModuleSession.Open(emulator, connect: false);
            var describe = new Describe(emulator, session, directory);
            describe.SetFacts();
            var r = describe.Run("$context = Connect-GenImage -Emulator -ConnectionFile $ConnectionFile -ErrorAction Stop");
            Assert.True(r.Succeeded, r.Describe());
            return describe;
        }

        private void SetFacts()
        {
            Session.Session.SetVariable("ConnectionFile", ConnectionFile);
            Session.Session.SetVariable("TestDrive", Directory);
            SetCommonFacts(Session.Session);
        }

        public ScriptResult Run(string script) => Session.Run(script);

        public ErrorRecord Throws(string script) => PesterParityTests.Throws(Session.Session, script);

        public ScriptResult Ok(string script)
        {
            var r = Session.Run(script);
            Assert.True(r.Succeeded, r.Describe());
            return r;
        }

        public async ValueTask DisposeAsync()
        {
            Session.Dispose();
            await Emulator.DisposeAsync();
            try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static void SetCommonFacts(ScriptSession session)
    {
        session.SetVariable("RepoRoot", RepoPaths.Root);
        session.SetVariable("ManifestPath", RepoPaths.ModuleManifest);
        session.SetVariable("ResourceGroup", ResourceGroup);
        session.SetVariable("WindowsVm", WindowsVm);
        session.SetVariable("LinuxVm", LinuxVm);
        session.SetVariable("Gallery", "gal_publish");
        session.SetVariable("SubscriptionId", SubscriptionId);
        session.SetVariable("WindowsVmId", WindowsVmId);
        session.SetVariable("LinuxVmId", LinuxVmId);
    }

    private static ScriptSession OpenOffline()
    {
        var session = ScriptRunner.Open();
        SetCommonFacts(session);
        return session;
    }

    /// <summary>What Pester's <c>Should -Throw</c> sees: the script runs inside try/catch and the caught record is returned.</summary>
    private static ErrorRecord Throws(ScriptSession session, string script)
    {
        var r = session.Run("try { $null = & { " + script + " }; 'did not throw' } catch { $_ }");
        var caught = Assert.Single(r.Output);
        return Assert.IsType<ErrorRecord>(caught.BaseObject);
    }

    private static List<string> Strings(ScriptResult r) => r.Output.Select(o => o?.BaseObject?.ToString() ?? string.Empty).ToList();

    private static IEnumerable<object?> Items(object? value) => value switch
    {
        null => Array.Empty<object?>(),
        PSObject { BaseObject: IEnumerable e and not string } => e.Cast<object?>(),
        IEnumerable e and not string => e.Cast<object?>(),
        _ => new[] { value },
    };

    private static object? Prop(object? obj, string name) => obj is null ? null : PSObject.AsPSObject(obj).Properties[name]?.Value;

    private static string? Str(object? obj, string name) => Prop(obj, name)?.ToString();

    // ---------------------------------------------------------------- Foundation.Tests.ps1

    [Fact]
    public void Foundation_TheGenImageModule_exports_exactly_the_cmdlets_its_manifest_lists_and_each_listed_cmdlet()
    {
        using var session = OpenOffline();

        // Import-PowerShellDataFile is a Utility cmdlet: read the manifest with the parser instead.
        var manifest = session.Run(
            "$ast = [System.Management.Automation.Language.Parser]::ParseFile($ManifestPath, [ref]$null, [ref]$null); " +
            "$ast.Find({ param($n) $n -is [System.Management.Automation.Language.HashtableAst] }, $false).SafeGetValue()['CmdletsToExport']");
        var exported = session.Run("Get-Command -Module GenImage | ForEach-Object { $_.Name }");
        Assert.True(manifest.Succeeded && exported.Succeeded, manifest.Describe() + exported.Describe());
        Assert.Equal(Strings(manifest).OrderBy(s => s, StringComparer.OrdinalIgnoreCase), Strings(exported).OrderBy(s => s, StringComparer.OrdinalIgnoreCase));

        foreach (var name in new[] { "Connect-GenImage", "Disconnect-GenImage", "Get-GenImageContext", "Get-SourceVm", "Invoke-GeneralizeVm" })
        {
            var r = session.Run("(Get-Command -Module GenImage -Name $n -ErrorAction SilentlyContinue).CommandType", new { n = name });
            Assert.Equal("Cmdlet", Assert.Single(Strings(r)));
        }
    }

    [Fact]
    public async Task Foundation_GeneralizingTheHealthyWorld_connects_and_generalizes_Windows_and_Linux()
    {
        await using var d = await Describe.StartAsync("healthy");

        // It 'connects to the emulator named in the connection file'
        var endpoint = (string)JsonDocument.Parse(File.ReadAllText(d.ConnectionFile)).RootElement.GetProperty("endpoint").GetString()!;
        d.Session.Session.SetVariable("EmulatorEndpoint", new Uri(endpoint));
        var r = d.Ok("$context.IsEmulator; $context.SubscriptionId; $context.Endpoint -eq $EmulatorEndpoint");
        Assert.Equal(new[] { "True", SubscriptionId, "True" }, Strings(r));

        // It 'generalizes the Windows VM with -Prepare -Force'
        var win = d.Ok("Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name $WindowsVm -Prepare -Force").SingleOutput();
        Assert.Equal(WindowsVm, win.Get<string>("Name"));
        Assert.Equal("Windows", win.Get<string>("OsType"));
        Assert.True(win.Get<bool>("Prepared"));
        Assert.Equal("generalized", win.Get<string>("OsStateAfter"));
        Assert.Equal("generalized", d.Ok("(Get-SourceVm -ResourceGroupName $ResourceGroup -Name $WindowsVm).OsState").SingleOutput().BaseObject);

        // It 'generalizes the Linux VM with -Prepare -Force'
        var linux = d.Ok("Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name $LinuxVm -Prepare -Force").SingleOutput();
        Assert.Equal(LinuxVm, linux.Get<string>("Name"));
        Assert.Equal("Linux", linux.Get<string>("OsType"));
        Assert.True(linux.Get<bool>("Prepared"));
        Assert.Equal("generalized", linux.Get<string>("OsStateAfter"));
    }

    [Fact]
    public async Task Foundation_RunningInvokeGeneralizeVmAgain_leaves_a_generalized_VM_as_it_is_and_warns()
    {
        await using var d = await Describe.StartAsync("healthy");
        var first = d.Ok("Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name $LinuxVm -Prepare -Force").SingleOutput();
        Assert.Equal("generalized", first.Get<string>("OsStateAfter"));

        var r = d.Ok("$warnings = $null; Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name $LinuxVm -Prepare -Force -WarningVariable warnings -WarningAction SilentlyContinue");
        var again = r.SingleOutput();
        Assert.Equal("generalized", again.Get<string>("OsStateAfter"));
        Assert.Equal("AlreadyGeneralized", again.Get<string>("Status"));
        Assert.False(again.Get<bool>("Prepared"));
        Assert.NotEmpty(Items(d.Session.Session.GetVariable("warnings")));
    }

    [Fact]
    public async Task Foundation_RefusalsDryRunsAndMissingVms()
    {
        await using var d = await Describe.StartAsync("healthy");

        // It 'refuses a running VM without -Prepare and leaves it running'
        var refused = d.Throws("Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name $WindowsVm -Force -ErrorAction Stop");
        Assert.Contains("GenImage.VmNotPrepared", refused.FullyQualifiedErrorId);
        var vm = d.Ok("Get-SourceVm -ResourceGroupName $ResourceGroup -Name $WindowsVm").SingleOutput();
        Assert.Equal("running", vm.Get<string>("PowerState"));
        Assert.True(string.IsNullOrEmpty(Str(vm, "OsState")));

        // It '-WhatIf writes nothing and changes nothing'
        var whatIf = d.Ok("Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name $LinuxVm -Prepare -WhatIf");
        Assert.Empty(whatIf.Output);
        var linux = d.Ok("Get-SourceVm -ResourceGroupName $ResourceGroup -Name $LinuxVm").SingleOutput();
        Assert.Equal("running", linux.Get<string>("PowerState"));
        Assert.True(string.IsNullOrEmpty(Str(linux, "OsState")));

        // It 'reports a VM that does not exist as ResourceNotFound / ObjectNotFound'
        var missing = d.Throws("Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name 'vm-does-not-exist' -Prepare -Force -ErrorAction Stop");
        Assert.StartsWith("GenImage.ResourceNotFound", missing.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
    }

    [Fact]
    public async Task Foundation_PipelineInput_binds_by_property_name_and_takes_Get_SourceVm_output()
    {
        await using var d = await Describe.StartAsync("healthy");

        var byName = d.Ok("[pscustomobject]@{ ResourceGroupName = $ResourceGroup; Name = $LinuxVm } | Invoke-GeneralizeVm -Prepare -Force").SingleOutput();
        Assert.Equal(LinuxVm, byName.Get<string>("Name"));
        Assert.Equal(ResourceGroup, byName.Get<string>("ResourceGroupName"));
        Assert.Equal("generalized", byName.Get<string>("OsStateAfter"));

        var byObject = d.Ok("Get-SourceVm -ResourceGroupName $ResourceGroup -Name $WindowsVm | Invoke-GeneralizeVm -Prepare -Force").SingleOutput();
        Assert.Equal(WindowsVm, byObject.Get<string>("Name"));
        Assert.Equal("generalized", byObject.Get<string>("OsStateAfter"));
    }

    // ---------------------------------------------------------------- Publishing.Tests.ps1

    private const string NewTestDefinitions =
        "function New-TestDefinitions {\n" +
        "  $null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name win2022-tl -Publisher contoso -Offer windows -Sku 2022-tl -OsType Windows -HyperVGeneration V2 -SecurityType TrustedLaunch -CreateGallery -ErrorAction Stop\n" +
        "  $null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name ubuntu-2204 -Publisher contoso -Offer ubuntu -Sku 22_04 -OsType Linux -HyperVGeneration V2 -ErrorAction Stop\n" +
        "  $null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name ubuntu-gen1 -Publisher contoso -Offer ubuntu -Sku gen1 -OsType Linux -HyperVGeneration V1 -ErrorAction Stop\n" +
        "}\n" +
        "function Get-PreflightRuleId {\n" +
        "  param([hashtable] $Parameters)\n" +
        "  try { $null = New-GalleryImageVersion @Parameters -ErrorAction Stop; @() }\n" +
        "  catch {\n" +
        "    if ($_.FullyQualifiedErrorId -notlike 'GenImage.PreflightFailed*') { throw }\n" +
        "    @($_.Exception.Findings | Where-Object { $_.IsBlocking } | ForEach-Object { $_.RuleId })\n" +
        "  }\n" +
        "}\n" +
        "New-TestDefinitions";

    [Fact]
    public void Publishing_ThePublishingCmdlets_are_exported()
    {
        using var session = OpenOffline();
        foreach (var name in new[] { "New-GalleryImageDefinition", "Get-GalleryImageDefinition", "New-GalleryImageVersion", "Get-GalleryImageVersion",
                     "Set-GalleryImageVersion", "Remove-GalleryImageVersion", "Publish-GalleryImageVersion", "Undo-GalleryImageVersion", "New-ManagedImage" })
        {
            var r = session.Run("(Get-Command -Module GenImage -Name $n -ErrorAction SilentlyContinue).CommandType", new { n = name });
            Assert.Equal("Cmdlet", Assert.Single(Strings(r)));
        }
    }

    [Fact]
    public async Task Publishing_PublishingAGeneralizedVmToThreeRegions()
    {
        await using var d = await Describe.StartAsync("healthy");
        d.Ok(NewTestDefinitions);
        var version = d.Ok("$version = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-win2022-src -Prepare -Force | " +
            "New-GalleryImageVersion -GalleryName $Gallery -DefinitionName win2022-tl -Name 1.0.0 -TargetRegion westeurope, 'northeurope=2', 'eastus=1=Standard_ZRS'; $version").SingleOutput();

        // It 'returns the version succeeded and replicated'
        Assert.Equal("1.0.0", version.Get<string>("Name"));
        Assert.Equal("Succeeded", Str(version, "ProvisioningState"));
        Assert.Equal("Completed", Str(version, "ReplicationState"));
        Assert.Equal(WindowsVmId, version.Get<string>("SourceId"));
        Assert.True(version.Get<bool>("IsLatest"));

        // It 'reaches Completed at 100% in every region'
        var regions = Items(Prop(version, "Regions")).ToList();
        Assert.Equal(new[] { "westeurope", "northeurope", "eastus" }, regions.Select(x => Str(x, "Region")));
        Assert.All(regions, x => { Assert.Equal("Completed", Str(x, "State")); Assert.Equal("100", Str(x, "Progress")); });
        Assert.Equal("Standard_ZRS", Str(regions.Single(x => Str(x, "Region") == "eastus"), "StorageAccountType"));
        var check = d.Ok("@($version.Regions | ForEach-Object { $_.Region }); @($version.Regions | Where-Object { $_.State -ne 'Completed' -or $_.Progress -ne 100 }).Count");
        Assert.Equal(new[] { "westeurope", "northeurope", "eastus", "0" }, Strings(check));

        // It 'shows the version as what latest resolves to'
        Assert.Equal("1.0.0", Assert.Single(Strings(d.Ok("(Get-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name win2022-tl).LatestVersion"))));

        // It 'refuses a definition with the same publisher/offer/sku'
        var dup = d.Throws("New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name other -Publisher contoso -Offer ubuntu -Sku 22_04 -OsType Linux -ErrorAction Stop");
        Assert.StartsWith("GenImage.GalleryImageIdentifierInUse", dup.FullyQualifiedErrorId);
    }

    [Fact]
    public async Task Publishing_ThePublishingPreflight()
    {
        await using var d = await Describe.StartAsync("healthy");
        d.Ok(NewTestDefinitions);
        d.Ok("$null = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-ubuntu2204-src -Prepare -Force; " +
             "$null = New-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -SourceId $LinuxVmId -Name 1.0.0");

        // It 'refuses with <RuleId> (<Case>) and creates nothing'
        var cases = new (string RuleId, string Definition, string Source, string Extra)[]
        {
            ("GI1002", "win2022-tl", "win", "@{ Name = '2.0.0' }"),
            ("GI2001", "win2022-tl", "linux", "@{ Name = '2.0.0' }"),
            ("GI2003", "ubuntu-gen1", "linux", "@{ Name = '2.0.0' }"),
            ("GI3001", "ubuntu-2204", "linux", "@{ Name = '2.0' }"),
            ("GI3002", "ubuntu-2204", "linux", "@{ Name = '1.0.0' }"),
            ("GI4001", "ubuntu-2204", "linux", "@{ Name = '2.0.0'; TargetRegion = 'westeurop' }"),
            ("GI4003", "ubuntu-2204", "linux", "@{ Name = '2.0.0'; TargetRegion = 'eastus=0' }"),
            ("GI4004", "ubuntu-2204", "linux", "@{ Name = '2.0.0'; TargetRegion = 'eastus=1=Premium_ZRS' }"),
        };
        foreach (var c in cases)
        {
            var r = d.Run(
                "$Definition = '" + c.Definition + "'; $Source = '" + c.Source + "'; $Extra = " + c.Extra + "\n" +
                "$parameters = @{ ResourceGroupName = $ResourceGroup; GalleryName = $Gallery; DefinitionName = $Definition\n" +
                "    SourceId = if ($Source -eq 'win') { $WindowsVmId } else { $LinuxVmId } } + $Extra\n" +
                "Get-PreflightRuleId -Parameters $parameters");
            Assert.True(r.Succeeded, c.RuleId + ": " + r.Describe());
            Assert.Contains(c.RuleId, Strings(r));
            var after = d.Ok("@(@(Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName $Definition) | Where-Object { $_.Name -eq '2.0.0' -or $_.Name -eq '2.0' }).Count");
            Assert.Equal("0", Assert.Single(Strings(after)));
        }

        // It 'names the bad -TargetRegion token'
        var bad = d.Throws("New-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -SourceId $LinuxVmId -TargetRegion 'eastus=two' -ErrorAction Stop");
        Assert.StartsWith("GenImage.InvalidTargetRegion", bad.FullyQualifiedErrorId);
        Assert.Contains("'eastus=two'", bad.Exception.Message);

        // It 'warns loudly what -SkipPreflight skipped'
        var skip = d.Run("$warnings = @(); $null = New-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-gen1 -SourceId $LinuxVmId -Name 2.0.0 " +
            "-SkipPreflight -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue; $warnings -join \"`n\"");
        Assert.Matches(@"(?s)-SkipPreflight.*Hyper-V generation \(GI2003\)", Assert.Single(Strings(skip)));
    }

    [Fact]
    public async Task Publishing_VersionsIncrementNoWaitAndTheReleaseChannel()
    {
        await using var d = await Describe.StartAsync("healthy");
        d.Ok(NewTestDefinitions);
        d.Ok("$null = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-ubuntu2204-src -Prepare -Force\n" +
             "$common = @{ ResourceGroupName = $ResourceGroup; GalleryName = $Gallery; DefinitionName = 'ubuntu-2204'; SourceId = $LinuxVmId }\n" +
             "$first = New-GalleryImageVersion @common -Name 1.0.0\n" +
             "$candidate = New-GalleryImageVersion @common -Increment Minor -ExcludeFromLatest -WarningAction SilentlyContinue");

        // It 'computes the next version with -Increment'
        Assert.Equal(new[] { "1.1.0", "True" }, Strings(d.Ok("$candidate.Name; $candidate.ExcludeFromLatest")));

        // It 'keeps an excluded candidate out of latest'
        Assert.Equal("1.0.0", Assert.Single(Strings(d.Ok("(Get-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name ubuntu-2204).LatestVersion"))));

        // It 'promotes the candidate into latest, idempotently'
        var promoted = d.Ok("$promoted = Publish-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 1.1.0 -Confirm:$false; $promoted").SingleOutput();
        Assert.Equal("1.0.0", Str(promoted, "PreviousLatestVersion"));
        Assert.Equal("1.1.0", Str(promoted, "LatestVersion"));
        Assert.True(promoted.Get<bool>("Changed"));
        Assert.Equal("False", Assert.Single(Strings(d.Ok("(Publish-GalleryImageVersion -Id $promoted.Id -Confirm:$false).Changed"))));

        // It 'rolls the candidate back in one command'
        var rolled = d.Ok("Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 1.1.0 | Undo-GalleryImageVersion -Confirm:$false").SingleOutput();
        Assert.Equal("1.0.0", Str(rolled, "LatestVersion"));
        Assert.True(rolled.Get<bool>("ExcludeFromLatest"));
        Assert.Equal("1.0.0", Assert.Single(Strings(d.Ok("(Get-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $Gallery -Name ubuntu-2204).LatestVersion"))));

        // It 'returns at once with -NoWait'
        var noWait = d.Ok("New-GalleryImageVersion @common -Name 3.0.0 -TargetRegion westeurope, eastus -NoWait").SingleOutput();
        Assert.Equal("3.0.0", noWait.Get<string>("Name"));
        Assert.Contains(Str(noWait, "ProvisioningState"), new[] { "Creating", "Succeeded" });
        Assert.Equal("3.0.0", Assert.Single(Strings(d.Ok("(Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 3.0.0).Name"))));

        // It 'refuses to remove the only version latest resolves to unless -Force'
        var undone = d.Ok(
            "$deadline = [DateTime]::UtcNow.AddSeconds(60)\n" +
            "while ((Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 3.0.0).ProvisioningState -ne 'Succeeded' -and\n" +
            "    [DateTime]::UtcNow -lt $deadline) { [System.Threading.Thread]::Sleep(100) }\n" +
            "Undo-GalleryImageVersion -Id (Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 3.0.0).Id -Confirm:$false -ErrorAction Stop").SingleOutput();
        Assert.Equal("1.0.0", Str(undone, "LatestVersion"));
        var refused = d.Throws("Remove-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 1.0.0 -Confirm:$false -ErrorAction Stop");
        Assert.StartsWith("GenImage.LatestVersionRemoval", refused.FullyQualifiedErrorId);
        d.Ok("Remove-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 -Name 1.0.0 -Force -WarningAction SilentlyContinue -ErrorAction Stop");
        Assert.Equal("0", Assert.Single(Strings(d.Ok("@(Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName $Gallery -DefinitionName ubuntu-2204 | Where-Object { $_.Name -eq '1.0.0' }).Count"))));
    }

    [Fact]
    public async Task Publishing_ManagedImages()
    {
        await using var d = await Describe.StartAsync("healthy");

        // It 'refuses a running VM with GI1002'
        var refused = d.Throws("New-ManagedImage -ResourceGroupName $ResourceGroup -Name img-win -SourceId $WindowsVmId -ErrorAction Stop");
        Assert.StartsWith("GenImage.PreflightFailed", refused.FullyQualifiedErrorId);
        Assert.Contains("GI1002", refused.Exception.Message);

        // It 'captures a generalized VM'
        var image = d.Ok("Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-ubuntu2204-src -Prepare -Force | New-ManagedImage -Name img-ubuntu").SingleOutput();
        Assert.Equal("img-ubuntu", image.Get<string>("Name"));
        Assert.Equal("Succeeded", Str(image, "ProvisioningState"));
    }

    // ---------------------------------------------------------------- Readiness.Tests.ps1

    [Fact]
    public void Readiness_TheReadinessCatalogueAndTheGuestScripts()
    {
        using var session = OpenOffline();

        // It 'lists every rule in id order with a documentation page'
        var rules = session.Run("Get-ImageReadinessRule");
        Assert.True(rules.Succeeded, rules.Describe());
        var ids = rules.Output.Select(o => o.Get<string>("Id")).ToList();
        Assert.Equal(35, ids.Count);
        Assert.Equal("GI1001", ids[0]);
        Assert.Equal("GI6002", ids[^1]);
        Assert.Equal(ids.OrderBy(s => s, StringComparer.OrdinalIgnoreCase), ids);
        foreach (var rule in rules.Output)
        {
            var helpUri = rule.Get<string>("HelpUri");
            Assert.True(File.Exists(Path.Combine(RepoPaths.Root, helpUri)), helpUri);
        }

        // It 'filters rules by id wildcard, category and severity'
        Assert.Equal(new[] { "GI5011", "GI5012" }, Strings(session.Run("@(Get-ImageReadinessRule -Id 'GI50*' -Severity Warning).Id")));
        Assert.Equal("5", Assert.Single(Strings(session.Run("@(Get-ImageReadinessRule -Category Regions).Count"))));

        // It 'reports an unknown rule id as RuleNotFound'
        var missing = Throws(session, "Get-ImageReadinessRule -Id 'GI9999' -ErrorAction Stop");
        Assert.StartsWith("GenImage.RuleNotFound", missing.FullyQualifiedErrorId);

        // It 'prints the four guest scripts, and the raw text of one'
        Assert.Equal(new[] { "prepare-windows", "prepare-linux", "inspect-windows", "inspect-linux" }, Strings(session.Run("@(Get-GuestScript).Name")));
        Assert.Equal(new[] { "RunPowerShellScript", "RunPowerShellScript" }, Strings(session.Run("@(Get-GuestScript -OsType Windows).CommandId")));
        var raw = session.Run("Get-GuestScript -Name inspect-linux -Raw");
        var text = Assert.IsType<string>(Assert.Single(raw.Output).BaseObject);
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "src/GenImage.Core/GuestScripts/inspect-linux.sh")), text);
    }

    private const string ClassicGalleries =
        "$gallery = 'gal_ready'\n" +
        "$null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $gallery -Name win-tl -Publisher contoso -Offer windows -Sku tl -OsType Windows -HyperVGeneration V2 -SecurityType TrustedLaunch -CreateGallery -ErrorAction Stop\n" +
        "$null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName $gallery -Name win-std -Publisher contoso -Offer windows -Sku std -OsType Windows -HyperVGeneration V2 -ErrorAction Stop\n" +
        "$before = @(Get-SourceVm -ResourceGroupName $ResourceGroup)";

    [Fact]
    public async Task Readiness_TheClassicFailuresAreCaughtBeforeAnyWrite()
    {
        await using var d = await Describe.StartAsync("classic-failures");
        d.Ok(ClassicGalleries);

        // It 'flags the unprepared Windows VM for a Generalized definition (GI1002)'
        var s1 = d.Ok("Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win-unprepared -GalleryName $gallery -DefinitionName win-tl -Summary").SingleOutput();
        Assert.False(s1.Get<bool>("IsReady"));
        Assert.Contains("GI1002", Items(Prop(s1, "FailedErrorIds")).Select(x => x?.ToString()));

        // It 'flags the Gen1 VM for a Gen2 Trusted Launch definition (GI2003, GI2004)'
        var s2 = d.Ok("Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win2019-gen1 -GalleryName $gallery -DefinitionName win-tl -WillGeneralize -Summary").SingleOutput();
        Assert.Equal(new[] { "GI2003", "GI2004" }, Items(Prop(s2, "FailedErrorIds")).Select(x => x?.ToString()));

        // It 'flags a Trusted Launch VM for a Standard definition (GI2004)'
        var r3 = d.Ok("$finding = Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win-appx -GalleryName $gallery -DefinitionName win-std -Rule GI2004; $finding.Status; $finding.Severity; $finding.Evidence['sourceSecurityType']; @($finding).Count");
        Assert.Equal(new[] { "Fail", "Error", "TrustedLaunch", "1" }, Strings(r3));

        // It 'finds the per-user AppX package that blocks Sysprep (GI5008)'
        var f4 = d.Ok("Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win-appx -Rule GI5008").SingleOutput();
        Assert.Equal("Fail", Str(f4, "Status"));
        Assert.Matches(@"Microsoft\.BingWeather", Str(f4, "Message"));

        // It 'reports identity leftovers as errors, and as warnings when the run prepares the guest'
        var r5 = d.Ok("$asIs = @(Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-ubuntu-leftovers -Rule 'GI500[2-5]')\n" +
                      "$prepared = @(Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-ubuntu-leftovers -Rule 'GI500[2-5]' -WillGeneralize)\n" +
                      "($asIs.Status -join ','); ($asIs.Severity -join ','); ($prepared.Severity -join ',')");
        Assert.Equal(new[] { "Fail,Fail,Fail,Fail", "Error,Error,Error,Error", "Warning,Warning,Warning,Warning" }, Strings(r5));

        // It 'flags the VM without an agent (GI5001)'
        Assert.Equal("Fail", Assert.Single(Strings(d.Ok("(Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-ubuntu-noagent -Rule GI5001).Status"))));

        // It 'answers -Quiet with $false and stops with -FailOnError'
        var quiet = d.Ok("Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win-appx -Quiet");
        Assert.Equal(false, Assert.Single(quiet.Output).BaseObject);
        var fail = d.Throws("Test-ImageReadiness -ResourceGroupName $ResourceGroup -VmName vm-win-appx -FailOnError");
        Assert.StartsWith("GenImage.ReadinessFailed", fail.FullyQualifiedErrorId);

        // It 'left every VM as it was'
        var same = d.Ok("$after = @(Get-SourceVm -ResourceGroupName $ResourceGroup)\n" +
                        "($after | ForEach-Object { \"$($_.Name)=$($_.PowerState)/$($_.OsState)\" }) -join ','\n" +
                        "($before | ForEach-Object { \"$($_.Name)=$($_.PowerState)/$($_.OsState)\" }) -join ','");
        var pair = Strings(same);
        Assert.Equal(2, pair.Count);
        Assert.Equal(pair[1], pair[0]);
    }

    private const string GetValidationVm = "function Get-ValidationVm { @(Get-SourceVm -ResourceGroupName $ResourceGroup | Where-Object { $_.Name -like 'giv-*' }) }";

    [Fact]
    public async Task Readiness_ValidatingAGoodVersion_boots_the_version_and_leaves_no_VM_behind()
    {
        await using var d = await Describe.StartAsync("healthy");
        d.Ok(GetValidationVm + "\n" +
             "$null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName gal_valid -Name ubuntu -Publisher contoso -Offer ubuntu -Sku 22_04 -OsType Linux -HyperVGeneration V2 -CreateGallery\n" +
             "$version = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-ubuntu2204-src -Prepare -Force | New-GalleryImageVersion -GalleryName gal_valid -DefinitionName ubuntu -Name 1.0.0");

        var result = d.Ok("$version | Test-ImageDeployment").SingleOutput();
        Assert.Equal("Succeeded", Str(result, "Outcome"));
        Assert.Equal("westeurope", Str(result, "Region"));
        Assert.StartsWith("giv-", Str(result, "VmName"));
        Assert.False(string.IsNullOrEmpty(Str(result, "TimeToProvisioned")));
        Assert.False(string.IsNullOrEmpty(Str(result, "TimeToAgentReady")));
        Assert.Empty(Items(Prop(result, "ResourcesLeftBehind")));
        Assert.Empty(d.Ok("Get-ValidationVm").Output);
    }

    [Fact]
    public async Task Readiness_ValidatingABadlyPreparedVersion()
    {
        await using var d = await Describe.StartAsync("classic-failures");
        d.Ok(GetValidationVm + "\n" +
             "$null = New-GalleryImageDefinition -ResourceGroupName $ResourceGroup -GalleryName gal_bad -Name win -Publisher contoso -Offer windows -Sku 2022 -OsType Windows -HyperVGeneration V2 -SecurityType TrustedLaunch -CreateGallery\n" +
             "$version = Invoke-GeneralizeVm -ResourceGroupName $ResourceGroup -Name vm-win-unprepared -Force -WarningAction SilentlyContinue | New-GalleryImageVersion -GalleryName gal_bad -DefinitionName win -Name 1.0.0");

        // It 'fails with the explanation and leaves no VM behind'
        var r = d.Ok("$warnings = $null; Test-ImageDeployment -ImageId $version.Id -WarningVariable warnings -WarningAction SilentlyContinue");
        var result = r.SingleOutput();
        Assert.Equal("Failed", Str(result, "Outcome"));
        Assert.Equal("OSProvisioningTimedOut", Str(result, "ErrorCode"));
        Assert.Matches("generalized without Sysprep", Str(result, "Explanation"));
        Assert.Single(Items(d.Session.Session.GetVariable("warnings")));
        Assert.Empty(Items(Prop(result, "ResourcesLeftBehind")));
        Assert.Empty(d.Ok("Get-ValidationVm").Output);

        // It 'stops with ValidationFailed under -FailOnError'
        var fail = d.Throws("Test-ImageDeployment -ImageId $version.Id -FailOnError -WarningAction SilentlyContinue");
        Assert.StartsWith("GenImage.ValidationFailed", fail.FullyQualifiedErrorId);
        Assert.Empty(d.Ok("Get-ValidationVm").Output);

        // It 'deletes the VM when the command is stopped (Ctrl+C) during the deployment'. The Pester block runs the
        // command in a [powershell]::Create() of its own and calls Stop(); the hosted engine cannot create a default
        // runspace that way, so a second session runs it here and is stopped the same way (PowerShell.Stop()).
        using var other = ModuleSession.Open(d.Emulator, connect: false);
        other.Session.SetVariable("ConnectionFile", d.ConnectionFile);
        other.Session.SetVariable("VersionId", d.Session.Session.GetVariable("version") is { } v ? Str(v, "Id") : null);
        Assert.True(other.Run("$null = Connect-GenImage -Emulator -ConnectionFile $ConnectionFile -ErrorAction Stop").Succeeded);
        using var stop = new CancellationTokenSource();
        var running = other.RunAsync("Test-ImageDeployment -ImageId $VersionId", new RunOptions { CancellationToken = stop.Token });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var seen = 0;
        while (!running.IsCompleted && DateTime.UtcNow < deadline)
        {
            seen = d.Ok("@(Get-ValidationVm).Count").Output.Select(o => (int)o.BaseObject).Single();
            if (seen > 0)
            {
                break;
            }

            Thread.Sleep(20);
        }
        stop.Cancel();
        var stopped = await running;
        Assert.Equal(1, seen);
        Assert.True(stopped.Stopped, stopped.Describe());
        Assert.Empty(d.Ok("Get-ValidationVm").Output);
    }

    // ---------------------------------------------------------------- Recipes.Tests.ps1

    /// <summary>Copy-ExampleRecipes of Recipes.Tests.ps1.</summary>
    private static string CopyExampleRecipes(string destination)
    {
        var source = Path.Combine(RepoPaths.Root, "examples", "recipes");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, true);
        }
        foreach (var file in Directory.GetFiles(destination, "*.yaml"))
        {
            File.WriteAllText(file, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(file), @"outputPath: \.\./\.\./out/evidence", "outputPath: runs"));
        }
        return destination;
    }

    [Fact]
    public void Recipes_ReadingAndCheckingRecipesWithoutAConnection()
    {
        var testDrive = Path.Combine(Path.GetTempPath(), "genimage-parity-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var session = OpenOffline();
            var folder = CopyExampleRecipes(Path.Combine(testDrive, "static"));
            session.SetVariable("folder", folder);

            // It 'reads every example recipe through a wildcard'
            var recipes = session.Run("Get-ImageRecipe -Path ([System.IO.Path]::Combine($folder, '*.yaml'))");
            Assert.True(recipes.Succeeded, recipes.Describe());
            Assert.Equal(3, recipes.Output.Count);
            Assert.Equal(new[] { "appserver-specialized", "ubuntu2204-gen2", "win2022-gen2-tl" }, recipes.Output.Select(o => o.Get<string>("Name")).OrderBy(s => s, StringComparer.OrdinalIgnoreCase));
            Assert.All(recipes.Output, o => Assert.True(o.Get<bool>("IsValid")));

            // It 'passes the offline check of every example recipe'
            var results = session.Run("Test-ImageRecipe -Path ([System.IO.Path]::Combine($folder, '*.yaml')) -Offline");
            Assert.True(results.Succeeded, results.Describe());
            Assert.NotEmpty(results.Output);
            Assert.All(results.Output, o => Assert.True(o.Get<bool>("Passed")));

            // It 'reports <Id> with its line and column'
            var cases = new (string Id, string From, string To, int Column)[]
            {
                ("GI9002", "    vmSize: Standard_D2s_v5", "    vmSzie: Standard_D2s_v5", 5),
                ("GI9003", "    timeoutMinutes: 30", "    timeoutMinutes: half an hour", 21),
                ("GI9005", "    vmSize: Standard_D2s_v5", "    vmSize: Standard_D2s_v5\n    adminPassword: Hunter2Hunter2", 5),
            };
            foreach (var c in cases)
            {
                var text = File.ReadAllText(Path.Combine(folder, "windows2022-gen2-tl.yaml"));
                Assert.Contains(c.From, text);
                var broken = Path.Combine(CopyExampleRecipes(Path.Combine(testDrive, "broken-" + c.Id)), "broken.yaml");
                File.WriteAllText(broken, text.Replace(c.From, c.To));
                var lines = text.Split('\n');
                var expectedLine = Array.FindIndex(lines, l => l.StartsWith(c.From, StringComparison.Ordinal)) + 1;
                Assert.True(expectedLine > 0);
                if (c.Id == "GI9005")
                {
                    expectedLine++;
                }

                var r = session.Run("Test-ImageRecipe -Path $broken -Offline", new { broken });
                var result = r.SingleOutput();
                var problems = Items(Prop(result, "Diagnostics")).Where(x => Str(x, "Id") == c.Id).ToList();
                Assert.False(result.Get<bool>("IsValid"));
                var problem = Assert.Single(problems);
                Assert.Equal(expectedLine.ToString(CultureInfo.InvariantCulture), Str(problem, "Line"));
                Assert.Equal(c.Column.ToString(CultureInfo.InvariantCulture), Str(problem, "Column"));
                Assert.Equal(broken, Str(problem, "File"));
                Assert.DoesNotContain("Hunter2", Str(problem, "Message"));
            }

            // It 'writes one GenImage.GI9xxx error per problem from Get-ImageRecipe'
            var missingOwner = Path.Combine(CopyExampleRecipes(Path.Combine(testDrive, "missing-owner")), "missing-owner.yaml");
            var ubuntu = File.ReadAllText(Path.Combine(folder, "ubuntu2204-gen2.yaml"));
            File.WriteAllText(missingOwner, System.Text.RegularExpressions.Regex.Replace(ubuntu, @"(?m)^  owner: platform-team\r?\n", ""));
            Assert.NotEqual(ubuntu, File.ReadAllText(missingOwner));
            var err = session.Run("$errors = $null; Get-ImageRecipe -Path $broken -ErrorVariable errors -ErrorAction SilentlyContinue", new { broken = missingOwner });
            Assert.Empty(err.Output);
            var errors = Items(session.GetVariable("errors")).Cast<ErrorRecord>().ToList();
            var error = Assert.Single(errors);
            Assert.StartsWith("GenImage.GI9004", error.FullyQualifiedErrorId);
            Assert.Equal("metadata.owner", Str(error.TargetObject, "KeyPath"));
        }
        finally
        {
            try { Directory.Delete(testDrive, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static List<string> VerifyBundle(string bundle) => RecipeFolder.VerifyBundle(bundle);

    [Fact]
    public async Task Recipes_RunningARecipeEndToEndOnTheHealthyWorld()
    {
        await using var d = await Describe.StartAsync("healthy");
        var folder = CopyExampleRecipes(Path.Combine(d.Directory, "healthy"));
        d.Session.Session.SetVariable("folder", folder);
        d.Session.Session.SetVariable("recipe", Path.Combine(folder, "windows2022-gen2-tl.yaml"));

        // It '-WhatIf shows the plan and writes nothing'
        var whatIf = d.Ok("Invoke-ImageRecipe -Path $recipe -WhatIf");
        Assert.Empty(whatIf.Output);
        Assert.False(Directory.Exists(Path.Combine(folder, "runs")) || File.Exists(Path.Combine(folder, "runs")));
        Assert.Equal("running", Assert.Single(Strings(d.Ok("(Get-SourceVm -ResourceGroupName $ResourceGroup -Name vm-win2022-src).PowerState"))));

        // It 'publishes, validates and promotes the version and writes a verifiable bundle'
        var run = d.Ok("Invoke-ImageRecipe -Path $recipe -Force").SingleOutput();
        Assert.Equal("Succeeded", Str(run, "Status"));
        Assert.Equal("1.0.0", Str(run, "VersionName"));
        Assert.True(run.Get<bool>("Promoted"));
        var validation = Items(Prop(run, "Validation")).ToList();
        Assert.Single(validation);
        Assert.Equal("Passed", Str(validation[0], "Status"));
        Assert.Equal(new[] { "Readiness", "Generalize", "Definition", "Publish", "Validate", "Promote", "Evidence", "Cleanup" }, Items(Prop(run, "Steps")).Select(s => Str(s, "Name")));
        Assert.Equal("False", Assert.Single(Strings(d.Ok("(Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName gal_images -DefinitionName win2022-datacenter-g2 -Name 1.0.0).ExcludeFromLatest"))));
        var evidencePath = Str(run, "EvidencePath")!;
        Assert.Empty(VerifyBundle(evidencePath));
        Assert.Equal(1, JsonDocument.Parse(File.ReadAllText(Path.Combine(evidencePath, "evidence.json"))).RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("# Image evidence: gal_images/win2022-datacenter-g2/1.0.0", File.ReadLines(Path.Combine(evidencePath, "report.md")).First());

        // It 'collects the same evidence again from the run with Get-ImageEvidence'
        var runDirs = Directory.GetDirectories(Path.Combine(folder, "runs", "win2022-gen2-tl"));
        Assert.NotEmpty(runDirs);
        var again = Path.Combine(d.Directory, "again");
        var evidence = d.Ok($"Get-ImageEvidence -RunPath '{runDirs[0]}' -OutputPath '{again}'").SingleOutput();
        Assert.Equal("True", Str(Prop(evidence, "Summary"), "Booted"));
        Assert.Equal(again, Str(evidence, "BundlePath"));
        Assert.Empty(VerifyBundle(again));
    }

    [Fact]
    public async Task Recipes_AReadinessFailureOnTheClassicFailuresWorld_stops_before_anything_irreversible()
    {
        await using var d = await Describe.StartAsync("classic-failures");
        var folder = CopyExampleRecipes(Path.Combine(d.Directory, "failures"));
        var recipe = Path.Combine(folder, "gen1.yaml");
        File.WriteAllText(recipe, File.ReadAllText(Path.Combine(folder, "windows2022-gen2-tl.yaml")).Replace("vmName: vm-win2022-src", "vmName: vm-win2019-gen1"));
        d.Session.Session.SetVariable("recipe", recipe);

        var r = d.Run("$errors = $null; Invoke-ImageRecipe -Path $recipe -Force -ErrorVariable errors -ErrorAction SilentlyContinue");
        var run = r.SingleOutput();
        Assert.Equal("Blocked", Str(run, "Status"));
        Assert.Contains("GI2003", Items(Prop(run, "BlockingFindings")).Select(f => Str(f, "RuleId")));
        var error = Assert.Single(Items(d.Session.Session.GetVariable("errors")).Cast<ErrorRecord>());
        Assert.StartsWith("GenImage.ReadinessBlocked", error.FullyQualifiedErrorId);
        Assert.Contains("GI2003", error.Exception.Message);
        Assert.True(string.IsNullOrEmpty(Str(d.Ok("Get-SourceVm -ResourceGroupName $ResourceGroup -Name vm-win2019-gen1").SingleOutput(), "OsState")));
    }

    [Fact]
    public async Task Recipes_AValidationFailureOnTheClassicFailuresWorld_publishes_fails_validation_and_does_not_promote()
    {
        await using var d = await Describe.StartAsync("classic-failures");
        var folder = CopyExampleRecipes(Path.Combine(d.Directory, "validation"));
        var recipe = Path.Combine(folder, "unprepared.yaml");
        var text = File.ReadAllText(Path.Combine(folder, "windows2022-gen2-tl.yaml")).Replace("vmName: vm-win2022-src", "vmName: vm-win-unprepared");
        var withoutProbe = System.Text.RegularExpressions.Regex.Replace(text, @"(?m)^    probeScript: .*\r?\n", "");
        Assert.NotEqual(text, withoutProbe);
        File.WriteAllText(recipe, withoutProbe);
        d.Session.Session.SetVariable("recipe", recipe);

        var r = d.Run("$errors = $null; Invoke-ImageRecipe -Path $recipe -Force -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue");
        var run = r.SingleOutput();
        Assert.Equal("ValidationFailed", Str(run, "Status"));
        Assert.False(run.Get<bool>("Promoted"));
        Assert.Equal("Skipped", Str(Items(Prop(run, "Steps")).Single(s => Str(s, "Name") == "Promote"), "Status"));
        var errors = Items(d.Session.Session.GetVariable("errors")).Cast<ErrorRecord>().ToList();
        Assert.NotEmpty(errors);
        Assert.StartsWith("GenImage.ValidationFailed", errors[0].FullyQualifiedErrorId);
        Assert.Matches("stays excluded from latest", errors[0].Exception.Message);
        Assert.Equal("True", Assert.Single(Strings(d.Ok("(Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName gal_images -DefinitionName win2022-datacenter-g2 -Name 1.0.0).ExcludeFromLatest"))));
        Assert.Empty(VerifyBundle(Str(run, "EvidencePath")!));
    }

    [Fact]
    public async Task Recipes_ResumingAfterAFailureOnTheRecipesWorld()
    {
        await using var d = await Describe.StartAsync("recipes");
        var folder = CopyExampleRecipes(Path.Combine(d.Directory, "resume"));
        d.Session.Session.SetVariable("recipe", Path.Combine(folder, "ubuntu2204-gen2.yaml"));
        var r = d.Run("$errors = $null; $failed = Invoke-ImageRecipe -Path $recipe -Force -ErrorVariable errors -ErrorAction SilentlyContinue; $failed");

        // It 'fails at promotion and leaves the version excluded from latest'
        var failed = r.SingleOutput();
        Assert.Equal("Failed", Str(failed, "Status"));
        Assert.Equal("Failed", Str(Items(Prop(failed, "Steps")).Single(s => Str(s, "Name") == "Promote"), "Status"));
        var errors = Items(d.Session.Session.GetVariable("errors")).Cast<ErrorRecord>().ToList();
        Assert.NotEmpty(errors);
        Assert.StartsWith("GenImage.ArmInternalServerError", errors[0].FullyQualifiedErrorId);
        Assert.Equal("True", Assert.Single(Strings(d.Ok("(Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName gal_images -DefinitionName ubuntu-2204-gen2 -Name 1.0.0).ExcludeFromLatest"))));

        // It 'refuses a new run while that one is unfinished'
        var refused = d.Throws("Invoke-ImageRecipe -Path $recipe -Force -ErrorAction Stop");
        Assert.Contains("GenImage.UnfinishedRun", refused.FullyQualifiedErrorId);

        // It 'finishes with -Resume without repeating a finished step'
        var run = d.Ok("Invoke-ImageRecipe -Path $recipe -Resume -Force").SingleOutput();
        Assert.Equal("Succeeded", Str(run, "Status"));
        Assert.Equal(Str(failed, "RunId"), Str(run, "RunId"));
        var steps = Items(Prop(run, "Steps")).ToList();
        Assert.Equal("2", Str(steps.Single(s => Str(s, "Name") == "Promote"), "Attempts"));
        Assert.Equal("1", Str(steps.Single(s => Str(s, "Name") == "Generalize"), "Attempts"));
        Assert.Equal("1", Str(steps.Single(s => Str(s, "Name") == "Publish"), "Attempts"));
        Assert.Equal("1", Assert.Single(Strings(d.Ok("@(Get-GalleryImageVersion -ResourceGroupName $ResourceGroup -GalleryName gal_images -DefinitionName ubuntu-2204-gen2).Count"))));
        Assert.Empty(VerifyBundle(Str(run, "EvidencePath")!));
    }
}
