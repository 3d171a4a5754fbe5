namespace Sync.CrmChangeListener.Storage;

/// <summary>
/// Where the listener stands in the CRM's change feed: the position of the last change it published (or skipped) with
/// the broker's confirmation. It only moves forward.
/// </summary>
public interface ICrmFeedCursorStore
{
    /// <summary>The saved position, or null when the listener never read the feed.</summary>
    Task<long?> Load(CancellationToken cancellationToken);

    /// <summary>Saves <paramref name="position"/> unless a later one is already saved.</summary>
    Task Save(long position, CancellationToken cancellationToken);
}
