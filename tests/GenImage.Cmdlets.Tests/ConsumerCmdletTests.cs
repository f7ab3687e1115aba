namespace GenImage.Cmdlets.Tests;

/// <summary>
/// Get-ImageConsumer against the fleet world, and who is hit in the -WhatIf / confirmation text of Publish-, Undo- and
/// Remove-GalleryImageVersion; Remove- refuses a version a scale set pins unless -Force.
/// </summary>
public sealed class ConsumerCmdletTests : IClassFixture<FleetEmulatorFixture>
{
    private const string Web = InventoryCmdletTests.WinDefinition;
    private const string Ubuntu = $"/subscriptions/{Worlds.SubscriptionId}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_linux/images/ubuntu-2204";
    private readonly FleetEmulatorFixture _emulator;

    public ConsumerCmdletTests(FleetEmulatorFixture emulator) => _emulator = emulator;

    private static IEnumerable<string> Rows(ScriptResult r) => r.Output.Select(o => $"{o.Get<string>("Kind")} {o.Get<string>("Name")} {o.Get<string>("Via")}");

    [Fact]
    public void A_version_latest_resolves_to_is_used_by_the_scale_set_that_pins_it_and_the_vm_on_latest()
    {
        using var session = _emulator.Connect();

        var r = session.Run("Get-ImageConsumer -ImageId $id", new { id = Web + "/versions/1.1.0" });

        Assert.True(r.Succeeded, r.Describe());
        Assert.All(r.Output, o => Assert.Equal("GenImage.ImageConsumer", o.TypeName()));
        Assert.Equal(["VirtualMachine vm-web-01 Latest", "ScaleSet vmss-web Version"], Rows(r));
        Assert.Equal("1.1.0", r.Output[0].Get<string>("ExactVersion"));
    }

    [Fact]
    public void Definitions_versions_and_managed_images_pipe_in_by_id()
    {
        using var session = _emulator.Connect();

        var pinned = session.Run("Get-GalleryImageVersion rg-images gal_linux ubuntu-2204 2.0.0 | Get-ImageConsumer");
        var definition = session.Run("Get-GalleryImageDefinition rg-images gal_win win2022-web | Get-ImageConsumer -ResourceGroupName rg-apps");
        var image = session.Run("Get-ImageConsumer $id", new { id = $"/subscriptions/{Worlds.SubscriptionId}/resourceGroups/rg-images/providers/Microsoft.Compute/images/img-ubuntu-base" });
        var unused = session.Run("Get-ImageConsumer -ImageId $id", new { id = Ubuntu + "/versions/2.1.0" });

        Assert.Equal(["VirtualMachine vm-api-01 Version"], Rows(pinned));
        Assert.Equal(["VirtualMachine vm-web-01 Latest", "ScaleSet vmss-web Version"], Rows(definition));
        Assert.Equal(["VirtualMachine vm-legacy-app ManagedImage"], Rows(image));
        Assert.True(unused.Succeeded, unused.Describe());
        Assert.Empty(unused.Output);
    }

