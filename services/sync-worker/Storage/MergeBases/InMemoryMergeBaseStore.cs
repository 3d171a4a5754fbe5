using Sync.ServiceDefaults.Storage;

namespace Sync.SyncWorker.Storage.MergeBases;

/// <summary>The embedded merge bases: the same behaviour as Redis, kept in memory.</summary>
public sealed class InMemoryMergeBaseStore(TimeProvider time) : IMergeBaseStore
{
    private readonly ExpiringDictionary<long, MergeBase> _bases = new(time);

    public Task<IReadOnlyDictionary<long, MergeBase>> Find(IReadOnlyCollection<long> prospectIds)
    {
        var found = new Dictionary<long, MergeBase>();
        foreach (var id in prospectIds.Distinct())
        {
            if (_bases.TryGetValue(id, out var mergeBase))
                found[id] = mergeBase;
        }
        return Task.FromResult<IReadOnlyDictionary<long, MergeBase>>(found);
    }

    public Task Save(IReadOnlyCollection<MergeBase> bases, TimeSpan retention)
    {
        foreach (var mergeBase in bases)
            _bases.Set(mergeBase.ProspectId, mergeBase with { Values = new Dictionary<string, string?>(mergeBase.Values, StringComparer.OrdinalIgnoreCase) }, retention);
        return Task.CompletedTask;
    }
}
