using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Sync.Clients.Crm;
using Sync.CrmSimulator.Limits;
using Sync.CrmSimulator.Storage;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Crm;

public sealed record NewRecord(SObjectDescribe Type, JsonObject Fields);

/// <summary>
/// A change to one record. With <paramref name="IfUnmodifiedSince"/> (the LastModifiedDate the caller read) it is saved only
/// if nobody changed the record since, so a writer that merged what it read never overwrites a newer edit unseen.
/// </summary>
public sealed record RecordChange(SObjectDescribe Type, string? Id, JsonObject Fields, DateTimeOffset? IfUnmodifiedSince = null);

/// <summary>One record's answer in a save: its id, or why it was not saved.</summary>
public sealed record SaveOutcome(string? Id, IReadOnlyList<CrmApiError> Errors)
{
    public bool Success => Errors.Count == 0;

    public static SaveOutcome Failed(string? id, params CrmApiError[] errors) => new(id, errors);
}

public sealed record LeadConversion(string? AccountId, string? ContactId, string? ConvertedStatus, string? OwnerId);

public sealed record ConversionOutcome(string LeadId, string ContactId, string AccountId);

/// <summary>
/// Every change to the org's records. A save is planned against the records as read, then committed with its feed entries
/// in one atomic store call that checks each record's version; when another request changed a record in between, the
/// save is planned again from fresh reads. So LastModifiedDate moves exactly when a stored value really changes.
/// </summary>
public sealed class CrmWriter(ICrmRecordStore store, CrmOrg org, CrmUsers users, ILogger<CrmWriter> logger)
{
    // Every round of a contended record lets at least one writer through, so this many rounds let a crowd of writers through.
    private const int MaxAttempts = 20;
    private const string ConvertedStatusDefault = "Closed - Converted";

    public Task<IReadOnlyList<SaveOutcome>> Create(CrmUser user, IReadOnlyList<NewRecord> records, bool allOrNone, CancellationToken cancellationToken) =>
        Save("create", records.Count, allOrNone, (batch, token) => PlanCreates(batch, user, records, token), cancellationToken);

    public Task<IReadOnlyList<SaveOutcome>> Update(CrmUser user, IReadOnlyList<RecordChange> records, bool allOrNone, CancellationToken cancellationToken) =>
        Save("update", records.Count, allOrNone, (batch, token) => PlanUpdates(batch, user, records, token), cancellationToken);

    public Task<IReadOnlyList<SaveOutcome>> Delete(CrmUser user, IReadOnlyList<(SObjectDescribe? Type, string Id)> records, bool allOrNone, CancellationToken cancellationToken) =>
        Save("delete", records.Count, allOrNone, (batch, token) => PlanDeletes(batch, user, records, token), cancellationToken);

    public async Task<SaveOutcome> Undelete(CrmUser user, SObjectDescribe type, string id, CancellationToken cancellationToken) =>
        (await Save("undelete", 1, allOrNone: true, (batch, token) => PlanUndelete(batch, user, type, id, token), cancellationToken))[0];

    /// <summary>
    /// Converts a Lead as Salesforce's convertLead does: the Lead's Account (created from Company unless one is given) and
    /// Contact (created from the Lead unless one is given, which then gets the Lead's values where it has none), and the
    /// Lead marked converted — all in one commit.
    /// </summary>
    public async Task<(SaveOutcome Outcome, ConversionOutcome? Conversion)> Convert(
        CrmUser user, string leadId, LeadConversion conversion, CancellationToken cancellationToken)
    {
        ConversionOutcome? converted = null;
        var outcome = (await Save("convert", 1, allOrNone: true, async (batch, token) =>
            converted = await PlanConversion(batch, user, leadId, conversion, token), cancellationToken))[0];
        return (outcome, outcome.Success ? converted : null);
    }

