using Sync.SyncWorker.Control;
using Sync.SyncWorker.Redaction;
using Sync.SyncWorker.Retry;
using Sync.SyncWorker.Storage.WorkerState;

namespace Sync.SyncWorker.Batches;

/// <summary>
/// Where the requests of a batch go when they cannot be synced now: to the first retry step when another batch holds their
/// prospects, to their next retry step after a failure a retry mends, or back to the queue, consuming paused, when the
/// allowance cannot pay for them.
/// </summary>
public sealed class BatchRescheduler(
    ISyncRetryScheduler retries, IWorkerStateStore state, SyncConsumption consumption, TimeProvider time, ILogger<BatchRescheduler> logger)
{
    /// <summary>Another batch (a replica, or a re-issued request) is syncing these prospects now: try again after it.</summary>
    public async Task Postpone(List<ProspectSync> busy, CancellationToken cancellationToken)
    {
        await retries.Postpone(busy.SelectMany(prospect => prospect.Requests).ToList(), cancellationToken);
        logger.Postponed(busy.Count);
    }

    /// <summary>
    /// Records the CRM could not lock, or that someone changed after the lookup, are synced again after a delay; returns the
    /// requests sent. The rest of the batch completes now.
    /// </summary>
    public async Task<int> RetryRecords(List<ProspectSync> retried, CancellationToken cancellationToken)
    {
        var requests = retried.SelectMany(prospect => prospect.Requests).ToList();
        await retries.ScheduleRetry(requests, cancellationToken);
        logger.RecordsRetried(retried.Count, retried[0].RetryReason!.ErrorCode);
        return requests.Count;
    }

    /// <summary>The whole batch failed for a reason a retry mends: its next retry step, and the reason on /sync/status.</summary>
    public async Task Retry(List<PendingSync> pending, Exception reason, CancellationToken cancellationToken)
    {
        await retries.ScheduleRetry(pending, cancellationToken);
        var attempt = pending.Max(request => request.Attempt) + 1;
        var redacted = EmailRedaction.WithoutEmails(reason.Message);
        logger.Retrying(pending.Count, attempt, reason.GetType().Name, redacted);
        await state.RecordError($"{reason.GetType().Name}: {redacted}", time.GetUtcNow());
    }

    /// <summary>The shared allowance could not be read before the batch started: it waits in the retry queues, as after any transient failure.</summary>
    public async Task RetryWithoutAllowance(List<PendingSync> pending, Exception reason)
    {
        await retries.ScheduleRetry(pending, CancellationToken.None);
        logger.AllowanceUnavailable(pending.Count, reason.GetType().Name, reason.Message);
    }

    /// <summary>
    /// The allowance cannot pay for the batch now: its requests go back to the queue untouched, and the control loop is woken
    /// so consuming pauses until the allowance allows.
    /// </summary>
    /// <param name="errorToRecord">Shown on /sync/status: the CRM's own refusal is, the worker's pacing is not (it is no error).</param>
    public async Task Defer(List<PendingSync> pending, string reason, string? errorToRecord, CancellationToken cancellationToken)
    {
        try
        {
            await retries.Return(pending, cancellationToken);
            logger.Deferred(pending.Count, reason);
            if (errorToRecord is not null)
                await state.RecordError(errorToRecord, time.GetUtcNow());
        }
        finally
        {
            consumption.Nudge();
        }
    }
}
