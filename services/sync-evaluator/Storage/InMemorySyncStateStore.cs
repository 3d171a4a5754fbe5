using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Sync.Rules;

namespace Sync.SyncEvaluator.Storage;

/// <summary>
/// The sync state in this process, for the embedded host: the same steps as the Redis scripts, made by
/// <see cref="SyncStateMachine"/> itself under a lock per prospect, with the injected TimeProvider for "now".
/// </summary>
public sealed class InMemorySyncStateStore(IOptions<SyncStateSettings> options, TimeProvider time) : ISyncStateStore
{
    private readonly ConcurrentDictionary<long, Prospect> _prospects = new();
    private readonly Dictionary<long, DateTimeOffset> _schedule = [];

    private SyncStateSettings Settings => options.Value;

    public Task<IReadOnlyList<SyncStep>> Apply(IReadOnlyList<SyncChange> changes, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SyncStep>>(changes.Select(change => Step(change, dryRun: false)).ToList());

    public Task<SyncStep> WhatIf(SyncChange change, CancellationToken cancellationToken) => Task.FromResult(Step(change, dryRun: true));

    public Task<SyncStep> MarkPublished(long prospectId, Guid syncId, CancellationToken cancellationToken)
    {
        var now = Now();
        if (!_prospects.TryGetValue(prospectId, out var prospect))
            return Task.FromResult(new SyncStep { ProspectId = prospectId, At = now });
        lock (prospect)
        {
            prospect.State = SyncStateMachine.MarkPublished(prospect.State, syncId, now, Settings);
            return Task.FromResult(new SyncStep { ProspectId = prospectId, At = now, Outstanding = prospect.State.Outstanding });
        }
    }

    public Task<SyncStep> ReissueIfExpired(long prospectId, CancellationToken cancellationToken)
    {
        var now = Now();
        if (!_prospects.TryGetValue(prospectId, out var prospect))
            return Task.FromResult(new SyncStep { ProspectId = prospectId, At = now });
        lock (prospect)
        {
            var reissued = ReissueIfExpired(prospect, prospectId, now, dryRun: false);
            if (reissued is null)
                return Task.FromResult(new SyncStep { ProspectId = prospectId, At = now, Outstanding = prospect.State.Outstanding });
            return Task.FromResult(new SyncStep
            {
                ProspectId = prospectId,
                At = now,
                Reissue = reissued.Decision,
                Outstanding = reissued.State.Outstanding,
                ToPublish = reissued.ToPublish,
            });
        }
    }

    public Task<ProspectSyncStatus?> GetStatus(long prospectId, CancellationToken cancellationToken)
    {
        if (!_prospects.TryGetValue(prospectId, out var prospect))
            return Task.FromResult<ProspectSyncStatus?>(null);
        lock (prospect)
        {
            return Task.FromResult<ProspectSyncStatus?>(prospect.Known
                ? new ProspectSyncStatus(prospectId, prospect.State, prospect.DecisionsAsOf(Now(), Settings.DecisionsRetention))
                : null);
        }
    }

    public Task Schedule(long prospectId, DateTimeOffset actAt, CancellationToken cancellationToken)
    {
        lock (_schedule)
            _schedule[prospectId] = SyncStateMachine.ToMilliseconds(actAt);
        return Task.CompletedTask;
    }

    public Task ScheduleAhead(IReadOnlyCollection<long> prospectIds, CancellationToken cancellationToken)
    {
        var at = Now() + Settings.PublishGrace;
        lock (_schedule)
        {
            foreach (var prospectId in prospectIds)
                _schedule[prospectId] = at;
        }
        return Task.CompletedTask;
    }

    public Task<DueSyncs> Due(int max, CancellationToken cancellationToken)
    {
        var now = Now();
        lock (_schedule)
        {
            var due = _schedule.Where(entry => entry.Value <= now)
                .OrderBy(entry => entry.Value)
                .Take(max)
                .Select(entry => new ScheduledSync(entry.Key, entry.Value))
                .ToList();
            return Task.FromResult(new DueSyncs(now, due));
        }
    }

    public Task<bool> Reschedule(long prospectId, DateTimeOffset expected, DateTimeOffset? next, CancellationToken cancellationToken)
    {
        lock (_schedule)
        {
            if (!_schedule.TryGetValue(prospectId, out var current) || current != SyncStateMachine.ToMilliseconds(expected))
                return Task.FromResult(false);
            if (next is { } time)
                _schedule[prospectId] = SyncStateMachine.ToMilliseconds(time);
            else
                _schedule.Remove(prospectId);
            return Task.FromResult(true);
        }
    }

    private SyncStep Step(SyncChange change, bool dryRun)
    {
        var now = Now();
        var prospect = dryRun
            ? _prospects.GetValueOrDefault(change.ProspectId) ?? new Prospect()
            : _prospects.GetOrAdd(change.ProspectId, _ => new Prospect());
        lock (prospect)
        {
            if (prospect.HasSeen(change.EventId, now - Settings.DedupeWindow))
            {
                var reissued = ReissueIfExpired(prospect, change.ProspectId, now, dryRun);
                return new SyncStep
                {
                    ProspectId = change.ProspectId,
                    At = now,
                    Applied = false,
                    Reissue = reissued?.Decision,
                    Outstanding = (reissued?.State ?? prospect.State).Outstanding,
                    ToPublish = reissued?.ToPublish,
                };
            }

            var evaluation = SyncStateMachine.Apply(prospect.State, change, now, NewSyncIds.Create(), Settings);
            if (!dryRun)
            {
                prospect.State = evaluation.State;
                prospect.Known = true;
                prospect.Record(evaluation.Decision, now, Settings);
                if (evaluation.Reissue is { } reissue)
                    prospect.Record(reissue, now, Settings);
                prospect.Remember(change.EventId, now, now - Settings.DedupeWindow);
            }
            return new SyncStep
            {
                ProspectId = change.ProspectId,
                At = now,
                Decision = evaluation.Decision,
                Reissue = evaluation.Reissue,
                Outstanding = evaluation.State.Outstanding,
                ToPublish = evaluation.ToPublish,
            };
        }
    }

    /// <summary>The relay's step on a prospect under its lock, kept unless a dry run: reissue_and_save of the Lua prelude.</summary>
    private Sync.Rules.Evaluation? ReissueIfExpired(Prospect prospect, long prospectId, DateTimeOffset now, bool dryRun)
    {
        var reissued = SyncStateMachine.ReissueIfExpired(prospect.State, prospectId, now, Guid.NewGuid(), Settings);
        if (reissued is not null && !dryRun)
        {
            prospect.State = reissued.State;
            prospect.Record(reissued.Decision, now, Settings);
        }
        return reissued;
    }

    private DateTimeOffset Now() => SyncStateMachine.ToMilliseconds(time.GetUtcNow());

    private sealed class Prospect
    {
        private readonly Dictionary<Guid, DateTimeOffset> _seen = [];
        private readonly Queue<(Guid EventId, DateTimeOffset At)> _seenInOrder = new();

        /// <summary>Newest first, as the Redis list keeps them, and gone like it once the retention passed without a decision.</summary>
        private readonly LinkedList<SyncDecision> _decisions = new();
        private DateTimeOffset _decidedAt;

        public SyncState State { get; set; } = SyncState.New;

        public bool Known { get; set; }

        public IReadOnlyList<SyncDecision> DecisionsAsOf(DateTimeOffset now, TimeSpan retention) =>
            now - _decidedAt >= retention ? [] : _decisions.ToList();

        public void Record(SyncDecision decision, DateTimeOffset now, SyncStateSettings settings)
        {
            if (now - _decidedAt >= settings.DecisionsRetention)
                _decisions.Clear();
            _decidedAt = now;
            if (_decisions.First is { } newest && decision.Replaces(newest.Value))
            {
                newest.Value = decision;
                return;
            }
            _decisions.AddFirst(decision);
            while (_decisions.Count > settings.DecisionsKept)
                _decisions.RemoveLast();
        }

        public bool HasSeen(Guid eventId, DateTimeOffset forgetBefore) =>
            _seen.TryGetValue(eventId, out var at) && at >= forgetBefore;

        public void Remember(Guid eventId, DateTimeOffset at, DateTimeOffset forgetBefore)
        {
            while (_seenInOrder.TryPeek(out var oldest) && oldest.At < forgetBefore)
            {
                _seenInOrder.Dequeue();
                if (_seen.TryGetValue(oldest.EventId, out var seenAt) && seenAt == oldest.At)
                    _seen.Remove(oldest.EventId);
            }
            _seen[eventId] = at;
            _seenInOrder.Enqueue((eventId, at));
        }
    }
}
