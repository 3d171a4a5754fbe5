namespace Sync.SyncWorker.Batches;

/// <summary>
/// What the forming and syncing of batches logs, each message with its EventId (20xx and 21xx: batches), in one place so
/// the ids stay unique and a message two stages share is written once. Field names and error codes, never a value.
/// </summary>
internal static partial class BatchLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "Batch done: {ProspectCount} prospects finished ({Outcomes}), {PutBackCount} requests sent to retry or back to the queue; {CrmCalls} charged CRM calls in {ElapsedMs:0} ms")]
    public static partial void BatchDone(this ILogger logger, int prospectCount, string outcomes, int putBackCount, int crmCalls, double elapsedMs);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "Prospect {ProspectId}: both sides changed {ConflictingFields} since its last sync; the {KeptSide} values were kept, that side having changed last")]
    public static partial void Conflicts(this ILogger logger, long prospectId, string conflictingFields, string keptSide);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "{DuplicateCount} sync requests were already synced; their completions are published again")]
    public static partial void Duplicates(this ILogger logger, int duplicateCount);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "{ProspectCount} prospects are being synced by another batch; postponed to the first retry step")]
    public static partial void Postponed(this ILogger logger, int prospectCount);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "{RequestCount} sync requests sent to retry (attempt {Attempt}) after {ErrorType}: {Reason}")]
    public static partial void Retrying(this ILogger logger, int requestCount, int attempt, string errorType, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "The CRM refused the request of {ProspectCount} prospects with {ErrorCode}: {Reason}")]
    public static partial void RequestRefused(this ILogger logger, int prospectCount, string errorCode, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Prospect {ProspectId} failed to sync with {ErrorCode}: {Reason}; it is on the sync-error list")]
    public static partial void RecordFailed(this ILogger logger, long prospectId, string errorCode, string reason);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "{Count} records of the batch go to retry: the CRM answered {ErrorCode}, which a retry mends")]
    public static partial void RecordsRetried(this ILogger logger, int count, string errorCode);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "{RequestCount} sync requests go back to the queue and consuming pauses: {Reason}")]
    public static partial void Deferred(this ILogger logger, int requestCount, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning,
        Message = "{RequestCount} sync requests sent to retry: the shared allowance could not be read ({ErrorType}: {Reason})")]
    public static partial void AllowanceUnavailable(this ILogger logger, int requestCount, string errorType, string reason);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Could not start a batch; trying again")]
    public static partial void DispatchFailed(this ILogger logger, Exception exception);
}
