using GenImage.Emulator;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// A world where every state-changing cmdlet has something to change: the Linux VM is generalized, 1.0.0 of
/// ubuntu-2204-gen2 is published into latest and 1.0.1 excluded from it; the Windows VM is still running.
/// </summary>
public sealed class PublishedWorldFixture : IAsyncLifetime
{
    private EmulatorFixture? _emulator;

    public EmulatorFixture Emulator => _emulator ?? throw new InvalidOperationException("Not started.");

    public static string LinuxVmId => $"/subscriptions/{Worlds.SubscriptionId}/resourceGroups/{Worlds.ResourceGroup}/providers/Microsoft.Compute/virtualMachines/{Worlds.LinuxVm}";

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorFixture.StartAsync();
        using var session = _emulator.Connect();
        session.Run(
            "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force | Out-Null; " +
            "New-GalleryImageVersion rg-images gal_images ubuntu-2204-gen2 -SourceId $vm -Name 1.0.0 -TargetRegion westeurope | Out-Null; " +
            "New-GalleryImageVersion rg-images gal_images ubuntu-2204-gen2 -SourceId $vm -Name 1.0.1 -TargetRegion westeurope -ExcludeFromLatest | Out-Null",
            new { vm = LinuxVmId }).EnsureSuccess();
    }

    public async Task DisposeAsync()
    {
        if (_emulator != null)
        {
            await _emulator.DisposeAsync();
        }
    }
}

/// <summary>
/// The one confirmation idiom: with -WhatIf or $WhatIfPreference = $true no state-changing cmdlet writes anything,
/// -Force or not; -Force skips only prompts and refusals.
/// </summary>
public sealed class ConfirmIdiomTests : IClassFixture<PublishedWorldFixture>
{
    private readonly PublishedWorldFixture _world;

    public ConfirmIdiomTests(PublishedWorldFixture world) => _world = world;

    private static bool IsWrite(RequestLogEntry e) =>
        !string.Equals(e.Method, "GET", StringComparison.OrdinalIgnoreCase) && !string.Equals(e.Method, "HEAD", StringComparison.OrdinalIgnoreCase);

    private const string Version100 = "rg-images gal_images ubuntu-2204-gen2 1.0.0";
    private const string Version101 = "rg-images gal_images ubuntu-2204-gen2 1.0.1";

    /// <summary>Every state-changing cmdlet, with arguments that would write (and -Force where it has one).</summary>
    public static readonly IReadOnlyDictionary<string, string> Commands = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Invoke-GeneralizeVm"] = "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Prepare -Force",
        ["Remove-GalleryImageVersion"] = $"Remove-GalleryImageVersion {Version100} -Force",
        ["Invoke-ImageRecipe"] = "Invoke-ImageRecipe -Path $recipe -Force",
        ["New-GalleryImageDefinition"] = "New-GalleryImageDefinition rg-images gal_new win-new -Publisher contoso -Offer windows -Sku new -OsType Windows -CreateGallery",
        ["New-GalleryImageVersion"] = "New-GalleryImageVersion rg-images gal_images ubuntu-2204-gen2 -SourceId $vm -Name 1.0.2 -TargetRegion westeurope",
        ["Set-GalleryImageVersion"] = $"Set-GalleryImageVersion {Version100} -ExcludeFromLatest",
        ["Publish-GalleryImageVersion"] = $"Publish-GalleryImageVersion {Version101}",
        ["Undo-GalleryImageVersion"] = $"Undo-GalleryImageVersion {Version100}",
        ["New-ManagedImage"] = "New-ManagedImage rg-images img-ubuntu -SourceId $vm",
        ["Test-ImageDeployment"] = "Test-ImageDeployment -ImageId $version",
        // The generalized Linux VM versions were made from is a kept source VM once no age is required.
        ["Remove-ImageLeftover"] = "Get-ImageInventory -Leftover -LeftoverAgeDays 0 | Remove-ImageLeftover -Force",
    };

    public static IEnumerable<object[]> Cases() =>
        Commands.Keys.SelectMany(c => new[] { new object[] { c, true }, new object[] { c, false } });

    [Theory]
    [MemberData(nameof(Cases))]
    public void WhatIf_writes_nothing_even_with_Force(string cmdlet, bool viaPreference)
    {
        using var folder = new RecipeFolder();
        using var session = _world.Emulator.Connect();
        var before = _world.Emulator.RequestLog.Count;
        var command = Commands[cmdlet];
        var script = viaPreference ? "$WhatIfPreference = $true; " + command : command + " -WhatIf";

        var r = session.Run(script, new RunOptions
        {
            Variables = new Dictionary<string, object?>
            {
                ["recipe"] = folder["windows2022-gen2-tl.yaml"],
                ["vm"] = PublishedWorldFixture.LinuxVmId,
                ["version"] = PublishedWorldFixture.LinuxVmId.Replace($"virtualMachines/{Worlds.LinuxVm}", "galleries/gal_images/images/ubuntu-2204-gen2/versions/1.0.0"),
            },
            RenderToHost = true,
        });
        session.Run("$WhatIfPreference = $false");

        Assert.True(r.Succeeded, r.Describe());
        // The cmdlet got as far as the change (it said what it would do), and sent no write.
        Assert.Contains("What if:", session.Transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(_world.Emulator.RequestLog.Skip(before), IsWrite);
        Assert.Empty(r.Output);
        Assert.Empty(session.Prompts);
        Assert.False(Directory.Exists(folder.Runs));
    }

    [Fact]
    public void Every_cmdlet_that_supports_WhatIf_is_covered()
    {
        using var session = _world.Emulator.Connect();
        var r = session.Run("Get-Command -Module GenImage | Where-Object { $_.Parameters.ContainsKey('WhatIf') } | ForEach-Object Name");
        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(Commands.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase), r.Output.Select(o => o.ToString()).OrderBy(k => k, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void Without_Force_an_irreversible_change_asks_once_and_a_reversible_one_does_not_ask()
    {
        using var session = _world.Emulator.Connect();
        // Without -Force the irreversible removal asks (answered No), and nothing is written.
        var before = _world.Emulator.RequestLog.Count;
        var asked = session.Run($"Remove-GalleryImageVersion {Version101}");
        Assert.True(asked.Succeeded, asked.Describe());
        Assert.Single(session.Prompts);
        Assert.DoesNotContain(_world.Emulator.RequestLog.Skip(before), IsWrite);

        // -Confirm:$false says "do not ask" as -Force does; a reversible change never asks at the default $ConfirmPreference.
        var reversible = session.Run($"Set-GalleryImageVersion {Version101} -EndOfLifeDate ([datetime]::UtcNow.AddYears(2))");
        Assert.True(reversible.Succeeded, reversible.Describe());
        Assert.Single(session.Prompts);
    }
}
