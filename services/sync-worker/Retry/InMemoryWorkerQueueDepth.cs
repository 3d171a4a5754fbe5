namespace Sync.SyncWorker.Retry;

/// <summary>
/// The embedded worker's count of the requests its in-memory sync-worker queue holds ready: MassTransit's in-memory queue
/// keeps its own count but does not show it, so <see cref="WorkerQueueTraffic"/> tells this what enters the queue and
/// what leaves it for the worker's endpoint. Paused (the endpoint disconnected), the queue keeps its messages and this its count.
/// </summary>
/// <remarks>
/// An estimate, never too high by design: an entry is told after the transport has queued the message (and a delayed one
/// once its delay is over), so a delivery may be told first and the difference dip below zero for a moment, which reads as 0.
/// A request published before the endpoint first connected was dropped (no queue was bound yet), so those are not counted.
/// A message that leaves without its entry having been counted (not a SyncRequested, say) makes the count low, which only
/// makes a batch wait less, as when the count was unknown.
/// </remarks>
public sealed class InMemoryWorkerQueueDepth : IWorkerQueueDepth
{
    private long _entered;
    private long _delivered;
    private int _bound;

    /// <summary>The sync-worker queue is bound to the requests' exchange: what is published from now on enters it.</summary>
    public void Bound() => Interlocked.Exchange(ref _bound, 1);

    /// <summary>A request was published: it entered the queue if the queue was bound by then.</summary>
    public void Published()
    {
        if (Volatile.Read(ref _bound) == 1)
            Interlocked.Increment(ref _entered);
    }

    /// <summary>A request was sent to the queue (or its delay is over): the in-memory transport queues a send whether bound or not.</summary>
    public void Sent() => Interlocked.Increment(ref _entered);

    /// <summary>A request left the queue for the worker's endpoint.</summary>
    public void Delivered() => Interlocked.Increment(ref _delivered);

    public Task<long> Ready(CancellationToken cancellationToken) =>
        Task.FromResult(Math.Max(0, Interlocked.Read(ref _entered) - Interlocked.Read(ref _delivered)));
}
