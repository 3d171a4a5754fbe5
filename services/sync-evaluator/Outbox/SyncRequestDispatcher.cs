using Sync.Contracts;
using Sync.SyncEvaluator.Evaluation;
using Sync.SyncEvaluator.Storage;

namespace Sync.SyncEvaluator.Outbox;

/// <summary>
/// Delivers the SyncRequested that steps left in prospects' outboxes: schedule the relay's look first (so a crash from here on
/// is caught by the relay when the publish grace runs out), publish with confirms, then mark published, which starts the lease,
/// and move the relay's look to the lease's end.
/// </summary>
public sealed class SyncRequestDispatcher(ISyncStateStore store, ISyncRequestPublisher publisher, EvaluatorTelemetry telemetry)
{
    public async Task Dispatch(IReadOnlyList<SyncStep> steps, CancellationToken cancellationToken)
    {
        var toPublish = steps.Where(step => step.ToPublish is not null && step.Outstanding is not null).ToList();
        if (toPublish.Count == 0)
            return;

        // Just issued, so no other writer can hold a later time that matters: a plain overwrite is safe here.
        await Task.WhenAll(toPublish.Select(step => store.Schedule(step.ProspectId, step.Outstanding!.LeaseUntil, cancellationToken)));

        var requests = toPublish.Select(step => step.ToPublish!).ToList();
        await publisher.Publish(requests, cancellationToken);
        foreach (var request in requests)
            telemetry.Published(request);

        await Task.WhenAll(toPublish.Select(async step =>
        {
            var marked = await store.MarkPublished(step.ProspectId, step.ToPublish!.SyncId, cancellationToken);
            if (marked.Outstanding is { } outstanding && outstanding.LeaseUntil != step.Outstanding!.LeaseUntil)
                await store.Reschedule(step.ProspectId, step.Outstanding.LeaseUntil, outstanding.LeaseUntil, cancellationToken);
        }));
    }
}