    /// <summary>
    /// After an admin edited the Score_Band__c formula: one feed entry per Lead or Contact whose band changed, committed by
    /// the Automated Process user, that leaves LastModifiedDate where it was — a formula recalculation is no change to the record.
    /// </summary>
    public async Task<int> RecalculateScoreBands(ScoreBandFormula before, ScoreBandFormula after, CancellationToken cancellationToken)
    {
        var recalculated = 0;
        foreach (var type in new[] { SObjectSchema.Lead, SObjectSchema.Contact })
        {
            foreach (var chunk in (await store.AllIds(type.Name, cancellationToken)).Chunk(200))
            {
                var planned = 0;
                await Save("recalculate", chunk.Length, allOrNone: false, async (batch, token) =>
                {
                    var records = (await store.GetMany(type.Name, chunk, token)).ToDictionary(record => record.Id);
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        if (!records.TryGetValue(chunk[i], out var record) || record.IsDeleted
                            || before.Band(record[SObjectSchema.Score]) == after.Band(record[SObjectSchema.Score]))
                        {
                            batch.Outcomes[i] = new SaveOutcome(chunk[i], []);
                            continue;
                        }
                        batch.Outcomes[i] = new SaveOutcome(record.Id, []);
                        batch.Writes.Add(new RecordWrite(type.Name, record.Id, record.Version, null, null,
                            Entry(type, record.Fields, CrmChangeTypes.Update, [SObjectSchema.ScoreBand], users.AutomatedProcess, batch.Now, lastModifiedDateMoved: false)));
                    }
                    planned = batch.Writes.Count;
                }, cancellationToken);
                recalculated += planned;
            }
        }
        return recalculated;
    }

    private async Task<IReadOnlyList<SaveOutcome>> Save(
        string operation, int count, bool allOrNone, Func<SaveBatch, CancellationToken, Task> plan, CancellationToken cancellationToken)
    {
        using var activity = Extensions.Extensions.ActivitySource.StartActivity($"crm {operation}");
        activity?.SetTag("crm.records", count);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var now = await org.Now(cancellationToken);
            var batch = new SaveBatch(count, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()));
            await plan(batch, cancellationToken);
            var outcomes = batch.Decided();
            if (allOrNone && outcomes.Any(outcome => !outcome.Success))
                return [.. outcomes.Select(outcome => outcome.Success ? SaveOutcome.Failed(outcome.Id, CrmApiError.RolledBack()) : outcome)];
            if (batch.Writes.Count == 0)
                return outcomes;

            var result = await store.Commit(batch.Writes, cancellationToken);
            if (result.Committed)
            {
                activity?.SetTag("crm.writes", batch.Writes.Count);
                activity?.SetTag("crm.attempts", attempt);
                return outcomes;
            }
            logger.LogDebug("CRM {Operation} of {Count} records met a concurrent change on attempt {Attempt}; planning it again", operation, count, attempt);
            await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellationToken);
        }

        activity?.SetStatus(ActivityStatusCode.Error, "records kept changing concurrently");
        return [.. Enumerable.Range(0, count).Select(_ => SaveOutcome.Failed(null, CrmApiError.UnableToLockRow()))];
    }

    private async Task PlanCreates(SaveBatch batch, CrmUser user, IReadOnlyList<NewRecord> records, CancellationToken cancellationToken)
    {
        var prepared = new Dictionary<string, string?>?[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var (type, body) = records[i];
            var errors = new List<CrmApiError>();
            var fields = Incoming(type, body, creating: true, errors);
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

        await CheckReferences(batch, records.Select((record, i) => (record.Type, (string?)null, prepared[i])).ToList(), cancellationToken);
        await CheckCampaignMembership(batch, records.Select((record, i) => (record.Type, prepared[i])).ToList(), cancellationToken);

        foreach (var group in Enumerable.Range(0, records.Count).Where(i => batch.Outcomes[i] is null).GroupBy(i => records[i].Type))
        {
            var type = group.Key;
            var sequence = await store.ReserveSequence(type.Name, group.Count(), cancellationToken);
            foreach (var i in group)
            {
                var id = SalesforceId.Create(type.KeyPrefix, sequence++);
                var given = prepared[i]!.Where(field => field.Value is not null).Select(field => field.Key).ToList();
                var fields = NewRecordFields(type, id, user, batch.Now, prepared[i]!);
                batch.Outcomes[i] = new SaveOutcome(id, []);
                batch.Writes.Add(new RecordWrite(type.Name, id, 0, null, fields, Entry(type, fields, CrmChangeTypes.Create, given, user, batch.Now, lastModifiedDateMoved: true)));
            }
        }
    }

    private async Task PlanUpdates(SaveBatch batch, CrmUser user, IReadOnlyList<RecordChange> records, CancellationToken cancellationToken)
    {
        var current = await ReadTargets(batch, records.Select(record => ((SObjectDescribe?)record.Type, record.Id)).ToList(), cancellationToken);
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
            var fields = Incoming(type, records[i].Fields, creating: false, errors);
            var cleared = fields.Where(field => field.Value is null && type.Field(field.Key)!.Required).Select(field => field.Key).ToList();
            if (cleared.Count > 0)
                errors.Add(CrmApiError.RequiredFieldMissing(cleared));
            if (errors.Count > 0)
                batch.Outcomes[i] = SaveOutcome.Failed(record.Id, [.. errors]);
            else
                prepared[i] = fields;
        }

        await CheckReferences(batch, records.Select((record, i) => (record.Type, current[i]?.Id, prepared[i])).ToList(), cancellationToken);

        for (var i = 0; i < records.Count; i++)
        {
            if (batch.Outcomes[i] is not null || current[i] is not { } record)
                continue;
            var type = records[i].Type;
            var changed = prepared[i]!.Where(field => record[field.Key] != field.Value).Select(field => field.Key).ToList();
            batch.Outcomes[i] = new SaveOutcome(record.Id, []);
            // A PATCH that changes no value changes nothing: no write, no feed entry, LastModifiedDate stays.
            if (changed.Count == 0)
                continue;
            var fields = new Dictionary<string, string?>(record.Fields);
            foreach (var name in changed)
                fields[name] = prepared[i]![name];
            Touch(fields, record, user, batch.Now);
            batch.Writes.Add(new RecordWrite(type.Name, record.Id, record.Version, record.Fields, fields,
                Entry(type, fields, CrmChangeTypes.Update, changed, user, batch.Now, lastModifiedDateMoved: true)));
        }
    }

    private async Task PlanDeletes(SaveBatch batch, CrmUser user, IReadOnlyList<(SObjectDescribe? Type, string Id)> records, CancellationToken cancellationToken)
    {
        var current = await ReadTargets(batch, [.. records.Select(record => (record.Type, (string?)record.Id))], cancellationToken);
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            if (current[i] is not { } record)
                continue;
            batch.Outcomes[i] = new SaveOutcome(record.Id, []);
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

    private async Task PlanUndelete(SaveBatch batch, CrmUser user, SObjectDescribe type, string id, CancellationToken cancellationToken)
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
        Touch(fields, record, user, batch.Now);
        batch.Outcomes[0] = new SaveOutcome(record.Id, []);
        batch.Writes.Add(new RecordWrite(type.Name, record.Id, record.Version, record.Fields, fields,
            Entry(type, fields, CrmChangeTypes.Undelete, [], user, batch.Now, lastModifiedDateMoved: true)));
    }

    private async Task<ConversionOutcome?> PlanConversion(SaveBatch batch, CrmUser user, string leadId, LeadConversion conversion, CancellationToken cancellationToken)
    {
        var lead = (await ReadTargets(batch, [(SObjectSchema.Lead, leadId)], cancellationToken))[0];
        if (lead is null)
            return null;
        if (lead[CrmFields.IsConverted] == "true")
        {
            batch.Outcomes[0] = SaveOutcome.Failed(lead.Id, CrmApiError.ConvertedLead());
            return null;
        }

        var ownerId = lead[SObjectSchema.OwnerId] ?? user.Id;
        if (conversion.OwnerId is not null)
        {
            if (!SalesforceId.TryNormalize(conversion.OwnerId, out ownerId) || users.ById(ownerId) is null)
            {
                batch.Outcomes[0] = SaveOutcome.Failed(lead.Id, CrmApiError.InvalidCrossReference("ownerId"));
                return null;
            }
        }

        var account = await Existing(SObjectSchema.Account, conversion.AccountId, "accountId", batch, cancellationToken);
        var contact = await Existing(SObjectSchema.Contact, conversion.ContactId, "contactId", batch, cancellationToken);
        if (batch.Outcomes[0] is not null)
            return null;

        string accountId;
        if (account is null)
        {
            accountId = SalesforceId.Create(SObjectSchema.Account.KeyPrefix, await store.ReserveSequence(SObjectSchema.Account.Name, 1, cancellationToken));
            var accountFields = NewRecordFields(SObjectSchema.Account, accountId, user, batch.Now, new Dictionary<string, string?>
            {
                ["Name"] = lead["Company"],
                ["Industry"] = lead["Industry"],
                ["BillingCity"] = lead["City"],
                ["BillingCountry"] = lead["Country"],
                [SObjectSchema.OwnerId] = ownerId,
            });
            batch.Writes.Add(new RecordWrite(SObjectSchema.Account.Name, accountId, 0, null, accountFields,
                Entry(SObjectSchema.Account, accountFields, CrmChangeTypes.Create, Given(accountFields, SObjectSchema.Account), user, batch.Now, lastModifiedDateMoved: true)));
        }
        else
        {
            accountId = account.Id;
        }

        var fromLead = new Dictionary<string, string?>
        {
            ["FirstName"] = lead["FirstName"],
            ["LastName"] = lead["LastName"],
            ["Title"] = lead["Title"],
            [SObjectSchema.Email] = lead[SObjectSchema.Email],
            ["Phone"] = lead["Phone"],
            ["MailingCity"] = lead["City"],
            ["MailingCountry"] = lead["Country"],
            ["LeadSource"] = lead["LeadSource"],
            ["HasOptedOutOfEmail"] = lead["HasOptedOutOfEmail"],
            [SObjectSchema.ProspectId] = lead[SObjectSchema.ProspectId],
            [SObjectSchema.Score] = lead[SObjectSchema.Score],
            ["AccountId"] = accountId,
            [SObjectSchema.OwnerId] = ownerId,
        };
        string contactId;
        if (contact is null)
        {
            contactId = SalesforceId.Create(SObjectSchema.Contact.KeyPrefix, await store.ReserveSequence(SObjectSchema.Contact.Name, 1, cancellationToken));
            var contactFields = NewRecordFields(SObjectSchema.Contact, contactId, user, batch.Now, fromLead);
            batch.Writes.Add(new RecordWrite(SObjectSchema.Contact.Name, contactId, 0, null, contactFields,
                Entry(SObjectSchema.Contact, contactFields, CrmChangeTypes.Create, Given(contactFields, SObjectSchema.Contact), user, batch.Now, lastModifiedDateMoved: true)));
        }
        else
        {
            contactId = contact.Id;
            var filled = fromLead.Where(field => field.Value is not null && contact[field.Key] is null && field.Key != SObjectSchema.OwnerId).ToList();
            if (filled.Count > 0)
            {
                var contactFields = new Dictionary<string, string?>(contact.Fields);
                foreach (var (name, value) in filled)
                    contactFields[name] = value;
                Touch(contactFields, contact, user, batch.Now);
                batch.Writes.Add(new RecordWrite(SObjectSchema.Contact.Name, contactId, contact.Version, contact.Fields, contactFields,
                    Entry(SObjectSchema.Contact, contactFields, CrmChangeTypes.Update, [.. filled.Select(field => field.Key)], user, batch.Now, lastModifiedDateMoved: true)));
            }
        }

        var leadFields = new Dictionary<string, string?>(lead.Fields)
        {
            [CrmFields.IsConverted] = "true",
            [CrmFields.ConvertedContactId] = contactId,
            ["ConvertedAccountId"] = accountId,
            ["ConvertedDate"] = batch.Now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Status"] = conversion.ConvertedStatus ?? ConvertedStatusDefault,
        };
        var leadChanged = leadFields.Where(field => lead[field.Key] != field.Value).Select(field => field.Key).ToList();
        Touch(leadFields, lead, user, batch.Now);
        batch.Writes.Add(new RecordWrite(SObjectSchema.Lead.Name, lead.Id, lead.Version, lead.Fields, leadFields,
            Entry(SObjectSchema.Lead, leadFields, CrmChangeTypes.Update, leadChanged, user, batch.Now, lastModifiedDateMoved: true)));
        batch.Outcomes[0] = new SaveOutcome(lead.Id, []);
        return new ConversionOutcome(lead.Id, contactId, accountId);
    }

    private async Task<StoredRecord?> Existing(SObjectDescribe type, string? id, string parameter, SaveBatch batch, CancellationToken cancellationToken)
    {
        if (id is null)
            return null;
        if (!SalesforceId.TryNormalize(id, out var normalized) || SalesforceId.KeyPrefixOf(normalized) != type.KeyPrefix
            || await store.Get(type.Name, normalized, cancellationToken) is not { IsDeleted: false } record)
        {
            batch.Outcomes[0] = SaveOutcome.Failed(null, CrmApiError.InvalidCrossReference(parameter));
            return null;
        }
        return record;
    }

    /// <summary>Reads the records an update or delete targets; a missing, deleted or repeated one gets its error.</summary>
    private async Task<StoredRecord?[]> ReadTargets(SaveBatch batch, IReadOnlyList<(SObjectDescribe? Type, string? Id)> targets, CancellationToken cancellationToken)
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

    /// <summary>The fields a caller sent, canonical; unknown, read-only and invalid ones become errors.</summary>
    private static Dictionary<string, string?> Incoming(SObjectDescribe type, JsonObject body, bool creating, List<CrmApiError> errors)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        var notWritable = new List<string>();
        foreach (var (name, value) in body)
        {
            if (name == "attributes")
                continue;
            if (type.Field(name) is not { } field)
            {
                errors.Add(CrmApiError.InvalidField($"No such column '{name}' on sobject of type {type.Name}", name));
                continue;
            }
            if (field.Name == SObjectSchema.Id)
            {
                if (creating)
                    errors.Add(CrmApiError.InvalidField("cannot specify Id in an insert call", SObjectSchema.Id));
                continue;
            }
            if (creating ? !field.Createable : !field.Updateable)
            {
                notWritable.Add(field.Name);
                continue;
            }
            if (FieldValues.TryCanonicalize(field, value, out var canonical, out var error))
                fields[field.Name] = canonical;
            else
                errors.Add(error!);
        }
        if (notWritable.Count > 0)
            errors.Add(CrmApiError.NotWritable(notWritable));
        return fields;
    }

    /// <summary>Owners must be users of the org; lookups must point at live records of the right object.</summary>
    private async Task CheckReferences(
        SaveBatch batch, IReadOnlyList<(SObjectDescribe Type, string? Id, Dictionary<string, string?>? Fields)> records, CancellationToken cancellationToken)
    {
        var references = records
            .SelectMany((record, i) => record.Fields is null || batch.Outcomes[i] is not null
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

    /// <summary>A Lead or Contact is a member of a Campaign once.</summary>
    private async Task CheckCampaignMembership(SaveBatch batch, IReadOnlyList<(SObjectDescribe Type, Dictionary<string, string?>? Fields)> records, CancellationToken cancellationToken)
    {
        var candidates = Enumerable.Range(0, records.Count)
            .Where(i => records[i].Type == SObjectSchema.CampaignMember && records[i].Fields is not null && batch.Outcomes[i] is null)
            .ToList();
        if (candidates.Count == 0)
            return;

        // One read for the whole call: the live memberships of every campaign named, as (campaign, field, member id).
        var campaignIds = candidates.Select(i => records[i].Fields!["CampaignId"]!).Distinct().ToList();
        var existing = new HashSet<(string Campaign, string Field, string Id)>();
        foreach (var member in await store.GetMany(SObjectSchema.CampaignMember.Name,
                     await store.FindIds(SObjectSchema.CampaignMember.Name, "CampaignId", campaignIds, cancellationToken), cancellationToken))
        {
            if (member.IsDeleted || member["CampaignId"] is not { } campaign)
                continue;
            // The index matches campaigns without case, as FindIds does.
            if (member["LeadId"] is { } lead)
                existing.Add((FieldValues.IndexForm(campaign), "LeadId", lead));
            if (member["ContactId"] is { } contact)
                existing.Add((FieldValues.IndexForm(campaign), "ContactId", contact));
        }

        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in candidates)
        {
            var fields = records[i].Fields!;
            var campaignId = fields["CampaignId"]!;
            var memberKey = $"{campaignId}:{fields.GetValueOrDefault("LeadId")}:{fields.GetValueOrDefault("ContactId")}";
            var already = fields.GetValueOrDefault("LeadId") is { } lead && existing.Contains((FieldValues.IndexForm(campaignId), "LeadId", lead))
                || fields.GetValueOrDefault("ContactId") is { } contact && existing.Contains((FieldValues.IndexForm(campaignId), "ContactId", contact));
            if (already || !members.Add(memberKey))
                batch.Outcomes[i] = SaveOutcome.Failed(null, new CrmApiError("DUPLICATE_VALUE", "Already a campaign member.", ["LeadId", "ContactId"]));
        }
    }

    private void Tombstone(SaveBatch batch, CrmUser user, SObjectDescribe type, StoredRecord record, HashSet<string> deleted)
    {
        if (!deleted.Add(record.Id))
            return;
        var fields = new Dictionary<string, string?>(record.Fields) { [SObjectSchema.IsDeleted] = "true" };
        Touch(fields, record, user, batch.Now);
        batch.Writes.Add(new RecordWrite(type.Name, record.Id, record.Version, record.Fields, fields,
            Entry(type, fields, CrmChangeTypes.Delete, [], user, batch.Now, lastModifiedDateMoved: true)));
    }

    private static Dictionary<string, string?> NewRecordFields(SObjectDescribe type, string id, CrmUser user, DateTimeOffset now, IReadOnlyDictionary<string, string?> given)
    {
        var stamp = FieldValues.FormatDateTime(now);
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [SObjectSchema.Id] = id,
            [SObjectSchema.IsDeleted] = "false",
            [SObjectSchema.CreatedDate] = stamp,
            [SObjectSchema.CreatedById] = user.Id,
            [SObjectSchema.LastModifiedDate] = stamp,
            [SObjectSchema.LastModifiedById] = user.Id,
            [SObjectSchema.SystemModstamp] = stamp,
        };
        if (type == SObjectSchema.Lead)
            fields[CrmFields.IsConverted] = "false";
        foreach (var (name, value) in given)
        {
            if (value is not null)
                fields[name] = value;
        }
        return fields;
    }

    /// <summary>Moves LastModifiedDate (strictly forward, even within one millisecond) and records who changed the record.</summary>
    private static void Touch(Dictionary<string, string?> fields, StoredRecord before, CrmUser user, DateTimeOffset now)
    {
        var previous = FieldValues.ParseDateTime(before[SObjectSchema.LastModifiedDate]) ?? DateTimeOffset.MinValue;
        var moment = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        if (moment <= previous)
            moment = previous.AddMilliseconds(1);
        var stamp = FieldValues.FormatDateTime(moment);
        fields[SObjectSchema.LastModifiedDate] = stamp;
        fields[SObjectSchema.SystemModstamp] = stamp;
        fields[SObjectSchema.LastModifiedById] = user.Id;
    }

    private static List<string> Given(IReadOnlyDictionary<string, string?> fields, SObjectDescribe type) =>
        [.. fields.Where(field => field.Value is not null && type.Field(field.Key) is { System: false, Kind: not FieldKind.Id }).Select(field => field.Key)];

    private static CrmChange? Entry(
        SObjectDescribe type, IReadOnlyDictionary<string, string?> fields, string changeType, IReadOnlyList<string> changedFields,
        CrmUser user, DateTimeOffset now, bool lastModifiedDateMoved)
    {
        if (type.ChangeFeedType is not { } feedType)
            return null;
        return new CrmChange
        {
            Position = 0,
            ObjectType = feedType,
            RecordId = fields[SObjectSchema.Id]!,
            ChangeType = changeType,
            ChangedFields = changedFields,
            CommitUser = user.Id,
            CommitTimestamp = now,
            LastModifiedDate = FieldValues.ParseDateTime(fields[SObjectSchema.LastModifiedDate]),
            LastModifiedDateMoved = lastModifiedDateMoved,
            Email = fields.GetValueOrDefault(SObjectSchema.Email),
            ProspectId = long.TryParse(fields.GetValueOrDefault(SObjectSchema.ProspectId), NumberStyles.None, CultureInfo.InvariantCulture, out var prospectId)
                && prospectId > 0 ? prospectId : null,
        };
    }

    private sealed class SaveBatch(int count, DateTimeOffset now)
    {
        public DateTimeOffset Now { get; } = now;

        /// <summary>Each record's outcome; null while still to be decided.</summary>
        public SaveOutcome?[] Outcomes { get; } = new SaveOutcome?[count];

        public IReadOnlyList<SaveOutcome> Decided() =>
            [.. Outcomes.Select(outcome => outcome ?? throw new InvalidOperationException("A save left a record without an outcome."))];

        public List<RecordWrite> Writes { get; } = [];
    }
}
