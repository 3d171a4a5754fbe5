using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Failures;
using Sync.SyncWorker.Merging;
using Sync.SyncWorker.Redaction;

namespace Sync.SyncWorker.Writing;

/// <summary>
/// Writes a batch's planned creates and updates to the CRM in one call, and settles each prospect by the CRM's answer for
/// its record: synced, to retry (locked, or changed since the lookup), deleted meanwhile, or failed with the CRM's reason.
/// </summary>
public sealed class CrmRecordWriter(FieldMerger merger, ILogger<CrmRecordWriter> logger)
{
    private const string EntityIsDeleted = "ENTITY_IS_DELETED";

    /// <param name="crm">The client the batch's calls are charged through.</param>
    public async Task Write(List<ProspectSync> prospects, ICrmClient crm, CancellationToken cancellationToken)
    {
        var creating = prospects.Where(prospect => prospect.Create is not null && prospect.Result is null).ToList();
        var updating = prospects.Where(prospect => prospect.Update is not null && prospect.Result is null).ToList();
        if (creating.Count == 0 && updating.Count == 0)
            return;

        CrmWriteResult written;
        try
        {
            written = await crm.Write(
                creating.Select(prospect => prospect.Create!).ToList(),
                updating.Select(prospect => prospect.Update!).ToList(),
                cancellationToken);
        }
        catch (CrmRequestException refused) when (!FailureClassification.IsTransient(refused, cancellationToken))
        {
            // The CRM refused the write as a whole: its records fail, and the prospects that needed no CRM write are
            // still written back.
            var error = FailureClassification.ReasonOf(refused);
            logger.RequestRefused(creating.Count + updating.Count, error.ErrorCode, EmailRedaction.WithoutEmails(refused.Message));
            var failed = new CrmSaveResult(null, false, [error]);
            written = new CrmWriteResult([.. creating.Select(_ => failed)], [.. updating.Select(_ => failed)]);
        }

        Settle(creating, written.Created, CrmObjectType.Lead);
        Settle(updating, written.Updated, null);
    }

    private void Settle(List<ProspectSync> prospects, IReadOnlyList<CrmSaveResult> results, CrmObjectType? createdType)
    {
        for (var i = 0; i < prospects.Count; i++)
        {
            var prospect = prospects[i];
            var type = createdType ?? prospect.Update!.Type;
            var result = i < results.Count ? results[i] : new CrmSaveResult(null, false, [new CrmError("NO_RESULT", "The CRM did not answer for this record.", [])]);
            if (result.Success && (result.Id ?? prospect.Update?.Id) is { } recordId)
                prospect.Synced(type, recordId, lastModified: null);
            else if (result.Errors.FirstOrDefault(FailureClassification.IsTransientRecordError) is { } transient)
                prospect.RetryLater(transient);
            else if (result.Errors.Any(error => error.ErrorCode == EntityIsDeleted))
                prospect.Result = new ProspectResult(SyncOutcome.CrmRecordDeleted, type, prospect.Update?.Id, null,
                    $"{type} {prospect.Update?.Id} was deleted in the CRM while the batch was syncing");
            else
                prospect.Fail(result.Errors.FirstOrDefault() is { } error
                        ? merger.Explain(error, prospect.Create ?? prospect.Update!)
                        : new CrmError("UNKNOWN_ERROR", "The CRM refused the record without a reason.", []),
                    prospect.Match!.Description);
        }
    }
}
