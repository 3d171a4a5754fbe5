using Sync.Clients.Crm;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Writing;

/// <summary>
/// Plans what an admin's edit of the Score_Band__c formula leaves in the feed: an UPDATE of Score_Band__c for each live
/// record whose band changed, by the Automated Process user, that writes no field and leaves LastModifiedDate where it was
/// — a formula recalculation is no change to the record.
/// </summary>
public sealed class ScoreBandRecalculationPlanner(ICrmRecordStore store, CrmUsers users)
{
    /// <summary>Every record of <paramref name="ids"/> saves; the batch's writes are the records recalculated.</summary>
    public async Task Plan(SaveBatch batch, SObjectDescribe type, IReadOnlyList<string> ids, ScoreBandFormula before, ScoreBandFormula after, CancellationToken cancellationToken)
    {
        var records = (await store.GetMany(type.Name, [.. ids], cancellationToken)).ToDictionary(record => record.Id);
        for (var i = 0; i < ids.Count; i++)
        {
            batch.Outcomes[i] = SaveOutcome.Saved(ids[i]);
            if (!records.TryGetValue(ids[i], out var record) || record.IsDeleted
                || before.Band(record[SObjectSchema.Score]) == after.Band(record[SObjectSchema.Score]))
                continue;
            batch.Writes.Add(new RecordWrite(type.Name, record.Id, record.Version, null, null,
                FeedEntries.For(type, record.Fields, CrmChangeTypes.Update, [SObjectSchema.ScoreBand], users.AutomatedProcess, batch.Now, lastModifiedDateMoved: false)));
        }
    }
}
