using Sync.Contracts;

namespace Sync.SyncWorker.Storage;

/// <summary>The embedded (single-process) worker state: the same behaviour as Redis, kept in memory.</summary>
public sealed class InMemoryWorkerStateStore(TimeProvider time) : IWorkerStateStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, (string Owner, DateTimeOffset Until)> _claims = [];
    private readonly Dictionary<SyncKey, (SyncCompleted Completion, DateTimeOffset Until)> _completed = [];
    private readonly Dictionary<SyncOutcome, long> _outcomes = [];
    private OperatorPause? _pause;
    private WorkerTotals _totals = new();

    public Task<IReadOnlySet<long>> Claim(IReadOnlyCollection<long> prospectIds, string owner, TimeSpan timeout)
    {
        var now = time.GetUtcNow();
        var claimed = new HashSet<long>();
        lock (_lock)
        {
            foreach (var id in prospectIds.Distinct())
            {
                if (_claims.TryGetValue(id, out var claim) && claim.Until > now)
                    continue;
                _claims[id] = (owner, now + timeout);
                claimed.Add(id);
            }
        }
        return Task.FromResult<IReadOnlySet<long>>(claimed);
    }

    public Task Release(IReadOnlyCollection<long> prospectIds, string owner)
    {
        lock (_lock)
        {
            foreach (var id in prospectIds)
            {
                if (_claims.TryGetValue(id, out var claim) && claim.Owner == owner)
                    _claims.Remove(id);
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<SyncKey, SyncCompleted>> FindCompleted(IReadOnlyCollection<SyncKey> syncs)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            foreach (var expired in _completed.Where(entry => entry.Value.Until <= now).Select(entry => entry.Key).ToList())
                _completed.Remove(expired);
            IReadOnlyDictionary<SyncKey, SyncCompleted> found = syncs.Distinct()
                .Where(_completed.ContainsKey)
                .ToDictionary(sync => sync, sync => _completed[sync].Completion);
            return Task.FromResult(found);
        }
    }

    public Task RememberCompleted(IReadOnlyCollection<SyncCompleted> completions, TimeSpan duration)
    {
        var until = time.GetUtcNow() + duration;
        lock (_lock)
        {
            foreach (var completion in completions)
                _completed[new SyncKey(completion.ProspectId, completion.SyncId, completion.Version)] = (completion, until);
        }
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
