using GenImage.Emulator.Faults;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// Tab completion as PowerShell's own <c>TabExpansion2</c> computes it, against the emulator: names come from the
/// connected subscription, narrowed by the parameters already typed; nothing is offered (and nothing fails) when the
/// session is not connected, the lookup fails, or it is slower than the prompt may wait.
/// </summary>
public sealed class CompletionTests
{
    /// <summary>Two resource groups, so that narrowing by -ResourceGroupName can be seen.</summary>
    private const string TwoGroupsWorld = """
        apiVersion: genimage.dev/emulator/v1
        kind: World
        clock: { scale: 0.001 }
        tenantId: 00000000-0000-0000-0000-0000000000aa
        subscriptions:
          - id: 00000000-0000-0000-0000-000000000001
            displayName: Completion
            resourceGroups:
              - name: rg-alpha
                location: westeurope
                virtualMachines:
                  - { name: vm-alpha-1, size: Standard_D2s_v5, powerState: running, osType: Linux, hyperVGeneration: V2, osDisk: { sizeGB: 30 } }
                  - { name: vm-alpha-2, size: Standard_D2s_v5, powerState: running, osType: Linux, hyperVGeneration: V2, osDisk: { sizeGB: 30 } }
                galleries:
                  - name: gal_alpha
                    images:
                      - { name: linux-a, osType: Linux, publisher: p, offer: o, sku: a }
                      - { name: linux-b, osType: Linux, publisher: p, offer: o, sku: b }
              - name: rg-beta
                location: northeurope
                virtualMachines:
                  - { name: vm-beta-1, size: Standard_D2s_v5, powerState: running, osType: Linux, hyperVGeneration: V2, osDisk: { sizeGB: 30 } }
                galleries:
                  - name: gal_beta
                    images:
                      - { name: linux-c, osType: Linux, publisher: p, offer: o, sku: c }
        """;

    /// <summary>The completion texts for the end of <c>$line</c>, and their tooltips after a '|'.</summary>
    private const string CompleteScript = """
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $result.CompletionMatches | ForEach-Object { "$($_.CompletionText)|$($_.ToolTip)" }
        """;

    private static List<string> Complete(ModuleSession session, string line)
    {
        var r = session.Run(CompleteScript, new { line });
        Assert.True(r.Succeeded, r.Describe());
        return r.BaseObjects.Cast<string>().Select(s => s.Split('|')[0]).ToList();
    }

    [Fact]
    public async Task ResourceGroupsVmsAndGalleriesAreNarrowedByWhatIsTyped()
    {
        await using var emulator = await EmulatorFixture.StartWithYamlAsync(TwoGroupsWorld);
        using var session = emulator.Connect();

        Assert.Equal(new[] { "rg-alpha", "rg-beta" }, Complete(session, "Get-SourceVm -ResourceGroupName "));
        Assert.Equal(new[] { "rg-beta" }, Complete(session, "Get-SourceVm -ResourceGroupName rg-b"));
        Assert.Equal(new[] { "vm-alpha-1", "vm-alpha-2", "vm-beta-1" }, Complete(session, "Get-SourceVm -Name "));
        Assert.Equal(new[] { "vm-alpha-1", "vm-alpha-2" }, Complete(session, "Invoke-GeneralizeVm -ResourceGroupName rg-alpha -Name "));
        Assert.Equal(new[] { "vm-beta-1" }, Complete(session, "Test-ImageReadiness -ResourceGroupName rg-beta -VmName "));
        Assert.Equal(new[] { "gal_alpha" }, Complete(session, "Get-GalleryImageDefinition -ResourceGroupName rg-alpha -GalleryName "));
        Assert.Equal(new[] { "gal_alpha", "gal_beta" }, Complete(session, "Test-ImageReadiness -GalleryName gal_"));
        Assert.Equal(new[] { "linux-a", "linux-b" }, Complete(session, "Get-GalleryImageDefinition -ResourceGroupName rg-alpha -GalleryName gal_alpha -Name "));
        Assert.Equal(new[] { "linux-c" }, Complete(session, "New-GalleryImageVersion -ResourceGroupName rg-beta -GalleryName gal_beta -DefinitionName "));
        // Positional arguments narrow as well.
        Assert.Equal(new[] { "linux-b" }, Complete(session, "Get-GalleryImageVersion rg-alpha gal_alpha linux-b"));
    }

    [Fact]
    public async Task VersionsOfTheDefinitionAreOfferedHighestFirst()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run("""
            $vm = Invoke-GeneralizeVm rg-images vm-ubuntu2204-src -Prepare -Force
            '1.0.0', '1.2.0', '1.10.0' | ForEach-Object { $vm | New-GalleryImageVersion -GalleryName gal_images -DefinitionName ubuntu-2204-gen2 -Name $_ | Out-Null }
            """).EnsureSuccess();

