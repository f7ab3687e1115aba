using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using GenImage.Core.Connection;

namespace GenImage.Core.Tests.Connection;

/// <summary>
/// When the engine polls an ARM long-running operation: waits are recorded, not waited for, so the tests assert the
/// order of waits and polls and the length of each wait the engine asks for.
/// </summary>
public class LroPollingTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task The_first_poll_waits_for_the_initial_answers_Retry_After()
    {
        var events = new List<string>();
        var operation = new FakeOperation(new FakeResponse(202, ("Location", "https://h/op"), ("Retry-After", "7")), events, pollsUntilDone: 1);

        await LroPolling.WaitAsync(operation, Interval, Record(events), CancellationToken.None);

        Assert.Equal(["wait 00:00:07", "poll"], events);
    }

    [Fact]
    public async Task The_first_poll_waits_for_retry_after_ms_when_the_answer_has_it()
    {
        // The emulator on a scaled clock says 0.6 s as retry-after-ms: 600 beside Retry-After: 1, as Azure.Core reads it.
        var events = new List<string>();
        var operation = new FakeOperation(new FakeResponse(202, ("Location", "https://h/op"), ("Retry-After", "1"), ("retry-after-ms", "600")), events, pollsUntilDone: 1);

        await LroPolling.WaitAsync(operation, Interval, (wait, _) =>
        {
            events.Add($"wait {wait.TotalMilliseconds} ms");
            return Task.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(["wait 600 ms", "poll"], events);
    }

    [Theory]
    [InlineData("retry-after-ms", "600", 600)]
    [InlineData("x-ms-retry-after-ms", "250", 250)]
    [InlineData("Retry-After", "3", 3000)]
    public void The_gallery_polls_read_the_wait_as_Azure_Core_does(string header, string value, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), GenImage.Core.Gallery.ArmGalleryOperations.RetryAfter(new FakeResponse(200, (header, value))));
    }

    [Fact]
    public void Milliseconds_win_over_whole_seconds_and_no_header_is_no_wait()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(600), GenImage.Core.Gallery.ArmGalleryOperations.RetryAfter(new FakeResponse(200, ("Retry-After", "1"), ("retry-after-ms", "600"))));
        Assert.Null(GenImage.Core.Gallery.ArmGalleryOperations.RetryAfter(new FakeResponse(200)));
    }

    [Theory]
    [InlineData(202, "Location")]
    [InlineData(201, "Azure-AsyncOperation")]
    [InlineData(200, "Azure-AsyncOperation")]
    [InlineData(202, null)]
    public async Task Without_Retry_After_the_first_poll_comes_after_the_interval_not_at_once(int status, string? header)
    {
        var events = new List<string>();
        var response = header == null ? new FakeResponse(status) : new FakeResponse(status, (header, "https://h/op"));
        var waits = new List<TimeSpan>();
        var operation = new FakeOperation(response, events, pollsUntilDone: 1);

        await LroPolling.WaitAsync(operation, Interval, (wait, _) =>
        {
            waits.Add(wait);
            events.Add("wait");
            return Task.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(["wait", "poll"], events);
        // The interval with the strategy's ±20 % jitter: well under the SDK's one-second floor.
        Assert.InRange(waits[0], TimeSpan.FromMilliseconds(16), TimeSpan.FromMilliseconds(24));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(204)]
    public async Task An_initial_answer_that_asks_for_no_poll_is_not_waited_on(int status)
    {
        var events = new List<string>();
        var operation = new FakeOperation(new FakeResponse(status), events, pollsUntilDone: 1);

        await LroPolling.WaitAsync(operation, Interval, Record(events), CancellationToken.None);

        Assert.Equal(["poll"], events);
    }

    [Fact]
    public async Task A_completed_operation_is_not_waited_on()
    {
        // The SDK's poller still reads the status once (without a request for a completed operation).
        var events = new List<string>();
        var operation = new FakeOperation(new FakeResponse(202, ("Retry-After", "30")), events, pollsUntilDone: 0);

        var response = await LroPolling.WaitAsync(operation, Interval, Record(events), CancellationToken.None);

        Assert.Equal(["poll"], events);
        Assert.Equal("done", response.Value);
    }

    [Fact]
    public async Task Cancellation_during_the_first_wait_ends_the_operation_wait_without_a_poll()
    {
        var events = new List<string>();
        var operation = new FakeOperation(new FakeResponse(202, ("Retry-After", "30")), events, pollsUntilDone: 1);
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await LroPolling.WaitAsync(operation, Interval, (_, token) =>
            {
                cancel.Cancel();
                token.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            }, cancel.Token));

        Assert.Empty(events);
    }

    [Fact]
    public async Task Operations_without_a_value_wait_for_the_initial_Retry_After_too()
    {
        var events = new List<string>();
        var operation = new FakeOperation(new FakeResponse(202, ("Azure-AsyncOperation", "https://h/op"), ("Retry-After", "3")), events, pollsUntilDone: 1);

        await LroPolling.WaitAsync((Operation)operation, Interval, Record(events), CancellationToken.None);

        Assert.Equal(["wait 00:00:03", "poll"], events);
    }

    private static Func<TimeSpan, CancellationToken, Task> Record(List<string> events) => (wait, _) =>
    {
        events.Add($"wait {wait:hh\\:mm\\:ss}");
        return Task.CompletedTask;
    };

    /// <summary>An operation that is done after <c>pollsUntilDone</c> polls; each poll is recorded.</summary>
    private sealed class FakeOperation(FakeResponse initial, List<string> events, int pollsUntilDone) : Operation<string>
    {
        private int _polls;

        public override string Id => "op";

        public override string Value => HasCompleted ? "done" : throw new InvalidOperationException("The operation is not done.");

        public override bool HasValue => HasCompleted;

        public override bool HasCompleted => _polls >= pollsUntilDone;

        public override Response GetRawResponse() => HasCompleted ? new FakeResponse(200) : initial;

        public override Response UpdateStatus(CancellationToken cancellationToken = default)
        {
            events.Add("poll");
            _polls++;
            return GetRawResponse();
        }

        public override ValueTask<Response> UpdateStatusAsync(CancellationToken cancellationToken = default) =>
            new(UpdateStatus(cancellationToken));
    }

    private sealed class FakeResponse(int status, params (string Name, string Value)[] headers) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => string.Empty;

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = string.Empty;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => headers.Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => headers.Select(h => new HttpHeader(h.Name, h.Value));

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
            return value != null;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = TryGetHeader(name, out var value) ? [value] : null;
            return values != null;
        }
    }
}
