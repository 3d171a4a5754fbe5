using System.Net.Http.Json;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Control;
using Sync.SyncWorker.Extensions;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Retry;
using Sync.Testing;

namespace Sync.SyncWorker.Tests;

/// <summary>Operator pause and resume, and the retry queues on a plain RabbitMQ (no delayed-message plugin).</summary>
public sealed class PauseAndRetryQueueTests
{
    [Fact]
    public async Task APausedWorkerConsumesNothingLosesNothingAndStaysPausedAcrossARestart()
    {
        await using var worker = await WorkerHost.Start("worker-pause");
        var paused = await (await worker.Api.PostAsJsonAsync("sync/pause", new { reason = "CRM maintenance" })).Content
            .ReadFromJsonAsync<Apis.WorkerStatus>(Json.Options);
        Assert.True(paused!.Paused);
        Assert.Equal(PauseReason.Operator, paused.Reason);
        Assert.False(paused.ConsumingOnThisReplica);
        Assert.Contains("CRM maintenance", paused.Detail);

        var requests = Enumerable.Range(0, 50).Select(_ =>
        {
            var id = WorkerHost.NextProspectId();
            worker.Editor.Add(id, $"p{id}@example.test");
            return WorkerHost.Request(id);
        }).ToArray();
        await worker.Publish(requests);
        await worker.UntilWaiting(SyncQueues.Worker, 50);
        Assert.Equal(0, worker.Crm.ChargedCalls);
        Assert.Equal(0, worker.Editor.GetManyCalls);
        Assert.Equal(0, worker.Recorded.CompletionCount);

        await worker.Restart();
        await Eventually.True(() => worker.Consumption.Status.Reason == PauseReason.Operator, "the restarted worker to read the shared pause");
        await worker.UntilWaiting(SyncQueues.Worker, 50);
        Assert.Equal(0, worker.Crm.ChargedCalls);

        var resumed = await (await worker.Api.PostAsync("sync/resume", null)).Content.ReadFromJsonAsync<Apis.WorkerStatus>(Json.Options);
        Assert.False(resumed!.Paused);
        Assert.True(resumed.ConsumingOnThisReplica);
        var completions = await worker.Completions(requests);
        Assert.All(completions, completed => Assert.Equal(SyncOutcome.Synced, completed.Outcome));
        await worker.Broker.WaitUntilDrained();
    }

    [Fact]
    public async Task ARetriedRequestWaitsInItsRetryQueueAndComesBackToTheWorkerQueueAfterItsTtl()
    {
        await using var worker = await WorkerHost.Start("worker-retry-queues");
        await worker.Api.PostAsync("sync/pause", null);
        var id = WorkerHost.NextProspectId();
        worker.Editor.Add(id, $"p{id}@example.test");
        var request = WorkerHost.Request(id);
        var scheduler = worker.Host.Service<ISyncRetryScheduler>();

        // Second attempt: the 1 s step.
        await scheduler.ScheduleRetry([new PendingSync(request, Attempt: 1)], CancellationToken.None);

        var secondStep = SyncWorkerOptions.RetryQueueName(TimeSpan.FromSeconds(1));
        Assert.Equal("sync-worker-retry-1s", secondStep);
        // The broker's own count, read at once (the management API's lags by its statistics interval).
        await Eventually.True(async () => (await scheduler.Describe(CancellationToken.None)).Single(step => step.Queue == secondStep).Messages == 1,
            "the request to wait in its retry queue");
        await worker.UntilWaiting(SyncQueues.Worker, 1);
        Assert.Equal(0, (await scheduler.Describe(CancellationToken.None)).Single(step => step.Queue == secondStep).Messages);

        var status = await worker.Status();
        Assert.Equal(["sync-worker-retry-500ms", "sync-worker-retry-1s"], status.RetryQueues.Select(queue => queue.Queue));
        Assert.All(status.RetryQueues, queue => Assert.Equal(0, queue.Messages));

        await worker.Api.PostAsync("sync/resume", null);
        Assert.Equal(SyncOutcome.Synced, (await worker.Completions([request]))[0].Outcome);
    }

    [Fact]
    public async Task ARetryWhoseQueueAnOperatorDeletedIsNotLostButSyncsAfterTheQueueIsDeclaredAgain()
    {
        await using var worker = await WorkerHost.Start("worker-retry-queue-deleted");
        var firstStep = SyncWorkerOptions.RetryQueueName(TimeSpan.FromMilliseconds(500));
        await worker.Broker.DeleteQueue(firstStep);
        Assert.Null(await worker.Broker.CountNow(firstStep));
        var id = WorkerHost.NextProspectId();
        worker.Editor.Add(id, $"p{id}@example.test");
        // The first call fails as a 5xx would: the request goes to the first retry step, whose queue is gone.
        worker.Crm.FailNextCalls = 1;

        var completed = (await worker.Sync(WorkerHost.Request(id)))[0];

        Assert.Equal(SyncOutcome.Synced, completed.Outcome);
        Assert.Equal(0, worker.Crm.FailNextCalls);
        Assert.Single(worker.Crm.WithEmail($"p{id}@example.test"));
        Assert.NotNull(await worker.Broker.CountNow(firstStep));
        await worker.Broker.WaitUntilDrained();
    }
}
