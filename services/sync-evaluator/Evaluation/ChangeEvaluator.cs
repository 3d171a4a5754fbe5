using Sync.Rules;
using Sync.SyncEvaluator.Outbox;
using Sync.SyncEvaluator.Storage;

namespace Sync.SyncEvaluator.Evaluation;

/// <summary>
/// Decides on events: each change is applied to its prospect's sync state in one atomic step, every decision is traced,
/// counted and logged, and any SyncRequested a step issued is published with confirms before the event is acknowledged.
/// </summary>
public sealed class ChangeEvaluator(ISyncStateStore store, SyncRequestDispatcher dispatcher, EvaluatorTelemetry telemetry)
{
    public async Task<IReadOnlyList<SyncStep>> Evaluate(IReadOnlyList<SyncChange> changes, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var steps = await store.Apply(changes, cancellationToken);
        for (var i = 0; i < steps.Count; i++)
            telemetry.Decided(changes[i], steps[i], startedAt);
        await dispatcher.Dispatch(steps, cancellationToken);
        return steps;
    }

    public Task<IReadOnlyList<SyncStep>> Evaluate(SyncChange change, CancellationToken cancellationToken) =>
        Evaluate([change], cancellationToken);
}
