using System.ComponentModel.DataAnnotations;

namespace Sync.CrmSimulator.Configuration;

/// <summary>The change feed's retention and page size ("CrmSimulator:Feed").</summary>
public sealed class ChangeFeedOptions
{
    /// <summary>
    /// How many of the latest changes the feed keeps. A reader whose position fell further behind gets REPLAY_ID_EXPIRED:
    /// changes were lost to it, as with Change Data Capture's 72-hour retention.
    /// </summary>
    [Range(1, 10_000_000)]
    public int RetainedEntries { get; set; } = 100_000;

    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 1_000;
}
