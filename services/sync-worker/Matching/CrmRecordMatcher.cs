using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;

namespace Sync.SyncWorker.Matching;

/// <param name="Record">The matched record; null for a new Lead or a deleted record.</param>
/// <param name="Description">How the match was made, in words, for the sync result and the logs (never the e-mail address).</param>
public sealed record CrmMatch(CrmMatchKind Kind, CrmRecord? Record, string Description);

/// <summary>
/// Finds a prospect's CRM record the way the sync promises: the record it is synced with (following a converted Lead
/// to its Contact); otherwise by e-mail, a Contact before a Lead, never one another prospect is synced with, and among
/// several records with the address the most recently modified (ties: the lowest id); otherwise a new Lead. A record the
/// CRM deleted is never replaced.
/// </summary>
public static class CrmRecordMatcher
{
    /// <summary>The match, or null with <paramref name="contactToFetch"/> set when a converted Lead's Contact was not in the lookup.</summary>
    public static CrmMatch? Match(ProspectDto prospect, CrmLookupIndex index, out string? contactToFetch)
    {
        contactToFetch = null;
        if (prospect.CrmRecordId is { Length: > 0 } id)
        {
            var known = prospect.CrmObjectType is { } type
                ? index.Find(type, id)
                : index.Find(CrmObjectType.Lead, id) ?? index.Find(CrmObjectType.Contact, id);
            if (known is null && index.IsMissing(id))
                return new CrmMatch(CrmMatchKind.Deleted, null, $"{prospect.CrmObjectType?.ToString() ?? "Record"} {id} was deleted in the CRM");
            if (known is not null)
                return FollowConversion(known, $"{known.Type} {id}, the record the prospect is synced with", byEmail: false, index, out contactToFetch);
        }

        if (string.IsNullOrWhiteSpace(prospect.Email))
            return new CrmMatch(CrmMatchKind.NewLead, null, "new Lead: the prospect has no e-mail address to match by");

        var contacts = Unclaimed(index.WithEmail(CrmObjectType.Contact, prospect.Email), prospect.Id);
        if (contacts.Count > 0)
            return Choose(contacts, CrmMatchKind.ByEmail);

        var leads = Unclaimed(index.WithEmail(CrmObjectType.Lead, prospect.Email), prospect.Id);
        var openLeads = leads.Where(lead => !IsConverted(lead)).ToList();
        if (openLeads.Count > 0)
            return Choose(openLeads, CrmMatchKind.ByEmail);

        // Only converted Leads carry the address: the Contact each became is the prospect's record.
        var converted = MostRecent(leads);
        if (converted is not null)
            return FollowConversion(converted, $"Lead {converted.Id} with the prospect's e-mail address", byEmail: true, index, out contactToFetch);

        return new CrmMatch(CrmMatchKind.NewLead, null, "new Lead: no Contact or Lead has the prospect's e-mail address");
    }

    /// <summary>
    /// Records another prospect is synced with (its id in ProspectId__c) are never taken by e-mail: a sales rep retyping an
    /// address must not make two prospects write one record.
    /// </summary>
    private static List<CrmRecord> Unclaimed(IReadOnlyList<CrmRecord> records, long prospectId)
    {
        var own = prospectId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return [.. records.Where(record => record[CrmFields.ProspectId] is not { Length: > 0 } owner || string.Equals(owner, own, StringComparison.Ordinal))];
    }

    /// <param name="byEmail">
    /// The Lead was found by e-mail, not as the prospect's own record: when its Contact is gone, the prospect never had a
    /// record to lose, and gets a new Lead.
    /// </param>
    private static CrmMatch? FollowConversion(CrmRecord record, string description, bool byEmail, CrmLookupIndex index, out string? contactToFetch)
    {
        contactToFetch = null;
        if (!IsConverted(record))
            return new CrmMatch(CrmMatchKind.ById, record, description);
        if (record.ConvertedContactId is not { Length: > 0 } contactId)
            return new CrmMatch(CrmMatchKind.ById, record, description + " (converted, without a Contact)");

        if (index.Find(CrmObjectType.Contact, contactId) is { } contact)
            return new CrmMatch(CrmMatchKind.ConvertedLead, contact, $"Contact {contactId}, which Lead {record.Id} was converted into");
        if (index.IsMissing(contactId))
        {
            return byEmail
                ? new CrmMatch(CrmMatchKind.NewLead, null, $"new Lead: the only record with the prospect's e-mail address is Lead {record.Id}, whose Contact {contactId} was deleted in the CRM")
                : new CrmMatch(CrmMatchKind.Deleted, null, $"Contact {contactId}, which Lead {record.Id} was converted into, was deleted in the CRM");
        }
        contactToFetch = contactId;
        return null;
    }

    private static CrmMatch Choose(IReadOnlyList<CrmRecord> candidates, CrmMatchKind kind)
    {
        var chosen = MostRecent(candidates)!;
        var type = chosen.Type;
        var description = candidates.Count == 1
            ? $"{type} {chosen.Id}, the one {type} with the prospect's e-mail address"
            : $"{type} {chosen.Id}, the most recently modified of {candidates.Count} {type}s with the prospect's e-mail address (ties: lowest id)";
        return new CrmMatch(kind, chosen, description);
    }

    private static CrmRecord? MostRecent(IEnumerable<CrmRecord> records) =>
        records
            .OrderByDescending(record => record.LastModifiedDate ?? DateTimeOffset.MinValue)
            .ThenBy(record => record.Id, StringComparer.Ordinal)
            .FirstOrDefault();

    /// <summary>A Lead converted in the CRM: the CRM refuses every update of it (CANNOT_UPDATE_CONVERTED_LEAD).</summary>
    public static bool IsConverted(CrmRecord record) =>
        record.Type == CrmObjectType.Lead && string.Equals(record[CrmFields.IsConverted], "true", StringComparison.OrdinalIgnoreCase);
}