    [Fact]
    public void Templates_that_reference_the_version_are_found_with_line_and_column()
    {
        var dir = Path.Combine(Path.GetTempPath(), "genimage-templates-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "vmss.json"), "{\n  \"imageReference\": {\n    \"id\": \"[resourceId('rg-images', 'Microsoft.Compute/galleries/images/versions', 'gal_win', 'win2022-web', '1.1.0')]\"\n  }\n}\n");
            File.WriteAllText(Path.Combine(dir, "web.bicep"), "param location string\nvar imageId = '" + Web + "'\n");
            using var session = _emulator.Connect();

            var r = session.Run("Get-ImageConsumer -ImageId $id -TemplatePath $pattern", new { id = Web + "/versions/1.1.0", pattern = Path.Combine(dir, "*") });

            Assert.True(r.Succeeded, r.Describe());
            var templates = r.Output.Where(o => o.Get<string>("Kind") == "Template").Select(o => $"{o.Get<string>("Name")} {o.Get<string>("Via")} {o.Get<int>("Line")}:{o.Get<int>("Column")}");
            Assert.Equal(["vmss.json Version 3:13", "web.bicep Latest 2:16"], templates);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void An_id_that_is_no_image_is_refused()
    {
        using var session = _emulator.Connect();

        var r = session.Run("Get-ImageConsumer -ImageId /subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/z");

        Assert.Equal(["GenImage.InvalidImageReference,GenImage.Cmdlets.Commands.GetImageConsumerCommand"], r.ErrorIds);
    }

    [Fact]
    public void What_if_texts_of_promote_roll_back_and_remove_name_who_is_hit()
    {
        using var session = _emulator.Connect();

        var promote = session.Run("Publish-GalleryImageVersion rg-images gal_win win2022-web 1.3.0 -WhatIf", new RunOptions { RenderToHost = true });
        var rollback = session.Run("Undo-GalleryImageVersion rg-images gal_win win2022-web 1.1.0 -WhatIf", new RunOptions { RenderToHost = true });
        var remove = session.Run("Remove-GalleryImageVersion rg-images gal_linux ubuntu-2204 2.0.0 -WhatIf", new RunOptions { RenderToHost = true });

        static string Flat(string text) => string.Join(" ", text.Split('\n', StringSplitOptions.TrimEntries));
        Assert.True(promote.Succeeded, promote.Describe());
        Assert.Contains("VM vm-web-01 on latest get 1.3.0 instead of 1.1.0 from their next deployment or reimage", Flat(promote.HostOutput));
        Assert.Contains("pinned by scale set vmss-web; VM vm-web-01 on latest get 1.0.0 instead of 1.1.0", Flat(rollback.HostOutput));
        Assert.Contains("pinned by VM vm-api-01 (scale-out and reimage fail once it is gone)", Flat(remove.HostOutput));
        Assert.DoesNotContain(_emulator.RequestLog, e => e.Method is "PATCH" or "DELETE" or "PUT");
    }
}

/// <summary>Remove-GalleryImageVersion's guard for scale sets; each test deletes, so each starts its own emulator.</summary>
public sealed class ScaleSetGuardTests
{
    private const string Remove = "Remove-GalleryImageVersion rg-images gal_win win2022-web 1.1.0";

    [Fact]
    public async Task A_version_a_scale_set_pins_is_refused_and_removed_only_with_force()
    {
        await using var emulator = await EmulatorFixture.StartAsync("fleet");
        using var session = emulator.Connect();

        var refused = session.Run(Remove + " -Confirm:$false");

        Assert.Equal(["GenImage.ScaleSetPinsVersion,GenImage.Cmdlets.Commands.RemoveGalleryImageVersionCommand"], refused.ErrorIds);
        Assert.Contains("scale set vmss-web", refused.Errors.Single().Exception.Message);
        Assert.NotNull(emulator.Host.GetImageVersion(Worlds.SubscriptionId, "rg-images", "gal_win", "win2022-web", "1.1.0"));

        var forced = session.Run(Remove + " -Force");

        Assert.True(forced.Succeeded, forced.Describe());
        Assert.Contains(forced.WarningMessages, w => w.Contains("scale set(s) pin it", StringComparison.Ordinal));
        Assert.Null(emulator.Host.GetImageVersion(Worlds.SubscriptionId, "rg-images", "gal_win", "win2022-web", "1.1.0"));
    }

    [Fact]
    public async Task Force_never_overrides_what_if_preference()
    {
        await using var emulator = await EmulatorFixture.StartAsync("fleet");
        using var session = emulator.Connect();

        var r = session.Run("$WhatIfPreference = $true; " + Remove + " -Force");

        Assert.True(r.Succeeded, r.Describe());
        Assert.DoesNotContain(emulator.RequestLog, e => e.Method == "DELETE");
        Assert.NotNull(emulator.Host.GetImageVersion(Worlds.SubscriptionId, "rg-images", "gal_win", "win2022-web", "1.1.0"));
    }
}
