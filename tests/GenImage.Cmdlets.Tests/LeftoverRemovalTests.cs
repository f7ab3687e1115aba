namespace GenImage.Cmdlets.Tests;

/// <summary>
/// Remove-ImageLeftover against the fleet world: ShouldProcess per leftover is never bypassed (-WhatIf,
/// $WhatIfPreference, the High-impact prompt), -Force skips only the final question, nothing but the inventory's own
/// objects binds, and a real run removes exactly what was marked. Each test that may delete starts its own emulator.
/// </summary>
public sealed class LeftoverRemovalTests
{
    private static bool IsDelete(GenImage.Emulator.RequestLogEntry e) => string.Equals(e.Method, "DELETE", StringComparison.OrdinalIgnoreCase);

    [Theory]
    [InlineData("Get-ImageInventory -Leftover | Remove-ImageLeftover -WhatIf")]
    [InlineData("Get-ImageInventory -Leftover | Remove-ImageLeftover -WhatIf -Force")]
    [InlineData("$WhatIfPreference = $true; Get-ImageInventory -Leftover | Remove-ImageLeftover -Force")]
    public async Task What_if_deletes_nothing_and_says_what_each_removal_would_do(string script)
    {
        await using var emulator = await EmulatorFixture.StartAsync("fleet");
        using var session = emulator.Connect();

        var r = session.Run(script, new RunOptions { RenderToHost = true });

        Assert.True(r.Succeeded, r.Describe());
        Assert.DoesNotContain(emulator.RequestLog, IsDelete);
        Assert.Empty(session.Prompts);
        Assert.Equal(8, System.Text.RegularExpressions.Regex.Count(r.HostOutput, "What if: Performing the operation \"Remove "));
        Assert.Contains("Remove ValidationVm giv-1a2b3c4d with giv-1a2b3c4d-osdisk, giv-1a2b3c4d-nic:", r.HostOutput.Replace("\n", " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_high_impact_prompt_and_the_final_question_are_asked_and_no_means_nothing_is_deleted()
    {
        await using var emulator = await EmulatorFixture.StartAsync("fleet");
        using var session = emulator.Connect();

        var asked = session.Run("Get-ImageInventory -Leftover | Remove-ImageLeftover");
        Assert.True(asked.Succeeded, asked.Describe());
        Assert.Equal(8, session.Prompts.Count);
        Assert.All(session.Prompts, p => Assert.Equal("No", p.Answer));

        var final = session.Run("Get-ImageInventory -Leftover | Remove-ImageLeftover -Confirm:$false");
        Assert.True(final.Succeeded, final.Describe());
        var question = session.Prompts.Last();
        Assert.Equal("Remove image leftovers", question.Caption);
        Assert.StartsWith("Remove 8 leftover(s) (1 ValidationVm, 1 ValidationDisk, 1 ValidationNic, 1 SourceDisk, 1 KeptSourceVm, 2 FailedVersion, 1 UnreferencedImage)?", question.Message);
        Assert.Empty(final.Output);
        Assert.DoesNotContain(emulator.RequestLog, IsDelete);
    }

    [Fact]
    public async Task Only_objects_the_inventory_made_bind()
    {
        await using var emulator = await EmulatorFixture.StartAsync("fleet");
        using var session = emulator.Connect();

        var r = session.Run(
            "[pscustomobject]@{ Kind = 'ValidationDisk'; Id = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images/providers/Microsoft.Compute/disks/data-archive-01' } | " +
            "Remove-ImageLeftover -Force -Confirm:$false");

        Assert.False(r.Succeeded);
        Assert.Contains(r.AllErrors, e => e.FullyQualifiedErrorId.StartsWith("InputObjectNotBound", StringComparison.Ordinal));
        Assert.DoesNotContain(emulator.RequestLog, IsDelete);
    }

    [Fact]
    public async Task Force_and_confirm_false_remove_exactly_what_was_marked_and_report_each()
    {
        await using var emulator = await EmulatorFixture.StartAsync("fleet");
        using var session = emulator.Connect();

        var r = session.Run("Get-ImageInventory -Leftover | Remove-ImageLeftover -Force -Confirm:$false -ThrottleLimit 3");

        Assert.True(r.Succeeded, r.Describe());
        Assert.All(r.Output, o => Assert.Equal("GenImage.LeftoverRemovalResult", o.TypeName()));
        Assert.Equal(Enumerable.Repeat("Removed", 8), r.Output.Select(o => o.Get<string>("Status")));
        var vm = r.Output.Single(o => o.Get<string>("Kind") == "ValidationVm");
        Assert.Contains(((System.Collections.IEnumerable)vm.Get("Deleted")!).Cast<object>(), d => d.ToString()!.EndsWith("/networkInterfaces/giv-1a2b3c4d-nic", StringComparison.Ordinal));

        // The kept source VM's OS disk has a generated name ({vm}_OsDisk_1_{guid}).
        var deletes = emulator.RequestLog.Where(IsDelete).Select(e => e.Path.Split('/')[^1])
            .Select(n => n.StartsWith("vm-ubuntu-kept_OsDisk_1_", StringComparison.Ordinal) ? "vm-ubuntu-kept_OsDisk_1_*" : n)
            .OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            "1.0.0", "1.2.0", "giv-1a2b3c4d", "giv-1a2b3c4d-nic", "giv-9e8d7c6b-nic", "giv-9e8d7c6b-osdisk", "img-win2019-legacy",
            "vm-ubuntu-kept", "vm-ubuntu-kept_OsDisk_1_*", "vm-win2019-old_OsDisk_1_3f2a9c0d",
        ], deletes);

        // What nothing marked is still there, and a second inventory finds nothing left.
        var disks = emulator.Host.ListDisks(Worlds.SubscriptionId).Select(d => d.Name).ToList();
        Assert.Contains("data-archive-01", disks);
        Assert.DoesNotContain(disks, d => d.StartsWith("giv-1a2b3c4d", StringComparison.Ordinal));
        Assert.NotNull(emulator.Host.GetVm(Worlds.SubscriptionId, "rg-apps", "vm-web-01"));
        Assert.NotNull(emulator.Host.GetImageVersion(Worlds.SubscriptionId, "rg-images", "gal_win", "win2022-web", "1.1.0"));
        Assert.Null(emulator.Host.GetImageVersion(Worlds.SubscriptionId, "rg-images", "gal_win", "win2022-web", "1.2.0"));
        var again = session.Run("Get-ImageInventory -Leftover");
        Assert.True(again.Succeeded, again.Describe());
        Assert.Empty(again.Output);
    }

    [Fact]
    public async Task Yes_to_the_final_question_removes_and_a_leftover_that_changed_is_skipped()
    {
        await using var emulator = await EmulatorFixture.StartAsync("fleet");
        using var session = ModuleSession.Open(emulator, new ScriptSessionOptions { ConfirmAnswer = ConfirmAnswer.Accept });
        session.Run("$marked = Get-ImageInventory -Leftover | Where-Object Kind -In 'ValidationNic', 'FailedVersion'").EnsureSuccess();
        // Before the removal, one failed version is gone (removed by someone else).
        session.Run("Remove-GalleryImageVersion rg-images-dr gal_dr win2022-web-dr 1.0.0 -Force -Confirm:$false").EnsureSuccess();

        var r = session.Run("$marked | Remove-ImageLeftover -Confirm:$false");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal("Remove image leftovers", Assert.Single(session.Prompts).Caption);
        var statuses = r.Output.ToDictionary(o => o.Get<string>("Name"), o => (o.Get<string>("Status"), o.Get<string>("Detail")));
        Assert.Equal("Removed", statuses["giv-9e8d7c6b-nic"].Item1);
        Assert.Equal("Removed", statuses["gal_win/win2022-web/1.2.0"].Item1);
        Assert.Equal(("Skipped", "It no longer exists."), statuses["gal_dr/win2022-web-dr/1.0.0"]);
    }
}
