using Sync.Contracts;

namespace Sync.SyncEvaluator.Outbox;

/// <summary>Puts SyncRequested on the bus and returns only once the broker confirmed every one.</summary>
public interface ISyncRequestPublisher
{
    Task Publish(IReadOnlyList<SyncRequested> requests, CancellationToken cancellationToken);
}
