using Sync.Clients.Crm;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Writing;

/// <summary>
/// Plans deletes and undeletes. A delete leaves a tombstone (IsDeleted, LastModifiedDate moved, a DELETE entry); deleting
/// an Account deletes its Contacts, as in Salesforce. An undelete restores a tombstone with an UNDELETE entry.
/// </summary>
public sealed class DeletePlanner(ICrmRecordStore store, TargetReader targets)
{
    public async Task PlanDeletes(SaveBatch batch, CrmUser user, IReadOnlyList<RecordDeletion> records, CancellationToken cancellationToken)
    {
        var current = await targets.Read(batch, [.. records.Select(record => (record.Type, (string?)record.Id))], cancellationToken);
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            if (current[i] is not { } record)
                continue;
            batch.Outcomes[i] = SaveOutcome.Saved(record.Id);
            Tombstone(batch, user, SObjectSchema.Find(record.Type)!, record, deleted);
        }

        // Deleting an Account deletes its Contacts, as in Salesforce; each gets its own DELETE entry.
        var accountIds = current.OfType<StoredRecord>().Where(record => record.Type == SObjectSchema.Account.Name).Select(record => record.Id).ToList();
        if (accountIds.Count == 0)
            return;
        var contactIds = await store.FindIds(SObjectSchema.Contact.Name, "AccountId", accountIds, cancellationToken);
        foreach (var contact in await store.GetMany(SObjectSchema.Contact.Name, contactIds, cancellationToken))
        {
            if (!contact.IsDeleted)
                Tombstone(batch, user, SObjectSchema.Contact, contact, deleted);
        }
    }

    /// <summary>Plans the undelete of one record, the batch's only one: NOT_FOUND unless it exists, UNDELETE_FAILED unless deleted.</summary>
    public async Task PlanUndelete(SaveBatch batch, CrmUser user, SObjectDescribe type, string id, CancellationToken cancellationToken)
    {
        if (!SalesforceId.TryNormalize(id, out var normalized) || SalesforceId.KeyPrefixOf(normalized) != type.KeyPrefix
            || await store.Get(type.Name, normalized, cancellationToken) is not { } record)
        {
            batch.Outcomes[0] = SaveOutcome.Failed(id, CrmApiError.NotFound());
            return;
        }
        if (!record.IsDeleted)
        {
            batch.Outcomes[0] = SaveOutcome.Failed(record.Id, new CrmApiError("UNDELETE_FAILED", "Entity is not in the recycle bin"));
            return;
        }
        var fields = new Dictionary<string, string?>(record.Fields) { [SObjectSchema.IsDeleted] = "false" };
        RecordStamps.Touch(fields, record, user, batch.Now);
        batch.Outcomes[0] = SaveOutcome.Saved(record.Id);
        batch.Writes.Add(new RecordWrite(type.Name, record.Id, record.Version, record.Fields, fields,
            FeedEntries.For(type, fields, CrmChangeTypes.Undelete, [], user, batch.Now, lastModifiedDateMoved: true)));
    }

    private static void Tombstone(SaveBatch batch, CrmUser user, SObjectDescribe type, StoredRecord record, HashSet<string> deleted)
    {
        if (!deleted.Add(record.Id))
            return;
        var fields = new Dictionary<string, string?>(record.Fields) { [SObjectSchema.IsDeleted] = "true" };
        RecordStamps.Touch(fields, record, user, batch.Now);
        batch.Writes.Add(new RecordWrite(type.Name, record.Id, record.Version, record.Fields, fields,
            FeedEntries.For(type, fields, CrmChangeTypes.Delete, [], user, batch.Now, lastModifiedDateMoved: true)));
    }
}
