using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;

namespace Sync.CrmSimulator.Writing;

/// <summary>Reads the live records an update, delete or conversion targets, one store read per object.</summary>
public sealed class TargetReader(ICrmRecordStore store)
{
    /// <summary>
    /// Each target's record, or null after giving it its error: no id (MISSING_ARGUMENT), a malformed one (MALFORMED_ID), an
    /// id of another object or of none (NOT_FOUND), an id given twice (DUPLICATE_ID), no such record, or a deleted one.
    /// </summary>
    public async Task<StoredRecord?[]> Read(SaveBatch batch, IReadOnlyList<(SObjectDescribe? Type, string? Id)> targets, CancellationToken cancellationToken)
    {
        var ids = new string?[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            if (targets[i].Id is null)
                batch.Outcomes[i] = SaveOutcome.Failed(null, new CrmApiError("MISSING_ARGUMENT", "Id not specified in an update call", [SObjectSchema.Id]));
            else if (!SalesforceId.TryNormalize(targets[i].Id, out var id))
                batch.Outcomes[i] = SaveOutcome.Failed(targets[i].Id, CrmApiError.MalformedId(SObjectSchema.Id, targets[i].Id ?? ""));
            else if (targets[i].Type is { } type && type.KeyPrefix != SalesforceId.KeyPrefixOf(id)
                || targets[i].Type is null && SObjectSchema.ForKeyPrefix(SalesforceId.KeyPrefixOf(id)) is null)
                batch.Outcomes[i] = SaveOutcome.Failed(id, CrmApiError.NotFound());
            else
                ids[i] = id;
        }

        var found = new Dictionary<string, StoredRecord>(StringComparer.Ordinal);
        foreach (var group in ids.OfType<string>().Distinct().GroupBy(SalesforceId.KeyPrefixOf))
        {
            foreach (var record in await store.GetMany(SObjectSchema.ForKeyPrefix(group.Key)!.Name, [.. group], cancellationToken))
                found[record.Id] = record;
        }

        var records = new StoredRecord?[targets.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < targets.Count; i++)
        {
            if (ids[i] is not { } id)
                continue;
            if (!seen.Add(id))
                batch.Outcomes[i] = SaveOutcome.Failed(id, new CrmApiError("DUPLICATE_ID", "duplicate value found: Id appears more than once in this request", [SObjectSchema.Id]));
            else if (!found.TryGetValue(id, out var record))
                batch.Outcomes[i] = SaveOutcome.Failed(id, CrmApiError.NotFound());
            else if (record.IsDeleted)
                batch.Outcomes[i] = SaveOutcome.Failed(id, CrmApiError.EntityIsDeleted());
            else
                records[i] = record;
        }
        return records;
    }
}
