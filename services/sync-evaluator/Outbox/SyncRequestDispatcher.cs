using Sync.Contracts;
using Sync.SyncEvaluator.Evaluation;
using Sync.SyncEvaluator.Storage;

namespace Sync.SyncEvaluator.Outbox;

/// <summary>
/// Delivers the SyncRequested that steps left in prospects' outboxes: schedule the relay's look at the publish grace's end (so
/// a crash from here on is caught by the relay), publish with confirms, then mark published, which starts the lease, and move
/// the relay's look to the lease's end.
/// </summary>
public sealed class SyncRequestDispatcher(ISyncStateStore store, ISyncRequestPublisher publisher, EvaluatorTelemetry telemetry)
{
    /// <param name="steps">Steps whose <see cref="SyncStep.ToPublish"/> is published.</param>
    /// <param name="republishUnconfirmed">Whether each step's <see cref="SyncStep.Unconfirmed"/> request is published too (a redelivery).</param>
    public async Task Dispatch(IReadOnlyList<SyncStep> steps, bool republishUnconfirmed, CancellationToken cancellationToken)
    {
        var toPublish = steps
            .Select(step => (step.ToPublish ?? (republishUnconfirmed ? step.Unconfirmed : null)) is { } request && step.Outstanding is { } outstanding
                ? new Publication(step.ProspectId, request, outstanding.LeaseUntil)
                : null)
            .OfType<Publication>()
            .ToList();
        if (toPublish.Count == 0)
            return;

        // A plain overwrite, so that the move after the confirm can tell the time is still this one. Even when the step's read is
        // stale by now (a redelivery racing the first delivery, or the relay racing a consumer), it does no harm: the time is the
        // lease end of a sync as a step just read it, and the lease end of whatever is outstanding later only ever lies later (a
        // confirmed publish, a reissue, a newer sync), so a stale time can only bring the relay's look forward, and an early look
        // costs the relay one read.
        await Task.WhenAll(toPublish.Select(publication => store.Schedule(publication.ProspectId, publication.LeaseUntil, cancellationToken)));

        var requests = toPublish.Select(publication => publication.Request).ToList();
        await publisher.Publish(requests, cancellationToken);
        foreach (var request in requests)
            telemetry.Published(request);

        await Task.WhenAll(toPublish.Select(async publication =>
        {
            var marked = await store.MarkPublished(publication.ProspectId, publication.Request.SyncId, cancellationToken);
            if (marked.Outstanding is { } outstanding && outstanding.LeaseUntil != publication.LeaseUntil)
                await store.Reschedule(publication.ProspectId, publication.LeaseUntil, outstanding.LeaseUntil, cancellationToken);
        }));
    }

    private sealed record Publication(long ProspectId, SyncRequested Request, DateTimeOffset LeaseUntil);
}
