namespace Sync.SyncWorker.Storage.SyncErrors;

/// <summary>
/// The sync-error list: prospects whose last sync failed permanently (the CRM refused the record), for an operator to
/// fix and retry. An entry goes away when a later sync of the prospect succeeds.
/// </summary>
public interface ISyncErrorStore
{
    Task Record(IReadOnlyCollection<SyncErrorOccurrence> occurrences);

    Task Clear(IReadOnlyCollection<long> prospectIds);

    /// <summary>Every entry (with <paramref name="errorCode"/>, when given) once, in no particular order, read a piece at a time.</summary>
    IAsyncEnumerable<SyncErrorEntry> Scan(string? errorCode, CancellationToken cancellationToken = default);

    Task<SyncErrorEntry?> Find(long prospectId);

    /// <summary>Notes that an operator asked for a retry; the entry stays until the retried sync succeeds.</summary>
    Task MarkRetryRequested(IReadOnlyCollection<long> prospectIds, DateTimeOffset at);
}

/// <param name="ErrorCode">Only entries with this error code; null for all.</param>
/// <param name="AfterProspectId">Only entries of prospects with a higher id: the last id of the page before.</param>
public sealed record SyncErrorQuery(string? ErrorCode, long AfterProspectId, int Limit)
{
    public bool Matches(SyncErrorEntry entry) =>
        entry.ProspectId > AfterProspectId && (ErrorCode is null || string.Equals(entry.ErrorCode, ErrorCode, StringComparison.Ordinal));
}

/// <param name="Total">Every entry the query's error code matches, on any page.</param>
/// <param name="HasMore">True when entries with higher prospect ids follow.</param>
public sealed record SyncErrorPage(IReadOnlyList<SyncErrorEntry> Entries, int Total, bool HasMore);

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
