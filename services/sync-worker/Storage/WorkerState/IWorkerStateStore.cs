using Sync.Contracts;

namespace Sync.SyncWorker.Storage.WorkerState;

/// <summary>
/// What every worker replica shares: which prospects a batch is syncing right now, which syncs are finished (so a
/// redelivered request is not written twice), the operator's pause and the running totals shown by /sync/status.
/// </summary>
public interface IWorkerStateStore
{
    /// <summary>Claims the prospects for one batch; returns those claimed. A prospect another batch holds is not.</summary>
    Task<IReadOnlySet<long>> Claim(IReadOnlyCollection<long> prospectIds, string owner, TimeSpan timeout);

    /// <summary>Releases the claims <paramref name="owner"/> holds; a claim that expired and was taken by another batch stays.</summary>
    Task Release(IReadOnlyCollection<long> prospectIds, string owner);

    /// <summary>The completions already reported for these syncs, by (SyncId, Version).</summary>
    Task<IReadOnlyDictionary<SyncKey, SyncCompleted>> FindCompleted(IReadOnlyCollection<SyncKey> syncs);

    Task RememberCompleted(IReadOnlyCollection<SyncCompleted> completions, TimeSpan duration);

    Task<OperatorPause?> GetPause();

    Task SetPause(OperatorPause? pause);

    Task RecordBatch(BatchRecord batch);

    Task RecordError(string message, DateTimeOffset at);

    Task<WorkerTotals> GetTotals();
}

public readonly record struct SyncKey(long ProspectId, Guid SyncId, long Version);

/// <summary>An operator paused consuming; it holds, across replicas and restarts, until an operator resumes.</summary>
public sealed record OperatorPause(DateTimeOffset Since, string? Reason);

public sealed record BatchRecord(DateTimeOffset At, int Prospects, int CrmCalls, TimeSpan Duration, IReadOnlyDictionary<SyncOutcome, int> Outcomes);

public sealed record WorkerTotals
{
    public long Batches { get; init; }

    public long Prospects { get; init; }

    public long CrmCalls { get; init; }

    public IReadOnlyDictionary<SyncOutcome, long> Outcomes { get; init; } = new Dictionary<SyncOutcome, long>();

    public DateTimeOffset? LastBatchAt { get; init; }

    public int? LastBatchSize { get; init; }

    public double? LastBatchMilliseconds { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? LastErrorAt { get; init; }
}
