using MassTransit;
using Microsoft.Extensions.Options;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.BatchForming;
using Sync.SyncWorker.Retry;

namespace Sync.SyncWorker.Consumers;

/// <summary>
/// Hands each request of the sync-worker queue to the <see cref="SyncBatcher"/>, which makes the batches, and returns
/// once its batch is done: so a request is acknowledged only after its SyncCompleted is confirmed by the broker (or it is
/// stored in a retry queue, or back in this queue).
/// </summary>
public sealed class SyncRequestedConsumer(SyncBatcher batcher) : IConsumer<SyncRequested>
{
    public Task Consume(ConsumeContext<SyncRequested> context) =>
        batcher.Add(
            new PendingSync(context.Message, context.Headers.Get<int>(RetryHeaders.Attempt) ?? 0),
            // A request the consumer retry sends again failed in a batch: alone, it fails (or succeeds) on its own.
            alone: context.GetRetryAttempt() > 0,
            context.ReceiveContext);
}
