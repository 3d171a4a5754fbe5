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
    /// <param name="changes">The changes one message carries.</param>
    /// <param name="deliveredBefore">
    /// The message is a redelivery or a retry of one whose first attempt may have stopped between recording a sync and
    /// publishing it: an event found already applied then publishes its prospect's unconfirmed SyncRequested again. A first
    /// delivery that finds its event applied is a second copy of the event being handled right now; it leaves the publish to
    /// that one (and, should that one fail, to its redelivery or to the relay), so the worker does not get the same request twice.
    /// </param>
    public async Task<IReadOnlyList<SyncStep>> Evaluate(IReadOnlyList<SyncChange> changes, bool deliveredBefore, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var steps = await store.Apply(changes, cancellationToken);
        for (var i = 0; i < steps.Count; i++)
            telemetry.Decided(changes[i], steps[i], startedAt);
        await dispatcher.Dispatch(deliveredBefore ? steps : steps.Where(step => step.Applied).ToList(), cancellationToken);
        return steps;
    }
}
