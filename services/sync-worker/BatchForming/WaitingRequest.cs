using Sync.SyncWorker.Retry;


namespace Sync.SyncWorker.BatchForming;

/// <summary>One request waiting for its batch; compared by reference, as a redelivered request may equal another.</summary>
public sealed class WaitingRequest(PendingSync request, bool alone, DateTimeOffset arrivedAt)
{
    public PendingSync Request { get; } = request;

    /// <summary>Retried after its batch failed: it goes in a batch of its own.</summary>
    public bool Alone { get; } = alone;

    public DateTimeOffset ArrivedAt { get; } = arrivedAt;

    /// <summary>Ends when its batch is done, or faults with the batch's failure.</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
