namespace GenImage.Emulator.Tests.Recordings;

/// <summary>
/// Replays every exchange of <c>../shared/arm-recordings</c> (real Azure traffic recorded by the Azure .NET SDKs' tests)
/// against the emulator: one case per recorded exchange. What is compared: <see cref="RecordingComparison"/>; how each
/// recording is seeded and which differences are accepted, with their reasons: <see cref="RecordingSuite"/>.
/// </summary>
public sealed class RecordingReplayTests
{
    public static TheoryData<string, int, string> Exchanges()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var recording in Recording.All)
        {
            foreach (var exchange in recording.Timeline)
            {
                data.Add(recording.Name, exchange.Entry, exchange.Display);
            }
        }

        return data;
    }

    [Fact]
    public void The_recordings_are_present_and_each_has_exchanges()
    {
        var root = Recording.Root();
        var files = Directory.GetFiles(root, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Recording.All.Select(r => r.Name));
        Assert.All(Recording.All, r => Assert.NotEmpty(r.Entries));
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task Recorded_exchange_replays_with_the_recorded_status_headers_and_body_shape(string recording, int entry, string request)
    {
        var replayed = (await RecordingReplayer.ReplayAsync(Recording.Get(recording))).Single(x => x.Recorded.Entry == entry);
        Assert.Equal(request, replayed.Recorded.Display);

        var unexplained = RecordingComparison.Differences(replayed)
            .Where(d => !RecordingSuite.KnownDifferences.Any(k => k.Explains(replayed.Recorded, d)))
            .ToList();
        Assert.True(unexplained.Count == 0,
            $"{replayed.Recorded} differs from the recording in ways RecordingSuite.KnownDifferences does not list:\n  " + string.Join("\n  ", unexplained));
    }

    [Fact]
    public void Every_poll_comes_after_the_request_that_started_its_operation()
    {
        foreach (var recording in Recording.All)
        {
            var started = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var exchange in recording.Timeline)
            {
                if (RecordingReplayer.IsOperationUrl(exchange.Uri) && !started.Contains(exchange.Uri))
                {
                    var excerptSeed = RecordingSuite.Seed(recording.Name).Steps.Any(s => string.Equals(s.StandsForOperation, exchange.Uri, StringComparison.OrdinalIgnoreCase));
                    Assert.True(excerptSeed, $"{exchange} polls an operation before the request that started it in the replay order.");
                }

                foreach (var name in new[] { "Azure-AsyncOperation", "Location" })
                {
                    if (exchange.Headers.TryGetValue(name, out var url))
                    {
                        started.Add(Recording.PathAndQuery(url));
                    }
                }
            }
        }
    }

    [Fact]
    public async Task Every_known_difference_has_a_reason_and_is_still_observed()
    {
        var observed = new List<(RecordedExchange Exchange, Difference Difference)>();
        foreach (var recording in Recording.All)
        {
            foreach (var replayed in await RecordingReplayer.ReplayAsync(recording))
            {
                observed.AddRange(RecordingComparison.Differences(replayed).Select(d => (replayed.Recorded, d)));
            }
        }

        var stale = RecordingSuite.KnownDifferences
            .Where(k => !observed.Any(o => k.Explains(o.Exchange, o.Difference)))
            .Select(k => $"{k.Recording} | {k.Request} | {k.Aspect}")
            .ToList();
        Assert.True(stale.Count == 0, "Known differences the replay no longer observes (remove them):\n  " + string.Join("\n  ", stale));
        Assert.All(RecordingSuite.KnownDifferences, k => Assert.True(k.Reason.Length > 20, $"{k.Aspect}: the reason is too short."));
    }
}
