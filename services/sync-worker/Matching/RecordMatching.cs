using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.SyncWorker.Batches;

namespace Sync.SyncWorker.Matching;

/// <summary>
/// Finds the CRM record of every prospect of a batch with one lookup call, by the ids they are synced with and by their
/// e-mail addresses, and a second only when a converted Lead's Contact did not come with the first.
/// </summary>
public sealed class RecordMatching
{
    /// <param name="crm">The client the batch's calls are charged through.</param>
    public async Task Match(List<ProspectSync> prospects, ICrmClient crm, CancellationToken cancellationToken)
    {
        var known = prospects.Where(prospect => prospect.Prospect!.CrmRecordId is { Length: > 0 }).Select(prospect => prospect.Prospect!).ToList();
        var lookup = new CrmLookup
        {
            LeadIds = known.Where(prospect => prospect.CrmObjectType != CrmObjectType.Contact).Select(prospect => prospect.CrmRecordId!).Distinct().ToList(),
            ContactIds = known.Where(prospect => prospect.CrmObjectType != CrmObjectType.Lead).Select(prospect => prospect.CrmRecordId!).Distinct().ToList(),
            Emails = prospects.Select(prospect => prospect.Prospect!.Email).Where(email => !string.IsNullOrWhiteSpace(email))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
        };
        var index = new CrmLookupIndex();
        index.Add(await crm.Lookup(lookup, cancellationToken));

        var contactsToFetch = new List<string>();
        foreach (var prospect in prospects)
        {
            prospect.Match = CrmRecordMatcher.Match(prospect.Prospect!, index, out var contactId);
            if (contactId is not null)
                contactsToFetch.Add(contactId);
        }

        if (contactsToFetch.Count > 0)
        {
            // Only when a converted Lead's Contact did not come with the first lookup (it carries another e-mail address).
            index.Add(await crm.Lookup(new CrmLookup { ContactIds = contactsToFetch.Distinct().ToList() }, cancellationToken));
            foreach (var prospect in prospects.Where(prospect => prospect.Match is null))
            {
                prospect.Match = CrmRecordMatcher.Match(prospect.Prospect!, index, out var stillMissing)
                    ?? new CrmMatch(CrmMatchKind.Deleted, null, $"Contact {stillMissing}, which the prospect's Lead was converted into, is not in the CRM");
            }
        }
    }
}
