using Microsoft.Extensions.Options;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Retry;

namespace Sync.SyncWorker.BatchForming;

/// <summary>
/// How long a batch about to start waits for more requests: for what is already delivered and on its way, and what the
/// queue holds ready (the broker delivers it at once), up to <see cref="SyncWorkerOptions.BatchFillWait"/>; never for a
/// request not yet queued, so at idle a batch goes at once. <see cref="SyncWorkerOptions.MinimumBatchAge"/>, when set,
/// makes it wait that long after its first request at least.
/// </summary>
public sealed class BatchFill(WaitingRequests waiting, IWorkerQueueDepth queue, IOptions<SyncWorkerOptions> options, TimeProvider time)
{
    // Deliveries of a draining queue arrive microseconds apart; these gaps are generous for a loaded machine.
    private static readonly TimeSpan ArrivalGap = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan DrainedGap = TimeSpan.FromMilliseconds(50);

    private SyncWorkerOptions Settings => options.Value;

    /// <summary>Waits until the batch is full or its oldest request is <see cref="SyncWorkerOptions.MinimumBatchAge"/> old.</summary>
    public async Task UntilOldEnough(CancellationToken stopping)
    {
        if (Settings.MinimumBatchAge > TimeSpan.Zero)
            await waiting.WaitUntil(() => waiting.Joinable >= Settings.BatchSize
                    || (waiting.OldestArrivedAt is { } oldest && time.GetUtcNow() - oldest >= Settings.MinimumBatchAge),
                Settings.MinimumBatchAge, stopping);
    }

    /// <summary>Lets what is already delivered and on its way, and what the queue holds ready, join the batch.</summary>
    public async Task Fill(CancellationToken stopping)
    {
        var deadline = time.GetUtcNow() + Settings.BatchFillWait;
        if (waiting.BacklogOnItsWay)
        {
            // Another replica taking part of the backlog only makes this one's batches wait out the fill wait once.
            await waiting.WaitUntil(() => waiting.Joinable >= Settings.BatchSize || !waiting.BacklogOnItsWay, Settings.BatchFillWait, stopping);
            if (waiting.Joinable < Settings.BatchSize && waiting.BacklogOnItsWay)
                waiting.ForgetBacklog();
            return;
        }
        while (time.GetUtcNow() < deadline)
        {
            await waiting.WaitUntil(() => waiting.Joinable >= Settings.BatchSize || waiting.OnTheWay <= 0, deadline - time.GetUtcNow(), stopping);
            if (waiting.Joinable >= Settings.BatchSize || waiting.OnTheWay > 0)
                return;
            if (await queue.Ready(stopping) > 0)
            {
                // The broker delivers them as this worker's prefetch allows: wait for the next to arrive, then look again.
                waiting.QueueIsDraining();
                await UntilQuiet(ArrivalGap, deadline, stopping);
                continue;
            }
            // The queue has just drained into deliveries to this worker: those still on the wire join until they stop coming.
            if (!waiting.TakeQueueWasDraining())
                return;
            await UntilQuiet(DrainedGap, deadline, stopping);
            return;
        }
    }

    /// <summary>Waits until the batch is full, or no request has arrived for <paramref name="gap"/>, or the deadline.</summary>
    private async Task UntilQuiet(TimeSpan gap, DateTimeOffset deadline, CancellationToken stopping)
    {
        while (true)
        {
            var before = waiting.Arrived;
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
                return;
            await waiting.WaitUntil(() => waiting.Joinable >= Settings.BatchSize, left < gap ? left : gap, stopping);
            if (waiting.Joinable >= Settings.BatchSize || waiting.Arrived == before)
                return;
        }
    }
}
