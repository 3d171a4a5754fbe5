using Microsoft.Extensions.Options;
using Sync.Rules;
using Sync.SyncEvaluator.Evaluation;
using Sync.SyncEvaluator.Storage;

namespace Sync.SyncEvaluator.Outbox;

/// <summary>
/// The outbox relay and lease keeper. Every <see cref="SyncStateSettings.RelayInterval"/> it takes the prospects whose outstanding
/// sync is due by the store's clock: a sync whose publish was never confirmed within the publish grace, or whose completion
/// did not come within its lease, is issued again with the same sync id and published. Any number of evaluators may run it:
/// the reissue is one atomic step, so only one of them issues. (Every event's step does the same for its own prospect; the
/// relay is what covers a prospect no event comes for.)
/// </summary>
public sealed partial class SyncRequestRelay(
    ISyncStateStore store,
    SyncRequestDispatcher dispatcher,
    EvaluatorTelemetry telemetry,
    IOptions<SyncStateSettings> options,
    TimeProvider time,
    ILogger<SyncRequestRelay> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RelayInterval, time);
        do
        {
            try
            {
                await RelayDue(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogRelayFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Looks at every prospect due now; returns how many were looked at.</summary>
    public async Task<int> RelayDue(CancellationToken cancellationToken)
    {
        var total = 0;
        var failed = false;
        // Full batches are followed at once, until one fails: a store or broker that is away is tried again next interval.
        while (!failed)
        {
            var due = await store.Due(BatchSize, cancellationToken);
            foreach (var scheduled in due.Prospects)
            {
                try
                {
                    await Relay(scheduled, cancellationToken);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // It stays on the schedule at the time it had (or its new publish grace), so it is looked at again.
                    LogProspectFailed(exception, scheduled.ProspectId);
                    failed = true;
                }
            }
            total += due.Prospects.Count;
            if (due.Prospects.Count < BatchSize)
                break;
        }
        return total;
    }

    private async Task Relay(ScheduledSync scheduled, CancellationToken cancellationToken)
    {
        var step = await store.ReissueIfExpired(scheduled.ProspectId, cancellationToken);
        if (step.ToPublish is not null)
        {
            telemetry.Reissued(step);
            await dispatcher.Dispatch([step], republishUnconfirmed: false, cancellationToken);
            return;
        }

        // Nothing to publish: come back when the lease ends, or drop the prospect when nothing is outstanding. Only if its time
        // is still the one read: a consumer about to issue a sync has put the prospect on the schedule anew (ScheduleAhead) before
        // its step, and that time must stand even though the step has not run yet.
        await store.Reschedule(scheduled.ProspectId, scheduled.ActAt, step.Outstanding?.LeaseUntil, cancellationToken);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "The sync request relay failed; it tries again at its next interval")]
    private partial void LogRelayFailed(Exception exception);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Prospect {ProspectId}: the relay could not reissue or publish its outstanding sync; it tries again")]
    private partial void LogProspectFailed(Exception exception, long prospectId);
}
