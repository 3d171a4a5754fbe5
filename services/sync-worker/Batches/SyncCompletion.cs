using Microsoft.Extensions.Options;
using Sync.Contracts;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Storage.SyncErrors;
using Sync.SyncWorker.Storage.WorkerState;

namespace Sync.SyncWorker.Batches;

/// <summary>
/// Reports each request of a batch with its <see cref="SyncCompleted"/>: the failed prospects go on the sync-error list
/// and the settled ones off it, and every completion is remembered, so a request already synced (redelivered, or
/// re-issued with the same SyncId and version) is reported again without writing anything.
/// </summary>
public sealed class SyncCompletion(
    IWorkerStateStore state, ISyncErrorStore errors, IOptions<SyncWorkerOptions> options, TimeProvider time, ILogger<SyncCompletion> logger)
{
    /// <summary>Takes the requests already synced out of their prospects; returns their completions, to publish again.</summary>
    public async Task<List<SyncCompleted>> TakeOutAlreadyCompleted(List<ProspectSync> prospects, BatchReport report)
    {
        var completed = await state.FindCompleted(prospects.SelectMany(prospect => prospect.Requests.Select(pending => Key(pending.Request))).ToList());
        var republished = new List<SyncCompleted>();
        foreach (var prospect in prospects)
        {
            var duplicates = prospect.Requests.Where(pending => completed.ContainsKey(Key(pending.Request))).ToList();
            foreach (var duplicate in duplicates)
            {
                republished.Add(completed[Key(duplicate.Request)]);
                prospect.Requests.Remove(duplicate);
            }
        }
        report.Duplicates = republished.Count;
        if (republished.Count > 0)
            logger.Duplicates(republished.Count);
        return republished;
    }

    /// <summary>The completions of prospects that each have their result; the error list and the batch's report follow them.</summary>
    public async Task<List<SyncCompleted>> Complete(List<ProspectSync> prospects, BatchReport report)
    {
        var now = time.GetUtcNow();
        var completions = prospects
            .SelectMany(prospect => prospect.Requests.Select(pending => new SyncCompleted
            {
                EventId = Guid.NewGuid(),
                ProspectId = prospect.ProspectId,
                OccurredAt = now,
                SyncId = pending.Request.SyncId,
                Version = pending.Request.Version,
                Outcome = prospect.Result!.Outcome,
                CrmObjectType = prospect.Result.Type,
                CrmRecordId = prospect.Result.RecordId,
                CrmLastModifiedDate = prospect.Result.LastModified,
                // What this sync read, before it wrote: the evaluator counts a change that joined the sync as synced by it.
                ProspectRevisionRead = prospect.Prospect?.Revision,
                CrmLastModifiedDateRead = prospect.Match?.Record?.LastModifiedDate,
                DoNotSyncRevision = prospect.Result.Outcome == SyncOutcome.SkippedDoNotSync ? prospect.Prospect?.Revision : null,
                Detail = prospect.Result.Detail,
            }))
            .ToList();

        var failures = prospects.Where(prospect => prospect.Error is not null).ToList();
        if (failures.Count > 0)
        {
            await errors.Record(failures.Select(prospect => new SyncErrorOccurrence(
                prospect.ProspectId, prospect.LatestSyncId, prospect.Error!.ErrorCode, prospect.Error.Message, prospect.Error.Fields, now)).ToList());
            foreach (var failure in failures)
                logger.RecordFailed(failure.ProspectId, failure.Error!.ErrorCode, failure.Error.Message);
        }
        var settled = prospects.Where(prospect => prospect.Result!.Outcome is SyncOutcome.Synced or SyncOutcome.CrmRecordDeleted)
            .Select(prospect => prospect.ProspectId).ToList();
        await errors.Clear(settled);

        // Only after the error list holds the failures: a redelivery of a batch remembered as completed records nothing again.
        await state.RememberCompleted(completions, options.Value.RememberCompletedSyncsFor);

        foreach (var prospect in prospects)
        {
            report.Outcomes[prospect.Result!.Outcome] = report.Outcomes.GetValueOrDefault(prospect.Result.Outcome) + 1;
            if (prospect.Result.Outcome == SyncOutcome.Synced && prospect.Merge?.Conflicts is { Count: > 0 } conflicts)
            {
                report.Conflicts += conflicts.Count;
                logger.Conflicts(prospect.ProspectId, string.Join(", ", conflicts.Select(conflict => conflict.ProspectField)),
                    conflicts[0].CrmKept ? "CRM record's" : "prospect's");
            }
        }
        return completions;
    }

    private static SyncKey Key(SyncRequested request) => new(request.ProspectId, request.SyncId, request.Version);
}
