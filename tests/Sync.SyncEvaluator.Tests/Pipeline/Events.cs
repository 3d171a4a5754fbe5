using Sync.Contracts;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>Events as the upstream services publish them.</summary>
public static class Events
{
    public static ProspectActivityRecorded Activity(long prospectId, ActivityKind kind, bool hadCookie = true, bool optedOut = false) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospectId,
        OccurredAt = DateTimeOffset.UtcNow,
        Kind = kind,
        VisitorId = "visitor-1",
        Url = "https://example.test/pricing",
        VisitorHadTrackingCookie = hadCookie,
        VisitorOptedOutOfTracking = optedOut,
    };

    public static ProspectChanged ProspectChange(long prospectId, ProspectChangeKind kind, ChangeOrigin origin = ChangeOrigin.User, long revision = 0) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospectId,
        OccurredAt = DateTimeOffset.UtcNow,
        Kind = kind,
        Origin = origin,
        Revision = revision,
        ChangedFields = kind == ProspectChangeKind.FieldsUpdated ? ["Company"] : [],
        SyncId = origin == ChangeOrigin.Sync ? Guid.NewGuid() : null,
        DoNotSync = kind == ProspectChangeKind.DoNotSyncSet,
    };

    public static CrmRecordChanged CrmChange(long prospectId, CrmObjectType type, CrmChangeKind kind, DateTimeOffset? lastModified) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospectId,
        OccurredAt = DateTimeOffset.UtcNow,
        ObjectType = type,
        CrmRecordId = "00Q" + prospectId,
        Kind = kind,
        LastModifiedDate = lastModified,
        CommittedBy = "crm-user",
    };

    public static ProspectsImported Import(params long[] prospectIds) => new()
    {
        EventId = Guid.NewGuid(),
        ImportId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UtcNow,
        ProspectIds = prospectIds,
    };

    public static ProspectSyncForced Forced(long prospectId) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospectId,
        OccurredAt = DateTimeOffset.UtcNow,
        Reason = "operator retried a sync error",
    };

    public static SyncCompleted Completed(SyncRequested request, SyncOutcome outcome = SyncOutcome.Synced) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = request.ProspectId,
        OccurredAt = DateTimeOffset.UtcNow,
        SyncId = request.SyncId,
        Version = request.Version,
        Outcome = outcome,
        CrmObjectType = CrmObjectType.Lead,
        CrmRecordId = "00Q" + request.ProspectId,
        CrmLastModifiedDate = DateTimeOffset.UtcNow,
    };

    public static Guid IdOf(object message) =>
        TryIdOf(message) ?? throw new ArgumentException($"Not an evaluator event: {message.GetType().Name}", nameof(message));

    public static Guid? TryIdOf(object message) => message switch
    {
        ProspectActivityRecorded activity => activity.EventId,
        ProspectChanged change => change.EventId,
        CrmRecordChanged change => change.EventId,
        ProspectsImported import => import.EventId,
        ProspectSyncForced forced => forced.EventId,
        SyncCompleted completed => completed.EventId,
        _ => null,
    };
}
