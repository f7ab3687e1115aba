using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Operations;

namespace GenImage.Core.Tests.Connection;

public class ConnectionTests
{
    [Theory]
    [InlineData("https://h/subscriptions/s/x?api-version=2023-07-01&sig=SECRET&se=2030", "/subscriptions/s/x?api-version=2023-07-01")]
    [InlineData("https://h/a?$expand=instanceView&api-version=1", "/a?$expand=instanceView&api-version=1")]
    [InlineData("https://h/a?token=abc", "/a")]
    public void Logged_uris_keep_only_the_api_version_and_expand(string uri, string expected)
    {
        Assert.Equal(expected, ArmCallPolicy.Describe(new Uri(uri)));
    }

    [Fact]
    public void Connection_file_is_read_and_thumbprint_normalized()
    {
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json");
        var thumb = string.Concat(Enumerable.Repeat("ab", 32));
        File.WriteAllText(file, $"{{\"endpoint\":\"https://127.0.0.1:5001/\",\"certificateThumbprint\":\"{thumb}\",\"subscriptionIds\":[\"s1\"],\"tenantId\":\"t1\"}}");
        try
        {
            var read = EmulatorConnectionFile.Read(file);
            Assert.Equal(new Uri("https://127.0.0.1:5001/"), read.Endpoint);
            Assert.Equal(thumb.ToUpperInvariant(), read.CertificateThumbprint);
            Assert.Equal(new[] { "s1" }, read.SubscriptionIds);
            Assert.Equal("t1", read.TenantId);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Missing_connection_file_says_how_to_start_the_emulator()
    {
        var ex = Assert.Throws<GenImageException>(() => EmulatorConnectionFile.Read("/nonexistent/emulator.json"));
        Assert.Equal(ErrorIds.EmulatorConnectionFile, ex.ErrorId);
        Assert.Contains("src/GenImage.Emulator", ex.Message);
    }

    [Theory]
    [InlineData("{\"endpoint\":\"http://127.0.0.1:1/\",\"certificateThumbprint\":\"00\"}", "https")]
    [InlineData("{\"endpoint\":\"https://10.0.0.5:8443/\",\"certificateThumbprint\":\"3F0A000000000000000000000000000000000000000000000000000000000000\"}", "loopback")]
    [InlineData("{\"endpoint\":\"https://emulator.contoso.com/\",\"certificateThumbprint\":\"3F0A000000000000000000000000000000000000000000000000000000000000\"}", "loopback")]
    [InlineData("{\"certificateThumbprint\":\"00\"}", "'endpoint'")]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("{\"endpoint\":\"https://127.0.0.1:1/\",\"certificateThumbprint\":\"1234\"}", "64 hex digits")]
    public void Bad_connection_files_are_explained(string content, string expected)
    {
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json");
        File.WriteAllText(file, content);
        try
        {
            var ex = Assert.Throws<GenImageException>(() => EmulatorConnectionFile.Read(file));
            Assert.Contains(expected, ex.Message);
            Assert.Contains(file, ex.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Emulator_token_names_the_principal_and_has_no_signature()
    {
        var credential = new EmulatorCredential("alice@contoso.test", "t1");
        var token = await credential.GetTokenAsync(new Azure.Core.TokenRequestContext(new[] { "https://management.azure.com/.default" }), default);
        var parts = token.Token.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal(string.Empty, parts[2]);
        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        var json = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(payload));
        Assert.Contains("alice@contoso.test", json);
    }

    [Fact]
    public async Task Deadline_reports_a_timeout_but_not_a_caller_cancellation()
    {
        using (var deadline = new Deadline(TimeSpan.FromMilliseconds(20), "-TimeoutSec", CancellationToken.None))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Delay(Timeout.Infinite, deadline.Token));
            var error = deadline.Check("waiting", "target");
            Assert.NotNull(error);
            Assert.Equal(ErrorIds.Timeout, error!.ErrorId);
            Assert.Contains("-TimeoutSec", error.Message);
        }

        using var caller = new CancellationTokenSource();
        using (var deadline = new Deadline(TimeSpan.FromMinutes(5), "-TimeoutSec", caller.Token))
        {
            caller.Cancel();
            Assert.True(deadline.Token.IsCancellationRequested);
            Assert.Null(deadline.Check("waiting", "target"));
        }
    }

    [Fact]
    public void Registry_requires_a_connection_with_a_helpful_error()
    {
        var ex = Assert.Throws<GenImageException>(() => ConnectionRegistry.Require(Guid.NewGuid().ToString()));
        Assert.Equal(ErrorIds.NotConnected, ex.ErrorId);
        Assert.Contains("Connect-GenImage", ex.Message);
    }
}
