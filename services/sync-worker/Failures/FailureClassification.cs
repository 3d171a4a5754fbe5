using System.Net;
using StackExchange.Redis;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.SyncWorker.Allowance;

namespace Sync.SyncWorker.Failures;

/// <summary>
/// The one list of the failures a retry mends, for the batches and for the control loop's read of the CRM's limits: what a
/// transient failure is, of a whole call and of one record, and what every other failure of a batch means.
/// </summary>
public static class FailureClassification
{
    /// <summary>
    /// Per-record errors for a record the CRM could not write just now: locked by another request, or changed by someone
    /// after this batch read it (so the merge missed their edit). The next attempt reads it again and merges their values.
    /// </summary>
    private static readonly HashSet<string> TransientRecordErrors = new(StringComparer.Ordinal) { "UNABLE_TO_LOCK_ROW", CrmErrorCodes.PreconditionFailed };

    /// <summary>A call that got no usable answer, and may get one when sent again: a 5xx, no connection, a timeout.</summary>
    public static bool IsTransientCall(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        CrmTransientException or HttpRequestException or TimeoutException => true,
        // An HttpClient timeout, not the caller's own cancellation.
        TaskCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>A failure that sends a batch to its next retry step: a transient call, Redis away, or credentials refused.</summary>
    public static bool IsTransient(Exception exception, CancellationToken cancellationToken) =>
        IsTransientCall(exception, cancellationToken) || exception switch
        {
            RedisConnectionException or RedisTimeoutException => true,
            // Refused credentials are the configuration's fault, not the prospects': the batch waits in the retry queues until
            // an operator mends them, instead of failing every prospect of the backlog.
            CrmRequestException { Status: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } => true,
            ProspectEditorException editorError => editorError.Transient || editorError.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden,
            _ => false,
        };

    /// <summary>Whether the CRM refused one record of a write for a reason the next attempt mends.</summary>
    public static bool IsTransientRecordError(CrmError error) => TransientRecordErrors.Contains(error.ErrorCode);

    /// <summary>What a failure that ended a batch means for its requests.</summary>
    public static BatchFailure Classify(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        AllowanceDeferredException or CrmRequestLimitExceededException => BatchFailure.AllowanceSpent,
        _ when IsTransient(exception, cancellationToken) => BatchFailure.Transient,
        CrmRequestException => BatchFailure.RequestRefused,
        _ => BatchFailure.Unexpected,
    };

    /// <summary>Why the CRM refused a whole request: its first error, or the refusal itself when it named none.</summary>
    public static CrmError ReasonOf(CrmRequestException refused) =>
        refused.Errors.FirstOrDefault() ?? new CrmError("REQUEST_REFUSED", refused.Message, []);
}
