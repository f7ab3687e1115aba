using GenImage.Core.Guest;
using Scripts = GenImage.Core.Guest.GuestScripts;

namespace GenImage.Core.Tests.GuestScripts;

public sealed class GuestScriptsTests
{
    public static TheoryData<GuestScriptKind> Kinds() => new()
    {
        GuestScriptKind.PrepareWindows, GuestScriptKind.PrepareLinux, GuestScriptKind.InspectWindows, GuestScriptKind.InspectLinux,
    };

    [Fact]
    public void All_serves_the_four_scripts_once_each()
    {
        var all = Scripts.All;

        Assert.Equal(4, all.Count);
        Assert.Equal(
            new[] { "prepare-windows", "prepare-linux", "inspect-windows", "inspect-linux" },
            all.Select(s => s.Name).ToArray());
        Assert.Equal(
            new[] { "Prepare-Windows.ps1", "prepare-linux.sh", "Inspect-Windows.ps1", "inspect-linux.sh" },
            all.Select(s => s.FileName).ToArray());
        Assert.Equal(4, all.Select(s => s.Kind).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Script_starts_with_its_marker_line_and_emits_a_result_line(GuestScriptKind kind)
    {
        var script = Scripts.Get(kind);

        Assert.Equal(kind, script.Kind);
        Assert.Equal($"# genimage-script: {script.Name}/1", script.Lines[0]);
        Assert.Equal(script.MarkerLine, script.Lines[0]);
        Assert.Equal(1, script.Version);
        Assert.Contains(script.Lines, l => l.Contains("GENIMAGE-RESULT", StringComparison.Ordinal) && !l.TrimStart().StartsWith('#'));
        Assert.Contains(script.Name, script.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Embedded_text_is_the_source_file_verbatim_and_lines_rebuild_it(GuestScriptKind kind)
    {
        var script = Scripts.Get(kind);
        var source = File.ReadAllText(GuestScriptFiles.Source(script.FileName));

        Assert.Equal(source, script.Text);
        Assert.Equal(source.Replace("\r\n", "\n").TrimEnd('\n'), string.Join("\n", script.Lines));
        Assert.DoesNotContain(script.Lines, l => l.Contains('\r') || l.Contains('\n'));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Script_fits_the_run_command_limits(GuestScriptKind kind)
    {
        var script = Scripts.Get(kind);

        Assert.True(script.Text.Length < 16 * 1024, $"{script.FileName} is {script.Text.Length} characters");
        Assert.All(script.Lines, l => Assert.True(l.Length < 8 * 1024));
        Assert.DoesNotContain('\t', script.Text);
    }

    [Theory]
    [InlineData(GuestScriptKind.PrepareWindows, "Windows", "RunPowerShellScript")]
    [InlineData(GuestScriptKind.InspectWindows, "Windows", "RunPowerShellScript")]
    [InlineData(GuestScriptKind.PrepareLinux, "Linux", "RunShellScript")]
    [InlineData(GuestScriptKind.InspectLinux, "Linux", "RunShellScript")]
    public void Script_runs_with_the_command_id_of_its_os(GuestScriptKind kind, string osType, string commandId)
    {
        var script = Scripts.Get(kind);

        Assert.Equal(osType, script.OsType);
        Assert.Equal(commandId, script.CommandId);
    }

    [Theory]
    [InlineData("Windows", GuestScriptKind.PrepareWindows, GuestScriptKind.InspectWindows)]
    [InlineData("windows", GuestScriptKind.PrepareWindows, GuestScriptKind.InspectWindows)]
    [InlineData("WINDOWS", GuestScriptKind.PrepareWindows, GuestScriptKind.InspectWindows)]
    [InlineData("Linux", GuestScriptKind.PrepareLinux, GuestScriptKind.InspectLinux)]
    [InlineData("linux", GuestScriptKind.PrepareLinux, GuestScriptKind.InspectLinux)]
    public void Os_type_selects_the_scripts_in_any_case(string osType, GuestScriptKind prepare, GuestScriptKind inspect)
    {
        Assert.Equal(prepare, Scripts.ForPreparation(osType).Kind);
        Assert.Equal(inspect, Scripts.ForInspection(osType).Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("FreeBSD")]
    [InlineData(" Windows")]
    public void Unknown_os_type_is_an_argument_error(string osType)
    {
        var prepare = Assert.Throws<ArgumentException>(() => Scripts.ForPreparation(osType));
        Assert.Equal("osType", prepare.ParamName);
        Assert.Throws<ArgumentException>(() => Scripts.ForInspection(osType));
    }

    [Fact]
    public void Null_os_type_is_an_argument_error()
    {
        Assert.ThrowsAny<ArgumentException>(() => Scripts.ForPreparation(null!));
    }

    [Fact]
    public void Linux_scripts_have_unix_line_endings_and_no_bash_only_syntax()
    {
        foreach (var kind in new[] { GuestScriptKind.PrepareLinux, GuestScriptKind.InspectLinux })
        {
            var script = Scripts.Get(kind);
            Assert.DoesNotContain('\r', script.Text);
            Assert.DoesNotContain("[[", script.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("local ", script.Text, StringComparison.Ordinal);
        }
    }
}
