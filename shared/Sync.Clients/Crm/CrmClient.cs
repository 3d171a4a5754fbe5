using System.Net;
using Sync.Contracts;

namespace Sync.Clients.Crm;

/// <summary>
/// The CRM's Salesforce-shaped REST API, in the calls a careful connector makes: each method is one API call charged to
/// the daily allowance, so a batch of 200 prospects costs one lookup and one write.
/// </summary>
public interface ICrmClient
{
    /// <summary>Finds records by id and by e-mail in one call (a composite request).</summary>
    Task<CrmLookupResult> Lookup(CrmLookup lookup, CancellationToken cancellationToken);

    /// <summary>Creates and updates up to 200 records in one call; a record's error does not fail the others.</summary>
    Task<CrmWriteResult> Write(IReadOnlyList<CrmRecord> creates, IReadOnlyList<CrmRecord> updates, CancellationToken cancellationToken);

    /// <summary>The daily allowance and when it resets. Not charged to the allowance.</summary>
    Task<CrmLimits> GetLimits(CancellationToken cancellationToken);

    /// <summary>Changes committed after <paramref name="afterPosition"/>, oldest first. Not charged to the allowance.</summary>
    Task<CrmChangePage> ReadChanges(long afterPosition, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The usage the CRM reported on the latest answer to arrive, if any. With calls in flight at once that is not
    /// necessarily the newest count: each lookup and write result carries the usage of its own answer.
    /// </summary>
    CrmApiUsage? LastKnownUsage { get; }
}

/// <summary>
/// The CRM answered REQUEST_LIMIT_EXCEEDED: the daily allowance is spent until <see cref="ResetsAt"/>.
/// <see cref="Usage"/> is the usage reported on that refusal.
/// </summary>
public sealed class CrmRequestLimitExceededException(CrmApiUsage? usage, DateTimeOffset? resetsAt)
    : Exception($"The CRM's daily API allowance is spent ({usage?.Used}/{usage?.Limit}); it resets at {resetsAt:u}.")
{
    public CrmApiUsage? Usage { get; } = usage;

    public DateTimeOffset? ResetsAt { get; } = resetsAt;
}

/// <summary>The CRM failed in a way a retry can mend: a 5xx answer, a timeout, too many concurrent requests.</summary>
public sealed class CrmTransientException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The CRM refused the request itself (not one record of it): retrying the same request will fail again.</summary>
public sealed class CrmRequestException(string message, IReadOnlyList<CrmError> errors, HttpStatusCode? status = null) : Exception(message)
{
    public IReadOnlyList<CrmError> Errors { get; } = errors;

    /// <summary>The answer's status; 401 and 403 mean the CRM refused this client's credentials, whatever was asked.</summary>
    public HttpStatusCode? Status { get; } = status;
}

/// <summary>The "Services:Crm" configuration section.</summary>
public sealed class CrmClientOptions
{
    public const string Section = "Services:Crm";

    public Uri Url { get; set; } = new("http://localhost:5105");

    /// <summary>The bearer token of the CRM user this service acts as; the sync uses its integration user's.</summary>
    public string AccessToken { get; set; } = "sync-integration-token";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public CrmObjectType[] SyncedObjectTypes { get; set; } = [CrmObjectType.Lead, CrmObjectType.Contact];
}
