using System.Globalization;
using Sync.Clients.Crm;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Writing;

/// <summary>
/// Plans a Lead conversion as Salesforce's convertLead does: the Lead's Account (created from Company unless one is given)
/// and Contact (created from the Lead unless one is given, which then gets the Lead's values where it has none), and the
/// Lead marked converted — all writes of one batch, so one commit.
/// </summary>
public sealed class ConversionPlanner(ICrmRecordStore store, TargetReader targets, CrmUsers users)
{
    public const string ConvertedStatusDefault = "Closed - Converted";

    /// <summary>The records the conversion leaves, or null once the batch's only outcome says why it cannot convert.</summary>
    public async Task<ConversionOutcome?> Plan(SaveBatch batch, CrmUser user, string leadId, LeadConversion conversion, CancellationToken cancellationToken)
    {
        var lead = (await targets.Read(batch, [(SObjectSchema.Lead, leadId)], cancellationToken))[0];
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
        if (!batch.Open(0))
            return null;

        var accountId = account?.Id ?? await CreateAccount(batch, user, lead, ownerId, cancellationToken);
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
            var contactFields = RecordStamps.ForNewRecord(SObjectSchema.Contact, contactId, user, batch.Now, fromLead);
            batch.Writes.Add(new RecordWrite(SObjectSchema.Contact.Name, contactId, 0, null, contactFields,
                FeedEntries.For(SObjectSchema.Contact, contactFields, CrmChangeTypes.Create, FeedEntries.GivenFields(contactFields, SObjectSchema.Contact), user, batch.Now, lastModifiedDateMoved: true)));
        }
        else
        {
            contactId = contact.Id;
            FillContact(batch, user, contact, fromLead);
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
        RecordStamps.Touch(leadFields, lead, user, batch.Now);
        batch.Writes.Add(new RecordWrite(SObjectSchema.Lead.Name, lead.Id, lead.Version, lead.Fields, leadFields,
            FeedEntries.For(SObjectSchema.Lead, leadFields, CrmChangeTypes.Update, leadChanged, user, batch.Now, lastModifiedDateMoved: true)));
        batch.Outcomes[0] = SaveOutcome.Saved(lead.Id);
        return new ConversionOutcome(lead.Id, contactId, accountId);
    }

    private async Task<string> CreateAccount(SaveBatch batch, CrmUser user, StoredRecord lead, string ownerId, CancellationToken cancellationToken)
    {
        var accountId = SalesforceId.Create(SObjectSchema.Account.KeyPrefix, await store.ReserveSequence(SObjectSchema.Account.Name, 1, cancellationToken));
        var accountFields = RecordStamps.ForNewRecord(SObjectSchema.Account, accountId, user, batch.Now, new Dictionary<string, string?>
        {
            ["Name"] = lead["Company"],
            ["Industry"] = lead["Industry"],
            ["BillingCity"] = lead["City"],
            ["BillingCountry"] = lead["Country"],
            [SObjectSchema.OwnerId] = ownerId,
        });
        batch.Writes.Add(new RecordWrite(SObjectSchema.Account.Name, accountId, 0, null, accountFields,
            FeedEntries.For(SObjectSchema.Account, accountFields, CrmChangeTypes.Create, FeedEntries.GivenFields(accountFields, SObjectSchema.Account), user, batch.Now, lastModifiedDateMoved: true)));
        return accountId;
    }

    // An existing Contact gets the Lead's values only where it has none; its owner stays.
    private static void FillContact(SaveBatch batch, CrmUser user, StoredRecord contact, Dictionary<string, string?> fromLead)
    {
        var filled = fromLead.Where(field => field.Value is not null && contact[field.Key] is null && field.Key != SObjectSchema.OwnerId).ToList();
        if (filled.Count == 0)
            return;
        var contactFields = new Dictionary<string, string?>(contact.Fields);
        foreach (var (name, value) in filled)
            contactFields[name] = value;
        RecordStamps.Touch(contactFields, contact, user, batch.Now);
        batch.Writes.Add(new RecordWrite(SObjectSchema.Contact.Name, contact.Id, contact.Version, contact.Fields, contactFields,
            FeedEntries.For(SObjectSchema.Contact, contactFields, CrmChangeTypes.Update, [.. filled.Select(field => field.Key)], user, batch.Now, lastModifiedDateMoved: true)));
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
}
