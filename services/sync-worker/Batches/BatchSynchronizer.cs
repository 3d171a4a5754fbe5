using MassTransit;
using Microsoft.Extensions.Options;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.SyncWorker.Allowance;
using Sync.SyncWorker.Failures;
using Sync.SyncWorker.Observability;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Redaction;
using Sync.SyncWorker.Retry;
using Sync.SyncWorker.Storage.WorkerState;

namespace Sync.SyncWorker.Batches;

/// <summary>
/// Syncs one batch of sync requests and reports every request with <see cref="SyncCompleted"/> before the batch is
/// acknowledged: it claims the batch's prospects, sets aside the requests already synced, runs the
/// <see cref="ProspectSyncPipeline"/>, and puts what cannot sync now where it waits (<see cref="BatchRescheduler"/>).
/// A record the CRM refuses fails alone; a transient failure sends the batch to its retry step; a spent allowance puts it
/// back in the queue and pauses consuming. The batch's CRM calls were reserved from the allowance before it started
/// (<see cref="AllowanceReservation"/>); those it does not need go back.
/// </summary>
public sealed class BatchSynchronizer(
    IWorkerStateStore state,
    ProspectSyncPipeline pipeline,
    SyncCompletion completion,
    BatchRescheduler rescheduler,
    BatchRecorder recorder,
    IOptions<SyncWorkerOptions> options,
    TimeProvider time,
    ILogger<BatchSynchronizer> logger)
{
    public async Task<BatchReport> Sync(
        IReadOnlyList<PendingSync> requests, AllowanceReservation reservation, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var activity = SyncWorkerMetrics.Source.StartActivity("sync batch");
        activity?.SetTag("sync.batch.requests", requests.Count);
        var batchId = Guid.NewGuid().ToString("N");
        var prospects = ProspectSync.Group(requests);

        List<SyncCompleted> completions;
        var claimed = await state.Claim(prospects.Select(prospect => prospect.ProspectId).ToList(), batchId, options.Value.ProspectClaimTimeout);
        var report = new BatchReport();
        try
        {
            var busy = prospects.Where(prospect => !claimed.Contains(prospect.ProspectId)).ToList();
            if (busy.Count > 0)
                await rescheduler.Postpone(busy, cancellationToken);
            prospects = prospects.Where(prospect => claimed.Contains(prospect.ProspectId)).ToList();

            completions = await completion.TakeOutAlreadyCompleted(prospects, report);
            var active = prospects.Where(prospect => prospect.Requests.Count > 0).ToList();
            if (active.Count > 0)
                completions.AddRange(await SyncOrReschedule(active, reservation, report, cancellationToken));
        }
        finally
        {
            await state.Release(claimed.ToList(), batchId);
            await reservation.ReleaseUnused();
        }

        report.CrmCalls = reservation.Made;
        report.Duration = time.GetElapsedTime(started);
        await recorder.Record(report, activity);
        // Last, as a consumer's outbox would: whoever sees a completion sees the batch in the worker's status.
        if (completions.Count > 0)
            await publisher.PublishBatch(completions, cancellationToken);
        return report;
    }

    private async Task<List<SyncCompleted>> SyncOrReschedule(
        List<ProspectSync> prospects, AllowanceReservation reservation, BatchReport report, CancellationToken cancellationToken)
    {
        var pending = prospects.SelectMany(prospect => prospect.Requests).ToList();
        try
        {
            await pipeline.Run(prospects, reservation, cancellationToken);
            var retried = prospects.Where(prospect => prospect.RetryReason is not null).ToList();
            if (retried.Count > 0)
            {
                report.Retried = await rescheduler.RetryRecords(retried, cancellationToken);
                prospects = prospects.Except(retried).ToList();
            }
        }
        catch (Exception exception) when (FailureClassification.Classify(exception, cancellationToken) is BatchFailure.AllowanceSpent)
        {
            report.Deferred = pending.Count;
            // The worker's own pacing is no error to show; the CRM refusing for its limit (which the pacing should prevent) is.
            await rescheduler.Defer(pending, exception.Message,
                exception is CrmRequestLimitExceededException ? EmailRedaction.WithoutEmails(exception.Message) : null, cancellationToken);
            return [];
        }
        catch (Exception exception) when (FailureClassification.Classify(exception, cancellationToken) is BatchFailure.Transient)
        {
            await rescheduler.Retry(pending, exception, cancellationToken);
            report.Retried = pending.Count;
            return [];
        }
        catch (CrmRequestException refused) when (FailureClassification.Classify(refused, cancellationToken) is BatchFailure.RequestRefused)
        {
            // The CRM refused the lookup itself: no retry mends it, so every prospect of it goes to the sync-error list.
            var error = FailureClassification.ReasonOf(refused);
            foreach (var prospect in prospects.Where(prospect => prospect.Result is null))
                prospect.Fail(error, "the CRM refused the whole request");
            logger.RequestRefused(prospects.Count, error.ErrorCode, EmailRedaction.WithoutEmails(refused.Message));
        }

        return await completion.Complete(prospects, report);
    }
}
