using Sync.Clients.Crm;

namespace Sync.SyncWorker.Allowance;

/// <summary>
/// The CRM client as one batch sees it: every charged call (a lookup, a write) spends a call the batch reserved, and its
/// answer teaches the shared allowance the CRM's own count; the calls the CRM does not charge pass straight through. The
/// only place a batch's calls are charged, so a stage calls the CRM without knowing of the allowance.
/// </summary>
public sealed class ChargedCrmClient(ICrmClient crm, AllowanceReservation reservation) : ICrmClient
{
    public CrmApiUsage? LastKnownUsage => crm.LastKnownUsage;

    public Task<CrmLookupResult> Lookup(CrmLookup lookup, CancellationToken cancellationToken) =>
        reservation.Call(() => crm.Lookup(lookup, cancellationToken), found => found.Usage, cancellationToken);

    public Task<CrmWriteResult> Write(IReadOnlyList<CrmRecord> creates, IReadOnlyList<CrmRecord> updates, CancellationToken cancellationToken) =>
        reservation.Call(() => crm.Write(creates, updates, cancellationToken), written => written.Usage, cancellationToken);

    public Task<CrmLimits> GetLimits(CancellationToken cancellationToken) => crm.GetLimits(cancellationToken);

    public Task<CrmChangePage> ReadChanges(long afterPosition, int limit, CancellationToken cancellationToken) =>
        crm.ReadChanges(afterPosition, limit, cancellationToken);
}
