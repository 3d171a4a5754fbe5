using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Sync.Clients.ProspectEditor;
using Sync.CrmChangeListener.Feed;
using Sync.CrmChangeListener.Tests.Support;
using Sync.Testing;

namespace Sync.CrmChangeListener.Tests;

[FastLane]
public sealed class FeedFailureLogTests
{
    private readonly CapturedLogs _logs = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly CrmFeedStatus _status;
    private readonly FeedFailureLog _failures;

    public FeedFailureLogTests()
    {
        _status = new CrmFeedStatus(_clock);
        _failures = new FeedFailureLog(_status, _clock, new Logger<CrmFeedFollower>(new LoggerFactory([_logs])));
    }

    private List<LogLevel> Levels() => [.. _logs.Entries.Select(entry => entry.Level)];

    [Fact]
    public void TheSameFailureAgainIsLoggedAtDebugUntilASummaryIsDue()
    {
        var down = new InvalidOperationException("down");

        _failures.Failed(down, 1, TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromSeconds(30));
        _failures.Failed(down, 2, TimeSpan.FromSeconds(2));
        _clock.Advance(FeedFailureLog.SummaryInterval);
        _failures.Failed(down, 3, TimeSpan.FromSeconds(4));

        Assert.Equal([LogLevel.Warning, LogLevel.Debug, LogLevel.Warning], Levels());
        Assert.Contains("still fails (3 in a row", _logs.Entries[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADifferentFailureIsLoggedInFullAtOnce()
    {
        _failures.Failed(new InvalidOperationException("down"), 1, TimeSpan.FromSeconds(1));
        _failures.Failed(new TimeoutException("slow"), 2, TimeSpan.FromSeconds(2));

        Assert.Equal([LogLevel.Warning, LogLevel.Warning], Levels());
        Assert.IsType<TimeoutException>(_logs.Entries[^1].Exception);
    }

    [Fact]
    public void AProspectEditorFailureIsLoggedWithoutItsException()
    {
        _failures.Failed(new ProspectEditorException(HttpStatusCode.ServiceUnavailable, "echo of prospects?email=someone%40example.com"), 1, TimeSpan.FromSeconds(1));

        var entry = Assert.Single(_logs.Entries);
        Assert.Null(entry.Exception);
        Assert.DoesNotContain("example.com", entry.Message, StringComparison.Ordinal);
        Assert.Contains("prospect-editor answered 503", _status.Snapshot().LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void RecoveringAfterFailuresSaysSoOnceAndStartsOver()
    {
        var down = new InvalidOperationException("down");
        _failures.Failed(down, 1, TimeSpan.FromSeconds(1));

        _failures.Recovered();
        _failures.Recovered();
        _failures.Failed(down, 1, TimeSpan.FromSeconds(1));

        Assert.Equal([LogLevel.Warning, LogLevel.Information, LogLevel.Warning], Levels());
        Assert.Contains("again after 1 failed attempts", _logs.Entries[1].Message, StringComparison.Ordinal);
    }
}
