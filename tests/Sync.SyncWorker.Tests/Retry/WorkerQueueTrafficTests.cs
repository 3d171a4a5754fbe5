using Sync.SyncWorker.Retry;
using Sync.Testing;
using static Sync.SyncWorker.Tests.Fakes.SeedValues;

namespace Sync.SyncWorker.Tests.Retry;

/// <summary>The embedded worker's own count of its in-memory sync-worker queue, which its batches wait on as they wait on RabbitMQ's.</summary>
[FastLane]
public sealed class WorkerQueueTrafficTests
{
    [Fact]
    public async Task PausedTheEmbeddedWorkerCountsWhatWaitsInItsQueueAndResumedItCountsItDrained()
    {
        await using var worker = await WorkerHost.Start(WorkerLane.InMemory, "worker-queue-depth");

        await CountedWhilePausedThenDrained(worker, 30);

        // Paused again, the count holds what was published since, and only that.
        await CountedWhilePausedThenDrained(worker, 5);
    }

    [Fact]
    public async Task ARetriedRequestIsReadyOnceItsDelayIsOverAndNoLongerOnceDelivered()
    {
        // A first retry step long enough to look at the queue while the request waits in it.
        await using var worker = await WorkerHost.Start(WorkerLane.InMemory, "worker-queue-depth-retry",
            new Dictionary<string, string?> { ["SyncWorker:RetryDelays:0"] = "00:00:02" });
        worker.Crm.FailNextCalls = 1;
        var request = Requests(worker, 1)[0];

        await worker.Publish(request);
        await Eventually.True(async () => (await worker.Status()).RetryQueues.Sum(step => step.Messages) == 1, "the request to wait in a retry step");
        (await worker.Api.PostAsync("sync/pause", null)).EnsureSuccessStatusCode();
        Assert.Equal(0, await Ready(worker));

        // Its delay over, it waits in the paused worker's queue: counted once, when it entered, not when it was scheduled.
        await Eventually.True(async () => (await worker.Status()).RetryQueues.Sum(step => step.Messages) == 0, "the retry step's delay to be over");
        await Eventually.True(async () => await Ready(worker) == 1, "the retried request to be ready in the sync-worker queue");
        (await worker.Api.PostAsync("sync/resume", null)).EnsureSuccessStatusCode();
        Assert.Equal(Contracts.SyncOutcome.Synced, (await worker.Completions([request]))[0].Outcome);
        Assert.Equal(0, await Ready(worker));
    }

    private static async Task CountedWhilePausedThenDrained(WorkerHost worker, int count)
    {
        (await worker.Api.PostAsync("sync/pause", null)).EnsureSuccessStatusCode();
        var requests = Requests(worker, count);

        await worker.Publish(requests);

        Assert.Equal(count, await Ready(worker));
        (await worker.Api.PostAsync("sync/resume", null)).EnsureSuccessStatusCode();
        await worker.Completions(requests);
        Assert.Equal(0, await Ready(worker));
    }

    private static Contracts.SyncRequested[] Requests(WorkerHost worker, int count) => Enumerable.Range(0, count).Select(_ =>
    {
        var id = WorkerHost.NextProspectId();
        worker.Editor.Add(id, Email(id), Fields(("lastName", "Queued"), ("company", "Acme")));
        return WorkerHost.Request(id);
    }).ToArray();

    private static Task<long> Ready(WorkerHost worker) => worker.Host.Service<IWorkerQueueDepth>().Ready(CancellationToken.None);
}
