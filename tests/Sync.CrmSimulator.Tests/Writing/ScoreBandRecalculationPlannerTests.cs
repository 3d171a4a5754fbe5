using System.Text.Json.Nodes;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Tests.Support;
using Sync.CrmSimulator.Writing;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests.Writing;

[FastLane]
public sealed class ScoreBandRecalculationPlannerTests
{
    private readonly WriterParts _crm = new();

    [Fact]
    public async Task OnlyRecordsWhoseBandChangesGetAnEntryAndNoFieldIsWritten()
    {
        var moves = await _crm.Seed(SObjectSchema.Lead, new JsonObject { ["LastName"] = "Moves", ["Company"] = "A", [SObjectSchema.Score] = 60 });
        var stays = await _crm.Seed(SObjectSchema.Lead, new JsonObject { ["LastName"] = "Stays", ["Company"] = "A", [SObjectSchema.Score] = 10 });
        var unscored = await _crm.SeedLead("Unscored");
        var batch = WriterParts.Batch(3);

        await new ScoreBandRecalculationPlanner(_crm.Store, _crm.Users).Plan(
            batch, SObjectSchema.Lead, [moves, stays, unscored], ScoreBandFormula.Default, new ScoreBandFormula(70, 100), CancellationToken.None);

        Assert.All(batch.Decided(), outcome => Assert.True(outcome.Success));
        var write = Assert.Single(batch.Writes);
        Assert.Equal(moves, write.Id);
        Assert.Null(write.Fields);
        Assert.Equal([SObjectSchema.ScoreBand], write.Change!.ChangedFields);
        Assert.False(write.Change.LastModifiedDateMoved);
        Assert.Equal(SimulatorHost.AutomatedProcessUserId, write.Change.CommitUser);
    }
}
