using Sync.Clients.Crm;
using Sync.Contracts;

namespace Sync.CrmChangeListener.Feed;

public enum SkipReason
{
    /// <summary>Not a synced object, such as an Account: its edits leave every Contact's LastModifiedDate alone.</summary>
    ObjectNotSynced,

    /// <summary>Committed by the sync's own integration user: echoing it would sync the sync.</summary>
    SyncOwnWrite,

    /// <summary>An update that left LastModifiedDate where it was, such as a formula recalculation.</summary>
    LastModifiedDateUnchanged,

    UnknownChangeType,

    /// <summary>No prospect has the record's prospect id or e-mail address.</summary>
    NoProspect,
}

/// <summary>What one feed entry means for the sync: the kind of <see cref="CrmRecordChanged"/> to publish, or why none.</summary>
public sealed record FeedDecision(CrmChangeKind? Kind, SkipReason? Skip)
{
    public static FeedDecision Publish(CrmChangeKind kind) => new(kind, null);

    public static FeedDecision Skipped(SkipReason reason) => new(null, reason);
}

/// <summary>The listener's rules, free of I/O: which CRM changes count as changes to a prospect's CRM record.</summary>
public static class CrmChangeTranslator
{
    public static FeedDecision Decide(CrmChange change, string integrationUserId, IReadOnlyCollection<CrmObjectType> syncedTypes)
    {
        if (!syncedTypes.Contains(change.ObjectType))
            return FeedDecision.Skipped(SkipReason.ObjectNotSynced);
        if (SameUser(change.CommitUser, integrationUserId))
            return FeedDecision.Skipped(SkipReason.SyncOwnWrite);
        return change.ChangeType switch
        {
            CrmChangeTypes.Create => FeedDecision.Publish(CrmChangeKind.Created),
            CrmChangeTypes.Delete => FeedDecision.Publish(CrmChangeKind.Deleted),
            CrmChangeTypes.Undelete => FeedDecision.Publish(CrmChangeKind.Updated),
            CrmChangeTypes.Update when !change.LastModifiedDateMoved => FeedDecision.Skipped(SkipReason.LastModifiedDateUnchanged),
            CrmChangeTypes.Update when change.ChangedFields.Contains(CrmFields.OwnerId, StringComparer.OrdinalIgnoreCase) => FeedDecision.Publish(CrmChangeKind.OwnerChanged),
            CrmChangeTypes.Update => FeedDecision.Publish(CrmChangeKind.Updated),
            _ => FeedDecision.Skipped(SkipReason.UnknownChangeType),
        };
    }

    public static CrmRecordChanged ToEvent(CrmChange change, CrmChangeKind kind, long prospectId) => new()
    {
        EventId = FeedEventIds.For(change),
        ProspectId = prospectId,
        OccurredAt = change.CommitTimestamp,
        ObjectType = change.ObjectType,
        CrmRecordId = change.RecordId,
        Kind = kind,
        LastModifiedDate = change.LastModifiedDateMoved ? change.LastModifiedDate : null,
        CommittedBy = change.CommitUser,
        ChangedFields = change.ChangedFields,
        FeedPosition = change.Position,
    };

    // A 15-character id is the case-sensitive start of its 18-character form, which compares without case.
    private static bool SameUser(string committedBy, string userId) =>
        committedBy.Length == userId.Length
            ? string.Equals(committedBy, userId, userId.Length == 18 ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
            : committedBy.Length >= 15 && userId.Length >= 15 && string.Equals(committedBy[..15], userId[..15], StringComparison.Ordinal);
}
