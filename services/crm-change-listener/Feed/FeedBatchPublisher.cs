using Microsoft.Extensions.Options;
using Sync.CrmChangeListener.Configuration;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.CrmChangeListener.Extensions;
using Sync.CrmChangeListener.Storage;
using Sync.ServiceDefaults.Messaging;

namespace Sync.CrmChangeListener.Feed;

/// <summary>
/// Handles one page of the feed: each change a person or another system made to a Lead or Contact becomes a
/// <see cref="CrmRecordChanged"/> for its prospect, the events are published with the broker's confirms, and only then is
/// the cursor moved past the page.
/// </summary>
public sealed partial class FeedBatchPublisher(
    FeedProspectFinder prospects,
    ConfirmedPublisher publisher,
    ICrmFeedCursorStore cursor,
    CrmFeedStatus status,
    IOptions<CrmFeedOptions> options,
    IOptions<CrmClientOptions> crmOptions,
    ILogger<CrmFeedFollower> logger)
{
    /// <summary>Publishes the page's events and saves the cursor after its last change; returns that position.</summary>
    public async Task<long> Handle(IReadOnlyList<CrmChange> changes, CancellationToken cancellationToken)
    {
        using var activity = Extensions.Extensions.ActivitySource.StartActivity("crm-feed batch");
        activity?.SetTag("crm.feed.from", changes[0].Position);
        activity?.SetTag("crm.feed.to", changes[^1].Position);

        var events = new List<CrmRecordChanged>();
        var skipped = new List<SkipReason>();
        var byEmail = new Dictionary<string, long?>(StringComparer.OrdinalIgnoreCase);
        foreach (var change in changes)
        {
            var decision = CrmChangeTranslator.Decide(change, options.Value.IntegrationUserId, crmOptions.Value.SyncedObjectTypes);
            if (decision.Kind is not { } kind)
            {
                skipped.Add(decision.Skip!.Value);
                continue;
            }
            if (await prospects.ProspectOf(change, byEmail, cancellationToken) is not { } prospectId)
            {
                skipped.Add(SkipReason.NoProspect);
                LogNoProspect(logger, change.Position, change.ObjectType, change.RecordId);
                continue;
            }
            events.Add(CrmChangeTranslator.ToEvent(change, kind, prospectId));
        }

        if (events.Count > 0)
            await publisher.PublishBatch(events, cancellationToken);
        var position = changes[^1].Position;
        await cursor.Save(position, cancellationToken);
        status.Advanced(position, events.Count, skipped);
        activity?.SetTag("crm.feed.published", events.Count);
        activity?.SetTag("crm.feed.skipped", skipped.Count);
        LogBatch(logger, changes.Count, changes[0].Position, position, events.Count);
        return position;
    }

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "Handled {Count} CRM changes ({From}..{To}); published {Published}")]
    private static partial void LogBatch(ILogger logger, int count, long from, long to, int published);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "CRM change {Position} to {ObjectType} {RecordId} skipped: no prospect has its prospect id or e-mail address")]
    private static partial void LogNoProspect(ILogger logger, long position, CrmObjectType objectType, string recordId);
}