        var all = Complete(session, "Get-GalleryImageVersion -ResourceGroupName rg-images -GalleryName gal_images -DefinitionName ubuntu-2204-gen2 -Name ");
        var some = Complete(session, "Publish-GalleryImageVersion rg-images gal_images ubuntu-2204-gen2 1.1");

        Assert.Equal(new[] { "1.10.0", "1.2.0", "1.0.0" }, all);
        Assert.Equal(new[] { "1.10.0" }, some);
        // Without the definition there is nothing to list.
        Assert.Empty(Complete(session, "Remove-GalleryImageVersion -ResourceGroupName rg-images -GalleryName gal_images -Name "));
    }

    [Fact]
    public async Task LocationsAreTheSubscriptionsForEveryRegionParameter()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var regions = Complete(session, "New-GalleryImageVersion -TargetRegion north");
        var second = Complete(session, "Test-ImageReadiness -TargetRegion westeurope, northe");
        var location = Complete(session, "New-GalleryImageDefinition -Location westeu");
        var deploy = Complete(session, "Test-ImageDeployment -Region eastus");
        var withCount = Complete(session, "New-GalleryImageVersion -TargetRegion westeurope=");

        Assert.Contains("northeurope", regions);
        Assert.Contains("northcentralus", regions);
        Assert.All(regions, r => Assert.StartsWith("north", r, StringComparison.Ordinal));
        Assert.Equal(new[] { "northeurope" }, second);
        Assert.Equal(new[] { "westeurope" }, location);
        Assert.Equal(new[] { "eastus", "eastus2" }, deploy);
        Assert.Empty(withCount);
    }

    [Fact]
    public void RuleIdsCompleteWithoutAConnection()
    {
        using var session = ScriptRunner.Open();

        var r = session.Run(CompleteScript, new { line = "Get-ImageReadinessRule -Id GI100" });
        var rule = session.Run(CompleteScript, new { line = "Test-ImageReadiness -ExcludeRule GI500" });

        Assert.True(r.Succeeded, r.Describe());
        var matches = r.BaseObjects.Cast<string>().ToList();
        Assert.Equal(new[] { "GI1001", "GI1002", "GI1003", "GI1004" }, matches.Select(m => m.Split('|')[0]));
        Assert.Contains(matches, m => m.StartsWith("GI1001|GI1001 (Source, Error): ", StringComparison.Ordinal));
        Assert.Equal(9, rule.BaseObjects.Count); // GI5001 … GI5009
    }

    [Fact]
    public void NothingIsOfferedWhenNotConnected()
    {
        using var session = ScriptRunner.Open();

        var r = session.Run(CompleteScript, new { line = "Get-SourceVm -ResourceGroupName " });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Empty(r.BaseObjects); // no names, and no file names either
    }

    [Fact]
    public async Task AFailedLookupOffersNothingAndWritesNoError()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.Faults.Add(new FaultRule { Effect = FaultEffect.DropConnection, Method = "GET", Path = "*/resourcegroups" });

        var matches = Complete(session, "Get-SourceVm -ResourceGroupName rg-");

        Assert.Empty(matches);
    }

    [Fact]
    public async Task ASlowLookupOffersNothingAndTheNextTabUsesItsAnswer()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        // The first answer is a 429 that asks the client to come back in 30 s: far longer than the prompt waits.
        var fault = emulator.Host.Faults.Add(new FaultRule { Effect = FaultEffect.TooManyRequests, RetryAfterSeconds = 30, Count = 1, Method = "GET", Path = "*/resourcegroups" });

        var first = Complete(session, "Get-SourceVm -ResourceGroupName rg-");

        Assert.Empty(first);
        Assert.Equal(1, fault.Fired);
    }

    [Fact]
    public async Task NamesAreCachedPerConnection()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        int Lookups() => emulator.RequestLog.Count(e => e.Method == "GET" && e.Path.EndsWith("/resourcegroups", StringComparison.OrdinalIgnoreCase));

        var first = Complete(session, "Get-SourceVm -ResourceGroupName ");
        var second = Complete(session, "Get-SourceVm -ResourceGroupName rg");
        var afterTwo = Lookups();
        session.Connect();
        var third = Complete(session, "Get-SourceVm -ResourceGroupName ");

        Assert.Equal(new[] { "rg-images" }, first);
        Assert.Equal(first, second);
        Assert.Equal(1, afterTwo);
        Assert.Equal(first, third);
        Assert.Equal(2, Lookups()); // a new connection does not reuse the names of the previous one
    }
}
