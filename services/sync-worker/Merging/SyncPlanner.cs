using System.Globalization;
using Microsoft.Extensions.Options;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Matching;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Storage.MergeBases;

namespace Sync.SyncWorker.Merging;

/// <summary>
/// Plans what a batch writes to the CRM: each matched prospect's fields merged with its record (against its merge base), a
/// new Lead for a prospect with none, and nothing for a prospect that must not be written (its record deleted, a
/// converted Lead, a record another prospect of the batch already took). A prospect needing no CRM write is synced here.
/// </summary>
public sealed class SyncPlanner(FieldMerger merger, IOptions<FieldMappingOptions> mapping)
{
    private const string DuplicateMatch = "DUPLICATE_MATCH";
    private const string CannotUpdateConvertedLead = "CANNOT_UPDATE_CONVERTED_LEAD";

    /// <param name="bases">The merge bases of the prospects that have one.</param>
    public void Plan(List<ProspectSync> prospects, IReadOnlyDictionary<long, MergeBase> bases)
    {
        var claimedRecords = new HashSet<string>(StringComparer.Ordinal);
        // A prospect's own record goes to it before any other prospect of the batch can take it by e-mail, whatever the order.
        foreach (var prospect in prospects.OrderBy(prospect => prospect.Match?.Kind == CrmMatchKind.ByEmail))
        {
            var snapshot = prospect.Prospect!;
            var match = prospect.Match!;
            if (match.Kind == CrmMatchKind.Deleted)
            {
                prospect.Result = new ProspectResult(SyncOutcome.CrmRecordDeleted, snapshot.CrmObjectType, snapshot.CrmRecordId, null, match.Description);
                continue;
            }

            if (match.Record is not { } record)
            {
                PlanNewLead(prospect);
                continue;
            }

            if (CrmRecordMatcher.IsConverted(record))
            {
                // Only a converted Lead the CRM names no Contact for gets here: an operator must link the prospect to its Contact.
                prospect.Fail(new CrmError(CannotUpdateConvertedLead,
                    $"Lead {record.Id} was converted and the CRM names no Contact it became; a converted Lead is never updated.", []), match.Description);
                continue;
            }

            if (!claimedRecords.Add(record.Id!))
            {
                prospect.Fail(new CrmError(DuplicateMatch, $"Another prospect of the same batch matched {record.Type} {record.Id}.", []), match.Description);
                continue;
            }

            PlanUpdate(prospect, record, bases.GetValueOrDefault(prospect.ProspectId));
        }
    }

    private void PlanNewLead(ProspectSync prospect)
    {
        var snapshot = prospect.Prospect!;
        var settings = mapping.Value;
        prospect.Merge = merger.Merge(snapshot, null, CrmObjectType.Lead);
        var fields = new Dictionary<string, string?>(prospect.Merge.CrmChanges.ToDictionary(entry => entry.Key, entry => (string?)entry.Value))
        {
            [CrmFields.Email] = snapshot.Email,
            [CrmFields.ProspectId] = snapshot.Id.ToString(CultureInfo.InvariantCulture),
        };
        // The CRM requires both on a Lead; a prospect without them gets a placeholder, never written back.
        fields.TryAdd("LastName", settings.NewLeadLastName);
        fields.TryAdd("Company", settings.NewLeadCompany);
        prospect.Create = new CrmRecord { Type = CrmObjectType.Lead, Fields = fields };
    }

    private void PlanUpdate(ProspectSync prospect, CrmRecord record, MergeBase? agreed)
    {
        var snapshot = prospect.Prospect!;
        // A base agreed with another record (before a re-match or a conversion) says nothing of this one's values.
        var mergeBase = agreed is not null && string.Equals(agreed.CrmRecordId, record.Id, StringComparison.Ordinal) ? agreed.Values : null;
        prospect.Merge = merger.Merge(snapshot, record, record.Type, mergeBase);
        var changes = prospect.Merge.CrmChanges.ToDictionary(entry => entry.Key, entry => (string?)entry.Value);
        var prospectId = snapshot.Id.ToString(CultureInfo.InvariantCulture);
        if (!string.Equals(record[CrmFields.ProspectId], prospectId, StringComparison.Ordinal))
            changes[CrmFields.ProspectId] = prospectId;
        if (string.IsNullOrWhiteSpace(record.Email) && !string.IsNullOrWhiteSpace(snapshot.Email))
            changes[CrmFields.Email] = snapshot.Email;
        if (changes.Count > 0)
            prospect.Update = new CrmRecord { Id = record.Id, Type = record.Type, Fields = changes, IfUnmodifiedSince = record.LastModifiedDate };
        else
            prospect.Synced(record.Type, record.Id!, record.LastModifiedDate);
    }
}
