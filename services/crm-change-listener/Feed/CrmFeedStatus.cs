namespace Sync.CrmChangeListener.Feed;

/// <summary>Where the listener stands, for GET /feed/status: the operator's view, and the barrier tests wait on.</summary>
public sealed class CrmFeedStatus(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<SkipReason, long> _skipped = [];
    private long? _position;
    private long? _head;
    private long _published;
    private long _missed;
    private int _failures;
    private TimeSpan? _retryDelay;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private DateTimeOffset? _lastReadAt;
    private bool _stopped;

    public void Started(long position)
    {
        lock (_lock)
        {
            _position = position;
            _stopped = false;
        }
    }

    public void Read(long head)
    {
        lock (_lock)
        {
            _head = head;
            _lastReadAt = time.GetUtcNow();
        }
    }

    /// <summary>An empty page: nothing is left to handle, so whatever failed before is over.</summary>
    public void CaughtUp()
    {
        lock (_lock)
            Succeeded();
    }

    public void Advanced(long position, int published, IEnumerable<SkipReason> skipped)
    {
        lock (_lock)
        {
            _position = position;
            _published += published;
            foreach (var reason in skipped)
                _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;
            Succeeded();
        }
    }

    /// <summary>An attempt failed; the next one comes after <paramref name="retryDelay"/>.</summary>
    public void Failed(string error, TimeSpan retryDelay)
    {
        lock (_lock)
        {
            _failures++;
            _retryDelay = retryDelay;
            _lastError = error;
            _lastErrorAt = time.GetUtcNow();
        }
    }

    public void Skipped(long from, long to, string error)
    {
        lock (_lock)
        {
            _missed += Math.Max(0, to - from);
            _position = to;
            _lastError = error;
            _lastErrorAt = time.GetUtcNow();
        }
    }

    public void Stopped()
    {
        lock (_lock)
            _stopped = true;
    }

    private void Succeeded()
    {
        _failures = 0;
        _retryDelay = null;
    }

    public FeedStatus Snapshot()
    {
        lock (_lock)
        {
            var lag = _position is { } position && _head is { } head ? Math.Max(0, head - position) : (long?)null;
            var state = _stopped ? "Stopped"
                : _position is null ? "Starting"
                : _failures > 0 ? "Retrying"
                : lag == 0 ? "AtHead"
                : "CatchingUp";
            return new FeedStatus(state, _position, _head, lag, _published,
                _skipped.ToDictionary(entry => entry.Key.ToString(), entry => entry.Value), _missed, _failures, _retryDelay, _lastReadAt, _lastError, _lastErrorAt);
        }
    }
}

/// <param name="State">Starting, CatchingUp, AtHead, Retrying or Stopped.</param>
/// <param name="Position">The last feed position published (or skipped) with the broker's confirmation.</param>
/// <param name="HeadPosition">The feed's head at the last read.</param>
/// <param name="Lag">Changes committed in the CRM that the listener has not handled yet, as of the last read.</param>
/// <param name="Skipped">Changes handled without an event, by reason.</param>
/// <param name="MissedChanges">Changes lost because the feed's retention passed the listener's position.</param>
/// <param name="ConsecutiveFailures">Failed attempts since the last batch fully handled; the listener retries with back-off.</param>
/// <param name="RetryDelay">While retrying, the wait before the next attempt, growing with each failure in a row.</param>
public sealed record FeedStatus(
    string State,
    long? Position,
    long? HeadPosition,
    long? Lag,
    long Published,
    IReadOnlyDictionary<string, long> Skipped,
    long MissedChanges,
    int ConsecutiveFailures,
    TimeSpan? RetryDelay,
    DateTimeOffset? LastReadAt,
    string? LastError,
    DateTimeOffset? LastErrorAt);
