using Sync.Contracts;
using Sync.Testing;
using static Sync.SyncWorker.Tests.Fakes.SeedValues;

namespace Sync.SyncWorker.Tests;

/// <summary>
/// <see cref="SyncBehaviourTests"/> on the real RabbitMQ and Redis, and the behaviours only the broker can show: a message in
/// an error queue, and a virtual host drained of everything the worker might still publish.
/// </summary>
public sealed class SyncBehaviourTestsOnServers(ServersSyncBehaviourFixture fixture)
    : SyncBehaviourTests(fixture), IClassFixture<ServersSyncBehaviourFixture>
{
    [Fact]
    public async Task AnInvalidSyncRequestGoesToTheErrorQueueWithItsReason()
    {
        await Worker.Publish(WorkerHost.Request(WorkerHost.NextProspectId()) with { Version = 0 });

        await Eventually.True(async () => await Worker.Broker.CountNow("sync-worker_error") is { Ready: 1 }, "the invalid request in sync-worker_error");
    }

    [Fact]
    public async Task TheWorkerPublishesNothingButSyncCompleted()
    {
        // A worker of its own: what is published and sent on its bus comes from this test and this sync alone.
        await using var worker = await WorkerHost.Start("worker-publishes-completions-only");
        var id = WorkerHost.NextProspectId();
        worker.Editor.Add(id, Email(id), Fields(("lastName", "Quiet"), ("company", "Co")));
        var request = WorkerHost.Request(id);

        await worker.Sync(request);
        await worker.Broker.WaitUntilDrained();

        var published = worker.Recorded.Published.ToList();
        // The one SyncRequested is the test's own (published through the worker's bus); everything else is the worker's.
        Assert.Same(request, Assert.Single(published.OfType<SyncRequested>()));
        var byWorker = published.Where(message => message is not SyncRequested).ToList();
        Assert.Equal(request.SyncId, Assert.IsType<SyncCompleted>(Assert.Single(byWorker)).SyncId);
        // Nor did it send a request back to its queue or to a retry queue.
        Assert.Empty(worker.Recorded.Sent);
        Assert.All(worker.Editor.WriteBacks, write => Assert.Equal(request.SyncId, write.SyncId));
    }
}
