namespace Sync.SyncWorker.Storage;

/// <summary>
/// The sync-error list: prospects whose last sync failed permanently (the CRM refused the record), for an operator to
/// fix and retry. An entry goes away when a later sync of the prospect succeeds.
/// </summary>
public interface ISyncErrorStore
{
    Task Record(IReadOnlyCollection<SyncErrorOccurrence> occurrences);

    Task Clear(IReadOnlyCollection<long> prospectIds);

    Task<IReadOnlyList<SyncErrorEntry>> List();

    Task<SyncErrorEntry?> Find(long prospectId);

    /// <summary>Notes that an operator asked for a retry; the entry stays until the retried sync succeeds.</summary>
    Task MarkRetryRequested(IReadOnlyCollection<long> prospectIds, DateTimeOffset at);
}

public sealed record SyncErrorOccurrence(long ProspectId, Guid SyncId, string ErrorCode, string Message, IReadOnlyList<string> Fields, DateTimeOffset At);

public sealed record SyncErrorEntry
{
    public required long ProspectId { get; init; }

    /// <summary>The CRM's error code, such as REQUIRED_FIELD_MISSING or FIELD_CUSTOM_VALIDATION_EXCEPTION.</summary>
    public required string ErrorCode { get; init; }

    public required string Message { get; init; }

    /// <summary>The CRM fields at fault, when the CRM named them.</summary>
    public IReadOnlyList<string> Fields { get; init; } = [];

    public required DateTimeOffset FirstSeen { get; init; }

    public required DateTimeOffset LastSeen { get; init; }

    public required int Attempts { get; init; }

    public Guid? LastSyncId { get; init; }

    public DateTimeOffset? RetryRequestedAt { get; init; }
}
