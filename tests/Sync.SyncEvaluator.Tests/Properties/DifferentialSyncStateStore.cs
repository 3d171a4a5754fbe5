using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Storage;

namespace Sync.SyncEvaluator.Tests.Properties;

/// <summary>
/// Wraps the Redis store and holds every step it takes to <see cref="SyncStateMachine"/>, run with the same "now" (Redis's clock,
/// returned by each script) and the same new ids: decisions, requests, the full state and the decisions list must be identical.
/// </summary>
public sealed class DifferentialSyncStateStore(ISyncStateStore inner, SyncStateSettings settings) : ISyncStateStore
{
    private readonly Dictionary<long, Model> _models = [];

    private int _stepsCompared;

    public int StepsCompared => _stepsCompared;

    public SyncState StateOf(long prospectId) => ModelOf(prospectId).State;

    public async Task<IReadOnlyList<SyncStep>> Apply(IReadOnlyList<SyncChange> changes, CancellationToken cancellationToken)
    {
        var steps = await inner.Apply(changes, cancellationToken);
        for (var i = 0; i < changes.Count; i++)
            await Compare(changes[i], steps[i]);
        return steps;
    }

    public Task<SyncStep> WhatIf(SyncChange change, CancellationToken cancellationToken) => inner.WhatIf(change, cancellationToken);

    public async Task<SyncStep> MarkPublished(long prospectId, Guid syncId, CancellationToken cancellationToken)
    {
        var step = await inner.MarkPublished(prospectId, syncId, cancellationToken);
        var model = ModelOf(prospectId);
        lock (model)
            model.State = SyncStateMachine.MarkPublished(model.State, syncId, step.At, settings);
        Assert.Equal(model.State.Outstanding, step.Outstanding);
        await CompareStored(prospectId);
        return step;
    }

    public async Task<SyncStep> ReissueIfExpired(long prospectId, CancellationToken cancellationToken)
    {
        var step = await inner.ReissueIfExpired(prospectId, cancellationToken);
        var model = ModelOf(prospectId);
        lock (model)
        {
            var expected = SyncStateMachine.ReissueIfExpired(model.State, prospectId, step.At, step.ToPublish?.EventId ?? Guid.NewGuid(), settings);
            Assert.Equal(expected?.ToPublish, step.ToPublish);
            Assert.Equal(expected?.Decision, step.Reissue);
            Assert.Null(step.Decision);
            if (expected is not null)
            {
                model.State = expected.State;
                model.Record(expected.Decision, settings.DecisionsKept);
            }
            Assert.Equal(model.State.Outstanding, step.Outstanding);
        }
        await CompareStored(prospectId);
        return step;
    }

    public Task<ProspectSyncStatus?> GetStatus(long prospectId, CancellationToken cancellationToken) => inner.GetStatus(prospectId, cancellationToken);

    public Task Schedule(long prospectId, DateTimeOffset actAt, CancellationToken cancellationToken) => inner.Schedule(prospectId, actAt, cancellationToken);

    public Task ScheduleAhead(IReadOnlyCollection<long> prospectIds, CancellationToken cancellationToken) =>
        inner.ScheduleAhead(prospectIds, cancellationToken);

    public Task<DueSyncs> Due(int max, CancellationToken cancellationToken) => inner.Due(max, cancellationToken);

    public Task<bool> Reschedule(long prospectId, DateTimeOffset expected, DateTimeOffset? next, CancellationToken cancellationToken) =>
        inner.Reschedule(prospectId, expected, next, cancellationToken);

    private async Task Compare(SyncChange change, SyncStep step)
    {
        var model = ModelOf(change.ProspectId);
        lock (model)
        {
            if (model.Seen.Contains(change.EventId))
            {
                // Nothing of its own; like every step, it issues the outstanding sync again if that sync's time ran out.
                Assert.False(step.Applied, $"event {change.EventId} was applied a second time");
                Assert.Null(step.Decision);
                var reissued = SyncStateMachine.ReissueIfExpired(model.State, change.ProspectId, step.At, step.ToPublish?.EventId ?? Guid.NewGuid(), settings);
                Assert.Equal(reissued?.Decision, step.Reissue);
                Assert.Equal(reissued?.ToPublish, step.ToPublish);
                if (reissued is not null)
                {
                    model.State = reissued.State;
                    model.Record(reissued.Decision, settings.DecisionsKept);
                }
                Assert.Equal(model.State.Outstanding, step.Outstanding);
                Assert.Equal(reissued is null && model.State.Outstanding is { Published: false } unconfirmed
                    ? SyncStateMachine.RequestFor(change.ProspectId, unconfirmed) : null, step.Unconfirmed);
            }
            else
            {
                Assert.True(step.Applied, $"event {change.EventId} was taken for a duplicate");
                // A step issues a sync or issues the outstanding one again, never both: the published request names the ids.
                var ids = step.ToPublish is { } issued ? new NewSyncIds(issued.SyncId, issued.EventId) : NewSyncIds.Create();
                var expected = SyncStateMachine.Apply(model.State, change, step.At, ids, settings);
                Assert.Equal(expected.Decision, step.Decision);
                Assert.Equal(expected.Reissue, step.Reissue);
                Assert.Equal(expected.ToPublish, step.ToPublish);
                Assert.Null(step.Unconfirmed);
                Assert.Equal(expected.State.Outstanding, step.Outstanding);
                model.State = expected.State;
                model.Seen.Add(change.EventId);
                model.Record(expected.Decision, settings.DecisionsKept);
                if (expected.Reissue is { } reissue)
                    model.Record(reissue, settings.DecisionsKept);
            }
        }
        await CompareStored(change.ProspectId);
    }

    private async Task CompareStored(long prospectId)
    {
        var model = ModelOf(prospectId);
        var stored = await inner.GetStatus(prospectId, CancellationToken.None);
        lock (model)
        {
            if (model.Decisions.Count == 0 && model.State == SyncState.New)
                return;
            Assert.NotNull(stored);
            Assert.Equal(model.State, stored!.State);
            Assert.Equal(model.Decisions, stored.Decisions);
            Interlocked.Increment(ref _stepsCompared);
        }
    }

    private Model ModelOf(long prospectId)
    {
        lock (_models)
        {
            if (!_models.TryGetValue(prospectId, out var model))
                _models[prospectId] = model = new Model();
            return model;
        }
    }

    private sealed class Model
    {
        public SyncState State { get; set; } = SyncState.New;

        public HashSet<Guid> Seen { get; } = [];

        public List<SyncDecision> Decisions { get; } = [];

        public void Record(SyncDecision decision, int kept)
        {
            if (Decisions.Count > 0 && decision.Replaces(Decisions[0]))
            {
                Decisions[0] = decision;
                return;
            }
            Decisions.Insert(0, decision);
            if (Decisions.Count > kept)
                Decisions.RemoveAt(Decisions.Count - 1);
        }
    }
}
