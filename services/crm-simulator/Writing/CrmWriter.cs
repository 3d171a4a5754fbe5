using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Writing;

/// <summary>
/// Every change to the org's records, each planned by its planner and committed by <see cref="OptimisticSave"/>: with its
/// feed entries, in one atomic store call, planned again when a record changed meanwhile. So LastModifiedDate moves exactly
/// when a stored value really changes, and the feed carries every committed change once.
/// </summary>
public sealed class CrmWriter(
    OptimisticSave save,
    CreatePlanner creates,
    UpdatePlanner updates,
    DeletePlanner deletes,
    ConversionPlanner conversions,
    ScoreBandRecalculationPlanner recalculations,
    ICrmRecordStore store)
{
    /// <summary>How many records one recalculation commit covers: a collection's worth.</summary>
    private const int RecalculationChunk = 200;

    public Task<IReadOnlyList<SaveOutcome>> Create(CrmUser user, IReadOnlyList<NewRecord> records, bool allOrNone, CancellationToken cancellationToken) =>
        save.Run("create", records.Count, allOrNone, (batch, token) => creates.Plan(batch, user, records, token), cancellationToken);

    public Task<IReadOnlyList<SaveOutcome>> Update(CrmUser user, IReadOnlyList<RecordChange> records, bool allOrNone, CancellationToken cancellationToken) =>
        save.Run("update", records.Count, allOrNone, (batch, token) => updates.Plan(batch, user, records, token), cancellationToken);

    public Task<IReadOnlyList<SaveOutcome>> Delete(CrmUser user, IReadOnlyList<RecordDeletion> records, bool allOrNone, CancellationToken cancellationToken) =>
        save.Run("delete", records.Count, allOrNone, (batch, token) => deletes.PlanDeletes(batch, user, records, token), cancellationToken);

    public async Task<SaveOutcome> Undelete(CrmUser user, SObjectDescribe type, string id, CancellationToken cancellationToken) =>
        (await save.Run("undelete", 1, allOrNone: true, (batch, token) => deletes.PlanUndelete(batch, user, type, id, token), cancellationToken))[0];

    /// <summary>Converts a Lead as Salesforce's convertLead does (see <see cref="ConversionPlanner"/>), in one commit.</summary>
    public async Task<(SaveOutcome Outcome, ConversionOutcome? Conversion)> Convert(
        CrmUser user, string leadId, LeadConversion conversion, CancellationToken cancellationToken)
    {
        ConversionOutcome? converted = null;
        var outcome = (await save.Run("convert", 1, allOrNone: true, async (batch, token) =>
            converted = await conversions.Plan(batch, user, leadId, conversion, token), cancellationToken))[0];
        return (outcome, outcome.Success ? converted : null);
    }

    /// <summary>
    /// After an admin edited the Score_Band__c formula: one feed entry per Lead or Contact whose band changed (see
    /// <see cref="ScoreBandRecalculationPlanner"/>). Answers how many records were recalculated.
    /// </summary>
    public async Task<int> RecalculateScoreBands(ScoreBandFormula before, ScoreBandFormula after, CancellationToken cancellationToken)
    {
        var recalculated = 0;
        foreach (var type in new[] { SObjectSchema.Lead, SObjectSchema.Contact })
        {
            foreach (var chunk in (await store.AllIds(type.Name, cancellationToken)).Chunk(RecalculationChunk))
            {
                // The count of the attempt that committed: an attempt planned again replaces it.
                var planned = 0;
                await save.Run("recalculate", chunk.Length, allOrNone: false, async (batch, token) =>
                {
                    await recalculations.Plan(batch, type, chunk, before, after, token);
                    planned = batch.Writes.Count;
                }, cancellationToken);
                recalculated += planned;
            }
        }
        return recalculated;
    }
}
