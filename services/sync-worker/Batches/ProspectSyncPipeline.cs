using Sync.Clients.Crm;
using Sync.SyncWorker.Allowance;
using Sync.SyncWorker.Matching;
using Sync.SyncWorker.Merging;
using Sync.SyncWorker.Writing;

namespace Sync.SyncWorker.Batches;

/// <summary>
/// The sync proper of a batch's prospects, stage by stage: one snapshot read, one charged lookup, the merge, one charged
/// write, one write-back, and the merge bases kept. Every prospect leaves with its result, or marked to retry.
/// </summary>
public sealed class ProspectSyncPipeline(
    ICrmClient crm,
    ProspectSnapshots snapshots,
    RecordMatching matching,
    MergeBaseKeeper mergeBases,
    SyncPlanner planner,
    CrmRecordWriter writer,
    ProspectWriteBack writeBack)
{
    /// <param name="reservation">The calls the batch reserved: every charged call of the stages spends one.</param>
    public async Task Run(List<ProspectSync> prospects, AllowanceReservation reservation, CancellationToken cancellationToken)
    {
        var toSync = await snapshots.Read(prospects, cancellationToken);
        if (toSync.Count == 0)
            return;

        var charged = reservation.Charging(crm);
        await matching.Match(toSync, charged, cancellationToken);
        planner.Plan(toSync, await mergeBases.Find(toSync));
        await writer.Write(toSync, charged, cancellationToken);
        await writeBack.WriteBack(prospects, cancellationToken);
        await mergeBases.Keep(toSync);
    }
}
