using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;

namespace Sync.SyncEvaluator.Outbox;

/// <summary>
/// Publishes through the bus itself, not the consume context: the consumers' in-memory outbox would hold the message until
/// the consumer returns, and the sync state must learn of the confirm (mark published) before the event is acknowledged.
/// </summary>
public sealed class BusSyncRequestPublisher(ConfirmedPublisher publisher) : ISyncRequestPublisher
{
    public Task Publish(IReadOnlyList<SyncRequested> requests, CancellationToken cancellationToken) =>
        publisher.PublishBatch(requests, cancellationToken);
}
