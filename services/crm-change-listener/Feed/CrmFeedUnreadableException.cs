namespace Sync.CrmChangeListener.Feed;

/// <summary>The CRM's change feed cannot be followed from where this listener is; the listener waits and asks again.</summary>
public sealed class CrmFeedUnreadableException(string message) : Exception(message)
{
    /// <summary>
    /// The feed ends before the position this listener saved: it started over (a CRM restored, or a sandbox refreshed).
    /// Reading on would skip every change up to the old position without a word, so nothing is read until an operator acts.
    /// </summary>
    public static CrmFeedUnreadableException Reset(long position, long? head) => new(
        $"The CRM change feed ends {(head is { } at ? $"at position {at}, " : "")}before this listener's saved position {position}: the feed started over " +
        "(a CRM restored or refreshed). Nothing more is read until an operator deletes the saved position (the Redis key " +
        "{prefix}:crm-change-listener:feed-cursor) and restarts the listener, which then follows the new feed from its oldest change; " +
        "an import brings the prospects back in line with the CRM.");
}
