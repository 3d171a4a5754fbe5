using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;

namespace Sync.CrmSimulator.Writing;

/// <summary>A Lead or Contact is a member of a Campaign once.</summary>
public sealed class CampaignMembershipCheck(ICrmRecordStore store)
{
    /// <summary>
    /// Fails with DUPLICATE_VALUE each new CampaignMember still open whose Lead or Contact is already a live member of its
    /// Campaign, or is made one by an earlier record of the same call.
    /// </summary>
    public async Task Check(SaveBatch batch, IReadOnlyList<(SObjectDescribe Type, Dictionary<string, string?>? Fields)> records, CancellationToken cancellationToken)
    {
        var candidates = Enumerable.Range(0, records.Count)
            .Where(i => records[i].Type == SObjectSchema.CampaignMember && records[i].Fields is not null && batch.Open(i))
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
}
