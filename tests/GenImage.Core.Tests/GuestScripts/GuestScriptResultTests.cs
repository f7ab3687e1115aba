using System.Text.Json;
using GenImage.Core.Guest;

namespace GenImage.Core.Tests.GuestScripts;

public sealed class GuestScriptResultTests
{
    private const string Ok = "GENIMAGE-RESULT {\"script\":\"prepare-windows\",\"status\":\"succeeded\",\"message\":\"Sysprep generalized the VM.\",\"imageState\":\"IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE\",\"blockers\":[]}";

    [Fact]
    public void Reads_every_key_of_the_result_line()
    {
        Assert.True(GuestScriptResult.TryParse("ImageState: IMAGE_STATE_COMPLETE\n" + Ok + "\n", out var result, out var error));

        Assert.Null(error);
        Assert.Equal("prepare-windows", result!.Script);
        Assert.Equal("succeeded", result.Status);
        Assert.True(result.Succeeded);
        Assert.Equal("Sysprep generalized the VM.", result.Message);
        Assert.Equal(new[] { "script", "status", "message", "imageState", "blockers" }, result.Properties.Keys.ToArray());
        Assert.Equal("IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE", result.Properties["imageState"].GetString());
        Assert.Equal(JsonValueKind.Array, result.GetProperty("blockers")!.Value.ValueKind);
        Assert.Null(result.GetProperty("nothing"));
        Assert.StartsWith("{\"script\":\"prepare-windows\"", result.RawJson, StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_result_line_wins()
    {
        var stdout =
            "GENIMAGE-RESULT {\"script\":\"prepare-linux\",\"status\":\"failed\",\"message\":\"first\"}\n" +
            "some output in between\n" +
            "GENIMAGE-RESULT {\"script\":\"prepare-linux\",\"status\":\"succeeded\",\"message\":\"second\"}\n" +
            "trailing output that is not a result\n";

        Assert.True(GuestScriptResult.TryParse(stdout, out var result, out _));

        Assert.Equal("second", result!.Message);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Crlf_line_endings_and_leading_whitespace_are_tolerated()
    {
        var stdout = "Checking for Sysprep blockers.\r\n   " + Ok + "\r\n\r\n";

        Assert.True(GuestScriptResult.TryParse(stdout, out var result, out var error), error);

        Assert.Equal("Sysprep generalized the VM.", result!.Message);
        Assert.DoesNotContain('\r', result.RawJson!);
    }

    [Fact]
    public void Failed_status_is_a_result_not_a_parse_error()
    {
        Assert.True(GuestScriptResult.TryParse(
            "GENIMAGE-RESULT {\"script\":\"prepare-windows\",\"status\":\"failed\",\"message\":\"Sysprep was not run: 1 blocker(s) found.\",\"blockers\":[\"bitlocker:C:\"]}",
            out var result, out var error));

        Assert.Null(error);
        Assert.False(result!.Succeeded);
        Assert.Equal("failed", result.Status);
        Assert.Equal("bitlocker:C:", result.Properties["blockers"][0].GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \r\n")]
    public void Empty_output_has_no_result(string? stdout)
    {
        Assert.False(GuestScriptResult.TryParse(stdout, out var result, out var error));

        Assert.Null(result);
        Assert.Contains("nothing", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_without_a_result_line_says_so()
    {
        Assert.False(GuestScriptResult.TryParse("Enable succeeded: \n[stdout]\nhello\n[stderr]\n", out var result, out var error));

        Assert.Null(result);
        Assert.Contains("no GENIMAGE-RESULT line", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Result_line_cut_at_the_front_is_reported_as_incomplete()
    {
        // Run Command keeps only the end of a long output; the prefix of the line is lost.
        Assert.False(GuestScriptResult.TryParse("ULT-RESULT {\"script\":\"x\"}\nxx GENIMAGE-RESULT {}", out _, out var error));

        Assert.Contains("incomplete", error, StringComparison.Ordinal);
        Assert.Contains("4,096", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GENIMAGE-RESULT {\"script\":\"prepare-windows\",\"status\":", "not valid JSON")]
    [InlineData("GENIMAGE-RESULT {'script':'x'}", "not valid JSON")]
    [InlineData("GENIMAGE-RESULT", "carries no JSON")]
    [InlineData("GENIMAGE-RESULT   ", "carries no JSON")]
    [InlineData("GENIMAGE-RESULT [1,2]", "must be an object, not an array")]
    [InlineData("GENIMAGE-RESULT \"succeeded\"", "must be an object, not a string")]
    public void Bad_json_is_an_error(string stdout, string expected)
    {
        Assert.False(GuestScriptResult.TryParse(stdout, out var result, out var error));

        Assert.Null(result);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"script\":\"prepare-linux\",\"message\":\"m\"}", "no 'status' key")]
    [InlineData("{\"status\":\"succeeded\",\"message\":\"m\"}", "no 'script' key")]
    [InlineData("{\"script\":\"prepare-linux\",\"status\":\"succeeded\"}", "no 'message' key")]
    [InlineData("{\"script\":\"prepare-linux\",\"status\":true,\"message\":\"m\"}", "'status' must be a string, not true")]
    [InlineData("{\"script\":\"prepare-linux\",\"status\":null,\"message\":\"m\"}", "'status' must be a string, not null")]
    [InlineData("{\"script\":\"\",\"status\":\"succeeded\",\"message\":\"m\"}", "'script' is empty")]
    [InlineData("{\"script\":\"prepare-linux\",\"status\":\"Succeeded\",\"message\":\"m\"}", "status is 'Succeeded'")]
    [InlineData("{\"script\":\"prepare-linux\",\"status\":\"running\",\"message\":\"m\"}", "status is 'running'")]
    public void Missing_or_wrong_keys_are_errors(string json, string expected)
    {
        Assert.False(GuestScriptResult.TryParse("GENIMAGE-RESULT " + json, out var result, out var error));

        Assert.Null(result);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_word_that_only_starts_like_the_prefix_is_not_a_result_line()
    {
        Assert.False(GuestScriptResult.TryParse("GENIMAGE-RESULTS {\"script\":\"a\",\"status\":\"succeeded\",\"message\":\"m\"}", out _, out var error));

        Assert.NotNull(error);
    }

    [Fact]
    public void Later_broken_line_is_reported_rather_than_an_earlier_good_one()
    {
        // The script's final word counts: a good line followed by a broken one is not a success.
        Assert.False(GuestScriptResult.TryParse(Ok + "\nGENIMAGE-RESULT {broken", out var result, out var error));

        Assert.Null(result);
        Assert.Contains("not valid JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Properties_survive_after_parsing()
    {
        Assert.True(GuestScriptResult.TryParse(Ok, out var result, out _));
        GC.Collect();

        Assert.Equal(0, result!.Properties["blockers"].GetArrayLength());
    }
}
