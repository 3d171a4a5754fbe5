using Microsoft.Extensions.Options;
using Sync.Clients.Crm;
using Sync.CrmSimulator.Configuration;
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Storage.Records;

/// <summary>The record store of the embedded mode: the same contract as Redis, in this process's memory.</summary>
public sealed class InMemoryCrmRecordStore(IOptions<CrmSimulatorOptions> options) : ICrmRecordStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Type, string Id), StoredRecord> _records = [];
    private readonly Dictionary<string, SortedSet<string>> _idsByType = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Type, string Field, string Value), HashSet<string>> _index = [];
    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);
    // Feed positions are consecutive, so entry i sits at position _floor + 1 + i.
    private readonly List<CrmChange> _feed = [];
    private long _head;
    private long _floor;

    public Task<StoredRecord?> Get(string type, string id, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_records.GetValueOrDefault((type, id)));
    }

    public Task<IReadOnlyList<StoredRecord>> GetMany(string type, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<StoredRecord> found = ids.Distinct().Select(id => _records.GetValueOrDefault((type, id))).OfType<StoredRecord>().ToList();
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<string>> FindIds(string type, string field, IReadOnlyCollection<string> values, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<string> ids = values
                .SelectMany(value => _index.GetValueOrDefault((type, field, FieldValues.IndexForm(value))) ?? [])
                .Distinct()
                .ToList();
            return Task.FromResult(ids);
        }
    }

    public Task<IReadOnlyList<string>> AllIds(string type, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<string>>(_idsByType.TryGetValue(type, out var ids) ? [.. ids] : []);
    }

    public Task<long> ReserveSequence(string type, int count, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var last = _sequences.GetValueOrDefault(type) + count;
            _sequences[type] = last;
            return Task.FromResult(last - count + 1);
        }
    }

    public Task<CommitResult> Commit(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            for (var i = 0; i < writes.Count; i++)
            {
                var current = _records.GetValueOrDefault((writes[i].Type, writes[i].Id))?.Version ?? 0;
                if (current != writes[i].ExpectedVersion)
                    return Task.FromResult(CommitResult.Conflict(i));
            }

            var positions = new List<long?>(writes.Count);
            foreach (var write in writes)
            {
                if (write.Fields is not null)
                    Apply(write);
                if (write.Change is null)
                {
                    positions.Add(null);
                    continue;
                }
                _head++;
                _feed.Add(write.Change with { Position = _head });
                positions.Add(_head);
            }
            Trim();
            return Task.FromResult(new CommitResult(true, positions, null));
        }
    }

    public Task<FeedPage> ReadFeed(long afterPosition, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var start = (int)Math.Clamp(afterPosition - _floor, 0, _feed.Count);
            IReadOnlyList<CrmChange> changes = _feed.GetRange(start, Math.Min(limit, _feed.Count - start));
            return Task.FromResult(new FeedPage(changes, _head, _floor));
        }
    }

    private void Apply(RecordWrite write)
    {
        var indexed = SObjectSchema.Find(write.Type)?.IndexedFields.ToList() ?? [];
        foreach (var field in indexed)
        {
            if (write.PreviousFields?.GetValueOrDefault(field) is { } previous)
                _index.GetValueOrDefault((write.Type, field, FieldValues.IndexForm(previous)))?.Remove(write.Id);
            if (write.Fields!.GetValueOrDefault(field) is { } next)
            {
                var key = (write.Type, field, FieldValues.IndexForm(next));
                if (!_index.TryGetValue(key, out var ids))
                    _index[key] = ids = new HashSet<string>(StringComparer.Ordinal);
                ids.Add(write.Id);
            }
        }

        _records[(write.Type, write.Id)] = new StoredRecord(write.Type, write.Id, write.ExpectedVersion + 1, new Dictionary<string, string?>(write.Fields!));
        if (!_idsByType.TryGetValue(write.Type, out var all))
            _idsByType[write.Type] = all = new SortedSet<string>(StringComparer.Ordinal);
        all.Add(write.Id);
    }

    private void Trim()
    {
        var excess = _feed.Count - options.Value.Feed.RetainedEntries;
        if (excess <= 0)
            return;
        _feed.RemoveRange(0, excess);
        _floor += excess;
    }
}
