namespace Sync.SyncWorker.Storage;

/// <summary>The embedded merge bases: the same behaviour as Redis, kept in memory.</summary>
public sealed class InMemoryMergeBaseStore(TimeProvider time) : IMergeBaseStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, (MergeBase Base, DateTimeOffset Until)> _bases = [];
    private DateTimeOffset _nextSweep;

    public Task<IReadOnlyDictionary<long, MergeBase>> Find(IReadOnlyCollection<long> prospectIds)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            IReadOnlyDictionary<long, MergeBase> found = prospectIds.Distinct()
                .Where(id => _bases.TryGetValue(id, out var entry) && entry.Until > now)
                .ToDictionary(id => id, id => _bases[id].Base);
            return Task.FromResult(found);
        }
    }

    public Task Save(IReadOnlyCollection<MergeBase> bases, TimeSpan retention)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            // Expired bases are swept now and then, not on every batch: a sweep walks every prospect.
            if (now >= _nextSweep)
            {
                foreach (var id in _bases.Where(entry => entry.Value.Until <= now).Select(entry => entry.Key).ToList())
                    _bases.Remove(id);
                _nextSweep = now + TimeSpan.FromMinutes(1);
            }
            foreach (var mergeBase in bases)
                _bases[mergeBase.ProspectId] = (mergeBase with { Values = new Dictionary<string, string?>(mergeBase.Values, StringComparer.OrdinalIgnoreCase) }, now + retention);
        }
        return Task.CompletedTask;
    }
}
