using Sync.Clients.Crm;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Writing;

/// <summary>
/// Plans creates: each record's fields checked and defaulted (owner, picklist defaults), required fields present,
/// references and campaign memberships valid; then ids reserved, one reservation per object, for the records that pass.
/// </summary>
public sealed class CreatePlanner(ICrmRecordStore store, ReferenceCheck references, CampaignMembershipCheck memberships)
{
    public async Task Plan(SaveBatch batch, CrmUser user, IReadOnlyList<NewRecord> records, CancellationToken cancellationToken)
    {
        var prepared = new Dictionary<string, string?>?[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var (type, body) = records[i];
            var errors = new List<CrmApiError>();
            var fields = IncomingFields.Read(type, body, creating: true, errors);
            foreach (var field in type.StoredFields.Where(field => field.DefaultValue is not null && !fields.ContainsKey(field.Name)))
                fields[field.Name] = field.DefaultValue;
            if (type.HasOwner && fields.GetValueOrDefault(SObjectSchema.OwnerId) is null)
                fields[SObjectSchema.OwnerId] = user.Id;
            var missing = type.Fields.Where(field => field.Required && fields.GetValueOrDefault(field.Name) is null).Select(field => field.Name).ToList();
            if (type == SObjectSchema.CampaignMember && fields.GetValueOrDefault("LeadId") is null && fields.GetValueOrDefault("ContactId") is null)
                missing.Add("LeadId or ContactId");
            if (missing.Count > 0)
                errors.Add(CrmApiError.RequiredFieldMissing(missing));
            if (errors.Count > 0)
                batch.Outcomes[i] = SaveOutcome.Failed(null, [.. errors]);
            else
                prepared[i] = fields;
        }

        await references.Check(batch, records.Select((record, i) => (record.Type, (string?)null, prepared[i])).ToList(), cancellationToken);
        await memberships.Check(batch, records.Select((record, i) => (record.Type, prepared[i])).ToList(), cancellationToken);

        foreach (var group in Enumerable.Range(0, records.Count).Where(batch.Open).GroupBy(i => records[i].Type))
        {
            var type = group.Key;
            var sequence = await store.ReserveSequence(type.Name, group.Count(), cancellationToken);
            foreach (var i in group)
            {
                var id = SalesforceId.Create(type.KeyPrefix, sequence++);
                var given = prepared[i]!.Where(field => field.Value is not null).Select(field => field.Key).ToList();
                var fields = RecordStamps.ForNewRecord(type, id, user, batch.Now, prepared[i]!);
                batch.Outcomes[i] = SaveOutcome.Saved(id);
                batch.Writes.Add(new RecordWrite(type.Name, id, 0, null, fields,
                    FeedEntries.For(type, fields, CrmChangeTypes.Create, given, user, batch.Now, lastModifiedDateMoved: true)));
            }
        }
    }
}
