using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Writing;

/// <summary>Owners must be users of the org; lookups must point at live records of the right object.</summary>
public sealed class ReferenceCheck(ICrmRecordStore store, CrmUsers users)
{
    /// <summary>
    /// Fails with INVALID_CROSS_REFERENCE_KEY, one error per field at fault, each record still open whose fields name an
    /// unknown user or a missing, deleted or wrong-object record. Records without fields (already failed) are skipped.
    /// </summary>
    public async Task Check(
        SaveBatch batch, IReadOnlyList<(SObjectDescribe Type, string? Id, Dictionary<string, string?>? Fields)> records, CancellationToken cancellationToken)
    {
        var references = records
            .SelectMany((record, i) => record.Fields is null || !batch.Open(i)
                ? []
                : record.Fields.Where(field => field.Value is not null && record.Type.Field(field.Key)!.Kind == FieldKind.Reference)
                    .Select(field => (Index: i, Field: record.Type.Field(field.Key)!, Id: field.Value!)))
            .ToList();

        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in references.Where(reference => !reference.Field.ReferenceTo.Contains(SObjectSchema.User))
                     .Select(reference => reference.Id).Distinct().GroupBy(SalesforceId.KeyPrefixOf))
        {
            if (SObjectSchema.ForKeyPrefix(group.Key) is not { } type)
                continue;
            foreach (var record in await store.GetMany(type.Name, [.. group], cancellationToken))
            {
                if (!record.IsDeleted)
                    live.Add(record.Id);
            }
        }

        foreach (var failed in references
                     .Where(reference => reference.Field.ReferenceTo.Contains(SObjectSchema.User)
                         ? users.ById(reference.Id) is null
                         : !live.Contains(reference.Id) || !reference.Field.ReferenceTo.Contains(SObjectSchema.ForKeyPrefix(SalesforceId.KeyPrefixOf(reference.Id))?.Name))
                     .GroupBy(reference => reference.Index))
        {
            batch.Outcomes[failed.Key] = SaveOutcome.Failed(records[failed.Key].Id, [.. failed.Select(reference => CrmApiError.InvalidCrossReference(reference.Field.Name))]);
        }
    }
}
