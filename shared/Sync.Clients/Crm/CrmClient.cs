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
