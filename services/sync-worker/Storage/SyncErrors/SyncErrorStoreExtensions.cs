namespace Sync.SyncWorker.Storage.SyncErrors;

public static class SyncErrorStoreExtensions
{
    /// <summary>
    /// One page of the list in prospect id order, with the count of every entry the query's error code matches. One scan,
    /// holding only the page's entries (the lowest ids after the cursor), so a long list is paged through in little memory.
    /// </summary>
    public static async Task<SyncErrorPage> List(this ISyncErrorStore store, SyncErrorQuery query, CancellationToken cancellationToken = default)
    {
        var total = 0;
        var lowest = new PriorityQueue<SyncErrorEntry, long>(Comparer<long>.Create((a, b) => b.CompareTo(a)));
        var more = false;
        await foreach (var entry in store.Scan(query.ErrorCode, cancellationToken))
        {
            total++;
            if (!query.Matches(entry))
                continue;
            lowest.Enqueue(entry, entry.ProspectId);
            if (lowest.Count > query.Limit)
            {
                lowest.Dequeue();
                more = true;
            }
        }
        return new SyncErrorPage([.. lowest.UnorderedItems.Select(item => item.Element).OrderBy(entry => entry.ProspectId)], total, more);
    }
}
