using StackExchange.Redis;
using Sync.Contracts;
using Sync.ProspectEditor.Prospects;
using Sync.ProspectEditor.Storage;

namespace Sync.ProspectEditor.Tests;

/// <summary>The Redis prospect store, whose writes fail as a Redis outage would once it is told to: what "part-way" tests need.</summary>
public sealed class FlakyProspectStore(IProspectStore inner) : IProspectStore
{
    private int _writesLeft = int.MaxValue;

    /// <summary>Lets <paramref name="writes"/> more writes through, then fails every write until <see cref="Heal"/>.</summary>
    public void FailWritesAfter(int writes) => Volatile.Write(ref _writesLeft, writes);

    public void Heal() => Volatile.Write(ref _writesLeft, int.MaxValue);

    public Task<bool> TryWrite(Prospect prospect, long expectedRevision, ProspectChanged change, CancellationToken cancellationToken) =>
        Interlocked.Decrement(ref _writesLeft) < 0
            ? throw new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "Redis is away (a test's outage)")
            : inner.TryWrite(prospect, expectedRevision, change, cancellationToken);

    public Task<Prospect?> Get(long prospectId, CancellationToken cancellationToken) => inner.Get(prospectId, cancellationToken);

    public Task<IReadOnlyList<Prospect>> GetMany(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken) =>
        inner.GetMany(prospectIds, cancellationToken);

    public Task<long?> FindClaim(string email, CancellationToken cancellationToken) => inner.FindClaim(email, cancellationToken);

    public Task<EmailClaim> Claim(string email, CancellationToken cancellationToken) => inner.Claim(email, cancellationToken);

    public Task<long> HighestId(CancellationToken cancellationToken) => inner.HighestId(cancellationToken);

    public Task<IReadOnlyList<OutboxMark>> PendingOutboxes(TimeSpan markedBefore, int limit, CancellationToken cancellationToken) =>
        inner.PendingOutboxes(markedBefore, limit, cancellationToken);

    public Task<long> PendingOutboxCount(CancellationToken cancellationToken) => inner.PendingOutboxCount(cancellationToken);

    public Task<IReadOnlyList<ProspectChanged>> ReadOutbox(long prospectId, CancellationToken cancellationToken) => inner.ReadOutbox(prospectId, cancellationToken);

    public Task Acknowledge(long prospectId, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken) =>
        inner.Acknowledge(prospectId, eventIds, cancellationToken);

    public Task<bool> ReleaseIfDrained(OutboxMark mark, CancellationToken cancellationToken) => inner.ReleaseIfDrained(mark, cancellationToken);

    public IAsyncEnumerable<IReadOnlyList<long>> OutboxesWithEvents(int scanStep, CancellationToken cancellationToken) =>
        inner.OutboxesWithEvents(scanStep, cancellationToken);

    public Task<int> MarkUnmarked(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken) => inner.MarkUnmarked(prospectIds, cancellationToken);
}
