using System.Runtime.CompilerServices;

namespace Sync.SyncWorker.Storage.SyncErrors;

/// <summary>The embedded sync-error list: the same behaviour as Redis, kept in memory.</summary>
public sealed class InMemorySyncErrorStore : ISyncErrorStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, SyncErrorEntry> _entries = [];

    public Task Record(IReadOnlyCollection<SyncErrorOccurrence> occurrences)
    {
        lock (_lock)
        {
            foreach (var occurrence in occurrences)
            {
                var previous = _entries.GetValueOrDefault(occurrence.ProspectId);
                _entries[occurrence.ProspectId] = new SyncErrorEntry
                {
                    ProspectId = occurrence.ProspectId,
                    ErrorCode = occurrence.ErrorCode,
                    Message = occurrence.Message,
                    Fields = occurrence.Fields,
                    FirstSeen = previous?.FirstSeen ?? occurrence.At,
                    LastSeen = occurrence.At,
                    Attempts = (previous?.Attempts ?? 0) + 1,
                    LastSyncId = occurrence.SyncId,
                };
            }
        }
        return Task.CompletedTask;
    }

    public Task Clear(IReadOnlyCollection<long> prospectIds)
    {
        lock (_lock)
        {
            foreach (var id in prospectIds)
                _entries.Remove(id);
        }
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<SyncErrorEntry> Scan(string? errorCode, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<SyncErrorEntry> entries;
        lock (_lock)
            entries = [.. _entries.Values.Where(entry => errorCode is null || entry.ErrorCode == errorCode)];
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
        await Task.CompletedTask;
    }

    public Task<SyncErrorEntry?> Find(long prospectId)
    {
        lock (_lock)
            return Task.FromResult(_entries.GetValueOrDefault(prospectId));
    }

    public Task MarkRetryRequested(IReadOnlyCollection<long> prospectIds, DateTimeOffset at)
    {
        lock (_lock)
        {
            foreach (var id in prospectIds)
            {
                if (_entries.TryGetValue(id, out var entry))
                    _entries[id] = entry with { RetryRequestedAt = at };
            }
        }
        return Task.CompletedTask;
    }
}
