using Microsoft.Extensions.Options;
using Sync.Contracts;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Storage.MergeBases;

namespace Sync.SyncWorker.Merging;

/// <summary>
/// Reads the merge bases a batch merges against, and keeps the values both sides hold after it as the next ones: only for
/// a prospect synced, once the CRM is written and the prospect written back.
/// </summary>
public sealed class MergeBaseKeeper(IMergeBaseStore mergeBases, IOptions<SyncWorkerOptions> options, TimeProvider time)
{
    public Task<IReadOnlyDictionary<long, MergeBase>> Find(List<ProspectSync> prospects) =>
        mergeBases.Find(prospects.Select(prospect => prospect.ProspectId).ToList());

    /// <summary>Once both sides hold the merged values (the CRM written, the prospect written back), they are the next merge base.</summary>
    public async Task Keep(List<ProspectSync> prospects)
    {
        var now = time.GetUtcNow();
        var agreed = prospects
            .Where(prospect => prospect.Result is { Outcome: SyncOutcome.Synced, RecordId: not null } && prospect.Merge is not null)
            .Select(prospect => new MergeBase(prospect.ProspectId, prospect.Result!.RecordId!, prospect.Merge!.Agreed, now))
            .ToList();
        if (agreed.Count > 0)
            await mergeBases.Save(agreed, options.Value.RememberMergeBaseFor);
    }
}
