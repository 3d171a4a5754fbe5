using Sync.Rules;
using Sync.SyncEvaluator.Outbox;
using Sync.SyncEvaluator.Storage;

namespace Sync.SyncEvaluator.Evaluation;

/// <summary>
/// Decides on events: each change is applied to its prospect's sync state in one atomic step, every decision is traced,
/// counted and logged, and any SyncRequested a step issued is published with confirms before the event is acknowledged.
/// </summary>
public sealed class ChangeEvaluator(ISyncStateStore store, SyncRequestDispatcher dispatcher, EvaluatorTelemetry telemetry, TimeProvider time)
{
    /// <param name="changes">The changes one message carries.</param>
    /// <param name="deliveredBefore">
    /// The message is a redelivery or a retry of one whose first attempt may have stopped between recording a sync and
    /// publishing it: an event found already applied then publishes its prospect's unconfirmed SyncRequested again at once. A
    /// first delivery that finds its event applied may be a second copy of the event being handled right now; it leaves the
    /// publish to that one until the publish grace has run out (then the step itself issues the sync again, as the relay would).
    /// </param>
    public async Task<IReadOnlyList<SyncStep>> Evaluate(IReadOnlyList<SyncChange> changes, bool deliveredBefore, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        // Written ahead of the step: the relay must know of a sync before the step records it, since this process or Redis may
        // be gone right after (the message then ends in the error queue, and an event moved back from there is a first delivery).
        var mayIssue = changes.Where(change => change.Rule.MayIssueSync).Select(change => change.ProspectId).Distinct().ToList();
        if (mayIssue.Count > 0)
            await store.ScheduleAhead(mayIssue, cancellationToken);

        var steps = await store.Apply(changes, cancellationToken);
        for (var i = 0; i < steps.Count; i++)
        {
            telemetry.Decided(changes[i], steps[i], startedAt);
            if (steps[i].Reissue is not null)
                telemetry.Reissued(steps[i]);
        }
        await dispatcher.Dispatch(steps, republishUnconfirmed: deliveredBefore, cancellationToken);
        return steps;
    }
}
