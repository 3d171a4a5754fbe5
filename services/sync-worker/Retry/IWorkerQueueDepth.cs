namespace Sync.SyncWorker.Retry;

/// <summary>How many requests the broker holds ready in the sync-worker queue, not yet delivered to any worker.</summary>
public interface IWorkerQueueDepth
{
    /// <summary>The ready requests; 0 when the broker cannot tell (then a batch simply does not wait for them).</summary>
    Task<long> Ready(CancellationToken cancellationToken);
}
