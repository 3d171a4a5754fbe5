using StackExchange.Redis;
using Sync.Rules;
using Sync.SyncEvaluator.Storage;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>
/// A sync-state store that goes away right after a chosen step: the script ran, its changes are in Redis, but the caller hears
/// only a lost connection, as when Redis fails over between the script and its reply.
/// </summary>
public sealed class FailingSyncStateStore : ISyncStateStore
{
    private readonly HashSet<long> _failAfterApply = [];
    private ISyncStateStore _inner = null!;

    public ISyncStateStore Inner => _inner;

    public FailingSyncStateStore Around(ISyncStateStore inner)
    {
        _inner = inner;
        return this;
    }

    /// <summary>The next <see cref="Apply"/> that touches the prospect runs, then fails as if the connection dropped.</summary>
    public void FailAfterNextApply(long prospectId)
    {
        lock (_failAfterApply)
            _failAfterApply.Add(prospectId);
    }

    public async Task<IReadOnlyList<SyncStep>> Apply(IReadOnlyList<SyncChange> changes, CancellationToken cancellationToken)
    {
        var steps = await _inner.Apply(changes, cancellationToken);
        int failing;
        lock (_failAfterApply)
            failing = _failAfterApply.RemoveWhere(prospectId => changes.Any(change => change.ProspectId == prospectId));
        if (failing > 0)
            throw new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "The test store went away right after the script ran.", null, CommandStatus.Unknown);
        return steps;
    }

    public Task<SyncStep> WhatIf(SyncChange change, CancellationToken cancellationToken) => _inner.WhatIf(change, cancellationToken);

    public Task<SyncStep> MarkPublished(long prospectId, Guid syncId, CancellationToken cancellationToken) =>
        _inner.MarkPublished(prospectId, syncId, cancellationToken);

    public Task<SyncStep> ReissueIfExpired(long prospectId, CancellationToken cancellationToken) => _inner.ReissueIfExpired(prospectId, cancellationToken);

    public Task<ProspectSyncStatus?> GetStatus(long prospectId, CancellationToken cancellationToken) => _inner.GetStatus(prospectId, cancellationToken);

    public Task Schedule(long prospectId, DateTimeOffset actAt, CancellationToken cancellationToken) =>
        _inner.Schedule(prospectId, actAt, cancellationToken);

    public Task ScheduleAhead(IReadOnlyCollection<long> prospectIds, CancellationToken cancellationToken) =>
        _inner.ScheduleAhead(prospectIds, cancellationToken);

    public Task<DueSyncs> Due(int max, CancellationToken cancellationToken) => _inner.Due(max, cancellationToken);

    public Task<bool> Reschedule(long prospectId, DateTimeOffset expected, DateTimeOffset? next, CancellationToken cancellationToken) =>
        _inner.Reschedule(prospectId, expected, next, cancellationToken);
}
