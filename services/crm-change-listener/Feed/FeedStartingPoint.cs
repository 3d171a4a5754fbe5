using Sync.Clients.Crm;
using Sync.CrmChangeListener.Storage;

namespace Sync.CrmChangeListener.Feed;

/// <summary>
/// Where the listener reads from: the saved position when it starts, and a new one when the feed no longer keeps the
/// changes after it (the feed's retention passed the listener while it was away).
/// </summary>
public sealed partial class FeedStartingPoint(ICrmFeedCursorStore cursor, CrmFeedStatus status, ILogger<CrmFeedFollower> logger)
{
    private bool _firstRun;

    /// <summary>The saved position, or 0 for a listener new to this CRM.</summary>
    public async Task<long> Load(CancellationToken cancellationToken)
    {
        var saved = await cursor.Load(cancellationToken);
        _firstRun = saved is null;
        var position = saved ?? 0;
        status.Started(position);
        LogFollowing(logger, position, saved is null);
        return position;
    }

    /// <summary>Saves and returns the position to resume after, past the changes the feed no longer keeps.</summary>
    public async Task<long> SkipExpired(CrmFeedCursorExpiredException expired, CancellationToken cancellationToken)
    {
        // Without the oldest position it keeps, the CRM gives nothing to resume from: asking again at once would spin, so
        // the failure waits out the back-off like any other.
        var resumeAfter = (expired.OldestRetainedPosition
            ?? throw new CrmFeedUnreadableException(
                $"The CRM change feed no longer keeps the changes after position {expired.RequestedPosition} and did not say which it keeps.")) - 1;
        if (_firstRun && expired.RequestedPosition == 0)
        {
            // A listener new to this CRM starts at the oldest change the feed still keeps; it never had the older ones.
            await cursor.Save(resumeAfter, cancellationToken);
            status.Started(resumeAfter);
            LogFollowing(logger, resumeAfter, firstRun: true);
            return resumeAfter;
        }
        var reason = $"The CRM change feed no longer keeps the changes after position {expired.RequestedPosition}; " +
            $"the changes up to {resumeAfter} were missed. Resumed after {resumeAfter}; a full reconciliation (an import) brings the prospects back in line.";
        await cursor.Save(resumeAfter, cancellationToken);
        status.Skipped(expired.RequestedPosition, resumeAfter, reason);
        LogFeedExpired(logger, expired.RequestedPosition, resumeAfter);
        return resumeAfter;
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Following the CRM change feed after position {Position} (first run: {FirstRun})")]
    private static partial void LogFollowing(ILogger logger, long position, bool firstRun);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Error, Message = "The CRM change feed no longer keeps the changes after position {Position}: changes up to {ResumedAfter} were missed")]
    private static partial void LogFeedExpired(ILogger logger, long position, long resumedAfter);
}
