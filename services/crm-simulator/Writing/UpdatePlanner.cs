using Sync.Clients.Crm;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Writing;

/// <summary>
/// Plans updates: a converted Lead refuses them, a record changed since the caller read it (ifUnmodifiedSince) keeps its
/// values, required fields may not be cleared, references must be valid. Only values that really change are written; an
/// update that changes none writes nothing, so LastModifiedDate stays.
/// </summary>
public sealed class UpdatePlanner(TargetReader targets, ReferenceCheck references)
{
    public async Task Plan(SaveBatch batch, CrmUser user, IReadOnlyList<RecordChange> records, CancellationToken cancellationToken)
    {
        var current = await targets.Read(batch, records.Select(record => ((SObjectDescribe?)record.Type, record.Id)).ToList(), cancellationToken);
        var prepared = new Dictionary<string, string?>?[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            if (current[i] is not { } record)
                continue;
            var type = records[i].Type;
            if (type == SObjectSchema.Lead && record[CrmFields.IsConverted] == "true")
            {
                batch.Outcomes[i] = SaveOutcome.Failed(record.Id, CrmApiError.ConvertedLead());
                continue;
            }
            if (records[i].IfUnmodifiedSince is { } readAt
                && FieldValues.ParseDateTime(record[SObjectSchema.LastModifiedDate]) is { } lastModified && lastModified > readAt)
            {
                batch.Outcomes[i] = SaveOutcome.Failed(record.Id, CrmApiError.ModifiedSince(readAt, lastModified));
                continue;
            }
            var errors = new List<CrmApiError>();
            var fields = IncomingFields.Read(type, records[i].Fields, creating: false, errors);
            var cleared = fields.Where(field => field.Value is null && type.Field(field.Key)!.Required).Select(field => field.Key).ToList();
            if (cleared.Count > 0)
                errors.Add(CrmApiError.RequiredFieldMissing(cleared));
            if (errors.Count > 0)
                batch.Outcomes[i] = SaveOutcome.Failed(record.Id, [.. errors]);
            else
                prepared[i] = fields;
        }

        await references.Check(batch, records.Select((record, i) => (record.Type, current[i]?.Id, prepared[i])).ToList(), cancellationToken);

        for (var i = 0; i < records.Count; i++)
        {
            if (!batch.Open(i) || current[i] is not { } record)
                continue;
            var type = records[i].Type;
            var changed = prepared[i]!.Where(field => record[field.Key] != field.Value).Select(field => field.Key).ToList();
            batch.Outcomes[i] = SaveOutcome.Saved(record.Id);
            // A PATCH that changes no value changes nothing: no write, no feed entry, LastModifiedDate stays.
            if (changed.Count == 0)
                continue;
            var fields = new Dictionary<string, string?>(record.Fields);
            foreach (var name in changed)
                fields[name] = prepared[i]![name];
            RecordStamps.Touch(fields, record, user, batch.Now);
            batch.Writes.Add(new RecordWrite(type.Name, record.Id, record.Version, record.Fields, fields,
                FeedEntries.For(type, fields, CrmChangeTypes.Update, changed, user, batch.Now, lastModifiedDateMoved: true)));
        }
    }
}
