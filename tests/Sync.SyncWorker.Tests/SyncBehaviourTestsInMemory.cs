using Sync.ServiceDefaults.Messaging;
using Sync.Testing;

namespace Sync.SyncWorker.Tests;

/// <summary><see cref="SyncBehaviourTests"/> on MassTransit's in-memory test harness with the in-memory stores: the fast lane.</summary>
[FastLane]
public sealed class SyncBehaviourTestsInMemory(InMemorySyncBehaviourFixture fixture)
    : SyncBehaviourTests(fixture), IClassFixture<InMemorySyncBehaviourFixture>
{
    /// <summary>
    /// The in-memory lane's reading of the servers' test of the same name: the in-memory transport's error queue cannot be
    /// counted, so the harness's record is read instead: the request faulted in its consumption, refused by the contract's
    /// validation, which MassTransit answers by moving it to sync-worker_error.
    /// </summary>
    [Fact]
    public async Task AnInvalidSyncRequestGoesToTheErrorQueueWithItsReason()
    {
        var invalid = WorkerHost.Request(WorkerHost.NextProspectId()) with { Version = 0 };

        await Worker.Publish(invalid);

        await Eventually.True(() => Worker.Harness.Consumed.Select<Contracts.SyncRequested>(new CancellationToken(true))
                .Any(consumed => consumed.Context.Message.SyncId == invalid.SyncId
                    && consumed.Exception is InvalidMessageException { Message: var reason } && reason.Contains("version must be positive", StringComparison.Ordinal)),
            "the invalid request to fault, refused by the contract's validation");
    }
}
