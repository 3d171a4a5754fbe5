using System.Runtime.CompilerServices;
using Sync.Contracts;
using Sync.ProspectEditor.Prospects;

namespace Sync.ProspectEditor.Storage;

/// <summary>Prospects in memory, for the embedded host: the same contract as <see cref="RedisProspectStore"/>, under one lock.</summary>
public sealed class InMemoryProspectStore(TimeProvider time) : IProspectStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Prospect> _prospects = [];
    private readonly Dictionary<long, Dictionary<Guid, ProspectChanged>> _outboxes = [];
    private readonly Dictionary<string, long> _claims = new(StringComparer.Ordinal);
    private readonly Dictionary<long, double> _marks = [];
    private long _nextId;
    private double _lastMark;

    public Task<Prospect?> Get(long prospectId, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_prospects.GetValueOrDefault(prospectId));
    }

    public Task<IReadOnlyList<Prospect>> GetMany(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<Prospect>>(prospectIds.Select(id => _prospects.GetValueOrDefault(id)).OfType<Prospect>().ToList());
    }

    public Task<long?> FindClaim(string email, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_claims.TryGetValue(email, out var id) ? id : (long?)null);
    }

    public Task<EmailClaim> Claim(string email, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_claims.TryGetValue(email, out var existing))
                return Task.FromResult(new EmailClaim(existing, Claimed: false));
            var id = ++_nextId;
            _claims[email] = id;
            return Task.FromResult(new EmailClaim(id, Claimed: true));
        }
    }

    public Task<bool> TryWrite(Prospect prospect, long expectedRevision, ProspectChanged change, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var current = _prospects.TryGetValue(prospect.Id, out var stored) ? stored.Revision : 0;
            _marks[prospect.Id] = NextMark();
            if (current != expectedRevision)
                return Task.FromResult(false);
            _prospects[prospect.Id] = prospect;
            if (!_outboxes.TryGetValue(prospect.Id, out var outbox))
                _outboxes[prospect.Id] = outbox = [];
            outbox[change.EventId] = change;
            return Task.FromResult(true);
        }
    }

    public Task<long> HighestId(CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_nextId);
    }

    public Task<IReadOnlyList<OutboxMark>> PendingOutboxes(TimeSpan markedBefore, int limit, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().ToUnixTimeMilliseconds() - markedBefore.TotalMilliseconds;
        lock (_lock)
            return Task.FromResult<IReadOnlyList<OutboxMark>>(_marks.Where(mark => mark.Value < cutoff).OrderBy(mark => mark.Value)
                .Take(limit).Select(mark => new OutboxMark(mark.Key, mark.Value)).ToList());
    }

    public Task<long> PendingOutboxCount(CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult((long)_marks.Count);
    }

    public Task<IReadOnlyList<ProspectChanged>> ReadOutbox(long prospectId, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<ProspectChanged>>(_outboxes.TryGetValue(prospectId, out var outbox)
                ? outbox.Values.OrderBy(change => change.Revision).ToList()
                : []);
    }

    public Task Acknowledge(long prospectId, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_outboxes.TryGetValue(prospectId, out var outbox))
            {
                foreach (var eventId in eventIds)
                    outbox.Remove(eventId);
                if (outbox.Count == 0)
                    _outboxes.Remove(prospectId);
            }
        }
        return Task.CompletedTask;
    }

    public Task<bool> ReleaseIfDrained(OutboxMark mark, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_outboxes.ContainsKey(mark.ProspectId) || !_marks.TryGetValue(mark.ProspectId, out var score) || score != mark.Score)
                return Task.FromResult(false);
            _marks.Remove(mark.ProspectId);
            return Task.FromResult(true);
        }
    }

    public async IAsyncEnumerable<IReadOnlyList<long>> OutboxesWithEvents(int scanStep, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<long> withEvents;
        lock (_lock)
            withEvents = _outboxes.Keys.ToList();
        foreach (var page in withEvents.Chunk(scanStep))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return page;
        }
        await Task.CompletedTask;
    }

    public Task<int> MarkUnmarked(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(prospectIds.Count(id => _marks.TryAdd(id, 0)));
    }

    // Strictly increasing, so a mark made after a read always differs from the value read.
    private double NextMark() => _lastMark = Math.Max(_lastMark + 0.001, time.GetUtcNow().ToUnixTimeMilliseconds());
}
