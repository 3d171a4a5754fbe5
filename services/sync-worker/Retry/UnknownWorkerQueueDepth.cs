namespace Sync.SyncWorker.Retry;

/// <summary>The in-memory bus (embedded) cannot be asked how many requests it holds: a batch takes what was delivered to it.</summary>
public sealed class UnknownWorkerQueueDepth : IWorkerQueueDepth
{
    public Task<long> Ready(CancellationToken cancellationToken) => Task.FromResult(0L);
}
