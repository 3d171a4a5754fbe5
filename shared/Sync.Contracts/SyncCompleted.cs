using System.Text.Json.Serialization;

namespace Sync.Contracts;

/// <summary>
/// The sync-worker finished a sync. The sync-evaluator records it: that is the only way the sync state learns
/// that a prospect was synced.
/// </summary>
public sealed record SyncCompleted
{
    public required Guid EventId { get; init; }

    public required long ProspectId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid SyncId { get; init; }

    /// <summary>The <see cref="SyncRequested.Version"/> this sync covered.</summary>
    public required long Version { get; init; }

    public required SyncOutcome Outcome { get; init; }

    public CrmObjectType? CrmObjectType { get; init; }

    public string? CrmRecordId { get; init; }

    /// <summary>The CRM record's LastModifiedDate after the sync's own write.</summary>
    public DateTimeOffset? CrmLastModifiedDate { get; init; }

    /// <summary>
    /// The prospect's revision as the worker read it for this sync: every marketing-side change at or below it is in what
    /// the sync wrote, so a change that joined this sync with such a revision needs no sync of its own. Null from a worker
    /// that does not report it (every joined change then needs a follow-up sync).
    /// </summary>
    public long? ProspectRevisionRead { get; init; }

    /// <summary>
    /// The CRM record's LastModifiedDate as the worker's lookup read it, before the sync's own write: every CRM change at or
    /// before it was read and brought back by this sync. Null when the lookup found no record, or from a worker that does
    /// not report it.
    /// </summary>
    public DateTimeOffset? CrmLastModifiedDateRead { get; init; }

    /// <summary>
    /// For <see cref="SyncOutcome.SkippedDoNotSync"/>: the prospect's revision at which the worker read Do Not Sync set, so the
    /// evaluator knows of it even before the change that set it arrives.
    /// </summary>
    public long? DoNotSyncRevision { get; init; }

    /// <summary>Why, in words, when the outcome is not <see cref="SyncOutcome.Synced"/>.</summary>
    public string? Detail { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<SyncOutcome>))]
public enum SyncOutcome
{
    /// <summary>The CRM record now holds the prospect (and the prospect the CRM's values).</summary>
    Synced,

    /// <summary>Do Not Sync was set by the time the worker came to write: nothing written.</summary>
    SkippedDoNotSync,

    /// <summary>The prospect's CRM record was deleted in the CRM; the prospect is flagged and not re-created.</summary>
    CrmRecordDeleted,

    /// <summary>A permanent error for this record; it is on the worker's sync-error list for an operator.</summary>
    Failed,
}
