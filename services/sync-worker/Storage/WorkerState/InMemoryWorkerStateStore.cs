using Sync.Contracts;
using Sync.ServiceDefaults.Storage;

namespace Sync.SyncWorker.Storage.WorkerState;

/// <summary>The embedded (single-process) worker state: the same behaviour as Redis, kept in memory.</summary>
public sealed class InMemoryWorkerStateStore(TimeProvider time) : IWorkerStateStore
{
    private readonly Lock _lock = new();
    private readonly ExpiringDictionary<long, string> _claims = new(time);
    private readonly ExpiringDictionary<SyncKey, SyncCompleted> _completed = new(time);
    private readonly Dictionary<SyncOutcome, long> _outcomes = [];
    private OperatorPause? _pause;
    private WorkerTotals _totals = new();

    public Task<IReadOnlySet<long>> Claim(IReadOnlyCollection<long> prospectIds, string owner, TimeSpan timeout)
    {
        IReadOnlySet<long> claimed = prospectIds.Distinct().Where(id => _claims.TryAdd(id, owner, timeout)).ToHashSet();
        return Task.FromResult(claimed);
    }

    public Task Release(IReadOnlyCollection<long> prospectIds, string owner)
    {
        foreach (var id in prospectIds)
            _claims.TryRemove(id, holder => holder == owner);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<SyncKey, SyncCompleted>> FindCompleted(IReadOnlyCollection<SyncKey> syncs)
    {
        var found = new Dictionary<SyncKey, SyncCompleted>();
        foreach (var sync in syncs.Distinct())
        {
            if (_completed.TryGetValue(sync, out var completion))
                found[sync] = completion;
        }
        return Task.FromResult<IReadOnlyDictionary<SyncKey, SyncCompleted>>(found);
    }

    public Task RememberCompleted(IReadOnlyCollection<SyncCompleted> completions, TimeSpan duration)
    {
        foreach (var completion in completions)
            _completed.Set(new SyncKey(completion.ProspectId, completion.SyncId, completion.Version), completion, duration);
        return Task.CompletedTask;
    }

    public Task<OperatorPause?> GetPause()
    {
        lock (_lock)
            return Task.FromResult(_pause);
    }

    public Task SetPause(OperatorPause? pause)
    {
        lock (_lock)
            _pause = pause;
        return Task.CompletedTask;
    }

    public Task RecordBatch(BatchRecord batch)
    {
        lock (_lock)
        {
            foreach (var (outcome, count) in batch.Outcomes)
                _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + count;
            _totals = _totals with
            {
                Batches = _totals.Batches + 1,
                Prospects = _totals.Prospects + batch.Prospects,
                CrmCalls = _totals.CrmCalls + batch.CrmCalls,
                LastBatchAt = batch.At,
                LastBatchSize = batch.Prospects,
                LastBatchMilliseconds = batch.Duration.TotalMilliseconds,
            };
        }
        return Task.CompletedTask;
    }

    public Task RecordError(string message, DateTimeOffset at)
    {
        lock (_lock)
            _totals = _totals with { LastError = message, LastErrorAt = at };
        return Task.CompletedTask;
    }

    public Task<WorkerTotals> GetTotals()
    {
        lock (_lock)
        {
            return Task.FromResult(_totals with
            {
                Outcomes = Enum.GetValues<SyncOutcome>().ToDictionary(outcome => outcome, outcome => _outcomes.GetValueOrDefault(outcome)),
            });
        }
    }
}
