using Sync.Contracts;

namespace Sync.SyncWorker.Retry;

/// <summary>
/// Where a sync request goes when it cannot be synced now: to its next retry step after a transient failure, or back to
/// the worker's queue when consuming pauses. Either way it is stored by the broker before the original is acknowledged.
/// </summary>
public interface ISyncRetryScheduler
{
    /// <summary>Sends each request to the retry step after its last one; it comes back to the sync-worker queue when its delay is over.</summary>
    Task ScheduleRetry(IReadOnlyCollection<PendingSync> requests, CancellationToken cancellationToken);

    /// <summary>Sends each request to the first retry step without counting an attempt (its prospect was busy in another batch).</summary>
    Task Postpone(IReadOnlyCollection<PendingSync> requests, CancellationToken cancellationToken);

    /// <summary>Puts the requests back at the end of the sync-worker queue, attempts unchanged.</summary>
    Task Return(IReadOnlyCollection<PendingSync> requests, CancellationToken cancellationToken);

    /// <summary>Declares the retry steps, so they exist (and show in the management UI) before the first failure.</summary>
    Task EnsureTopology(CancellationToken cancellationToken);

    Task<IReadOnlyList<RetryStepState>> Describe(CancellationToken cancellationToken);
}

/// <param name="Attempt">Transient failures so far: 0 for a request that never failed.</param>
public sealed record PendingSync(SyncRequested Request, int Attempt);

public sealed record RetryStepState(string Queue, TimeSpan Delay, long? Messages);
