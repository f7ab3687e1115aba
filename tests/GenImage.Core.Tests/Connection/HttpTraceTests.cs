using GenImage.Core.Connection;

namespace GenImage.Core.Tests.Connection;

public class HttpTraceTests
{
    [Theory]
    [InlineData("https://sa.blob.core.windows.net/c/serial.log?sv=2022-11-02&se=2030-01-01&sr=b&sp=r&sig=abc%2Bdef%3D", "https://sa.blob.core.windows.net/c/serial.log?sv=2022-11-02&se=2030-01-01&sr=b&sp=r&sig=REDACTED")]
    [InlineData("https://h/a?SIG=x&api-version=1", "https://h/a?SIG=REDACTED&api-version=1")]
    [InlineData("https://h/a?api-version=1&signature=x#frag", "https://h/a?api-version=1&signature=REDACTED#frag")]
    [InlineData("https://h/a?api-version=1&designation=x", "https://h/a?api-version=1&designation=x")]
    [InlineData("<https://h/a?sig=x>; rel=next", "<https://h/a?sig=REDACTED>; rel=next")]
    [InlineData("no query at all", "no query at all")]
    public void Secret_query_parameters_are_redacted_wherever_a_url_is(string text, string expected)
    {
        Assert.Equal(expected, HttpTrace.RedactUrl(text));
    }

    [Fact]
    public void The_request_line_shows_every_header_with_credentials_redacted()
    {
        var text = HttpTrace.Request("GET", new Uri("https://127.0.0.1:5001/subscriptions/s/x?api-version=2024-07-01&sig=SECRETSIG"), new Dictionary<string, string>
        {
            ["Authorization"] = "Bearer eyJSECRETTOKEN",
            ["x-ms-correlation-request-id"] = "c-1",
            ["Cookie"] = "a=SECRETCOOKIE",
        });

        var lines = text.Split('\n');
        Assert.Equal("HTTP request: GET https://127.0.0.1:5001/subscriptions/s/x?api-version=2024-07-01&sig=REDACTED", lines[0]);
        Assert.Contains("  Authorization: REDACTED", lines);
        Assert.Contains("  x-ms-correlation-request-id: c-1", lines);
        Assert.Contains("  Cookie: REDACTED", lines);
        Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_response_line_has_status_reason_time_and_headers_with_urls_redacted()
    {
        var text = HttpTrace.Response(202, "Accepted", 35, "POST", new Uri("https://h/subscriptions/s/vm/generalize?api-version=1"), new Dictionary<string, string>
        {
            ["Azure-AsyncOperation"] = "https://h/operations/1?api-version=1&sig=SECRETSIG",
            ["Retry-After"] = "10",
        });

        var lines = text.Split('\n');
        Assert.Equal("HTTP response: 202 Accepted (35 ms) for POST /subscriptions/s/vm/generalize", lines[0]);
        Assert.Contains("  Azure-AsyncOperation: https://h/operations/1?api-version=1&sig=REDACTED", lines);
        Assert.Contains("  Retry-After: 10", lines);
        Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
    }
}
